// Guided tours of the front page (issue 20): one tour per lecture section, authored as data in
// www/tours/<section-id>.json (the format: docs/tours.md; the list: www/tours/index.json). Each
// step sets a widget's state (preset, settings, view), may play or run it, outlines a part of
// it (a control, a button, a region of a plot: the widget's public `locate`) and says one or two
// sentences. The player is a panel that does not block the page: Back / Next / Leave, Escape
// leaves, the step is announced (a polite live region) with a text equivalent of the outline.
// Progress is kept in localStorage ("Resume the tour (step 4)"), and `#tour=<id>&step=N` opens
// a tour at a step. Loaded by www/lab.js; its CSS is a constructed sheet (the page's CSP).
import { loadWidget } from './registry.js';

const BASE = new URL('../tours/', import.meta.url);
const STORE = 'noiselab.tours';
const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const RUNS = ['play', 'pause', 'end'];
const STEP_KEYS = ['widget', 'preset', 'settings', 'view', 'run', 'target', 'text'];
const TARGET_KEYS = ['control', 'button', 'panel', 'selector', 'rect', 'frac', 'label'];

const CSS = `
.nl-tour { position: fixed; z-index: 1000; right: 16px; bottom: 16px; width: min(25rem, calc(100vw - 32px));
  max-height: min(46vh, 24rem); overflow: auto; box-sizing: border-box; padding: 12px 14px 10px;
  background: var(--bg, #fff); color: var(--fg, #1d2330); border: 2px solid var(--oi-vermillion, #D55E00);
  border-radius: 10px; box-shadow: 0 8px 28px rgba(0, 0, 0, 0.25); font: 15px/1.45 var(--sans, system-ui, sans-serif); }
.nl-tour h2 { font-size: 15px; margin: 0 0 2px; line-height: 1.3; }
.nl-tour p { margin: 4px 0; }
.nl-tour-count { font-size: 13px; color: var(--muted, #5b6475); font-variant-numeric: tabular-nums; }
.nl-tour-where { font-size: 13px; color: var(--muted, #5b6475); }
.nl-tour-where::before { content: ""; display: inline-block; width: 0.9em; height: 0.6em; margin-right: 0.4em;
  border: 2px solid var(--oi-vermillion, #D55E00); border-radius: 3px; vertical-align: -0.05em; }
.nl-tour-where:empty { display: none; }
.nl-tour-error { color: #B3261E; font-size: 13px; }
.nl-tour-error:empty { display: none; }
.nl-tour-nav { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.nl-tour-nav button, .tour-start button { font: 14px/1.3 var(--sans, system-ui, sans-serif); min-height: 36px; padding: 5px 14px; border-radius: 6px;
  border: 1px solid var(--border, #d5d9e0); background: var(--bg, #fff); color: inherit; cursor: pointer; }
.nl-tour-nav .nl-tour-next, .tour-start .tour-take { background: var(--accent, #0072B2); border-color: var(--accent, #0072B2); color: #fff; }
.nl-tour-nav .nl-tour-leave { margin-left: auto; }
.nl-tour-nav button:disabled { opacity: 0.45; cursor: not-allowed; }
.nl-tour button:focus-visible, .tour-start button:focus-visible { outline: 3px solid var(--oi-orange, #E69F00); outline-offset: 2px; }
.nl-tour[data-state="busy"] .nl-tour-count::after { content: " · setting up the figure…"; }
.nl-tour-highlight { position: absolute; z-index: 999; pointer-events: none; box-sizing: border-box;
  border: 3px solid var(--oi-vermillion, #D55E00); border-radius: 8px;
  box-shadow: 0 0 0 2px rgba(255, 255, 255, 0.9), 0 0 0 9999px rgba(20, 30, 50, 0.10); }
.nl-tour-highlight[hidden] { display: none; }
.tour-start { display: flex; flex-wrap: wrap; gap: 8px; margin: 0.4rem 0 0.8rem; }
@media (prefers-reduced-motion: no-preference) {
  .nl-tour-highlight { transition: left 0.2s, top 0.2s, width 0.2s, height 0.2s; }
}
@media (max-width: 600px) {
  .nl-tour { left: 0; right: 0; bottom: 0; width: auto; max-height: 42vh; border-radius: 10px 10px 0 0;
    border-width: 2px 0 0; padding: 10px 12px calc(8px + env(safe-area-inset-bottom, 0px)); font-size: 14px; }
  .nl-tour-nav button { flex: 1 1 auto; }
  .nl-tour-nav .nl-tour-leave { margin-left: 0; }
}
@media (prefers-color-scheme: dark) { .nl-tour-error { color: #ff8a80; } }
@media print { .nl-tour, .nl-tour-highlight, .tour-start { display: none !important; } }
`;

