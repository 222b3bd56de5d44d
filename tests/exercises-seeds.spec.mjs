// "The stated answer is what the run gives at several seeds" (issue 20), for every exercise of
// www/exercises/*.json: each exercise's runs at each of its seeds (or, for an experiment without
// a seed, each of its variants) computed by the release CLI, which gives the browser's numbers
// bit for bit (tests/files.spec.mjs; tests/exercises.spec.mjs checks it for these exercises), and
// checked by the same www/lib/exercise-check.js the element uses. No browser: this spec uses no
// page. Also: the files' schema, and the check vocabulary on hand-made documents.
import { test, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import { CLI, SECTIONS, exerciseFiles, checkNativeAll, robustness, describeOverride } from './exercises-cli.mjs';
import { validateFile, evaluate, outcomeOf, measure, TOO_CLOSE } from '../www/lib/exercise-check.js';

const FILES = exerciseFiles();
const ALL = FILES.flatMap((f) => f.exercises);

test('the exercise files: valid, one per lecture section, at least two exercises each, ids unique', () => {
  expect(FILES.map((f) => f.section)).toEqual(SECTIONS);
  for (const f of FILES) {
    expect(validateFile(f), f.file).toEqual([]);
    expect(f.file).toBe(`${f.section}.json`);
    expect(f.exercises.length, f.section).toBeGreaterThanOrEqual(2);
  }
  expect(ALL.length).toBeGreaterThanOrEqual(16);
  expect(new Set(ALL.map((e) => e.id)).size).toBe(ALL.length);
  // Every prediction kind is used.
  expect([...new Set(ALL.map((e) => e.prediction.kind))].sort()).toEqual(['choice', 'larger', 'number', 'sign']);
  // A file with a mistake is refused with its reason.
  const bad = structuredClone(FILES[0]);
  bad.exercises[0].answer = 'nonsense';
  bad.exercises[0].explanation.always = 'see {missing}';
  bad.exercises[1].seeds = [1];
  const errs = validateFile(bad).join('\n');
  expect(errs).toContain('the stated answer "nonsense" is not an option');
  expect(errs).toContain('unknown quantity {missing}');
  expect(errs).toContain('at least three');
});

test('the check vocabulary: 2 standard errors decide "too close to call", margins, bins, derived quantities', () => {
  const doc = (x) => ({ snapshot: x });
  const ex = (check, quantities, kind = 'larger', options = [{ id: 'a' }, { id: 'b' }]) => ({
    id: 't', widget: 'funnel', runs: [{ label: 'one' }, { label: 'two' }], prediction: { kind, options, tolerance: 0.1 }, quantities, check,
  });
  const q = { a: { path: 'snapshot.a', se: 'snapshot.sa' }, b: { run: 'two', path: 'snapshot.a', se: 'snapshot.sa' } };
  const larger = ex({ larger: ['a', 'b'] }, q);
  // 1.0 ± 0.1 vs 0.5 ± 0.1: difference 0.5 > 2·0.141: a.
  expect(outcomeOf(larger, measure(larger, [doc({ a: 1, sa: 0.1 }), doc({ a: 0.5, sa: 0.1 })]))).toBe('a');
  // 1.0 ± 0.2 vs 0.5 ± 0.2: 0.5 < 2·0.283: too close.
  expect(outcomeOf(larger, measure(larger, [doc({ a: 1, sa: 0.2 }), doc({ a: 0.5, sa: 0.2 })]))).toBe(TOO_CLOSE);
  expect(evaluate(larger, [doc({ a: 1, sa: 0.2 }), doc({ a: 0.5, sa: 0.2 })], 'a').grade).toBe(TOO_CLOSE);
  // No SE: the margin decides (relative to the larger value).
  const margin = ex({ larger: ['a', 'b'], margin: 0.1 }, { a: { path: 'snapshot.a' }, b: { run: 1, path: 'snapshot.a' } });
  expect(outcomeOf(margin, measure(margin, [doc({ a: 1 }), doc({ a: 0.95 })]))).toBe(TOO_CLOSE);
  expect(outcomeOf(margin, measure(margin, [doc({ a: 1 }), doc({ a: 0.85 })]))).toBe('a');
  // Sign: within 2 SE of 0 is too close.
  const sign = ex({ sign: 'a' }, { a: q.a }, 'sign', [{ id: 'positive' }, { id: 'negative' }]);
  expect(outcomeOf(sign, measure(sign, [doc({ a: -0.3, sa: 0.1 })]))).toBe('negative');
  expect(outcomeOf(sign, measure(sign, [doc({ a: 0.15, sa: 0.1 })]))).toBe(TOO_CLOSE);
  // Bins: a value within 2 SE of an edge is too close; otherwise its bin.
  const bins = ex({ bins: 'a', edges: [0.8, 1.25], choices: ['lo', 'mid', 'hi'] }, { a: q.a }, 'choice', [{ id: 'lo' }, { id: 'mid' }, { id: 'hi' }]);
  expect(outcomeOf(bins, measure(bins, [doc({ a: 1, sa: 0.05 })]))).toBe('mid');
  expect(outcomeOf(bins, measure(bins, [doc({ a: 1.2, sa: 0.05 })]))).toBe(TOO_CLOSE);
  expect(outcomeOf(bins, measure(bins, [doc({ a: 7, sa: 0.05 })]))).toBe('hi');
  // Smallest of several, derived ratio and distance with propagated SEs.
  const derived = ex({ smallest: ['r', 'd'] }, { ...q, r: { ratio: ['a', 'b'] }, d: { distance: ['b', 'a'] } }, 'choice', [{ id: 'r' }, { id: 'd' }]);
  const m = measure(derived, [doc({ a: 2, sa: 0.1 }), doc({ a: 1, sa: 0.1 })]);
  expect(m.r.value).toBe(2);
  expect(m.r.se).toBeCloseTo(2 * Math.hypot(0.05, 0.1), 12);
  expect(m.d.value).toBe(1);
  expect(m.d.se).toBeCloseTo(Math.hypot(0.1, 0.1), 12);
  expect(outcomeOf(derived, m)).toBe('d');
  // A number: correct within the tolerance plus 2 SE.
  const number = { ...ex({ value: 'a' }, { a: q.a }, 'number'), answer: 1, explanation: { correct: 'got {a}', incorrect: 'no: {a}' } };
  const r = evaluate(number, [doc({ a: 1.2, sa: 0.01 })], 1);
  expect(r.grade).toBe('incorrect'); // |1 − 1.2| > 0.1 + 0.02
  expect(r.explanation).toBe('no: 1.20 ± 0.0100');
  expect(evaluate(number, [doc({ a: 1.2, sa: 0.06 })], 1).grade).toBe('correct');
  // A quantity missing from the run's document is an error, never a silent pass.
  expect(() => measure(larger, [doc({}), doc({ a: 1 })])).toThrow(/missing or not finite/);
});

test('every exercise\'s stated answer is what the runs give at each of its seeds (CLI)', async () => {
  test.setTimeout(600_000);
  expect(existsSync(CLI), `${CLI}: build it with cargo build --release -p noiselab-cli (scripts/test.sh does)`).toBe(true);
  const t0 = Date.now();
  const pairs = [];
  for (const ex of ALL) {
    const at = robustness(ex);
    expect(at.length, ex.id).toBeGreaterThanOrEqual(3);
    for (const over of at) pairs.push([ex, over]);
  }
  // Every exercise at every seed; a run two exercises share (same kind and settings) is run once.
  const { results, runs } = await checkNativeAll(pairs);
  const lines = [];
  for (const [i, [ex, over]] of pairs.entries()) {
    const r = results[i];
    lines.push(`${ex.id} ${describeOverride(over)}: ${r.grade} (${Object.entries(r.values).map(([n, v]) => `${n} ${v}`).join(', ')})`);
    expect(r.grade, `${ex.id} at ${describeOverride(over)}: ${r.explanation}`).toBe('correct');
  }
  const used = pairs.reduce((n, [ex]) => n + ex.runs.length, 0);
  console.log(`${lines.join('\n')}\n${ALL.length} exercises, ${used} runs (${runs} distinct CLI runs) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});
