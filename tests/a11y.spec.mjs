// Accessibility: axe-core (run in the page, including the widgets' open shadow roots) finds no
// violation on the front page and the example page, and every control is reachable by keyboard.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { ready } from './helpers.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// axe is injected as a script: let the test (not the page) bypass the page's CSP for that.
test.use({ bypassCSP: true });
// Every test opens its own page: with two workers (scripts/test.sh), the file's tests are shared out.
test.describe.configure({ mode: 'parallel' });

const allReady = (page) => page.evaluate(async () => {
  const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
  await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
  return els.length;
});

// The front page, every example page (the gallery holds every widget) and the iframe page.
const { readdirSync } = await import('node:fs');
const PAGES = [['front page', 'index.html'], ['iframe page', 'www/frame.html?widget=funnel'],
  ...readdirSync('www/examples').filter((f) => f.endsWith('.html')).sort().map((f) => [`example ${f}`, `www/examples/${f}`])];

for (const [name, url] of PAGES) {
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    test(`${name} at ${w}×${h}: axe-core finds no violation`, async ({ page }, info) => {
      test.setTimeout(120_000);
      await page.setViewportSize({ width: w, height: h });
      await page.goto(url);
      if (url === 'index.html') {
        await (await ready(page, '#funnel-widget')).evaluate((e) => e.runToEnd());
        // Read the page top to bottom first, as a reader does: the front page measures each display
        // formula (a wide one becomes a keyboard-scrollable region) only when it comes within a
        // viewport of view, since its far sections are not laid out (www/lib/math-scroll.js).
        await page.evaluate(async () => {
          for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
            scrollTo({ top: y, behavior: 'instant' });
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          }
          scrollTo({ top: 0, behavior: 'instant' });
        });
        // Every widget booted (a widget boots when the reader comes near it; reading `ready`
        // asks for the rest), so the scan sees the whole page as a reader who scrolled through.
        expect(await allReady(page)).toBeGreaterThanOrEqual(12);
      } else expect(await allReady(page)).toBeGreaterThan(0);
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      await page.screenshot({ path: info.outputPath(`${name.replace(/\W+/g, '-')}-${w}x${h}.png`), fullPage: false });
      expect(result, JSON.stringify(result, null, 1)).toEqual([]);
    });
  }
}

test('every control of every widget is reachable with Tab and shows a focus ring', async ({ page }) => {
  await page.goto('www/examples/gallery.html');
  await allReady(page);
  const widgets = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-')).map((e, i) => { e.dataset.a11yIndex = i; return e.localName; }));
  for (let i = 0; i < widgets.length; i++) {
    const el = page.locator(`[data-a11y-index="${i}"]`);
    // Every visible, enabled control in the widget's shadow root.
    const expected = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('button, input, select, textarea, summary, [tabindex]')]
      .filter((c) => c.offsetParent !== null && !c.disabled && c.tabIndex >= 0 && !c.closest('details:not([open]) > :not(summary)'))
      .map((c, k) => { c.dataset.a11yId = String(k); return `${k}: ${c.dataset?.name || c.getAttribute('aria-label') || c.textContent.trim().slice(0, 30)}`; }));
    expect(expected.length, `${widgets[i]} has controls`).toBeGreaterThan(2);
    await el.evaluate((e) => { e.scrollIntoView(); e.tabIndex = -1; e.focus(); });
    const reached = new Set();
    for (let k = 0; k < expected.length + 5; k++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        let a = document.activeElement;
        let inWidget = false;
        while (a?.shadowRoot?.activeElement) { a = a.shadowRoot.activeElement; inWidget = true; }
        if (!a || !inWidget) return null;
        const style = getComputedStyle(a);
        return { id: a.dataset?.a11yId, name: a.dataset?.name || a.getAttribute('aria-label') || a.textContent.trim().slice(0, 30), outline: style.outlineStyle !== 'none' || style.boxShadow !== 'none' };
      });
      if (info) { reached.add(info.id); expect(info.outline, `${widgets[i]}: focus ring on ${info.name}`).toBe(true); }
    }
    // Controls are identified by position (labels of live canvases change as numbers arrive).
    for (const n of expected) expect([...reached], `${widgets[i]}: Tab reaches ${n}`).toContain(n.split(':')[0]);
  }
});

test('every widget control is reachable with the keyboard and shows focus', async ({ page }) => {
  await page.goto('www/examples/funnel.html');
  const el = await ready(page, '#full');
  const names = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      let a = document.activeElement;
      let inWidget = false;
      while (a?.shadowRoot?.activeElement) { a = a.shadowRoot.activeElement; inWidget = true; }
      if (!a || !inWidget) return null; // page links have the page's own focus style
      const style = getComputedStyle(a);
      return { name: a.dataset?.name ?? a.name ?? a.getAttribute('aria-label') ?? a.tagName, outline: style.outlineStyle !== 'none' || style.boxShadow !== 'none' };
    });
    if (info) { names.add(info.name); expect(info.outline, `focus ring on ${info.name}`).toBe(true); }
  }
  for (const n of ['play', 'step', 'reset', 'compare', 'newSeed', 'copyLink', 'learningRate', 'noiseStd', 'trajectories', 'seed', 'cost']) {
    expect([...names], `reached ${n}`).toContain(n);
  }
  void el;
});

// The dropout example page (issue 3): the full widget with its four tabbed views, and a single view.
for (const [w, h] of [[1440, 900], [390, 844]]) {
  test(`dropout example page at ${w}×${h}: axe-core finds no violation`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('www/examples/dropout.html');
    const el = await ready(page, '#full');
    await ready(page, '#testtime');
    await el.evaluate((e) => e.setSettings({ steps: 100 }));
    await el.evaluate((e) => e.runToEnd());
    await page.addScriptTag({ path: axePath });
    // Every tab of the full widget (axe skips hidden panels).
    for (const view of ['training', 'test-time', 'regularizer', 'wei']) {
      await el.locator(`.tabs button[data-view="${view}"]`).click();
      if (view === 'wei') await expect(el.locator('.wei-status')).toHaveText('done', { timeout: 40_000 });
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      expect(result, `${view}: ${JSON.stringify(result, null, 1)}`).toEqual([]);
    }
  });
}
