// Fuzz the browser-side decoders: random URL hashes (through hashchange) and random attributes
// on fresh elements. Every input must leave the widget in a valid state (its settings pass the
// Rust check unchanged), with no console error, and the widget must still run.
import { test, expect } from '@playwright/test';
import { watchConsole, ready } from './helpers.mjs';

// A small seeded generator for the test inputs (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const NAMES = ['cost', 'learningRate', 'noiseStd', 'trajectories', 'steps', 'startX', 'startY', 'seed', 'shownPaths', 'speed', 'bogus', ''];
const VALUES = ['0', '1', '-1', '0.5', '1e309', 'NaN', 'Infinity', '', 'abc', '%E0%A4%A', '%', '%25', '2001', '20001', '4294967296', 'neal', 'valley', 'funnel', '  3 ', '1,5', '0x10', '٣'];

function randomHash(r) {
  const parts = [];
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const name = NAMES[Math.floor(r() * NAMES.length)];
    const value = r() < 0.7 ? VALUES[Math.floor(r() * VALUES.length)] : String(r() * 20 - 10);
    const prefix = r() < 0.85 ? 'funnel.' : (r() < 0.5 ? 'other.' : '');
    parts.push(r() < 0.1 ? `${prefix}${name}` : `${prefix}${name}=${value}`);
  }
  if (r() < 0.1) parts.push('&&=&');
  return parts.join('&');
}

test('300 random URL hashes keep the widget valid', async ({ page }) => {
  // A limit on waiting, not a check: ~1,000 worker round trips on the 12-widget lab page.
  test.setTimeout(180_000);
  const con = watchConsole(page);
  await page.goto('index.html');
  const el = await ready(page, '#funnel-widget');
  // Paused: the check is of the decoded state, and a playing funnel's worker would answer each
  // of the ~1,000 requests below after a run slice (this test then took 35 s alone and over
  // 90 s beside another test file on a slow day).
  await el.evaluate((e) => e.pause());
  const r = rng(2026);
  for (let i = 0; i < 300; i++) {
    const hash = randomHash(r);
    const state = await el.evaluate(async (e, h) => {
      location.hash = h;
      await e.loadFromHash();
      await e.applyQueue;
      const check = await e.worker.request('check', { kind: 'funnel', settings: Object.fromEntries(e.fields.map((f) => [f.name, e.valid[f.name]])) });
      const speed = Number(e.valid.speed);
      return { ok: check.ok, same: check.ok && e.fields.every((f) => check.settings[f.name] === e.settings[f.name]), speedOk: Number.isInteger(speed) && speed >= 1 && speed <= 200 };
    }, hash);
    expect(state, `hash #${hash}`).toEqual({ ok: true, same: true, speedOk: true });
  }
  // Still runs.
  await el.evaluate((e) => e.setSettings({ steps: 50 }));
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.stats.step).toBe(50);
  con.check();
});

test('100 elements with random attributes boot into a valid state', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/funnel.html');
  await ready(page, '#full');
  const r = rng(7);
  const attrs = ['cost', 'learning-rate', 'noise-std', 'trajectories', 'steps', 'start-x', 'start-y', 'seed', 'shown-paths', 'speed', 'controls', 'hide'];
  for (let i = 0; i < 100; i++) {
    const set = {};
    for (let j = Math.floor(r() * 5); j > 0; j--) set[attrs[Math.floor(r() * attrs.length)]] = r() < 0.7 ? VALUES[Math.floor(r() * VALUES.length)] : String(r() * 50 - 25);
    const ok = await page.evaluate(async (a) => {
      const w = document.createElement('noiselab-funnel');
      for (const [k, v] of Object.entries(a)) w.setAttribute(k, v);
      document.body.append(w);
      await w.ready;
      const check = await w.worker.request('check', { kind: 'funnel', settings: Object.fromEntries(w.fields.map((f) => [f.name, w.valid[f.name]])) });
      const worker = w.worker;
      w.remove();
      await new Promise((r) => setTimeout(r, 0));
      // Removing the element stops its worker: a request now fails as "terminated".
      const stopped = await worker.request('freshSeed').then(() => false, (err) => err.kind === 'terminated');
      return check.ok && stopped;
    }, set);
    expect(ok, JSON.stringify(set)).toBe(true);
  }
  con.check();
});
