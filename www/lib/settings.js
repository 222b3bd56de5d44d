// A widget's settings: the values in use (typed: numbers for real and integer fields, strings
// for choices), read from attributes, the URL hash, presets and settings files, validated by the
// Rust core's field table in the worker; and written back as text (the hash, Copy link, Copy
// embed) in the core's own spelling, so a link reads back to the same run.
import { OLD_URL_KEYS } from './keys.js';

export const camelToKebab = (s) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const kebabToCamel = (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

/** A value as the core writes it (Rust's `{}` of an f64: never an exponent, 1e-7 is
    "0.0000001"), so links and files read exactly as the core's settings text. */
export function valueText(v) {
  if (typeof v !== 'number') return String(v);
  if (Object.is(v, -0)) return '-0';
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(String(v));
  if (!m) return String(v);
  const [, sign, int, frac = '', exp] = m;
  const e = Number(exp);
  return e < 0 ? `${sign}0.${'0'.repeat(-e - 1)}${int}${frac}` : `${sign}${int}${frac}${'0'.repeat(e - frac.length)}`;
}

/** frame.html, the one-widget page for iframes, beside this lab's www/ folder. */
const frameUrl = () => new URL('../frame.html', import.meta.url).href;
const escapeAttr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
// Arrays (a matrix or vector setting given as [[…], […]]) go as JSON, which the core reads.
const asText = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : String(v)]));

/** The host page's half of the iframe recipe: frame.js posts {type: 'noiselab-height', height};
    the iframe that sent it is resized, so no widget is cut off. */
export const IFRAME_RESIZE = "addEventListener('message',e=>{if(e.data&&e.data.type==='noiselab-height')for(const f of document.querySelectorAll('iframe'))if(f.contentWindow===e.source)f.style.height=e.data.height+'px'})";

/** Validate a UI-only field (not part of the model config) with the core's message format. */
function checkUiField(f, text) {
  const v = Number(String(text).trim());
  const range = `from ${f.min} to ${f.max}`;
  if (String(text).trim() === '' || !Number.isFinite(v) || !Number.isInteger(v)) return { error: `${f.name} must be a whole number ${range}; got "${text}"` };
  if (v < f.min || v > f.max) return { error: `${f.name} must be ${range}; got ${v}` };
  return { value: v };
}

