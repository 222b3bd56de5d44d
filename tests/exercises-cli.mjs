// The exercises (www/exercises/*.json) run natively: each run of an exercise, at a given seed,
// through the release CLI (`noiselab run <kind> --config settings.json --out run.json`), which
// computes the browser's numbers bit for bit (tests/files.spec.mjs). Used by
// tests/exercises-seeds.spec.mjs; `node tests/exercises-cli.mjs [seeds…]` prints every
// exercise's outcome at its seeds (or the ones given) for authoring.
import { execFile, execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../www/lib/exercise-check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = process.env.NOISELAB_CLI ?? path.join(root, 'target/release/noiselab');
export const EXERCISE_DIR = path.join(root, 'www/exercises');

/** Every exercise file: [{file, section, exercises}] in the order of the lecture's sections. */
export const SECTIONS = ['sharp-flat', 'dropout', 'vb-mdl', 'vb-curvature', 'noisy-natural-gradient', 'sgd-implicit-vb', 'funnel', 'implicit-regularizer'];
export function exerciseFiles() {
  const names = readdirSync(EXERCISE_DIR).filter((f) => f.endsWith('.json'));
  return names.map((f) => ({ file: f, ...JSON.parse(readFileSync(path.join(EXERCISE_DIR, f), 'utf8')) }))
    .sort((a, b) => SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section));
}

/** The settings overrides an exercise's stated answer is tested at: each seed of `seeds`, or
    each of `variants` (settings, for an experiment without a seed). */
export const robustness = (ex) => (ex.seeds ? ex.seeds.map((seed) => ({ seed })) : ex.variants);
const describe = (v) => Object.entries(v).map(([k, x]) => `${k} ${x}`).join(', ');

/** The settings file of one run of `ex` with `over` (settings) over the run's settings. */
const settingsOf = (run, over) => JSON.stringify(Object.fromEntries(Object.entries({ ...run.settings, ...over }).map(([k, v]) => [k, String(v)])));

/** The CLI's document of one run of `ex` with `over` (settings) over the run's settings. */
export function runNative(ex, run, over = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-ex-'));
  try {
    const config = path.join(dir, 'settings.json'), out = path.join(dir, 'run.json');
    writeFileSync(config, settingsOf(run, over));
    execFileSync(CLI, ['run', ex.widget, '--config', config, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The check of `ex` on its runs with `over`, with the stated answer as the prediction. */
export function checkNative(ex, over) {
  return evaluate(ex, ex.runs.map((r) => runNative(ex, r, over)), ex.answer);
}

/**
 * `checkNative` for many [exercise, over] pairs at once, in order: the CLI runs they need, each
 * distinct (kind, settings file) once (the CLI is deterministic: the same settings give the same
 * document, bit for bit; several exercises share runs), `jobs` processes at a time.
 */
export async function checkNativeAll(pairs, jobs = Math.min(2, availableParallelism())) {
  const run = promisify(execFile);
  const texts = new Map(); // key → Promise of the document's text
  const queue = [];
  const keyOf = (ex, r, over) => `${ex.widget} ${settingsOf(r, over)}`;
  for (const [ex, over] of pairs) {
    for (const r of ex.runs) {
      const key = keyOf(ex, r, over);
      if (texts.has(key)) continue;
      let resolve, reject;
      texts.set(key, new Promise((res, rej) => { resolve = res; reject = rej; }));
      queue.push({ kind: ex.widget, settings: settingsOf(r, over), resolve, reject });
    }
  }
  for (const t of texts.values()) t.catch(() => {}); // (awaited below; a failure is thrown there)
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-ex-'));
      try {
        const config = path.join(dir, 'settings.json'), out = path.join(dir, 'run.json');
        writeFileSync(config, job.settings);
        await run(CLI, ['run', job.kind, '--config', config, '--out', out], { maxBuffer: 64 << 20 });
        job.resolve(readFileSync(out, 'utf8'));
      } catch (err) {
        job.reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  };
  const runs = texts.size;
  await Promise.all(Array.from({ length: jobs }, worker));
  const results = [];
  for (const [ex, over] of pairs) {
    // A document of its own for every use (parsed afresh), as from a run of its own.
    const docs = await Promise.all(ex.runs.map(async (r) => JSON.parse(await texts.get(keyOf(ex, r, over)))));
    results.push(evaluate(ex, docs, ex.answer));
  }
  return { results, runs };
}
export { describe as describeOverride };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.env.EXERCISE;
  const seedsArg = process.argv.slice(2).map(Number);
  for (const f of exerciseFiles()) {
    for (const ex of f.exercises) {
      if (only && ex.id !== only) continue;
      for (const over of seedsArg.length && ex.seeds ? seedsArg.map((seed) => ({ seed })) : robustness(ex)) {
        const t0 = Date.now();
        const r = checkNative(ex, over);
        console.log(`${ex.id} ${describe(over)}: ${r.grade} (outcome ${r.outcome}; ${Object.entries(r.values).map(([n, v]) => `${n} ${v}`).join(', ')}) ${Date.now() - t0} ms`);
      }
    }
  }
}
