// The shared base of every noiselab widget (one custom element per file, Distill-style):
// settings from attributes and the URL hash, validated by the Rust core's field table in the
// worker; controls built from that table; shadow DOM; play/pause/step/reset; pause off screen;
// error display at the control; panic recovery by restarting the worker.
import { OLD_URL_KEYS } from './keys.js';
import { LabWorker, WorkerError, BUSY_MAX } from './client.js';
import { BASE_CSS } from './widget-css.js';
import { download, toCsv, toJson, figurePng, figureSvg } from './export.js';

export const camelToKebab = (s) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const kebabToCamel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

let sheet;
function baseSheet() {
  if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(BASE_CSS); }
  return sheet;
}

let uid = 0;

// Shared frame pump: every playing widget on the page asks for a turn, and at most
// TURNS_PER_FRAME of them start a tick (worker request + redraw) in one animation frame, first
// come first served, with at most MAX_IN_FLIGHT ticks running at once across the page. One
// widget plays at full frame rate; ten playing at once share frames instead of piling their
// canvas updates into one long frame, and their workers never take every core: with more busy
// workers than cores, the page's own thread is descheduled and its frames turn into long tasks
// (the soak test's long-task check).
const TURNS_PER_FRAME = 3;
const MAX_IN_FLIGHT = BUSY_MAX; // client.js's page-wide bound on busy workers
const pump = { queue: [], raf: 0, inFlight: 0 };
function runPump() {
  pump.raf = 0;
  let turns = 0;
  while (pump.queue.length && turns < TURNS_PER_FRAME && pump.inFlight < MAX_IN_FLIGHT) {
    const w = pump.queue.shift();
    if (w.takeTurn()) turns++;
  }
  schedulePump();
}
function schedulePump() {
  if (pump.queue.length && !pump.raf && pump.inFlight < MAX_IN_FLIGHT) pump.raf = requestAnimationFrame(runPump);
}
function requestTurn(w) {
  if (!pump.queue.includes(w)) pump.queue.push(w);
  schedulePump();
}

// Readouts and the other live text (the plots' text alternatives: readouts, canvases'
// aria-labels, tables of numbers): written at once when a widget is paused; while playing, every
// widget's latest values are written together at most every READOUT_MS, in one animation frame,
// so ten playing widgets cost one re-layout of the page per flush instead of one per tick (the
// layout of a long page was most of the soak test's long frames), and a screen reader is not
// handed a new label 30 times a second. A value equal to the last one asked for is not written.
const READOUT_MS = 200;
// pending: element → { owner (widget), writes: kind → value }; kind is 'html', 'text' or an
// attribute name. lastLive: element → { kind: the value last asked for }.
const readouts = { pending: new Map(), timer: 0, last: 0 };
const lastLive = new WeakMap();
function writeLive(el, kind, value) {
  if (kind === 'html') el.innerHTML = value;
  else if (kind === 'text') el.textContent = value;
  else el.setAttribute(kind, value);
}
function flushReadouts() {
  readouts.timer = 0;
  readouts.last = performance.now();
  for (const [el, { writes }] of readouts.pending) for (const [kind, value] of writes) writeLive(el, kind, value);
  readouts.pending.clear();
}
function scheduleReadouts() {
  if (readouts.timer) return;
  const wait = Math.max(0, readouts.last + READOUT_MS - performance.now());
  readouts.timer = setTimeout(() => requestAnimationFrame(flushReadouts), wait);
}

// Boot order (issue 7, W4): a widget (mostly) in view boots at once (worker, core, first run,
// first frame); one within a viewport of the visible area boots next, as soon as no boot is running;
// the others wait and boot one at a time while the page is idle. A link to one section of a
// long page then draws its widget first instead of sharing two cores with its neighbour's and
// eleven others' first runs (#logreg-posterior-figure waited for laplace-vb's, just above it);
// the far ones are ready (their `ready` resolves) a little later, before a reader scrolls to them.
const BOOT_MARGIN = '100% 0px';
const boots = { queue: [], active: 0, idle: 0, io: null };
function bootObserver() {
  boots.io ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      const { top, bottom } = e.boundingClientRect;
      e.target.bootNear = e.isIntersecting;
      e.target.bootSeenFar = !e.isIntersecting;
      // "In view" means mostly in view: half of it, or half the viewport. A widget showing
      // only its top edge below another's boots next instead: before their boots the
      // placeholders' heights are estimates, and #laplace-vb-figure's growing from 576 to
      // 712 px pushes the logistic-regression panel that peeked in under it out of view.
      const visible = Math.min(bottom, window.innerHeight) - Math.max(top, 0);
      if (e.isIntersecting && visible > 0 && visible >= 0.5 * Math.min(bottom - top, window.innerHeight)) startBoot(e.target);
    }
    drainBoots();
  }, { rootMargin: BOOT_MARGIN });
  return boots.io;
}
function scheduleBoot(w) {
  if (!boots.queue.includes(w)) boots.queue.push(w);
  w.bootSeenFar = false;
  w.bootNear = false;
  bootObserver().observe(w);
}
function unscheduleBoot(w) {
  const i = boots.queue.indexOf(w);
  if (i >= 0) boots.queue.splice(i, 1);
  boots.io?.unobserve(w);
}
function startBoot(w) {
  const i = boots.queue.indexOf(w);
  if (i < 0) return; // booting or booted already
  unscheduleBoot(w);
  if (!w.isConnected) return;
  w.phase = 'booting';
  boots.active++;
  performance.mark?.(`noiselab:boot ${w.localName}`);
  const boot = w.bootRun = {};
  w.boot()
    // (Unless the element has been removed, or reset, and booted again since.)
    .catch((err) => { if (w.bootRun === boot) { w.phase = 'failed'; w.fail(err); } })
    .finally(() => { boots.active--; drainBoots(); });
}
function drainBoots() {
  if (boots.idle || boots.active > 0) return;
  const near = boots.queue.find((w) => w.bootNear);
  if (near) {
    startBoot(near);
    return;
  }
  // Only widgets the observer has reported far away (so a nearby one is never put behind them).
  if (!boots.queue.some((w) => w.bootSeenFar)) return;
  const idle = globalThis.requestIdleCallback ?? ((f) => setTimeout(f, 50));
  boots.idle = idle(() => {
    boots.idle = 0;
    const next = boots.queue.find((w) => w.bootNear) ?? boots.queue.find((w) => w.bootSeenFar);
    if (next && boots.active === 0) startBoot(next);
    else drainBoots();
  }, { timeout: 500 });
}


