// Numerically extreme settings, for every widget of the lab (from the gallery page, which holds
// them all): every numeric field at the edge of its range at once (tiny: the minimum, or just above
// an open minimum, e.g. α = 1e-9; huge: the maximum), each choice at its first and last option.
// Whatever the widget does (runs, diverges and says so, or rejects a combination at the field),
// no readout shows NaN/Infinity/undefined, no console error, no panic, and it still resets.
import { test, expect } from '@playwright/test';
import { watchConsole } from './helpers.mjs';

test.setTimeout(240_000);

function extreme(fields, end) {
  const s = {};
  for (const f of fields) {
    if (f.kind === 'real') s[f.name] = String(end === 'min' ? (f.minOpen ? (f.min === 0 ? 1e-9 : f.min + Math.abs(f.min) * 1e-9 + 1e-12) : f.min) : f.max);
    else if (f.kind === 'integer') s[f.name] = String(end === 'min' ? f.min : f.max);
    else if (f.kind === 'choice') s[f.name] = (end === 'min' ? f.options[0] : f.options.at(-1))[0];
  }
  return s;
}

test('every widget survives all-minimum and all-maximum settings', async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1900, height: 2600 });
  await page.goto('www/examples/gallery.html');
  const n = await page.evaluate(async () => {
    const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
    await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
    els.forEach((e, i) => { e.dataset.x = i; });
    return els.length;
  });
  for (let i = 0; i < n; i++) {
    const el = page.locator(`[data-x="${i}"]`);
    const { tag, fields } = await el.evaluate((e) => ({ tag: e.localName, fields: e.fields }));
    for (const end of ['min', 'max']) {
      const settings = extreme(fields, end);
      await el.evaluate((e, s) => e.setSettings(s), settings);
      const runs = await el.evaluate((e) => e.constructor.runControls);
      if (runs) {
        // Play for 1.5 s in view, then pause and let the last frame land. A widget out of view
        // requests no frame while playing (widget.js: its loop waits for `visible`, from an
        // IntersectionObserver), so each is first scrolled into view: the extreme settings really
        // run (before, at this page size, all but two widgets with run controls were out of view
        // and computed nothing while "playing").
        await el.scrollIntoViewIfNeeded();
        await expect.poll(() => el.evaluate((e) => e.visible), `${tag} is in view`).toBe(true);
        await el.evaluate((e) => e.play());
        await page.waitForTimeout(1500);
        await el.evaluate((e) => e.pause());
        await page.waitForTimeout(200);
      }
      const state = await el.evaluate((e) => ({
        broken: e.broken,
        readout: e.shadowRoot.querySelector('.readout')?.textContent ?? '',
        message: e.shadowRoot.querySelector('.message')?.textContent ?? '',
        errors: [...e.shadowRoot.querySelectorAll('.control .error')].map((x) => x.textContent).filter(Boolean),
      }));
      const what = `${tag} at all-${end} ${JSON.stringify(settings)}`;
      expect(state.broken, `${what}: ${state.message}`).toBe(false);
      expect(state.readout, what).not.toMatch(/NaN|Infinity|undefined|null/);
      // A rejected combination names its field and range at the control.
      for (const err of state.errors) expect(err, what).toMatch(/must|allowed|at most|at least|from|between/);
    }
    await el.evaluate((e) => e.setSettings(Object.fromEntries(e.fields.map((f) => [f.name, String(f.default)]))));
    await el.evaluate((e) => e.reset());
    expect(await el.evaluate((e) => e.broken), `${tag} resets`).toBe(false);
  }
  con.check();
});
