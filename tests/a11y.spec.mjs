// Accessibility: axe-core (run in the page, including the widgets' open shadow roots) finds no
// violation on the front page and the example page, and every control is reachable by keyboard.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { ready } from './helpers.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// axe is injected as a script: let the test (not the page) bypass the page's CSP for that.
test.use({ bypassCSP: true });

for (const [name, url, widget] of [['front page', 'index.html', '#funnel-widget'], ['example page', 'www/examples/funnel.html', '#full']]) {
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    test(`${name} at ${w}×${h}: axe-core finds no violation`, async ({ page }, info) => {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(url);
      const el = await ready(page, widget);
      await el.evaluate((e) => e.runToEnd());
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      await page.screenshot({ path: info.outputPath(`${name.replace(' ', '-')}-${w}x${h}.png`), fullPage: false });
      expect(result, JSON.stringify(result, null, 1)).toEqual([]);
    });
  }
}

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

// <noiselab-implicit-reg> (§8): its example page, after the quick sweep has run to the end.
for (const [w, h] of [[1440, 900], [390, 844]]) {
  test(`implicit-reg example page at ${w}×${h}: axe-core finds no violation`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('www/examples/implicit-regularizer.html');
    const el = await ready(page, '#small');
    await el.evaluate((e) => e.setSettings({ steps: 60, sweepPoints: 3, hiddenUnits: 4 }));
    await el.evaluate((e) => e.runToEnd());
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    expect(result, JSON.stringify(result, null, 1)).toEqual([]);
  });
}