// ---- files -----------------------------------------------------------------------------------

const cache = new Map();

/** The tour of section `id` (www/tours/<id>.json), checked: throws naming the first problem. */
export function loadTour(id) {
  if (!/^[\w-]+$/.test(id)) return Promise.reject(new Error(`no tour "${id}"`));
  if (!cache.has(id)) {
    cache.set(id, fetch(new URL(`${id}.json`, BASE)).then((r) => {
      if (!r.ok) throw new Error(`tour ${id}: HTTP ${r.status}`);
      return r.json();
    }).then((tour) => checkTour(tour, id)));
    cache.get(id).catch(() => cache.delete(id));
  }
  return cache.get(id);
}

/** The ids of the sections that have a tour (www/tours/index.json). */
export const tourIndex = () => fetch(new URL('index.json', BASE)).then((r) => {
  if (!r.ok) throw new Error(`tours: index.json: HTTP ${r.status}`);
  return r.json();
}).then((j) => j.tours);

/** The structure of a tour file (what the page can check without the widgets). */
export function checkTour(tour, id) {
  const fail = (msg) => { throw new Error(`tour ${id}: ${msg}`); };
  if (!tour || typeof tour !== 'object') fail('not a JSON object');
  if (tour.section !== id) fail(`"section" is "${tour.section}", not the file's name`);
  if (typeof tour.title !== 'string' || !tour.title) fail('no "title"');
  if (!Array.isArray(tour.steps) || !tour.steps.length) fail('no "steps"');
  tour.steps.forEach((s, i) => {
    const at = `step ${i + 1}`;
    for (const k of Object.keys(s)) if (!STEP_KEYS.includes(k)) fail(`${at}: unknown key "${k}" (known: ${STEP_KEYS.join(', ')})`);
    if (typeof s.widget !== 'string') fail(`${at}: no "widget" (an element id)`);
    if (typeof s.text !== 'string' || !s.text.trim()) fail(`${at}: no "text"`);
    if (s.run !== undefined && !RUNS.includes(s.run)) fail(`${at}: "run" must be one of ${RUNS.join(', ')}`);
    if (s.settings !== undefined && (typeof s.settings !== 'object' || Array.isArray(s.settings))) fail(`${at}: "settings" must be an object`);
    const t = s.target ?? {};
    for (const k of Object.keys(t)) if (!TARGET_KEYS.includes(k)) fail(`${at}: unknown target key "${k}" (known: ${TARGET_KEYS.join(', ')})`);
    if ((t.rect || t.frac) && !t.panel) fail(`${at}: a target's "rect" or "frac" needs its "panel"`);
  });
  return tour;
}

/**
 * The state a tour puts widget `step.widget` in at step `i`: the preset and settings of the last
 * step up to i that names any for this widget (a preset alone: its settings; settings alone:
 * over the defaults), and likewise its view. So Back and a link to a step give the same state
 * as walking there.
 */
