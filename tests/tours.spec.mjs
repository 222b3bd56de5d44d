// Guided tours (issue 20; www/lib/tour.js, www/tours/*.json, docs/tours.md): every tour runs from
// its first step to its last through the UI, and at each step the widget is in the state the
// step names (read from the element's public settings, preset and view), the outline is shown
// over the step's target and the target is in view; keyboard only; leave and resume; a link
// opens a tour at a step; a phone-width walk; no axe violation with a tour open.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { watchConsole } from './helpers.mjs';

const TOURS = JSON.parse(readFileSync('www/tours/index.json', 'utf8')).tours;
const tourOf = (id) => JSON.parse(readFileSync(`www/tours/${id}.json`, 'utf8'));

/** What step i sets (the format's rule, docs/tours.md): the preset and settings of the last
    step up to i that names any for the same widget, and likewise its view. */
function expected(tour, i) {
  const w = tour.steps[i].widget;
  let state = null, view = null;
  for (let k = i; k >= 0; k--) {
    const s = tour.steps[k];
    if (s.widget !== w) continue;
    if (!state && (s.preset !== undefined || s.settings !== undefined)) state = { preset: s.preset ?? 'default', settings: s.settings ?? {} };
    if (!view && s.view !== undefined) view = s.view;
  }
  return { state, view };
}

const panel = (page) => page.locator('aside.nl-tour');
// The tests are shared out between the workers (two in scripts/test.sh). Each opens its own page,
// except the whole-tour walks: a reader takes one section's tour after another on the same open
// page, and so do they, on one lab page per worker (`labPage`; every walk starts from a button
// on it and leaves no tour open, as checked at its end). A failed test ends its worker, and the
// next worker opens a fresh page.
test.describe.configure({ mode: 'parallel' });
const walkTest = test.extend({
  labPage: [async ({ browser }, use, workerInfo) => {
    const { baseURL, viewport } = workerInfo.project.use;
    const context = await browser.newContext({ baseURL, viewport });
    const page = await context.newPage();
    const con = watchConsole(page);
    await page.goto('index.html');
    await use({ page, con });
    await context.close();
  }, { scope: 'worker' }],
});

/** Wait for step `n` (1-based) to be shown and set up. */
async function atStep(page, n) {
  await expect(panel(page)).toHaveAttribute('data-step', String(n), { timeout: 30_000 });
  await expect(panel(page)).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
}

/** Check step i of `tour` on the page: text, count, the widget's state, the outline and its target. */
async function checkStep(page, tour, i) {
  const step = tour.steps[i];
  await atStep(page, i + 1);
  const p = panel(page);
  await expect(p.locator('.nl-tour-count')).toHaveText(`Step ${i + 1} of ${tour.steps.length}`);
  await expect(p.locator('.nl-tour-text')).toHaveText(step.text);
  await expect(p.locator('.nl-tour-error')).toHaveText('');
  await expect(p.locator('.nl-tour-where')).toHaveText(/^Highlighted: .+\.$/);
  const { state, view } = expected(tour, i);
  // The outline over the target, measured in the same frame as the target.
  const got = await page.evaluate(({ id, target }) => new Promise((resolve) => requestAnimationFrame(() => {
    const el = document.getElementById(id);
    const t = el.locate(target ?? {});
    const mark = document.querySelector('.nl-tour-highlight');
    const m = mark.hidden ? null : mark.getBoundingClientRect();
    resolve({
      preset: el.preset, settings: el.settings, view: el.view, playing: el.playing,
      target: t && { w: t.width, h: t.height }, markShown: Boolean(m && m.width > 0 && getComputedStyle(mark).display !== 'none'),
    });
  })), { id: step.widget, target: step.target });
  const where = `${tour.section} step ${i + 1}`;
  if (state) {
    expect(got.preset, `${where}: preset`).toBe(state.preset);
    for (const [k, v] of Object.entries(state.settings)) expect(got.settings[k], `${where}: setting ${k}`).toBe(String(v));
  }
  if (view) expect(got.view, `${where}: view`).toBe(view);
  if (step.run === 'play') expect(got.playing, `${where}: playing`).toBe(true);
  expect(got.target, `${where}: the target is on the page`).not.toBeNull();
  expect(got.markShown, `${where}: the outline is shown`).toBe(true);
  // The outline covers the target (it glides there unless motion is reduced) and the target is
  // scrolled into view (a smooth scroll may still be finishing).
  const measure = () => page.evaluate(({ id, target }) => {
    const t = document.getElementById(id).locate(target ?? {});
    const m = document.querySelector('.nl-tour-highlight').getBoundingClientRect();
    const inter = Math.max(0, Math.min(t.right, m.right) - Math.max(t.left, m.left)) * Math.max(0, Math.min(t.bottom, m.bottom) - Math.max(t.top, m.top));
    const visible = Math.max(0, Math.min(t.bottom, innerHeight) - Math.max(t.top, 0)) / Math.min(t.height, innerHeight);
    return Math.min(inter / (t.width * t.height) / 0.95, visible / 0.9);
  }, { id: step.widget, target: step.target });
  await expect.poll(measure, { message: `${where}: the outline covers the target, in view`, timeout: 5_000 }).toBeGreaterThanOrEqual(1);
}