/** frame.html, the one-widget page for iframes, beside this lab's www/ folder. */
const frameUrl = () => new URL('../frame.html', import.meta.url).href;
const escapeAttr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The host page's half of the iframe recipe: frame.js posts {type: 'noiselab-height', height};
    the iframe that sent it is resized, so no widget is cut off. */
export const IFRAME_RESIZE = "addEventListener('message',e=>{if(e.data&&e.data.type==='noiselab-height')for(const f of document.querySelectorAll('iframe'))if(f.contentWindow===e.source)f.style.height=e.data.height+'px'})";

/** Validate a UI-only field (not part of the model config) with the core's message format. */
function checkUiField(f, text) {
  const v = Number(String(text).trim());
  const range = `from ${f.min} to ${f.max}`;
  if (String(text).trim() === '' || !Number.isFinite(v) || !Number.isInteger(v)) return { error: `${f.name} must be a whole number ${range}; got "${text}"` };
  if (v < f.min || v > f.max) return { error: `${f.name} must be ${range}; got ${v}` };
  return { value: String(v) };
}

export class NoiselabWidget extends HTMLElement {
  /** Experiment kind known to the worker, e.g. "funnel". */
  static kind = '';
  /** UI-only integer settings (not sent to Rust): [{name, label, min, max, default, help}]. */
  static uiFields = [];
  /** Extra buttons: [{name, label, title}] (each calls `this.onButton(name)`). */
  static buttons = [];
  /** False for widgets that compute once per setting (no play/step/reset/seed buttons). */
  static runControls = true;
  /**
   * Named presets for the lecture's key contrasts and failure modes:
   * [{name, label, settings: {field: value}, note}]. A preset is the defaults with `settings`
   * over them (the seed too, unless it names one); it only sets visible controls. Chosen from
   * the "Preset" menu, the attribute `preset="name"`, the hash part `<key>.preset=name` or
   * `setPreset(name)`.
   */
  static presets = [];

  constructor() {
    super();
    this.handle = `${this.constructor.kind}-${++uid}`;
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [baseSheet(), ...this.extraSheets()];
    this.playing = false;
    this.visible = true;
    this.inFlight = false;
    this.tickCount = 0; // frames of work requested while playing (the soak test watches it)
    this.broken = false;
    this.valid = null; // last valid settings: name → text (model fields and UI fields)
    // Start-up: 'waiting' (until near the view, widget.js's boot queue) → 'booting' (worker,
    // fields, controls) → 'applying' (the first settings and run) → 'ready' (figure drawn;
    // `ready` resolves), or 'failed' (shown; Reset boots afresh). Removing the element goes
    // back to 'waiting'. Requests a page makes before 'ready' wait for it: play() (cancelled
    // by a pause() in the meantime), reset(), a hash change.
    this.phase = 'waiting';
    this.playWhenReady = false;
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
  }

  /** Ready, and every settings change made so far applied (its run created). The public
      methods that act on the current run (runToEnd, stepOnce) wait for this, so they do not
      act on the run a change just made (a control, a link) is replacing. */
  async settled() {
    await this.ready;
    await this.applyQueue;
  }

  /** Booted: settings applied, first run created, figure drawn. */
  get isReady() { return this.phase === 'ready'; }

  /** Subclass hook: extra constructed stylesheets. */
  extraSheets() { return []; }