export function stateAt(tour, i) {
  const w = tour.steps[i].widget;
  let state = null, view = null;
  for (let k = i; k >= 0 && (!state || !view); k--) {
    const s = tour.steps[k];
    if (s.widget !== w) continue;
    if (!state && (s.preset !== undefined || s.settings !== undefined)) state = { preset: s.preset ?? 'default', settings: s.settings ?? {} };
    if (!view && s.view !== undefined) view = s.view;
  }
  return { state, view };
}

// ---- progress --------------------------------------------------------------------------------

function readProgress() {
  try { return JSON.parse(localStorage.getItem(STORE) ?? '{}') ?? {}; } catch { return {}; }
}
function writeProgress(id, step) {
  try {
    const p = readProgress();
    if (step == null) delete p[id]; else p[id] = step;
    localStorage.setItem(STORE, JSON.stringify(p));
  } catch { /* storage off (private mode): the tour works, it is just not remembered */ }
}
/** The step (0-based) a left tour stopped at, or null. */
export const savedStep = (id) => (Number.isInteger(readProgress()[id]) ? readProgress()[id] : null);

// ---- the URL hash ----------------------------------------------------------------------------

const hashParts = () => location.hash.replace(/^#/, '').split('&').filter(Boolean);
const isTourPart = (p) => /^(tour|step)=/.test(p);

/** `{id, step}` (step 0-based) of a hash `#tour=<id>&step=N`, or null. */
export function tourFromHash(hash = location.hash) {
  const parts = hash.replace(/^#/, '').split('&');
  const id = parts.find((p) => p.startsWith('tour='))?.slice(5);
  if (!id) return null;
  const n = Number(parts.find((p) => p.startsWith('step='))?.slice(5));
  return { id: decodeURIComponent(id), step: Number.isInteger(n) && n >= 1 ? n - 1 : 0 };
}

function writeHash(id, step) {
  const rest = hashParts().filter((p) => !isTourPart(p));
  const parts = id ? [`tour=${encodeURIComponent(id)}`, `step=${step + 1}`, ...rest] : rest;
  const hash = parts.length ? `#${parts.join('&')}` : '';
  if (hash !== location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
}

// ---- the player ------------------------------------------------------------------------------

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));
/** Resolve once the page has not scrolled for 3 frames (at most `limit` ms). */
async function settleScroll(limit = 1500) {
  const t0 = performance.now();
  let y = scrollY, calm = 0;
  while (calm < 3 && performance.now() - t0 < limit) {
    await nextFrame();
    calm = scrollY === y ? calm + 1 : 0;
    y = scrollY;
  }
}
const scrollBehavior = () => (reduceMotion.matches ? 'instant' : 'smooth');

/** The highlight's text equivalent: the step's `label`, or what the target names. */
function describe(step, el) {
  const t = step.target ?? {};
  if (t.label) return t.label;
  const name = el?.getAttribute('aria-label') || el?.localName || step.widget;
  if (t.control === 'preset') return 'the Preset menu of the figure';
  if (t.control) return `the setting “${el?.controls?.[t.control]?.row.querySelector('label')?.textContent.trim() ?? t.control}”`;
  if (t.button) return `the “${el?.buttons?.[t.button]?.textContent?.trim() ?? t.button}” button`;
  if (t.panel) return `the plot “${el?.scene?.()?.panels.find((p) => p.id === t.panel)?.title ?? t.panel}”`;
  return `the figure ${name}`;
}

class TourPlayer {
  constructor() {
    this.tour = null;
    this.index = 0;
    this.token = 0;
    this.opener = null;
    const panel = document.createElement('aside');
    panel.className = 'nl-tour';
    panel.hidden = true;
    panel.setAttribute('aria-labelledby', 'nl-tour-title');
    panel.innerHTML = `<h2 id="nl-tour-title" tabindex="-1"></h2>
      <div class="nl-tour-live" aria-live="polite" aria-atomic="true">
        <p class="nl-tour-count"></p><p class="nl-tour-text"></p><p class="nl-tour-where"></p>
      </div>
      <p class="nl-tour-error" role="alert"></p>
      <div class="nl-tour-nav">
        <button type="button" class="nl-tour-back" aria-keyshortcuts="ArrowLeft">Back</button>
        <button type="button" class="nl-tour-next" aria-keyshortcuts="ArrowRight">Next</button>
        <button type="button" class="nl-tour-leave" aria-keyshortcuts="Escape">Leave the tour</button>
      </div>`;
    this.panel = panel;
    this.$ = (sel) => panel.querySelector(sel);
    this.$('.nl-tour-back').addEventListener('click', () => this.go(this.index - 1));
    this.$('.nl-tour-next').addEventListener('click', () => (this.index + 1 < this.tour.steps.length ? this.go(this.index + 1) : this.finish()));
    this.$('.nl-tour-leave').addEventListener('click', () => this.leave());
    panel.addEventListener('keydown', (e) => {
      if (!(e.target instanceof HTMLButtonElement) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'ArrowRight' && this.index + 1 < this.tour.steps.length) { e.preventDefault(); this.go(this.index + 1); }
      if (e.key === 'ArrowLeft' && this.index > 0) { e.preventDefault(); this.go(this.index - 1); }
    });
    // Escape leaves, unless it belongs to a text box or to a widget (its own menus).
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || !this.tour || e.defaultPrevented) return;
      const path = e.composedPath();
      if (!path.includes(panel) && path.some((n) => n instanceof Element && (n.localName.startsWith('noiselab-') || n.matches('input, textarea, select')))) return;
      e.preventDefault();
      this.leave();
    });
    const mark = document.createElement('div');
    mark.className = 'nl-tour-highlight';
    mark.hidden = true;
    mark.setAttribute('aria-hidden', 'true');
    this.mark = mark;
    document.body.append(mark, panel);
    // The outline follows its target through layout shifts (math filled in, a section laid out,
    // a legend growing) and resizes: checked every frame while a tour is open, written only
    // when the target moved.
    this.follow = () => {
      if (!this.open) return;
      this.place();
      this.raf = requestAnimationFrame(this.follow);
    };
  }

  get open() { return Boolean(this.tour); }

  /** Open tour `id` at step `step` (0-based); `opener` gets focus back when the tour is left. */
  async start(id, step = 0, { opener = null, focus = true } = {}) {
    let tour;
    try {
      tour = await loadTour(id);
    } catch (err) {
      console.warn(err);
      return;
    }
    this.tour = tour;
    this.opener = opener;
    this.panel.hidden = false;
    this.panel.dataset.tour = id;
    this.$('#nl-tour-title').textContent = `Guided tour: ${tour.title}`;
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(this.follow);
    const go = this.go(Math.min(Math.max(0, step), tour.steps.length - 1));
    if (focus) this.$('.nl-tour-next').focus({ preventScroll: true });
    await go;
  }

  /** Show step i: text at once, then the widget's state, then the outline (in view). */
  async go(i) {
    const tour = this.tour;
    if (!tour || i < 0 || i >= tour.steps.length) return;
    const token = ++this.token;
    const step = tour.steps[i];
    this.index = i;
    writeProgress(tour.section, i);
    writeHash(tour.section, i);
    this.panel.dataset.step = String(i + 1);
    this.panel.dataset.state = 'busy';
    this.panel.setAttribute('aria-busy', 'true');
    this.mark.hidden = true;
    this.target = null;
    const last = i + 1 === tour.steps.length;
    this.$('.nl-tour-back').disabled = i === 0;
    this.$('.nl-tour-next').textContent = last ? 'Finish' : 'Next';
    this.$('.nl-tour-error').textContent = '';
    this.$('.nl-tour-count').textContent = `Step ${i + 1} of ${tour.steps.length}`;
    this.$('.nl-tour-text').textContent = step.text;
    this.$('.nl-tour-where').textContent = '';
    const el = document.getElementById(step.widget);
    try {
      if (!el) throw new Error(`there is no figure #${step.widget} on this page`);
      // Near the view first: the page loads and boots the widgets near the reader.
      if (!el.isReady) this.scrollTo(el.getBoundingClientRect(), 'instant');
      await loadWidget(el.localName);
      await el.ready;
      if (token !== this.token) return;
      await this.apply(el, i);
      if (token !== this.token) return;
      await nextFrame();
      this.target = { el, spec: step.target ?? {} };
      // A target that is not shown (a misspelt panel, a hidden view, a region off the plot):
      // the whole figure is outlined, and the tour's author is told.
      if (step.target && !el.locate?.(step.target)) console.warn(`tour ${tour.section}, step ${i + 1}: the target ${JSON.stringify(step.target)} is not shown; outlining the whole figure`);
      const rect = this.locate();
      this.$('.nl-tour-where').textContent = `Highlighted: ${describe(step, el)}.`;
      this.place();
      if (rect && this.scrollTo(rect, scrollBehavior())) {
        // A smooth scroll over sections not yet laid out can stop short (their heights were
        // estimates): once it ends, finish it at once if the target is still out of view.
        await new Promise((r) => {
          const done = () => { clearTimeout(timer); window.removeEventListener('scrollend', done); r(); };
          const timer = setTimeout(done, 1200);
          window.addEventListener('scrollend', done);
        });
        const again = token === this.token && this.locate();
        if (again) this.scrollTo(again, 'instant');
      }
      // A scroll already under way when ours was decided (the page's smooth scroll bringing a
      // focused button into view: leaving a tour focuses its button, and Resume may come before
      // that scroll ends) can carry the target away afterwards: once the page is still, bring
      // the target back into view if it is out of it.
      await settleScroll();
      const still = token === this.token && this.locate();
      if (still) this.scrollTo(still, 'instant');
    } catch (err) {
      if (token !== this.token) return;
      this.$('.nl-tour-error').textContent = `This step could not be shown: ${err.message ?? err}`;
      console.warn(`tour ${tour.section}, step ${i + 1}:`, err);
    }
    if (token !== this.token) return;
    this.panel.dataset.state = 'ready';
    this.panel.removeAttribute('aria-busy');
    this.panel.dispatchEvent(new CustomEvent('noiselab-tour-step', { detail: { tour: tour.section, step: i + 1 }, bubbles: true }));
  }

  /** Put the widget in the step's state (only what differs), its view, and run it as asked. */
  async apply(el, i) {
    const step = this.tour.steps[i];
    const { state, view } = stateAt(this.tour, i);
    // A view or a change of settings that starts a long computation (the dropout widget's Wei
    // comparison) is not waited for beyond a moment: the state is set once validated, and the
    // figure fills in while the reader reads.
    const moment = (p, ms) => Promise.race([p, new Promise((r) => { setTimeout(r, ms, null); })]);
    if (view && typeof el.showView === 'function' && el.view !== view) await moment(el.showView(view), 1500);
    if (state) {
      const want = Object.entries(state.settings).map(([k, v]) => [k, String(v)]);
      const same = el.preset === state.preset && want.every(([k, v]) => el.settings[k] === v);
      if (!same) {
        const r = await moment(el.setSettings({ preset: state.preset, ...Object.fromEntries(want) }), 3000);
        if (r && !r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
      }
    }
    if (step.run === 'play') el.play();
    else if (step.run === 'pause') el.pause();
    else if (step.run === 'end') await el.runToEnd();
  }

  locate() {
    const t = this.target;
    if (!t) return null;
    return t.el.locate?.(t.spec) ?? (t.el.getBoundingClientRect().height ? t.el.getBoundingClientRect() : null);
  }

  /** Scroll so `rect` (viewport pixels) sits in the part of the view the panel leaves free (a
      target taller than that: its top at the top); false if it already does. */
  scrollTo(rect, behavior) {
    const free = innerHeight - (this.panel.hidden ? 0 : this.panel.getBoundingClientRect().height + 16);
    const margin = 12;
    const tall = rect.height > free - 2 * margin;
    if (tall ? Math.abs(rect.top - margin) < 2 : rect.top >= margin && rect.bottom <= free - margin) return false;
    const top = tall ? rect.top - margin : rect.top - (free - rect.height) / 2;
    window.scrollBy({ top, behavior });
    return true;
  }

  /** Draw the outline over the target (document coordinates, so it scrolls with the page). */
  place() {
    const r = this.locate();
    if (!r || !this.open) { this.mark.hidden = true; return; }
    const pad = 4;
    const box = [r.left + scrollX - pad, r.top + scrollY - pad, r.width + 2 * pad, r.height + 2 * pad].map((v) => Math.round(v));
    if (this.mark.hidden || String(box) !== this.box) {
      this.box = String(box);
      Object.assign(this.mark.style, { left: `${box[0]}px`, top: `${box[1]}px`, width: `${box[2]}px`, height: `${box[3]}px` });
    }
    this.mark.hidden = false;
  }

  close() {
    const id = this.tour?.section;
    this.token++;
    this.tour = null;
    this.target = null;
    cancelAnimationFrame(this.raf);
    this.panel.hidden = true;
    this.mark.hidden = true;
    writeHash(null);
    const back = this.opener?.isConnected ? this.opener : document.querySelector(`.tour-start[data-tour="${id}"] button`);
    back?.focus({ preventScroll: false });
    document.dispatchEvent(new CustomEvent('noiselab-tour-closed', { detail: { tour: id } }));
  }

  /** Leave (the step is kept: "Resume the tour"). */
  leave() { this.close(); }

  /** The last step's Finish: done, nothing to resume. */
  finish() {
    writeProgress(this.tour.section, null);
    this.close();
  }
}