walkTest.describe('whole tours, one after another on a lab page', () => {
  // (The shared page gets no automatic screenshot on failure: take it here.)
  walkTest.afterEach(async ({ labPage }, info) => {
    if (info.status !== info.expectedStatus) await labPage.page.screenshot({ path: info.outputPath('test-failed.png') }).catch(() => {});
  });
  for (const id of TOURS) {
    walkTest(`the ${id} tour runs from start to end, setting every state it names`, async ({ labPage }) => {
      test.setTimeout(90_000);
      const { page, con } = labPage;
      const errorsBefore = con.errors.length;
      const tour = tourOf(id);
      expect(tour.section).toBe(id);
      expect(tour.steps.length).toBeGreaterThanOrEqual(4);
      expect(tour.steps.length).toBeLessThanOrEqual(8);
      // No tour is open (the page is fresh, or the walk before ended its tour) and none is offered
      // for resuming.
      await expect(panel(page)).toBeHidden();
      await expect(page.locator('.tour-resume:visible')).toHaveCount(0);
      const take = page.locator(`.tour-start[data-tour="${id}"] .tour-take`);
      // Enter on the focused button, not a click at its coordinates: on the shared page a widget
      // or formula coming near the view can still move the button between Playwright's
      // stability check and the click (a walk saw its click miss the button; the tour never opened).
      await take.press('Enter');
      for (let i = 0; i < tour.steps.length; i++) {
        await checkStep(page, tour, i);
        await panel(page).locator('.nl-tour-next').click();
      }
      // Finished: the panel and outline are gone, nothing to resume, the hash has no tour.
      await expect(panel(page)).toBeHidden();
      await expect(page.locator('.nl-tour-highlight')).toBeHidden();
      await expect(page.locator(`.tour-start[data-tour="${id}"] .tour-resume`)).toBeHidden();
      expect(await page.evaluate(() => location.hash)).not.toContain('tour=');
      // No console error or warning during this walk (nor after the one before it).
      expect(con.errors.slice(errorsBefore), con.errors.join('\n')).toEqual([]);
      // Done with this section, as a closed page would be: a run its tour left playing stops.
      await page.evaluate(() => document.querySelectorAll('*').forEach((e) => { if (e.localName.startsWith('noiselab-')) e.pause?.(); }));
    });
  }
});

test('a tour by keyboard alone: Tab to "Take the tour", Enter through the steps, Back, Escape leaves, Resume', async ({ page }) => {
  test.setTimeout(90_000);
  const con = watchConsole(page);
  const tour = tourOf('sharp-flat');
  await page.goto('index.html');
  const active = () => page.evaluate(() => document.activeElement?.className ?? '');
  // Tab from the top of the page to the first section's tour button.
  let found = false;
  for (let k = 0; k < 80 && !found; k++) {
    await page.keyboard.press('Tab');
    found = (await active()) === 'tour-take';
  }
  expect(found, 'Tab reaches "Take the tour"').toBe(true);
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 0);
  expect(await active(), 'focus moves to Next').toBe('nl-tour-next');
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 1);
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 2);
  // Shift+Tab to Back, Enter: the previous step, with its own state again.
  await page.keyboard.press('Shift+Tab');
  expect(await active()).toBe('nl-tour-back');
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 1);
  // The arrow keys move too.
  await page.keyboard.press('ArrowRight');
  await checkStep(page, tour, 2);
  // Escape leaves; focus goes back to the button that opened the tour; step 3 is remembered.
  await page.keyboard.press('Escape');
  await expect(panel(page)).toBeHidden();
  expect(await active()).toBe('tour-take');
  const resume = page.locator('.tour-start[data-tour="sharp-flat"] .tour-resume');
  await expect(resume).toHaveText('Resume the tour (step 3)');
  await page.keyboard.press('Tab');
  expect(await active()).toBe('tour-resume');
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 2);
  for (let i = 3; i < tour.steps.length; i++) {
    await page.keyboard.press('Enter');
    await checkStep(page, tour, i);
  }
  await expect(panel(page).locator('.nl-tour-next')).toHaveText('Finish');
  await page.keyboard.press('Enter');
  await expect(panel(page)).toBeHidden();
  await expect(resume).toBeHidden();
  con.check();
});

