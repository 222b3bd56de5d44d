// Phones to wide screens, for every widget (gallery page): at 360 px wide nothing overflows the
// page sideways; at device pixel ratio 2 every canvas's backing store is twice its CSS size
// (crisp); screenshots at 390×844 and 1440×900 go to the test artifacts (test-results/).
import { test, expect } from '@playwright/test';
import { watchConsole } from './helpers.mjs';

const allReady = (page) => page.evaluate(async () => {
  const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
  await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
  return els.map((e) => e.localName);
});

for (const [w, h] of [[360, 780], [390, 844], [1440, 900]]) {
  test.describe(`${w}×${h} at device pixel ratio 2`, () => {
    test.use({ viewport: { width: w, height: h }, deviceScaleFactor: 2 });
    test('every widget fits the width and its canvases are crisp', async ({ page }, info) => {
      test.setTimeout(120_000);
      const con = watchConsole(page);
      await page.goto('www/examples/gallery.html');
      const tags = await allReady(page);
      expect(tags.length).toBeGreaterThan(1);
      await page.waitForTimeout(500);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
      const canvases = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'))
        .flatMap((e) => [...e.shadowRoot.querySelectorAll('canvas')].filter((c) => c.offsetParent !== null && c.clientWidth > 0)
          .map((c) => ({ tag: e.localName, cls: c.className, css: c.clientWidth, px: c.width, right: c.getBoundingClientRect().right }))));
      expect(canvases.length).toBeGreaterThan(tags.length);
      for (const c of canvases) {
        expect(Math.abs(c.px - 2 * c.css), `${c.tag} canvas.${c.cls}: ${c.px} px for ${c.css} CSS px`).toBeLessThanOrEqual(2);
        expect(c.right, `${c.tag} canvas.${c.cls} inside the viewport`).toBeLessThanOrEqual(w + 1);
      }
      if (w !== 360) await page.screenshot({ path: info.outputPath(`gallery-${w}x${h}.png`), fullPage: true });
      con.check();
    });
  });
}