export const WidgetSettings = (Base) => class extends Base {
  allFieldNames() {
    return [...this.fields.map((f) => f.name), ...this.constructor.uiFields.map((f) => f.name)];
  }

  /** `text` of field `name` as its typed value: a number for real and integer fields, else
      the text (a choice's name; a matrix's text, "2 0.5; 0.5 1", which the core reads). */
  typed(name, text) {
    const kind = this.fields.find((f) => f.name === name)?.kind;
    return kind === 'choice' || kind === 'matrix' ? String(text) : Number(text);
  }

  /** Public API: the defaults as name → text. */
  defaults() {
    return Object.fromEntries(Object.entries(this.defaultValues()).map(([k, v]) => [k, valueText(v)]));
  }

  /** The defaults, typed (model fields from the core's table, then the UI fields). */
  defaultValues() {
    return Object.fromEntries([
      ...this.fields.map((f) => [f.name, this.typed(f.name, f.default)]),
      ...this.constructor.uiFields.map((f) => [f.name, f.default]),
    ]);
  }

  /** The model's settings in use (the UI-only fields left out), typed. */
  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  /** The head of every export and settings file: the experiment, its model settings as text
      (what the core and `noiselab run <experiment> --config file.json` read: the file alone
      recomputes every number of the figure, issue 21) and the view-only settings apart. */
  exportHead() {
    const text = (names) => Object.fromEntries(names.map((n) => [n, valueText(this.valid[n])]));
    const view = this.constructor.uiFields.map((f) => f.name);
    return { experiment: this.kind, settings: text(this.fields.map((f) => f.name)), ...(view.length ? { view: text(view) } : {}) };
  }

  /** Public API: the current (valid) settings as name → text. */
  get settings() {
    return Object.fromEntries(Object.entries(this.valid).map(([k, v]) => [k, valueText(v)]));
  }

  /** Public API: change settings (name → text or number); resolves to `{ok, errors}`. */
  async setSettings(changes) {
    await this.ready;
    return this.applySettings(asText(changes));
  }

  // ---- attributes and the URL hash ----------------------------------------------------------

  get urlKey() { return this.getAttribute('url-state'); }

  settingsFromAttributes() {
    const settings = {};
    for (const name of this.allFieldNames()) {
      const attr = camelToKebab(name);
      if (this.hasAttribute(attr)) settings[name] = this.getAttribute(attr);
    }
    if (this.hasAttribute('preset')) settings.preset = this.getAttribute('preset');
    return { settings, errors: [] };
  }

  /** The keys this widget's state is read under: its url-state and the front page's old key. */
  urlKeys() {
    const key = this.urlKey;
    if (!key) return [];
    return [key, ...Object.entries(OLD_URL_KEYS).filter(([, v]) => v === key).map(([k]) => k)];
  }

  /** This widget's parts of a URL hash (`key.name=value`, also under its old front-page key). */
  ownHashParts(hash = location.hash) {
    const keys = this.urlKeys();
    return hash.replace(/^#/, '').split('&').filter((p) => keys.some((k) => p.startsWith(`${k}.`)));
  }

  settingsFromHash() {
    const settings = {};
    const errors = [];
    for (const part of this.urlKey ? this.ownHashParts() : []) {
      const dot = part.indexOf('.');
      const eq = part.indexOf('=');
      try {
        settings[decodeURIComponent(part.slice(dot + 1, eq < 0 ? undefined : eq))] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        errors.push({ field: 'url', message: `the link's setting "${part}" is malformed (bad %-encoding); it was ignored` });
      }
    }
    return { settings, errors };
  }

  async loadFromHash() {
    if (!this.isReady) {
      // The hash changed while this widget boots (on the lab page another widget writes its
      // state, or the reader follows a link): the boot reads the hash once; look again when ready.
      // (Not a request to boot: a widget far from view reads the hash when it boots.)
      if (this.hashAfterBoot) return;
      this.hashAfterBoot = true;
      await this.readyPromise;
      this.hashAfterBoot = false;
      return this.loadFromHash();
    }
    const { settings, errors } = this.settingsFromHash();
    const incoming = this.ownHashParts().join('&');
    if (incoming === this.hashString() || (!incoming && !errors.length)) return;
    await this.applySettings(settings, { extraErrors: errors, replace: true });
  }

  /** The settings that differ from the defaults (name → text), in field order. */
  changedSettings() {
    const d = this.defaultValues();
    return Object.fromEntries(this.allFieldNames().filter((n) => this.valid[n] !== d[n]).map((n) => [n, valueText(this.valid[n])]));
  }

  /** This widget's part of the URL hash: `key.name=value&…`, the non-default settings only
      (a link is short and names just what was changed; the rest are the defaults). */
  hashString() {
    return Object.entries(this.linkSettings(this.changedSettings())).map(([n, v]) => `${this.urlKey}.${n}=${encodeURIComponent(v)}`).join('&');
  }

  writeHash() {
    if (this.urlKey) history.replaceState(null, '', `#${this.hashWithOwnState()}`);
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

  /** The settings (name → text) as a link writes them: here as they are; a data set in its
      compact form, or its file's name alone (data-input.js). */
  linkSettings(settings) { return settings; }

  /** The changed settings, and the seed even at its default (a link or embed reproduces the run). */
  sharedSettings() {
    const changed = this.changedSettings();
    if (this.valid.seed !== undefined && changed.seed === undefined) changed.seed = valueText(this.valid.seed);
    return changed;
  }

  /** A link to this widget's exact state: the page with this widget's non-default settings
      and its seed in the hash (no other widget's state). */
  shareText() {
    const key = this.urlKey ?? this.kind;
    const own = this.hashString().replaceAll(`${this.urlKey}.`, `${key}.`);
    const seed = this.valid.seed !== undefined && !own.includes(`${key}.seed=`) ? `${key}.seed=${encodeURIComponent(valueText(this.valid.seed))}` : '';
    const hash = [own, seed].filter(Boolean).join('&');
    if (this.urlKey) return `${location.href.split('#')[0]}#${hash}`;
    return `${frameUrl()}?widget=${key}#${hash}`;
  }

  /** Snippets that embed this exact state in course notes: the element (with noiselab.js) and
      an iframe of frame.html that resizes itself to the widget's height (frame.js posts it). */
  embedText() {
    const key = this.kind, tag = this.localName;
    const shared = Object.entries(this.sharedSettings());
    const attrs = shared.map(([n, v]) => ` ${camelToKebab(n)}="${escapeAttr(v)}"`).join('');
    const hash = Object.entries(this.linkSettings(Object.fromEntries(shared))).map(([n, v]) => `${key}.${n}=${encodeURIComponent(v)}`).join('&');
    const src = `${frameUrl()}?widget=${key}${hash ? `#${hash}` : ''}`;
    return [
      `<script type="module" src="${new URL('../noiselab.js', import.meta.url).href}"></script>`,
      `<${tag}${attrs}></${tag}>`,
      '',
      `<iframe src="${escapeAttr(src)}" title="noiselab: ${key}" style="width:100%;border:0" height="1200" loading="lazy"></iframe>`,
      `<script>${IFRAME_RESIZE}</script>`,
    ].join('\n');
  }

  // ---- applying changes ---------------------------------------------------------------------

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
    const modelNames = new Set(this.fields.map((f) => f.name));
    const errors = [...extraErrors];
    if ('preset' in changes) {
      // A named preset: the defaults with the preset's settings over them, then any other
      // settings given with it (a link's own seed, say).
      const { preset: name, ...rest } = changes;
      const p = this.presetNamed(String(name).trim());
      if (p) {
        changes = { ...asText(p.settings ?? {}), ...rest };
        replace = true;
        this.chosenPreset = p.name;
      } else {
        changes = rest;
        errors.push({ field: 'preset', message: `preset must be one of ${this.presetNames().join(', ')}; got "${name}"` });
      }
    }
    const candidate = replace ? this.defaultValues() : { ...this.valid };
    const modelChanges = {};
    for (const [name, text] of Object.entries(changes)) {
      const ui = this.constructor.uiFields.find((u) => u.name === name);
      if (ui) {
        const r = checkUiField(ui, text);
        if (r.error) errors.push({ field: name, message: r.error }); else candidate[name] = r.value;
      } else if (modelNames.has(name)) {
        modelChanges[name] = text;
      } else {
        errors.push({ field: name, message: `unknown setting "${name}"; known settings: ${this.allFieldNames().join(', ')}` });
      }
    }
    // The core is asked only when a model setting may change (not when a control is set to
    // the value in use): `validate` falls back to `base` field by field.
    const base = Object.fromEntries([...modelNames].map((n) => [n, candidate[n]]));
    const wanted = { ...base, ...modelChanges };
    const ask = initial || [...modelNames].some((n) => valueText(wanted[n]) !== valueText(this.valid[n]));
    const reply = ask ? await this.validate(wanted, base, initial) : { errors: [], settings: this.modelSettings() };
    errors.push(...reply.errors);
    if (reply.settings) for (const [n, v] of Object.entries(reply.settings)) candidate[n] = this.typed(n, v);
    const before = this.valid;
    this.valid = candidate;
    const changed = initial ? this.allFieldNames() : this.allFieldNames().filter((n) => before[n] !== candidate[n]);
    // The errors shown are this change's: a control's error names the field, its range and the
    // rejected value, and goes with the next change.
    this.fieldErrors = {};
    for (const e of errors) if (this.controls[e.field]) this.fieldErrors[e.field] = e;
    // Refresh the controls this change touched (a control being typed in elsewhere keeps its
    // text); a rejected one shows the value actually in use again.
    this.syncControls(initial || replace ? this.allFieldNames() : [...new Set([...changed, ...Object.keys(changes)])], changes);
    this.showErrors(errors);
    this.updatePresetMenu();
    if (changed.length) {
      // Public event: the settings in use changed (a control, a preset, a link, a settings file
      // or setSettings), so a host keeping its own copy (the Jupyter widget's model) can follow.
      const detail = { settings: this.settings, changed, preset: this.preset };
      this.dispatchEvent(new CustomEvent('noiselab-settings', { detail, bubbles: true, composed: true }));
    }
    if (changed.length || reply.created) {
      if (!initial || this.urlKey) this.writeHash();
      await this.onApplied(changed, initial);
    }
    return { ok: errors.length === 0, errors };
  }

  /** The core's verdict on model settings `wanted` (name → text or value), each invalid field
      falling back to its value in `base`: `{errors, settings: name → text | null}`. */
  async validate(wanted, base) {
    let check = await this.worker.request('check', { kind: this.kind, settings: wanted });
    const errors = check.ok ? [] : check.errors;
    if (!check.ok) {
      const retry = { ...wanted };
      for (const e of errors) if (e.field in base) retry[e.field] = base[e.field];
      check = await this.worker.request('check', { kind: this.kind, settings: retry });
    }
    return { errors, settings: check.ok ? check.settings : null };
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
    const d = this.defaultValues();
    const ui = new Set(this.constructor.uiFields.map((f) => f.name));
    const names = this.fields.map((f) => f.name).filter((n) => n !== 'seed' && !ui.has(n));
    // The preset last chosen comes first (one equal to the defaults keeps its own name).
    for (const name of new Set([this.chosenPreset, ...this.presetNames()].filter(Boolean))) {
      const s = this.presetNamed(name).settings;
      if (names.every((n) => (n in s ? this.typed(n, s[n]) : d[n]) === this.valid[n])) return name;
    }
    return 'custom';
  }
};