test('a left tour is offered again after a reload, and resumes at its step', async ({ page }) => {
  const con = watchConsole(page);
  const tour = tourOf('funnel');
  await page.goto('index.html');
  await page.locator('.tour-start[data-tour="funnel"] .tour-take').click();
  await checkStep(page, tour, 0);
  for (let i = 1; i <= 3; i++) {
    await panel(page).locator('.nl-tour-next').click();
    await checkStep(page, tour, i);
  }
  await panel(page).locator('.nl-tour-leave').click();
  await expect(panel(page)).toBeHidden();
  await page.reload();
  const resume = page.locator('.tour-start[data-tour="funnel"] .tour-resume');
  await expect(resume).toHaveText('Resume the tour (step 4)');
  await resume.click();
  await checkStep(page, tour, 3);
  // "Take the tour" starts again from step 1.
  await panel(page).locator('.nl-tour-leave').click();
  await page.locator('.tour-start[data-tour="funnel"] .tour-take').click();
  await checkStep(page, tour, 0);
  con.check();
});

test('a link opens a tour at its step, and the address follows the tour', async ({ page }) => {
  const con = watchConsole(page);
  const tour = tourOf('vb-curvature');
  await page.goto('index.html#tour=vb-curvature&step=5');
  await checkStep(page, tour, 4);
  expect(await page.evaluate(() => location.hash)).toMatch(/(^#|&)tour=vb-curvature&step=5(&|$)/);
  await panel(page).locator('.nl-tour-next').click();
  await checkStep(page, tour, 5);
  expect(await page.evaluate(() => location.hash)).toMatch(/(^#|&)tour=vb-curvature&step=6(&|$)/);
  // A link followed on the open page (hashchange) opens that tour.
  await page.evaluate(() => { location.hash = 'tour=noisy-natural-gradient&step=2'; });
  await checkStep(page, tourOf('noisy-natural-gradient'), 1);
  await panel(page).locator('.nl-tour-leave').click();
  expect(await page.evaluate(() => location.hash)).not.toContain('tour=');
  con.check();
});

test('at phone width (390 px), with reduced motion, a tour fits and outlines each target above the panel', async ({ page }, info) => {
  test.setTimeout(90_000);
  const con = watchConsole(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const tour = tourOf('noisy-natural-gradient');
  await page.goto('index.html');
  await page.locator('.tour-start[data-tour="noisy-natural-gradient"] .tour-take').click();
  for (let i = 0; i < tour.steps.length; i++) {
    await checkStep(page, tour, i);
    const layout = await page.evaluate(({ id, target }) => {
      const p = document.querySelector('aside.nl-tour').getBoundingClientRect();
      const t = document.getElementById(id).locate(target ?? {});
      return { panelLeft: p.left, panelRight: p.right, panelTop: p.top, panelHeight: p.height, targetTop: t.top, scrollWidth: document.documentElement.scrollWidth,
        transition: getComputedStyle(document.querySelector('.nl-tour-highlight')).transitionDuration };
    }, { id: tour.steps[i].widget, target: tour.steps[i].target });
    expect(layout.panelLeft).toBeGreaterThanOrEqual(0);
    expect(layout.panelRight).toBeLessThanOrEqual(390);
    expect(layout.panelHeight).toBeLessThanOrEqual(844 * 0.45);
    expect(layout.targetTop, 'the target starts above the panel').toBeLessThan(layout.panelTop);
    expect(layout.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(390);
    expect(layout.transition, 'reduced motion: the outline jumps').toMatch(/^0s/);
    if (i === 0 || i === 2) await page.screenshot({ path: info.outputPath(`phone-step-${i + 1}.png`) });
    await panel(page).locator('.nl-tour-next').click();
  }
  await expect(panel(page)).toBeHidden();
  con.check();
});

test.describe('accessibility with a tour open', () => {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  test.use({ bypassCSP: true }); // axe is injected as a script
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    test(`axe-core finds no violation in the tour panel at ${w}×${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.goto('index.html#tour=funnel&step=2');
      await atStep(page, 2);
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(async () => {
        const r = await window.axe.run({ include: [['aside.nl-tour'], ['.tour-start']] }, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      expect(result, JSON.stringify(result, null, 1)).toEqual([]);
      // The step is announced: a polite, atomic live region holds the count, the text and the outline's description.
      const live = panel(page).locator('[aria-live="polite"]');
      await expect(live).toHaveAttribute('aria-atomic', 'true');
      await expect(live).toContainText('Step 2 of 7');
      await expect(live).toContainText('Highlighted:');
    });
  }
});
