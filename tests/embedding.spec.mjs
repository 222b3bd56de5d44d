// Embeds and links as an instructor uses them (issue "every figure teaches its claim at first
// sight", findings 11-14): teacher mode keeps the run buttons, one key per widget everywhere,
// short links of the changed settings, Copy embed, frame.html's height for its host page, bad
// link values shown honestly, presets in links, and noiselab.js loaded from another site.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import { watchConsole, ready, control, freePort } from './helpers.mjs';

const TAGS = ['sharpness', 'dropout', 'description-length', 'bayes-regression', 'bbb-linreg', 'laplace-vb',
  'logreg-posterior', 'nng', 'sgd-posterior', 'funnel', 'implicit-reg', 'one-epoch'];

const shownButtons = (el) => el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.buttons > button')].filter((b) => !b.hidden).map((b) => b.dataset.name));

/** A static page of "course notes" on another origin (a second server on its own port). */
async function hostPage(html) {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/notes.html`, close: () => new Promise((r) => server.close(r)) };
}

test('teacher mode: controls= filters settings only; Play, Step, Reset and Export stay unless hide= names them', async ({ page }) => {
  // Before: controls="noise-std" hid every button, so the teacher's figure could not be started.
  const con = watchConsole(page);
  await page.goto('www/examples/funnel.html');
  const teacher = await ready(page, '#teacher'); // controls="noise-std" hide="new-seed,copy-link"
  const shown = await shownButtons(teacher);
  for (const b of ['play', 'step', 'reset', 'copyEmbed']) expect(shown).toContain(b);
  for (const b of ['newSeed', 'copyLink']) expect(shown).not.toContain(b);
  await expect(teacher.locator('details.export')).toBeVisible();
  await teacher.locator('button[data-name="play"]').click();
  await expect.poll(() => teacher.evaluate((e) => e.tickCount)).toBeGreaterThan(2);
  await teacher.locator('button[data-name="play"]').click();
  // The README's recipe (embed.html: controls="learningRate", no hide) can be played too.
  await page.goto('www/examples/embed.html');
  const notes = await ready(page, '#notes-funnel');
  const all = await shownButtons(notes);
  for (const b of ['play', 'step', 'reset', 'newSeed', 'copyLink', 'copyEmbed']) expect(all).toContain(b);
  con.check();
});

test('one key per widget: the front page, frame.html and old front-page links agree', async ({ page }) => {
  // Before: the front page used sharp, mdl, logreg and sgd, frame.html the full names, so a copied
  // link showed the defaults in the frame.
  await page.goto('index.html');
  const keys = await page.evaluate(() => [...document.querySelectorAll('[url-state]')].map((e) => [e.localName.replace(/^noiselab-/, ''), e.getAttribute('url-state')]));
  expect(keys.length).toBe(12);
  for (const [name, key] of keys) expect(key).toBe(name);
  expect(keys.map((k) => k[0]).sort()).toEqual([...TAGS].sort());
  // An old front-page link still sets its widget, on the front page and in the frame.
  const con = watchConsole(page);
  await page.goto('www/frame.html?widget=logreg-posterior#logreg.priorVariance=5');
  const frame = await ready(page, 'noiselab-logreg-posterior');
  expect(await frame.evaluate((e) => e.settings.priorVariance)).toBe('5');
  await page.goto('www/frame.html?widget=logreg#logreg.priorVariance=3');
  expect(await (await ready(page, 'noiselab-logreg-posterior')).evaluate((e) => e.settings.priorVariance)).toBe('3');
  con.check();
});

test('Copy link gives the widget\'s changed settings and seed only, and the link reproduces the run in frame.html', async ({ page, context }) => {
  // Before: a front-page link was 3,410 characters and carried all 12 widgets' settings.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('index.html#laplace-vb-figure');
  const w = await ready(page, '#laplace-vb-widget');
  await w.evaluate((e) => e.setSettings({ slope: 5 }));
  await w.locator('button[data-name="copyLink"]').click();
  const link = await w.evaluate((e) => e.shareText());
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const hash = new URL(link).hash;
  expect(hash).toBe('#laplace-vb.slope=5');
  expect(link.length).toBeLessThan(120);
  const numbers = await w.evaluate((e) => e.shadowRoot.querySelector('.readout').textContent);
  await page.goto(`www/frame.html?widget=laplace-vb${hash}`);
  const f = await ready(page, 'noiselab-laplace-vb');
  expect(await f.evaluate((e) => e.settings.slope)).toBe('5');
  expect(await f.evaluate((e) => e.shadowRoot.querySelector('.readout').textContent)).toBe(numbers);
});

test('Copy embed gives the element and a self-sizing iframe; the iframe is sized to the whole widget', async ({ page }) => {
  // Before: there was no embed snippet on the front page, and the README's iframe (height 720)
  // cut a 1,000-1,400 px widget.
  await page.goto('www/examples/funnel.html');
  const w = await ready(page, '#full'); // noise-std="2" learning-rate="0.1" seed="7"
  await w.locator('button[data-name="copyEmbed"]').click();
  const text = await w.evaluate((e) => e.shadowRoot.querySelector('.share').value);
  expect(text).toContain('<script type="module" src="');
  expect(text).toContain('/www/noiselab.js"></script>');
  expect(text).toMatch(/<noiselab-funnel noise-std="2"[^>]* seed="7"><\/noiselab-funnel>/);
  expect(text).not.toContain('trajectories=');
  const src = text.match(/<iframe src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  expect(src).toMatch(/\/www\/frame\.html\?widget=funnel#funnel\.noiseStd=2&funnel\.seed=7$/);
  // The snippet, pasted into notes on another site, shows the whole widget.
  const host = await hostPage(`<!doctype html><title>notes</title><p>Notes.</p>${text.split('\n').slice(3).join('\n')}<p id="after">After.</p>`);
  try {
    await page.goto(host.url);
    const frame = page.frameLocator('iframe');
    const inner = frame.locator('noiselab-funnel');
    await inner.evaluate(async (e) => { await customElements.whenDefined(e.localName); await e.ready; });
    expect(await inner.evaluate((e) => e.settings.noiseStd)).toBe('2');
    await expect.poll(async () => {
      const outer = await page.locator('iframe').evaluate((f) => f.getBoundingClientRect().height);
      const want = await inner.evaluate(() => document.documentElement.getBoundingClientRect().height);
      return Math.abs(outer - want) <= 2 && outer > 720;
    }, { timeout: 15_000 }).toBe(true);
  } finally {
    await host.close();
  }
});

test('a bad value in a link: the control shows the value in use, the error names field and range, and goes with the next change', async ({ page }) => {
  // Before: the box was blank and the slider mid-range while the default ran, and the error
  // stayed after later valid edits.
  const con = watchConsole(page);
  await page.goto('www/frame.html?widget=funnel#funnel.noiseStd=abc&funnel.learningRate=9');
  const w = await ready(page, 'noiselab-funnel');
  const defaults = await w.evaluate((e) => e.defaults());
  expect(await w.evaluate((e) => e.settings.noiseStd)).toBe(defaults.noiseStd);
  const sigma = control(w, 'noiseStd');
  await expect(sigma.box).toHaveValue(defaults.noiseStd);
  expect(await w.locator('.control[data-name="noiseStd"] input[type=range]').inputValue()).toBe(String(Number(defaults.noiseStd)));
  await expect(sigma.error).toContainText('noiseStd must be');
  await expect(sigma.error).toContainText('"abc"');
  await expect(control(w, 'learningRate').error).toContainText(/learningRate must be .*got 9/);
  await expect(control(w, 'learningRate').box).toHaveValue(defaults.learningRate);
  // A later valid edit of another field: the old errors go.
  await control(w, 'trajectories').box.fill('300');
  await control(w, 'trajectories').box.press('Enter');
  await expect(sigma.error).toHaveText('');
  await expect(control(w, 'learningRate').error).toHaveText('');
  expect(await w.evaluate((e) => e.settings.trajectories)).toBe('300');
  con.check();
});

test('presets: from a link, from the menu, and a bad preset name is reported with the allowed names', async ({ page }) => {
  await page.goto('www/frame.html?widget=laplace-vb');
  const w = await ready(page, 'noiselab-laplace-vb');
  const presets = await w.evaluate((e) => e.constructor.presets.map((p) => p.name));
  test.skip(presets.length === 0, 'laplace-vb has no presets yet');
  const name = presets[0];
  await page.goto(`www/frame.html?widget=laplace-vb#laplace-vb.preset=${name}`);
  const p = await ready(page, 'noiselab-laplace-vb');
  expect(await p.evaluate((e) => e.preset)).toBe(name);
  // Every setting the preset names is visible at its control.
  const want = await p.evaluate((e, n) => e.constructor.presets.find((x) => x.name === n).settings, name);
  for (const [field, value] of Object.entries(want)) await expect(control(p, field).box).toHaveValue(String(value));
  await expect(p.locator('.control[data-name="preset"] select')).toHaveValue(name);
  // Back to the defaults from the menu.
  await p.locator('.control[data-name="preset"] select').selectOption('default');
  await expect.poll(() => p.evaluate((e) => e.preset)).toBe('default');
  const bad = await p.evaluate((e) => e.setPreset('nope'));
  expect(bad.ok).toBe(false);
  expect(bad.errors[0].message).toContain('preset must be one of default');
});