  // ---- lifecycle ----------------------------------------------------------------------------

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    this.root.innerHTML = `
      <div class="widget" part="widget">
        <div class="figure">${this.renderFigure()}</div>
        <div class="readout" aria-live="polite" role="status"></div>
        <p class="verdict" aria-live="polite"></p>
        <div class="message" role="alert" hidden></div>
        <div class="buttons" role="toolbar" aria-label="run controls"></div>
        <div class="controls" role="group" aria-label="settings"></div>
      </div>`;
    this.$ = (sel) => this.root.querySelector(sel);
    this.readoutEl = this.$('.readout');
    this.verdictEl = this.$('.verdict');
    this.messageEl = this.$('.message');
    this.io?.disconnect();
    this.io = new IntersectionObserver((entries) => {
      for (const e of entries) this.visible = e.isIntersecting;
      this.updatePlayButton();
    });
    this.io.observe(this);
    window.removeEventListener('hashchange', this.onHashChange);
    this.onHashChange = () => this.loadFromHash().catch((err) => this.fail(err));
    if (this.urlKey) window.addEventListener('hashchange', this.onHashChange);
    scheduleBoot(this);
  }

  disconnectedCallback() {
    unscheduleBoot(this);
    this.pause();
    this.io?.disconnect();
    window.removeEventListener('hashchange', this.onHashChange);
    // Removed for good (not just moved): stop the worker; a later re-insertion boots afresh.
    queueMicrotask(() => {
      if (this.isConnected) {
        this.io?.observe(this);
        if (this.phase === 'waiting') scheduleBoot(this); // moved before it booted
        return;
      }
      this.worker?.terminate();
      this.started = false;
      this.phase = 'waiting';
      this.bootRun = null;
      this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    });
  }

  get urlKey() { return this.getAttribute('url-state'); }

  async boot() {
    this.worker = new LabWorker(this.constructor.kind);
    const hello = await this.worker.request('hello', { kind: this.constructor.kind });
    this.fields = hello.fields;
    this.historyFields = hello.historyFields;
    this.col = Object.fromEntries(this.historyFields.map((n, i) => [n, i]));
    this.buildControls();
    this.buildPresetMenu();
    this.buildButtons();
    const defaults = Object.fromEntries([
      ...this.fields.map((f) => [f.name, String(f.default)]),
      ...this.constructor.uiFields.map((f) => [f.name, String(f.default)]),
    ]);
    this.valid = defaults;
    const fromAttrs = this.settingsFromAttributes();
    const fromHash = this.settingsFromHash();
    // The first run's own pause() (subclasses pause before replacing a run) is not the page's.
    this.phase = 'applying';
    try {
      await this.applySettings({ ...fromAttrs.settings, ...fromHash.settings }, { initial: true, extraErrors: [...fromAttrs.errors, ...fromHash.errors] });
    } finally {
      this.phase = 'booting';
    }
    await this.onReady();
    this.phase = 'ready';
    this.resolveReady();
    this.dispatchEvent(new CustomEvent('noiselab-ready', { bubbles: true, composed: true }));
    if (this.hasAttribute('autoplay')) this.play();
  }

  // ---- settings -----------------------------------------------------------------------------

  allFieldNames() {
    return [...this.fields.map((f) => f.name), ...this.constructor.uiFields.map((f) => f.name)];
  }

  settingsFromAttributes() {
    const settings = {};
    const errors = [];
    for (const name of this.allFieldNames()) {
      const attr = camelToKebab(name);
      if (this.hasAttribute(attr)) settings[name] = this.getAttribute(attr);
    }
    if (this.hasAttribute('preset')) settings.preset = this.getAttribute('preset');
    return { settings, errors };
  }

  /** This widget's parts of a URL hash (`key.name=value`, also under its old front-page key). */
  ownHashParts(hash = location.hash) {
    const keys = this.urlKeys();
    return hash.replace(/^#/, '').split('&').filter((p) => keys.some((k) => p.startsWith(`${k}.`)));
  }

  /** The keys this widget's state is read under: its url-state and the front page's old key. */
  urlKeys() {
    const key = this.urlKey;
    if (!key) return [];
    const old = Object.entries(OLD_URL_KEYS).filter(([, v]) => v === key).map(([k]) => k);
    return [key, ...old];
  }

  settingsFromHash() {
    const settings = {};
    const errors = [];
    if (!this.urlKey) return { settings, errors };
    for (const part of this.ownHashParts()) {
      const dot = part.indexOf('.');
      const eq = part.indexOf('=');
      let name, value;
      try {
        name = decodeURIComponent(part.slice(dot + 1, eq < 0 ? undefined : eq));
        value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        errors.push({ field: 'url', message: `the link's setting "${part}" is malformed (bad %-encoding); it was ignored` });
        continue;
      }
      settings[name] = value;
    }
    return { settings, errors };
  }

  async loadFromHash() {
    if (!this.isReady) {
      // The hash changed while this widget boots (on the lab page another widget writes its
      // state, or the reader follows a link): the boot reads the hash once; look again when ready.
      if (this.hashAfterBoot) return;
      this.hashAfterBoot = true;
      await this.ready;
      this.hashAfterBoot = false;
      return this.loadFromHash();
    }
    const { settings, errors } = this.settingsFromHash();
    const current = this.hashString();
    const incoming = this.ownHashParts().join('&');
    if (incoming === current || (!incoming && !errors.length)) return;
    await this.applySettings(settings, { extraErrors: errors, replace: true });
  }

  /** The settings that differ from the defaults (name → text), in field order. */
  changedSettings() {
    const d = this.defaults();
    return Object.fromEntries(this.allFieldNames().filter((n) => this.valid[n] !== d[n]).map((n) => [n, this.valid[n]]));
  }

  /** This widget's part of the URL hash: `key.name=value&…`, the non-default settings only
      (a link is short and names just what was changed; the rest are the defaults). */
  hashString() {
    const key = this.urlKey;
    return Object.entries(this.changedSettings()).map(([n, v]) => `${key}.${n}=${encodeURIComponent(v)}`).join('&');
  }

  writeHash() {
    if (!this.urlKey) return;
    history.replaceState(null, '', `#${this.hashWithOwnState()}`);
  }

  /**
   * The page's hash with this widget's part replaced. Parts without "=" (a section id) stay
   * first; state parts follow in the document order of their widgets, so the hash does not
   * depend on which widget finished booting first.
   */
  hashWithOwnState() {
    const mine = new Set(this.ownHashParts());
    const parts = location.hash.replace(/^#/, '').split('&').filter((p) => p && !mine.has(p));
    const own = this.hashString();
    const order = [...document.querySelectorAll('[url-state]')].map((e) => e.getAttribute('url-state'));
    const rank = (p) => {
      const i = order.indexOf(p.split('.')[0]);
      return i < 0 ? order.length : i;
    };
    const plain = parts.filter((p) => !p.includes('='));
    const state = [...parts.filter((p) => p.includes('=')), ...(own ? own.split('&') : [])];
    // Stable sort: within one widget the fields keep their own order.
    const sorted = state.map((p, i) => [rank(p), i, p]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
    return [...plain, ...sorted].join('&');
  }

  /** A link to this widget's exact state: the page with this widget's non-default settings
      and its seed in the hash (no other widget's state). */
  shareText() {
    const key = this.urlKey ?? this.localName.replace(/^noiselab-/, '');
    const own = this.hashString().replaceAll(`${this.urlKey}.`, `${key}.`);
    const seed = this.valid.seed !== undefined && !own.includes(`${key}.seed=`) ? `${key}.seed=${encodeURIComponent(this.valid.seed)}` : '';
    const hash = [own, seed].filter(Boolean).join('&');
    if (this.urlKey) return `${location.href.split('#')[0]}#${hash}`;
    return `${frameUrl()}?widget=${key}#${hash}`;
  }

  /** Snippets that embed this exact state in course notes: the element (with noiselab.js) and
      an iframe of frame.html that resizes itself to the widget's height (frame.js posts it). */
  embedText() {
    const key = this.localName.replace(/^noiselab-/, '');
    const tag = this.localName;
    const changed = this.changedSettings();
    if (this.valid.seed !== undefined && changed.seed === undefined) changed.seed = this.valid.seed;
    const attrs = Object.entries(changed).map(([n, v]) => ` ${camelToKebab(n)}="${escapeAttr(v)}"`).join('');
    const hash = Object.entries(changed).map(([n, v]) => `${key}.${n}=${encodeURIComponent(v)}`).join('&');
    const src = `${frameUrl()}?widget=${key}${hash ? `#${hash}` : ''}`;
    return [
      `<script type="module" src="${new URL('../noiselab.js', import.meta.url).href}"></script>`,
      `<${tag}${attrs}></${tag}>`,
      '',
      `<iframe src="${escapeAttr(src)}" title="noiselab: ${key}" style="width:100%;border:0" height="1200" loading="lazy"></iframe>`,
      `<script>${IFRAME_RESIZE}</script>`,
    ].join('\n');
  }

  /**
   * Validate `changes` (name → text) over the last valid settings. Invalid fields are shown at
   * their controls and dropped; the rest is applied. Returns `{ok, errors}`.
   */
  applySettings(changes, options = {}) {
    // Serialized: each change is validated against the state left by the previous one.
    const run = (this.applyQueue ?? Promise.resolve()).then(() => this.applyNow(changes, options));
    this.applyQueue = run.catch(() => {});
    return run;
  }

  async applyNow(changes, { initial = false, extraErrors = [], replace = false } = {}) {
    const uiNames = new Set(this.constructor.uiFields.map((f) => f.name));
    const modelNames = new Set(this.fields.map((f) => f.name));
    const errors = [...extraErrors];
    if ('preset' in changes) {
      // A named preset: the defaults with the preset's settings over them, then any other
      // settings given with it (a link's own seed, say).
      const { preset: name, ...rest } = changes;
      const p = this.presetNamed(String(name).trim());
      if (p) {
        changes = { ...Object.fromEntries(Object.entries(p.settings ?? {}).map(([k, v]) => [k, String(v)])), ...rest };
        replace = true;
        this.chosenPreset = p.name;
      } else {
        changes = rest;
        errors.push({ field: 'preset', message: `preset must be one of ${this.presetNames().join(', ')}; got "${name}"` });
      }
    }
    const candidate = replace ? Object.fromEntries(Object.entries(this.defaults())) : { ...this.valid };
    const modelChanges = {};
    for (const [name, text] of Object.entries(changes)) {
      if (uiNames.has(name)) {
        const f = this.constructor.uiFields.find((u) => u.name === name);
        const r = checkUiField(f, text);
        if (r.error) errors.push({ field: name, message: r.error }); else candidate[name] = r.value;
      } else if (modelNames.has(name)) {
        modelChanges[name] = text;
      } else {
        errors.push({ field: name, message: `unknown setting "${name}"; known settings: ${this.allFieldNames().join(', ')}` });
      }
    }
    const modelBase = Object.fromEntries([...modelNames].map((n) => [n, candidate[n]]));
    let check = await this.worker.request('check', { kind: this.constructor.kind, settings: { ...modelBase, ...modelChanges } });
    if (!check.ok) {
      for (const e of check.errors) { errors.push(e); delete modelChanges[e.field]; }
      check = await this.worker.request('check', { kind: this.constructor.kind, settings: { ...modelBase, ...modelChanges } });
    }
    if (check.ok) Object.assign(candidate, check.settings);
    const before = this.valid;
    this.valid = candidate;
    const changed = initial ? this.allFieldNames() : this.allFieldNames().filter((n) => before[n] !== candidate[n]);
    // The errors shown are this change's: a control's error names the field, its range and the
    // rejected value, and goes with the next change.
    this.fieldErrors = {};
    for (const e of errors) if (this.controls[e.field]) this.fieldErrors[e.field] = e;
    // Refresh the controls this change touched (a control being typed in elsewhere keeps its
    // text); a rejected one shows the value actually in use again.
    const touched = initial || replace ? this.allFieldNames() : [...new Set([...changed, ...Object.keys(changes)])];
    this.syncControls(touched);
    this.showErrors(errors);
    this.updatePresetMenu();
    if (changed.length) {
      if (!initial || this.urlKey) this.writeHash();
      await this.onApplied(changed, initial);
    }
    return { ok: errors.length === 0, errors };
  }

  defaults() {
    return Object.fromEntries([
      ...this.fields.map((f) => [f.name, String(f.default)]),
      ...this.constructor.uiFields.map((f) => [f.name, String(f.default)]),
    ]);
  }

  /** Public API: the current (valid) settings as name → text. */
  get settings() { return { ...this.valid }; }

  /** Public API: change settings (name → text or number); resolves to `{ok, errors}`. */
  async setSettings(changes) {
    await this.ready;
    return this.applySettings(Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])));
  }

  // ---- presets ------------------------------------------------------------------------------

  presetNames() { return ['default', ...this.constructor.presets.map((p) => p.name)]; }

  presetNamed(name) {
    if (name === 'default') return { name: 'default', label: 'default settings', settings: {} };
    return this.constructor.presets.find((p) => p.name === name) ?? null;
  }

  /** Public API: apply the named preset (see `static presets`); resolves to `{ok, errors}`. */
  async setPreset(name) {
    await this.ready;
    return this.applySettings({ preset: String(name) });
  }

  /** Public API: the preset the current settings are ('default' for the defaults), or 'custom'.
      The seed and the display-only settings are not compared. */
  get preset() {
    if (!this.valid) return 'custom';
    const d = this.defaults();
    const ui = new Set(this.constructor.uiFields.map((f) => f.name));
    const names = this.fields.map((f) => f.name).filter((n) => n !== 'seed' && !ui.has(n));
    // The preset last chosen comes first (one equal to the defaults keeps its own name).
    const order = [...new Set([this.chosenPreset, ...this.presetNames()].filter(Boolean))];
    for (const name of order) {
      const p = this.presetNamed(name);
      const want = { ...d, ...Object.fromEntries(Object.entries(p.settings).map(([k, v]) => [k, String(v)])) };
      if (names.every((n) => String(want[n]) === String(this.valid[n]))) return name;
    }
    return 'custom';
  }

  buildPresetMenu() {
    const presets = this.constructor.presets;
    if (!presets.length) return;
    const id = `${this.handle}-preset`;
    const row = document.createElement('div');
    row.className = 'control control-preset';
    row.dataset.name = 'preset';
    row.hidden = !this.shownControl('preset');
    row.innerHTML = `<label for="${id}">Preset</label><div class="inputs"><select id="${id}" aria-describedby="${id}-note">
      <option value="default">default settings</option>
      ${presets.map((p) => `<option value="${p.name}">${p.label}</option>`).join('')}
      <option value="custom" disabled>custom (changed by hand)</option></select></div><div class="preset-note" id="${id}-note"></div>`;
    this.$('.controls').prepend(row);
    this.presetSelect = row.querySelector('select');
    this.presetNote = row.querySelector('.preset-note');
    this.presetSelect.addEventListener('change', () => {
      const v = this.presetSelect.value;
      if (v !== 'custom') this.applySettings({ preset: v }).catch((err) => this.fail(err));
    });
  }

  updatePresetMenu() {
    if (!this.presetSelect) return;
    const name = this.preset;
    this.presetSelect.value = name;
    const p = name === 'custom' ? null : this.presetNamed(name);
    this.presetNote.textContent = p?.note ?? (name === 'custom' ? 'Settings changed by hand.' : '');
    this.dataset.preset = name;
  }

  /** Disable the control of `name` with a short reason shown under it (null or '' enables it). */
  setControlDisabled(name, reason) {
    const c = this.controls?.[name];
    if (!c) return;
    const off = Boolean(reason);
    c.box.disabled = off;
    if (c.slider) c.slider.disabled = off;
    c.row.classList.toggle('disabled', off);
    let why = c.row.querySelector('.why');
    if (!why) {
      why = document.createElement('div');
      why.className = 'why';
      why.id = `${c.box.id}-why`;
      c.row.append(why);
      c.box.setAttribute('aria-describedby', `${c.box.id}-err ${why.id}`);
    }
    why.textContent = off ? reason : '';
  }

  /** One plain sentence that interprets the numbers (under the readout; batched like it). */
  setVerdict(text) {
    this.setLive(this.verdictEl, text ?? '', 'text');
  }

  // ---- controls -----------------------------------------------------------------------------

  /** A run button or the export menu: shown unless `hide=` names it (`controls=` filters
      settings only, so a teacher's figure with a few controls can still be played). */
  shownButton(name) {
    const hide = (this.getAttribute('hide') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    return !(hide.includes(camelToKebab(name)) || hide.includes(name));
  }

  shownControl(name) {
    const kebab = camelToKebab(name);
    const hide = (this.getAttribute('hide') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hide.includes(kebab) || hide.includes(name)) return false;
    const only = this.getAttribute('controls');
    if (only === null || only.trim() === '' || only.trim() === 'all') return true;
    const list = only.split(',').map((s) => s.trim());
    return list.includes(kebab) || list.includes(name);
  }

  buildControls() {
    const form = this.$('.controls');
    const specs = [
      ...this.fields,
      ...this.constructor.uiFields.map((f) => ({ ...f, kind: 'integer', ui: true })),
    ];
    this.controls = {};
    for (const f of specs) {
      const id = `${this.handle}-${f.name}`;
      const row = document.createElement('div');
      row.className = `control control-${f.kind}`;
      row.dataset.name = f.name;
      row.hidden = !this.shownControl(f.name);
      const label = `<label for="${id}">${f.label}${f.unit ? ` <span class="unit">(${f.unit})</span>` : ''}</label>`;
      const err = `<div class="error" id="${id}-err" aria-live="polite"></div>`;
      let input;
      if (f.kind === 'choice') {
        input = `<select id="${id}" name="${f.name}" aria-describedby="${id}-err">${f.options.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select>`;
      } else {
        const wide = f.kind === 'integer' && f.max > 100000;
        const step = f.kind === 'real' ? f.step : 1;
        const range = wide ? '' : `<input type="range" id="${id}-range" min="${f.min}" max="${f.max}" step="${step}" aria-label="${f.label} slider" tabindex="-1">`;
        input = `${range}<input type="text" inputmode="decimal" id="${id}" name="${f.name}" class="num" aria-describedby="${id}-err" autocomplete="off" spellcheck="false">`;
      }
      row.innerHTML = `${label}<div class="inputs">${input}</div>${err}`;
      row.title = f.help ?? '';
      form.append(row);
      const box = row.querySelector(`#${CSS.escape(id)}`);
      const slider = row.querySelector('input[type=range]');
      this.controls[f.name] = { row, box, slider, err: row.querySelector('.error') };
      const commit = () => this.applySettings({ [f.name]: box.value }).catch((err) => this.fail(err));
      box.addEventListener('change', commit);
      box.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); commit(); } });
      if (slider) {
        slider.addEventListener('input', () => { box.value = slider.value; });
        slider.addEventListener('change', () => this.applySettings({ [f.name]: slider.value }).catch((err) => this.fail(err)));
      }
    }
  }

  /** Show the valid settings of `names` in their controls. */
  syncControls(names) {
    for (const name of names) {
      const c = this.controls[name];
      if (!c) continue;
      c.box.value = this.valid[name];
      if (c.slider) c.slider.value = this.valid[name];
    }
  }

  /** Mark every control in `fieldErrors`; report this change's other errors in the message. */
  showErrors(errors) {
    for (const [name, c] of Object.entries(this.controls)) {
      const e = this.fieldErrors[name];
      c.err.textContent = e ? e.message : '';
      if (e) c.box.setAttribute('aria-invalid', 'true'); else c.box.removeAttribute('aria-invalid');
      c.row.classList.toggle('invalid', Boolean(e));
    }
    const general = errors.filter((e) => !this.controls[e.field] || this.controls[e.field].row.hidden).map((e) => e.message);
    if (errors.length) {
      this.dispatchEvent(new CustomEvent('noiselab-invalid', { detail: errors, bubbles: true, composed: true }));
    }
    this.showMessage(general.length ? `Ignored: ${general.join('; ')}. Keeping the last valid settings.` : '', 'warn');
  }

  showMessage(text, kind = 'info') {
    this.messageEl.hidden = !text;
    this.messageEl.textContent = text;
    this.messageEl.dataset.kind = kind;
  }

  /** A run-control button `{name, label, title}` that calls onButtonClick(name). */
  makeButton({ name, label, title }) {
    const el = document.createElement('button');
    el.type = 'button';
    el.textContent = label;
    el.title = title ?? '';
    el.dataset.name = name;
    el.addEventListener('click', () => this.onButtonClick(name));
    return el;
  }

  buildButtons() {
    const bar = this.$('.buttons');
    const run = this.constructor.runControls;
    const all = [
      ...(run ? [
        { name: 'play', label: 'Play', title: 'Play / pause (space)' },
        { name: 'step', label: 'Step', title: 'Advance one step' },
        { name: 'reset', label: 'Reset', title: 'Back to step 0 with the same seed' },
      ] : [{ name: 'reset', label: 'Reset', title: 'Back to the default settings' }]),
      ...this.constructor.buttons,
      ...(run ? [{ name: 'newSeed', label: 'New seed', title: 'Draw a fresh random seed' }] : []),
      { name: 'copyLink', label: 'Copy link', title: 'Copy a link to this exact state (the changed settings and the seed)' },
      { name: 'copyEmbed', label: 'Copy embed', title: 'Copy HTML that embeds this exact state in course notes (the element, or an iframe)' },
    ];
    this.buttons = {};
    for (const b of all) {
      const el = this.makeButton(b);
      el.hidden = !this.shownButton(b.name);
      bar.append(el);
      this.buttons[b.name] = el;
    }
    this.buttons.play?.setAttribute('aria-pressed', 'false');
    this.buildExportMenu(bar);
    this.shareEl = document.createElement('textarea');
    this.shareEl.className = 'share';
    this.shareEl.rows = 1;
    this.shareEl.readOnly = true;
    this.shareEl.hidden = true;
    this.shareEl.setAttribute('aria-label', 'link to this exact state');
    bar.append(this.shareEl);
  }

  async onButtonClick(name) {
    try {
      if (name === 'play') this.playing ? this.pause() : this.play();
      else if (name === 'step') { this.pause(); await this.stepOnce(); }
      else if (name === 'reset') await this.reset();
      else if (name === 'newSeed') {
        const seed = await this.worker.request('freshSeed');
        await this.applySettings({ seed: String(seed) });
      } else if (name === 'copyLink') await this.copyText(this.shareText(), 'link to this exact state', 'Copied: the link reproduces this exact run (settings and seed).');
      else if (name === 'copyEmbed') await this.copyText(this.embedText(), 'HTML that embeds this exact state', 'Copied: paste the element (with its script tag) into course notes on the same site as the lab, or the iframe anywhere.');
      else if (['exportCsv', 'exportJson', 'exportPng', 'exportSvg', 'saveSettings', 'loadSettings'].includes(name)) await this.exportAs(name);
      else await this.onButton(name);
    } catch (err) { this.fail(err); }
  }

  /** The "Export" menu: data (CSV, JSON), figure (PNG), settings (save and load as JSON). */
  buildExportMenu(bar) {
    const menu = document.createElement('details');
    menu.className = 'export';
    menu.hidden = !this.shownButton('export');
    menu.innerHTML = `<summary>Export</summary><div class="export-items" role="group" aria-label="export">
      <button type="button" data-name="exportCsv" title="Per-step results as CSV">Data (CSV)</button>
      <button type="button" data-name="exportJson" title="Settings, per-step results and summary as JSON">Data (JSON)</button>
      <button type="button" data-name="exportPng" title="The figure as a PNG image">Figure (PNG)</button>
      <button type="button" data-name="exportSvg" title="The figure as an SVG image: plots as vectors, heat maps as embedded images">Figure (SVG)</button>
      <button type="button" data-name="saveSettings" title="Save the settings (with the seed) as JSON">Save settings</button>
      <button type="button" data-name="loadSettings" title="Load settings from a JSON file">Load settings…</button>
      <input type="file" accept=".json,application/json" hidden aria-label="settings file to load">
    </div>`;
    for (const b of menu.querySelectorAll('button')) {
      b.addEventListener('click', () => this.onButtonClick(b.dataset.name));
      this.buttons[b.dataset.name] = b;
    }
    this.fileInput = menu.querySelector('input[type=file]');
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      this.fileInput.value = '';
      if (file) file.text().then((text) => this.loadSettingsText(text)).catch((err) => this.fail(err));
    });
    bar.append(menu);
  }

  fileStem() {
    return `noiselab-${this.constructor.kind}${this.valid.seed === undefined ? '' : `-seed${this.valid.seed}`}`;
  }

  /** Export actions (the subclass supplies `exportData()`: {settings, historyFields, history}). */
  async exportAs(kind) {
    const stem = this.fileStem();
    this.$('details.export').open = false;
    if (kind === 'exportCsv') {
      const d = this.exportData();
      download(`${stem}.csv`, toCsv(d.historyFields, d.history), 'text/csv');
    } else if (kind === 'exportJson') {
      download(`${stem}.json`, toJson(this.exportData()), 'application/json');
    } else if (kind === 'exportPng') {
      download(`${stem}.png`, await figurePng(this.$('.figure')));
    } else if (kind === 'exportSvg') {
      download(`${stem}.svg`, figureSvg(this.$('.figure')), 'image/svg+xml');
    } else if (kind === 'saveSettings') {
      download(`${stem}-settings.json`, toJson({ widget: this.localName, settings: this.settings }), 'application/json');
    } else if (kind === 'loadSettings') {
      this.fileInput.click();
    }
  }

  /** Apply a settings file: `{widget, settings}` or a plain object of settings. */
  async loadSettingsText(text) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      this.showMessage(`The settings file is not valid JSON (${err.message}); nothing was changed.`, 'error');
      return { ok: false };
    }
    const settings = doc && typeof doc === 'object' && doc.settings && typeof doc.settings === 'object' ? doc.settings : doc;
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) {
      this.showMessage('The settings file must hold an object of settings; nothing was changed.', 'error');
      return { ok: false };
    }
    return this.applySettings(Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])));
  }

  /** Subclass hook: the current data for export. */
  exportData() {
    return { settings: this.settings, historyFields: [], history: [] };
  }

  /** Public API: copy a link to this exact state (see shareText). */
  async copyLink() {
    return this.copyText(this.shareText(), 'link to this exact state', 'Copied: the link reproduces this exact run (settings and seed).');
  }

  async copyText(text, what, done) {
    this.shareEl.value = text;
    this.shareEl.rows = Math.min(6, text.split('\n').length);
    this.shareEl.setAttribute('aria-label', what);
    this.shareEl.hidden = false;
    this.shareEl.select();
    try {
      await navigator.clipboard.writeText(text);
      this.showMessage(done, 'info');
    } catch {
      this.showMessage('Select and copy the text next to the buttons.', 'info');
    }
  }

  updatePlayButton() {
    const b = this.buttons?.play;
    if (!b) return;
    b.textContent = this.playing ? 'Pause' : 'Play';
    b.setAttribute('aria-pressed', String(this.playing));
    b.disabled = this.broken;
    this.buttons.step.disabled = this.broken;
    this.toggleAttribute('playing', this.playing);
    // Announce numbers when paused, not every frame while playing.
    this.readoutEl.setAttribute('aria-live', this.playing ? 'off' : 'polite');
    this.verdictEl?.setAttribute('aria-live', this.playing ? 'off' : 'polite');
  }

  // ---- running ------------------------------------------------------------------------------

  play() {
    if (this.broken || this.playing || !this.constructor.runControls) return;
    if (!this.isReady) {
      // Asked before the first run exists (a page script calling play() at once): play when
      // ready, unless paused in the meantime.
      this.playWhenReady = true;
      this.ready.then(() => { if (this.playWhenReady) this.play(); });
      return;
    }
    this.playWhenReady = false;
    this.playing = true;
    this.updatePlayButton();
    const loop = () => {
      if (!this.playing) return;
      this.raf = requestAnimationFrame(loop);
      if (this.inFlight || !this.visible) return;
      requestTurn(this);
    };
    this.raf = requestAnimationFrame(loop);
  }

  /** Called by the shared frame pump: start one tick if still wanted; false if not taken. */
  takeTurn() {
    if (!this.playing || this.inFlight || !this.visible || this.broken) return false;
    this.inFlight = true;
    this.tickCount++;
    // The page-wide slot is given back when the tick ends, or after a second at most, so one
    // slow tick (a long worker request) cannot stall every other widget.
    pump.inFlight++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      pump.inFlight--;
      schedulePump();
    };
    const timer = setTimeout(release, 1000);
    this.tick().catch((err) => this.fail(err)).finally(() => {
      this.inFlight = false;
      clearTimeout(timer);
      release();
    });
    return true;
  }

  /** Set the readout's HTML (see READOUT_MS: batched while playing, at once otherwise). */
  setReadout(html) {
    this.setLive(this.readoutEl, html);
  }

  /**
   * Write live text of this widget: `el`'s HTML (`kind` 'html'), its text ('text') or an
   * attribute (e.g. 'aria-label'). Skipped if unchanged; batched while playing (READOUT_MS).
   */
  setLive(el, value, kind = 'html') {
    if (!el) return;
    let last = lastLive.get(el);
    if (!last) lastLive.set(el, (last = {}));
    if (last[kind] === value) return;
    last[kind] = value;
    if (this.playing) {
      let p = readouts.pending.get(el);
      if (!p) readouts.pending.set(el, (p = { owner: this, writes: new Map() }));
      p.writes.set(kind, value);
      scheduleReadouts();
    } else {
      readouts.pending.get(el)?.writes.delete(kind);
      writeLive(el, kind, value);
    }
  }

  /** Write this widget's batched live text now (on pause, so the numbers match the plots). */
  flushLive() {
    for (const [el, p] of readouts.pending) {
      if (p.owner !== this) continue;
      for (const [kind, value] of p.writes) writeLive(el, kind, value);
      readouts.pending.delete(el);
    }
  }

  pause() {
    if (this.phase !== 'applying') this.playWhenReady = false;
    this.flushLive();
    const was = this.playing;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.updatePlayButton();
    if (was) this.onPaused();
  }

  /**
   * Compute this widget's run to its end now, so a new setting shows its outcome without
   * pressing Play: worker slices of 40 ms, at most ~1.5 s of work in all (a long run is left where
   * it got to, and the message says so). Subclasses that use it have `ingest(advanceResult)` and
   * `onStopped(snapshot, true)`.
   */
  async computeAhead() {
    const t0 = performance.now();
    for (;;) {
      const r = await this.worker.request('advance', { handle: this.handle, steps: 1e9, budgetMs: 40 });
      this.ingest(r);
      if (r.snapshot.stopReason) { this.onStopped(r.snapshot, true); return; }
      if (performance.now() - t0 > 1500) {
        this.showMessage(`Computed ${r.snapshot.stepsDone} of ${r.snapshot.totalSteps} steps; press Play to continue.`, 'info');
        return;
      }
    }
  }

  /** Restart the run from step 0 with the same settings and seed; recovers from a panic. */
  async reset() {
    // A boot that failed (say the core could not be downloaded): start over.
    if (this.phase === 'failed') return this.reboot();
    // Called by a page script before the first run exists: reset once there is one.
    if (!this.isReady && !this.broken) await this.ready;
    this.pause();
    if (this.broken) {
      this.worker.terminate();
      this.worker = new LabWorker(this.constructor.kind);
      await this.worker.request('hello', { kind: this.constructor.kind });
      this.broken = false;
      this.showMessage('');
      this.updatePlayButton();
      await this.onApplied(this.allFieldNames(), true);
      return;
    }
    this.showMessage('');
    if (!this.constructor.runControls) {
      await this.applySettings(this.defaults(), { replace: true });
      return;
    }
    await this.onReset();
  }

  /** After a failed boot: a fresh figure, worker and first run, as if the element had just been
      inserted (a pending `ready` resolves when this boot succeeds). */
  reboot() {
    this.bootRun = null;
    this.worker?.terminate();
    this.worker = null;
    this.broken = false;
    this.buttons = undefined;
    this.phase = 'waiting';
    this.started = false;
    this.connectedCallback();
  }

  /** Show an error. Panics and load failures disable the widget until Reset. */
  fail(err) {
    const fatal = err instanceof WorkerError ? ['panic', 'load'].includes(err.kind) : false;
    if (err instanceof WorkerError && err.kind === 'terminated') return;
    if (fatal) {
      this.broken = true;
      this.pause();
      this.showMessage(`${err.message}. Press Reset to restart the lab's engine.`, 'error');
      // Failed before the buttons were made (the core could not be loaded): a Reset of its own.
      if (!this.buttons?.reset && this.$) {
        const el = this.makeButton({ name: 'reset', label: 'Reset', title: 'Load the lab\'s engine again' });
        this.$('.buttons').replaceChildren(el);
        this.buttons = { reset: el };
      }
    } else {
      this.showMessage(`Error: ${err?.message ?? err}`, 'error');
    }
    this.dispatchEvent(new CustomEvent('noiselab-error', { detail: { message: err?.message ?? String(err), fatal }, bubbles: true, composed: true }));
    if (!(err instanceof WorkerError)) console.warn(err);
  }

  /** For tests: make the Rust core panic. */
  async debugPanic(message) {
    await this.ready;
    try { await this.worker.request('panic', { message }); } catch (err) { this.fail(err); }
  }

  // ---- subclass hooks -------------------------------------------------------------------------
  renderFigure() { return ''; }
  async onReady() {}
  async onApplied(_changed, _initial) {}
  async onReset() {}
  onPaused() {}
  async tick() {}
  async stepOnce() {}
  async onButton(_name) {}
}
