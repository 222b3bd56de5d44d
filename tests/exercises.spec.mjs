// "Predict, then run" (issue 20) in Chromium: every exercise of www/exercises/*.json through its
// <noiselab-exercise> element on www/exercises/index.html, at the exercise's own settings: the
// stated answer committed (by the form), Run, and the check says correct with the explanation
// and the measured numbers; every wrong answer to the same runs is graded incorrect; a wrong
// prediction made through the form says so; a prediction by keyboard alone; the answers survive
// a reload (localStorage); the exit ticket downloads with ids, predictions, outcomes, numbers,
// timestamps and each run's link, and a link reopens its run's settings. The numbers the element
// measured equal the release CLI's at the same settings, bit for bit; the same stated answers at
// several seeds: tests/exercises-seeds.spec.mjs (CLI, no browser).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { watchConsole } from './helpers.mjs';
import { exerciseFiles, checkNativeAll } from './exercises-cli.mjs';

const FILES = exerciseFiles();
const ALL = FILES.flatMap((f) => f.exercises.map((ex) => ({ ...ex, src: f.file, section: f.section })));
const PAGE = 'www/exercises/index.html';

/** A prediction other than the stated answer (a number well outside the tolerance, in range). */
function wrongAnswer(ex) {
  const p = ex.prediction;
  if (p.kind !== 'number') return p.options.find((o) => o.id !== ex.answer).id;
  const off = 4 * (p.tolerance ?? 0) + 0.5;
  return ex.answer + off <= (p.max ?? Infinity) ? ex.answer + off : ex.answer - off;
}

async function commitByForm(el, ex, answer) {
  if (ex.prediction.kind === 'number') await el.locator('input[name=prediction]').fill(String(answer));
  else await el.locator(`input[name=prediction][value="${answer}"]`).check();
  await el.getByRole('button', { name: 'Commit prediction' }).click();
  await expect(el.locator('.committed')).toContainText('Your prediction:');
}

async function runAndWait(el) {
  const run = el.getByRole('button', { name: 'Run', exact: true });
  await expect(run).toBeEnabled();
  await run.click();
  await expect(el.locator('.result')).toBeVisible({ timeout: 90_000 });
  return el.evaluate((e) => e.record);
}

test.describe.configure({ mode: 'serial' });