let player = null;
const getPlayer = () => (player ??= new TourPlayer());

/** Public: open a tour (for pages and tests). */
export const openTour = (id, step = 0, options) => getPlayer().start(id, step, options);

/**
 * Give each section of the page that has a tour its "Take the tour" button (and "Resume the tour
 * (step N)" when one was left), and open the tour a link names (`#tour=<id>&step=N`).
 */
export async function initTours(sections = [...document.querySelectorAll('main > section[id]')]) {
  if ('adoptedStyleSheets' in document) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  const ids = new Set(await tourIndex());
  const starts = new Map();
  for (const section of sections) {
    if (!ids.has(section.id)) continue;
    const box = document.createElement('div');
    box.className = 'tour-start';
    box.dataset.tour = section.id;
    const heading = section.querySelector('h2');
    box.innerHTML = '<button type="button" class="tour-take">Take the tour</button><button type="button" class="tour-resume" hidden></button>';
    for (const b of box.querySelectorAll('button')) if (heading?.id) b.setAttribute('aria-describedby', heading.id);
    box.querySelector('.tour-take').addEventListener('click', (e) => openTour(section.id, 0, { opener: e.currentTarget }));
    box.querySelector('.tour-resume').addEventListener('click', (e) => openTour(section.id, savedStep(section.id) ?? 0, { opener: box.querySelector('.tour-take') }));
    (heading ?? section.firstChild).after(box);
    starts.set(section.id, box);
  }
  const refresh = () => {
    for (const [id, box] of starts) {
      const s = savedStep(id);
      const resume = box.querySelector('.tour-resume');
      resume.hidden = !(s > 0);
      resume.textContent = `Resume the tour (step ${(s ?? 0) + 1})`;
    }
  };
  refresh();
  document.addEventListener('noiselab-tour-closed', refresh);
  window.addEventListener('storage', refresh);
  const fromLink = () => {
    const t = tourFromHash();
    if (t && ids.has(t.id) && !(player?.tour?.section === t.id && player.index === t.step)) openTour(t.id, t.step, { focus: true });
  };
  window.addEventListener('hashchange', fromLink);
  fromLink();
}
