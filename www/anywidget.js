// noiselab as an anywidget (https://anywidget.dev): the one front end of the lab's widgets in
// Jupyter (the Python classes of noiselab.widgets) and in MyST pages (the {anywidget} directive).
// It shows the experiment `kind` of the model as its element <noiselab-<kind>> and keeps the two
// in step both ways:
//   model → element   the model's settings (snake_case, noise_std, or camelCase, noiseStd) and
//                     its `preset`, at start and on every change (`change:<name>`);
//   element → model   a control, a preset or a settings file moved in the figure
//                     (the element's `noiselab-settings` event) → model.set + save_changes;
//   results           the latest frame (the element's `noiselab-frame` detail: the run's
//                     snapshot, or a computed result), made JSON-safe, at most 4 times a second.
// Where the widgets come from: next to this file (import.meta.url) when it is loaded by URL, as
// on a course site; in Jupyter, anywidget runs this file from a blob: URL, where a relative
// import means nothing, so the widgets are loaded from the route the Python package's Jupyter
// server extension serves them at, `<base URL>noiselab/static/` (python/noiselab/_server.py;
// the base URL from the page's #jupyter-config-data, in JupyterLab and Notebook 7). Either way
// the widgets' workers and wasm come from the page's own origin, as workers must.

const FRAMES_PER_SECOND = 4;
/** Arrays longer than this are left out of `results` (a figure's raw buffers, not its numbers). */
const MAX_ARRAY = 10000;

const camelToSnake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The folder of noiselab.js: beside this file when it has a web URL, else the Jupyter
    server's static route of the noiselab Python package. */
export function widgetsBase(here = import.meta.url, doc = globalThis.document) {
  if (/^https?:/.test(here)) return new URL('./', here).href;
  const config = doc?.getElementById('jupyter-config-data');
  if (!config) {
    throw new Error('noiselab: cannot find the widgets (this page is neither a web page that serves anywidget.js nor a Jupyter page with #jupyter-config-data)');
  }
  const { baseUrl = '/' } = JSON.parse(config.textContent);
  return new URL(`${baseUrl.replace(/\/?$/, '/')}noiselab/static/`, doc.baseURI).href;
}

let loaded = null;
/** The lab's module (noiselab.js), loaded once per page. */
function loadLab() {
  loaded ??= import(/* webpackIgnore: true */ new URL('noiselab.js', widgetsBase()).href);
  return loaded;
}

/** `v` as plain JSON: typed arrays as lists (long ones left out), non-finite numbers as null. */
export function jsonSafe(v, depth = 0) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (depth > 8 || typeof v === 'function') return undefined;
  if (ArrayBuffer.isView(v)) return v.length <= MAX_ARRAY ? Array.from(v, (x) => jsonSafe(x)) : undefined;
  if (Array.isArray(v)) return v.length <= MAX_ARRAY ? v.map((x) => jsonSafe(x, depth + 1) ?? null) : undefined;
  if (typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      const s = jsonSafe(x, depth + 1);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return undefined;
}

/** The model's key of setting `name`: its snake_case spelling, or the camelCase one, whichever
    the model has (undefined if neither: the setting stays the element's own). */
function keyOf(model, name) {
  const snake = camelToSnake(name);
  if (model.get(snake) !== undefined) return snake;
  if (model.get(name) !== undefined) return name;
  return undefined;
}

/** A setting's text (the element's) as the model holds it: a number for real and integer
    fields, the text for choices and matrices. */
function typedLike(text, modelValue) {
  return typeof modelValue === 'number' ? Number(text) : String(text);
}

/** Send the model's changes on. In Jupyter that syncs them with the kernel; MyST's model (the
    MystAnyModel of @myst-theme/anywidget, a page with no kernel) has save_changes and off but
    both throw "not implemented", so there the changes stay in the page. */
const notImplemented = (err) => /not implemented/i.test(String(err?.message ?? err));
function save(model) {
  try { model.save_changes?.(); } catch (err) { if (!notImplemented(err)) throw err; /* MyST: no kernel to send them to */ }
}
function unlisten(model, event, cb) {
  try { model.off?.(event, cb); } catch (err) { if (!notImplemented(err)) throw err; /* MyST: the widget is gone anyway */ }
}

const same = (a, b) => (typeof a === 'number' && typeof b === 'number' ? a === b || (Number.isNaN(a) && Number.isNaN(b)) : String(a) === String(b));