test('every exercise at its settings: the stated answer is correct, the explanation shows the numbers, every other answer is incorrect', async ({ page }) => {
  test.setTimeout(600_000);
  const con = watchConsole(page);
  // The CLI's runs of every exercise at its settings, one process at a time, while the browser
  // works (compared below, exercise by exercise; a run two exercises share is run once).
  const natives = checkNativeAll(ALL.map((ex) => [ex, {}]), 1);
  natives.catch(() => {}); // (awaited below; a failure is thrown there)
  await page.goto(PAGE);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  expect(await page.locator('noiselab-exercise').count()).toBe(ALL.length);
  const times = [];
  for (const [k, ex] of ALL.entries()) {
    const t0 = Date.now();
    const el = page.locator(`noiselab-exercise[exercise="${ex.id}"]`);
    await el.evaluate((e) => e.ready);
    await el.scrollIntoViewIfNeeded();
    await expect(el.locator('.question')).toHaveText(ex.question);
    // Run is disabled until a prediction is committed.
    await expect(el.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
    await commitByForm(el, ex, ex.answer);
    const rec = await runAndWait(el);
    expect(rec.grade, `${ex.id}: ${rec.explanation}`).toBe('correct');
    await expect(el.locator('.result .verdict-line')).toContainText('Correct.');
    // The explanation follows the numbers: every quantity it names is shown as measured.
    const shown = await el.locator('.result .explanation').textContent();
    expect(shown).toBe(rec.explanation);
    for (const [, name] of String(ex.explanation[ex.prediction.kind === 'number' ? 'correct' : String(ex.answer)]).matchAll(/\{(\w+)\}/g)) {
      expect(shown, `${ex.id}: {${name}}`).toContain(rec.measured[name].text);
    }
    await expect(el.locator('.result tbody tr')).toHaveCount(Object.keys(ex.quantities).length);
    // One run per labelled setting, each with its link (the settings, the seed among them).
    expect(rec.runs.map((r) => r.label)).toEqual(ex.runs.map((r) => r.label));
    await expect(el.locator('.runs li')).toHaveCount(ex.runs.length);
    for (const [i, r] of rec.runs.entries()) {
      for (const [k, v] of Object.entries(ex.runs[i].settings)) expect(r.settings[k], `${ex.id} run ${i} ${k}`).toBe(String(v));
      expect(r.link).toContain(`widget=${ex.widget}`);
    }
    // The same runs with every other answer are graded incorrect (or too close, never correct).
    const others = ex.prediction.kind === 'number' ? [wrongAnswer(ex)] : ex.prediction.options.map((o) => o.id).filter((id) => id !== ex.answer);
    const grades = await el.evaluate(async (e, answers) => {
      const { evaluate } = await import('../lib/exercise-check.js');
      return answers.map((a) => evaluate(e.ex, e.widgetDocs, a).grade);
    }, others);
    expect(grades, ex.id).toEqual(others.map(() => 'incorrect'));
    // The CLI at the same settings measures the same numbers, bit for bit (so the seeds test,
    // which runs the CLI, tests what the student sees).
    const native = (await natives).results[k].measured;
    for (const [n, q] of Object.entries(rec.measured)) expect([n, q.value, q.se], ex.id).toEqual([n, native[n].value, native[n].se]);
    // Free the widget's worker before the next exercise.
    await el.evaluate((e) => { e.widget?.remove(); });
    times.push(`${ex.id} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`exercises in Chromium: ${times.join(', ')}`);
  con.check();
});

test('a wrong prediction says so; the answers survive a reload; the exit ticket downloads and its links reopen the runs', async ({ page }) => {
  test.setTimeout(180_000);
  const con = watchConsole(page);
  await page.goto(PAGE);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  // A wrong prediction through the form: a sign (the funnel's drift) and a number (a slope).
  const wrong = ALL.filter((ex) => ['funnel-more-noise', 'one-epoch-third-order'].includes(ex.id));
  expect(wrong.length).toBe(2);
  for (const ex of wrong) {
    const el = page.locator(`noiselab-exercise[exercise="${ex.id}"]`);
    await el.evaluate((e) => e.ready);
    await el.scrollIntoViewIfNeeded();
    await commitByForm(el, ex, wrongAnswer(ex));
    const rec = await runAndWait(el);
    expect(rec.grade).toBe('incorrect');
    await expect(el.locator('.result .verdict-line')).toContainText('Not what the run shows.');
    await expect(el.locator('.result')).toHaveAttribute('data-grade', 'incorrect');
  }
  // A number that is missing or out of range is refused with a message; Run stays disabled.
  const num = page.locator('noiselab-exercise[exercise="nng-adam-correlation"]');
  await num.scrollIntoViewIfNeeded();
  await num.getByRole('button', { name: 'Commit prediction' }).click();
  await expect(num.getByRole('alert')).toHaveText('Type a number first.');
  await num.locator('input[name=prediction]').fill('3');
  await num.getByRole('button', { name: 'Commit prediction' }).click();
  await expect(num.getByRole('alert')).toHaveText('The number must be between -1 and 1.');
  await expect(num.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  // By keyboard alone: the radio group, Commit, then Run (focused once the prediction is made).
  const kb = ALL.find((ex) => ex.id === 'funnel-drift-direction');
  const el = page.locator(`noiselab-exercise[exercise="${kb.id}"]`);
  await el.scrollIntoViewIfNeeded();
  await el.locator('input[name=prediction]').first().focus();
  await page.keyboard.press('Space'); // the first option: positive, the stated answer
  await page.keyboard.press('Tab');
  await expect(el.getByRole('button', { name: 'Commit prediction' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(el.getByRole('button', { name: 'Run', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(el.locator('.result')).toBeVisible({ timeout: 60_000 });
  expect(await el.evaluate((e) => e.record.grade)).toBe('correct');
  // A committed, not yet run prediction too.
  const pending = page.locator('noiselab-exercise[exercise="sharp-large-batch"]');
  await commitByForm(pending, ALL.find((ex) => ex.id === 'sharp-large-batch'), 'small');

  // Reload: every answer is back, results shown without running again.
  await page.reload();
  for (const ex of [...wrong, kb]) {
    const e2 = page.locator(`noiselab-exercise[exercise="${ex.id}"]`);
    await e2.evaluate((e) => e.ready);
    await expect(e2.locator('.committed')).toContainText('Your prediction:');
    await expect(e2.locator('.result')).toBeVisible();
    await expect(e2.locator('.result')).toHaveAttribute('data-grade', ex === kb ? 'correct' : 'incorrect');
    await expect(e2.locator('input[name=prediction]').first()).toBeDisabled();
  }
  const p2 = page.locator('noiselab-exercise[exercise="sharp-large-batch"]');
  await expect(p2.locator('.committed')).toContainText('The small batch (B = 8)');
  await expect(p2.getByRole('button', { name: 'Run', exact: true })).toBeEnabled();
  await expect(p2.locator('.result')).toBeHidden();

  // The exit ticket.
  const [download] = await Promise.all([page.waitForEvent('download'), p2.getByRole('button', { name: 'Download exit ticket' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^noiselab-exit-ticket-\d{4}-\d{2}-\d{2}\.json$/);
  const ticket = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(ticket.format).toBe('noiselab-exit-ticket');
  expect(ticket.version).toBe(1);
  expect(ticket.exercises.map((x) => x.id).sort()).toEqual(['funnel-drift-direction', 'funnel-more-noise', 'one-epoch-third-order', 'sharp-large-batch']);
  for (const x of ticket.exercises) {
    expect(Date.parse(x.committedAt)).toBeGreaterThan(0);
    expect(x.prediction.kind).toBeTruthy();
    if (x.id === 'sharp-large-batch') { expect(x.grade).toBeUndefined(); expect(x.prediction.answer).toBe('small'); continue; }
    expect(Date.parse(x.completedAt)).toBeGreaterThanOrEqual(Date.parse(x.committedAt));
    expect(['correct', 'incorrect']).toContain(x.grade);
    expect(Object.values(x.measured).every((q) => Number.isFinite(q.value) && typeof q.text === 'string')).toBe(true);
    expect(x.runs.length).toBeGreaterThan(0);
    for (const r of x.runs) expect(r.link).toMatch(/frame\.html\?widget=[a-z-]+#/);
  }
  // A run's link opens its widget with the run's settings (the σ = 2 run of the funnel contrast).
  const sigma2 = ticket.exercises.find((x) => x.id === 'funnel-more-noise').runs.find((r) => r.label === 'σ = 2');
  await page.goto(sigma2.link);
  const w = page.locator('noiselab-funnel');
  await w.evaluate(async (e) => { await customElements.whenDefined(e.localName); await e.ready; });
  expect(await w.evaluate((e) => e.settings.noiseStd)).toBe('2');
  expect(await w.evaluate((e) => e.settings.seed)).toBe('1');

  // Try again forgets the answer.
  await page.goto(PAGE);
  const again = page.locator('noiselab-exercise[exercise="funnel-more-noise"]');
  await again.evaluate((e) => e.ready);
  await again.getByRole('button', { name: 'Try again' }).click();
  await expect(again.locator('.result')).toBeHidden();
  await expect(again.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  expect(await page.evaluate(() => Object.keys(JSON.parse(localStorage.getItem('noiselab-exercises')).answers).sort())).toEqual(['funnel-drift-direction', 'one-epoch-third-order', 'sharp-large-batch']);
  con.check();
});

test('the lecture page shows each section\'s exercises, and none runs until asked', async ({ page }) => {
  test.setTimeout(120_000);
  const con = watchConsole(page);
  await page.goto('index.html');
  for (const f of FILES) {
    const block = page.locator(`#${f.section} .exercise-block`);
    await block.scrollIntoViewIfNeeded();
    await expect(block.locator('noiselab-exercise')).toHaveCount(f.exercises.length);
    for (const ex of f.exercises) await expect(block.locator(`noiselab-exercise[exercise="${ex.id}"] .question`)).toHaveText(ex.question);
  }
  // No exercise made a widget (nothing computed) on its own.
  expect(await page.evaluate(() => [...document.querySelectorAll('noiselab-exercise')].filter((e) => e.widget).length)).toBe(0);
  expect(await page.locator('noiselab-exercise .stage > *').count()).toBe(0);
  con.check();
});

test.describe('accessibility', () => {
  test.use({ bypassCSP: true }); // (axe is injected as a script by the test, not the page)
  for (const [w, h] of [[1280, 900], [390, 844]]) {
    test(`axe-core finds no violation in an exercise before and after its run, at ${w}×${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(PAGE);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
      const axe = () => page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
      await page.evaluate(() => Promise.all([...document.querySelectorAll('noiselab-exercise')].map((e) => e.ready)));
      expect(await axe()).toEqual([]);
      const ex = ALL.find((x) => x.id === 'sgd-stationary-spread');
      const el = page.locator(`noiselab-exercise[exercise="${ex.id}"]`);
      await el.scrollIntoViewIfNeeded();
      await commitByForm(el, ex, 'same');
      expect((await runAndWait(el)).grade).toBe('incorrect');
      expect(await axe()).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
    });
  }
});