test('noiselab.js loaded from another site works; a page that forbids the worker gets a message saying why', async ({ page, baseURL }) => {
  // Before: the worker could not be created from another origin: an empty element, no message.
  const lab = new URL('www/noiselab.js', baseURL).href;
  const con = watchConsole(page);
  const ok = await hostPage(`<!doctype html><title>notes</title><script type="module" src="${lab}"></script>
    <noiselab-laplace-vb slope="5"></noiselab-laplace-vb>`);
  try {
    await page.goto(ok.url);
    const w = await ready(page, 'noiselab-laplace-vb');
    expect(await w.evaluate((e) => e.settings.slope)).toBe('5');
    await expect.poll(() => w.evaluate((e) => e.shadowRoot.querySelector('.readout').textContent.length)).toBeGreaterThan(20);
    con.check();
  } finally {
    await ok.close();
  }
  const strict = await hostPage(`<!doctype html><meta http-equiv="Content-Security-Policy" content="worker-src 'none'"><title>notes</title>
    <script type="module" src="${lab}"></script><noiselab-laplace-vb></noiselab-laplace-vb>`);
  try {
    await page.goto(strict.url);
    const msg = page.locator('noiselab-laplace-vb .message');
    await expect(msg).toBeVisible();
    await expect(msg).toContainText('another site than this page');
    await expect(msg).toContainText('Access-Control-Allow-Origin');
    await expect(page.locator('noiselab-laplace-vb button[data-name="reset"]')).toBeVisible();
  } finally {
    await strict.close();
  }
});