export default {
  async render({ model, el }) {
    const kind = String(model.get('kind') ?? '');
    const tag = `noiselab-${kind}`;
    let lab;
    try {
      lab = await loadLab();
    } catch (err) {
      loaded = null; // (tried again by the next view)
      el.textContent = err.message;
      return () => {};
    }
    if (!lab.WIDGETS[tag]) {
      el.textContent = `noiselab: unknown experiment "${kind}"; known: ${Object.keys(lab.WIDGETS).map((t) => t.slice(9)).join(', ')}`;
      return () => {};
    }
    await lab.load(tag);
    const widget = document.createElement(tag);
    const preset = model.get('preset');
    if (preset && preset !== 'custom') widget.setAttribute('preset', String(preset));
    el.replaceChildren(widget);

    const names = () => widget.allFieldNames();
    const pushing = {}; // setting → the model's value on its way to the element
    let closed = false;

    /** Write the element's settings (those the model holds and that differ) to the model. */
    const toModel = (which) => {
      const s = widget.settings;
      let dirty = false;
      for (const name of which) {
        const key = keyOf(model, name);
        if (!key || !(name in s) || key in pushing) continue;
        const v = typedLike(s[name], model.get(key));
        if (!same(v, model.get(key))) { model.set(key, v); dirty = true; }
      }
      if (model.get('preset') !== undefined && model.get('preset') !== widget.preset && !('preset' in pushing)) {
        model.set('preset', widget.preset);
        dirty = true;
      }
      if (dirty) save(model);
    };

    /** Apply model values (setting name → value) to the element; afterwards the model gets the
        values actually in use (a value the core rejected goes back to the last valid one). */
    const toWidget = async (changes) => {
      const names = Object.keys(changes);
      for (const n of names) pushing[keyOf(model, n) ?? n] = changes[n];
      try {
        await widget.setSettings(changes);
      } finally {
        for (const n of names) { const k = keyOf(model, n) ?? n; if (pushing[k] === changes[n]) delete pushing[k]; }
      }
      if (!closed) toModel(names.filter((n) => n !== 'preset'));
    };

    await widget.ready;
    if (closed) return () => {};
    // Start: the model's settings over the element's (a preset given with the model is applied
    // at boot; of the model's settings only those differing from the defaults then go over it,
    // so the preset is not undone by the model's defaults); then the model gets what is in use.
    const defaults = widget.defaults();
    const fromPreset = preset && preset !== 'custom' && preset !== 'default';
    const start = {};
    for (const name of names()) {
      const key = keyOf(model, name);
      if (!key) continue;
      const v = model.get(key);
      if (fromPreset && same(typedLike(defaults[name], v), v)) continue;
      if (!same(typedLike(widget.settings[name], v), v)) start[name] = v;
    }
    if (Object.keys(start).length) await toWidget(start);
    toModel(names());

    // element → model
    const onSettings = (e) => toModel(e.detail.changed);
    widget.addEventListener('noiselab-settings', onSettings);

    // model → element: one listener per setting the model holds, and the preset.
    const listeners = [];
    for (const name of names()) {
      const key = keyOf(model, name);
      if (!key) continue;
      const cb = () => {
        const v = model.get(key);
        // (model.set calls this too, for the element's own change: nothing to do then.)
        if (same(typedLike(widget.settings[name], v), v) && !(key in pushing)) return;
        toWidget({ [name]: v }).catch((err) => widget.fail(err));
      };
      model.on(`change:${key}`, cb);
      listeners.push([`change:${key}`, cb]);
    }
    if (model.get('preset') !== undefined) {
      const cb = () => {
        const p = model.get('preset');
        if (!p || p === 'custom' || p === widget.preset) return;
        pushing.preset = p;
        widget.setPreset(p).then((r) => {
          delete pushing.preset;
          // A preset the widget does not have: the model shows the preset in use again.
          if (!r.ok && !closed) toModel([]);
        }).catch((err) => widget.fail(err));
      };
      model.on('change:preset', cb);
      listeners.push(['change:preset', cb]);
    }

    // results: the latest frame, at most FRAMES_PER_SECOND times a second (the last one always).
    let latest = null, timer = null, lastSent = 0;
    const send = () => {
      timer = null;
      if (closed || !latest) return;
      lastSent = performance.now();
      model.set('results', jsonSafe(latest));
      latest = null;
      save(model);
    };
    const onFrame = (e) => {
      latest = e.detail;
      if (timer) return;
      timer = setTimeout(send, Math.max(0, 1000 / FRAMES_PER_SECOND - (performance.now() - lastSent)));
    };
    widget.addEventListener('noiselab-frame', onFrame);
    // (The first frame came before this listener: the run's snapshot or the computed result.)
    latest = widget.snapshot ?? widget.result?.summary ?? widget.result?.analysis ?? widget.result ?? null;
    send();

    return () => {
      closed = true;
      clearTimeout(timer);
      widget.removeEventListener('noiselab-settings', onSettings);
      widget.removeEventListener('noiselab-frame', onFrame);
      for (const [ev, cb] of listeners) unlisten(model, ev, cb);
      widget.remove();
    };
  },
};
