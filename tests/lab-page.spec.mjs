// The built front page's math: the intro and first section come rendered in the page, every
// later formula as its TeX source filled in from www/lab-math.json (scripts/dist.mjs, www/lab.js).
import { test, expect } from '@playwright/test';
import katex from 'katex';
import { katexOptions } from '../www/lib/math-options.js';
import { watchConsole, ready } from './helpers.mjs';

/** Every formula of the page: its TeX, display or inline, its markup, and whether it waits. */
const formulas = (page) => page.evaluate(() => [...document.querySelectorAll('.math')].map((el) => ({
  tex: el.dataset.tex,
  display: el.classList.contains('display'),
  html: el.innerHTML,
  later: el.hasAttribute('data-later'),
  rendered: el.hasAttribute('data-rendered'),
})));

const inView = (page) => page.evaluate(() => [...document.querySelectorAll('.math[data-later]')]
  .filter((el) => { const r = el.getBoundingClientRect(); return r.height > 0 && r.bottom > 0 && r.top < innerHeight; }).length);

test('a section opened by its link shows its math rendered, and every later formula is filled in with exactly what KaTeX renders', async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('index.html#funnel');
  await ready(page, '#funnel-widget');
  // The page arrives with most of its math left out (that is what makes it light) …
  const html = await (await page.request.get('index.html')).text();
  expect((html.match(/data-later="/g) ?? []).length).toBeGreaterThan(200);
  // … none of it is left as TeX in view once the widget is ready …
  await expect.poll(() => inView(page)).toBe(0);
  const figure = page.locator('#funnel-figure');
  const top = (await figure.boundingBox()).y;
  // … the rest is filled in while the page is idle …
  await expect.poll(async () => (await formulas(page)).filter((f) => f.later).length, { timeout: 15_000 }).toBe(0);
  // … without moving what the reader looks at (scroll anchoring) …
  expect(Math.abs((await figure.boundingBox()).y - top)).toBeLessThanOrEqual(1);
  // … and each formula holds KaTeX's rendering of its own TeX (formula k ↔ entry k).
  const all = await formulas(page);
  expect(all.length).toBeGreaterThan(300);
  expect(all.filter((f) => !f.rendered)).toEqual([]);
  // (Compared as the browser serializes both: `&nbsp;`, `<mspace></mspace>` …)
  const differing = await page.evaluate((expected) => {
    const probe = document.createElement('span');
    return [...document.querySelectorAll('.math')].map((el, i) => {
      probe.innerHTML = expected[i];
      return probe.innerHTML === el.innerHTML ? null : el.dataset.tex;
    }).filter(Boolean);
  }, all.map((f) => katex.renderToString(f.tex, katexOptions(f.display))));
  expect(differing).toEqual([]);
  con.check();
});

test('printing fills in every formula at once', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('index.html');
  await ready(page, '#sharpness-widget');
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  expect((await formulas(page)).filter((f) => f.later || !f.rendered)).toEqual([]);
  con.check();
});

test('without www/lab-math.json, KaTeX renders the later formulas from their TeX', async ({ page }) => {
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
  page.on('pageerror', (e) => warnings.push(e.message));
  await page.route('**/www/lab-math.json', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('index.html#implicit-regularizer');
  await expect.poll(async () => (await formulas(page)).filter((f) => f.later || !f.rendered).length, { timeout: 15_000 }).toBe(0);
  expect(await page.locator('#implicit-regularizer .katex').count()).toBeGreaterThan(20);
  expect(warnings.filter((w) => !/pre-rendered formulas could not be loaded|lab-math\.json|Failed to load resource: the server responded with a status of 404/.test(w))).toEqual([]);
  expect(warnings.some((w) => /pre-rendered formulas could not be loaded/.test(w))).toBe(true);
});

// The sections far from view are not laid out (content-visibility: auto) and count with an
// estimated height: a scroll aimed past them used to stop short (the contents link to #dropout
// from the top, 300 px), and a hash changed on the open page left its figure 1,746 px below the
// top of the view. Both now land on the target.
test('contents links and a hash changed on the open page land on their target', async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('index.html');
  await page.waitForLoadState('load');
  // Where a scroll to `id` puts its top (the page's scroll padding), and where it is now.
  const place = (id) => page.evaluate((id) => {
    const el = document.getElementById(id);
    const pad = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
    return { top: el.getBoundingClientRect().top, margin: pad + (parseFloat(getComputedStyle(el).scrollMarginTop) || 0) };
  }, id);
  for (const id of ['dropout', 'vb-curvature', 'funnel']) {
    await page.click(`nav.toc a[href="#${id}"]`);
    await expect.poll(async () => { const p = await place(id); return Math.abs(p.top - p.margin); }, { timeout: 10_000 }).toBeLessThan(2);
  }
  for (const id of ['laplace-vb-figure', 'one-epoch-figure']) {
    await page.goto(`index.html#${id}`); // the same document: a fragment navigation
    await expect.poll(async () => { const p = await place(id); return Math.abs(p.top - p.margin); }, { timeout: 10_000 }).toBeLessThan(2);
  }
  con.check();
});
