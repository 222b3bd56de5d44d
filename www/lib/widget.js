// The shared base of every noiselab widget (one custom element per file, Distill-style): the
// element itself (shadow DOM, boot, play/pause/step/reset, pause off screen, panic recovery by
// restarting the worker), built from the concerns in their own files: settings and the URL hash
// (settings.js), controls and buttons (controls.js), "Your data" (data-input.js), the export menu
// (export-menu.js), and the page-wide schedulers (schedule.js). Widgets with a worker run extend RunWidget (run-widget.js).
import { LabWorker, WorkerError } from './client.js';
import { BASE_CSS } from './widget-css.js';
import { requestTurn, setLive, flushLive, scheduleBoot, unscheduleBoot, requestBoot } from './schedule.js';
import { WidgetSettings } from './settings.js';
import { WidgetControls } from './controls.js';
import { WidgetExport } from './export-menu.js';
import { DataInput, DATA_CSS } from './data-input.js';

export { camelToKebab, kebabToCamel, IFRAME_RESIZE, valueText } from './settings.js';

let uid = 0;
const sheets = new Map(); // CSS text → its constructed stylesheet, shared by every widget using it
function sheetFor(css) {
  if (!sheets.has(css)) { const s = new CSSStyleSheet(); s.replaceSync(css); sheets.set(css, s); }
  return sheets.get(css);
}

export class NoiselabWidget extends WidgetExport(DataInput(WidgetControls(WidgetSettings(HTMLElement)))) {
  /** The widget's own CSS (in its shadow root, after the base's). */
  static css = '';
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
    this.handle = `${this.kind}-${++uid}`;
    this.root = this.attachShadow({ mode: 'open' });
    // (A browser without constructable stylesheets shows the unstyled widget and, at boot, a
    // message naming what it lacks: support.js.)
    if ('adoptedStyleSheets' in this.root) this.root.adoptedStyleSheets = [BASE_CSS, DATA_CSS, this.constructor.css].filter(Boolean).map(sheetFor).concat(this.extraSheets());
    this.playing = false;
    this.visible = true;
    this.inFlight = false;
    this.tickCount = 0; // frames of work requested while playing (the soak test watches it)
    this.broken = false;
    this.valid = null; // last valid settings, typed: name → number or choice (model and UI fields)
    // Start-up: 'waiting' (until near the view or asked for: schedule.js's boot queue) →
    // 'booting' (worker, fields, controls) → 'applying' (the first settings and run) → 'ready'
    // (figure drawn; `ready` resolves), or 'failed' (shown; Reset boots afresh). Removing the
    // element goes back to 'waiting'. Requests a page makes before 'ready' wait for it: play()
    // (cancelled by a pause() in the meantime), reset(), a hash change.
    this.phase = 'waiting';
    this.playWhenReady = false;
    this.readyPromise = new Promise((resolve) => { this.resolveReady = resolve; });
  }

  /** Public API: resolves when the widget has booted and drawn its first run. A widget far from
      the view boots only when it comes near, or when it is asked for: reading `ready` (a page
      awaiting it, or any public method, which awaits it) boots it next. */
  get ready() {
    if (this.phase === 'waiting') requestBoot(this);
    return this.readyPromise;
  }

  /** Ready, and every settings change made so far applied (its run created). The public
      methods that act on the current run (runToEnd, stepOnce) wait for this, so they do not
      act on the run a change just made (a control, a link) is replacing. */
  async settled() {
    await this.ready;
    await this.applyQueue;
  }

  /** The experiment's kind: the element's name without "noiselab-" (funnel, sgd-posterior, …). */
  get kind() { return this.localName.replace(/^noiselab-/, ''); }

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
      this.readyPromise = new Promise((resolve) => { this.resolveReady = resolve; });
    });
  }

  async boot() {
    this.worker = new LabWorker(this.kind);
    const hello = await this.worker.request('hello', { kind: this.kind });
    this.fields = hello.fields;
    this.historyFields = hello.historyFields;
    this.col = Object.fromEntries(this.historyFields.map((n, i) => [n, i]));
    this.buildControls();
    this.buildPresetMenu();
    this.buildButtons();
    this.valid = this.defaultValues();
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

  /** Set the readout's HTML (batched while playing, at once otherwise: schedule.js). */
  setReadout(html) {
    this.setLive(this.readoutEl, html);
  }

  /** One plain sentence that interprets the numbers (under the readout; batched like it). */
  setVerdict(text) {
    this.setLive(this.verdictEl, text ?? '', 'text');
  }

  /** Write live text of this widget: `el`'s HTML (`kind` 'html'), its text ('text') or an
      attribute (e.g. 'aria-label'). Skipped if unchanged; batched while playing. */
  setLive(el, value, kind = 'html') {
    if (el) setLive(this, el, value, kind);
  }

  pause() {
    if (this.phase !== 'applying') this.playWhenReady = false;
    flushLive(this);
    const was = this.playing;
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.updatePlayButton();
    if (was) this.onPaused();
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
      this.worker = new LabWorker(this.kind);
      await this.worker.request('hello', { kind: this.kind });
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
    const fatal = err instanceof WorkerError ? ['panic', 'load', 'unsupported'].includes(err.kind) : false;
    if (err instanceof WorkerError && err.kind === 'terminated') return;
    if (err instanceof WorkerError && err.kind === 'unsupported') {
      // The browser lacks something the lab needs (support.js): say which; Reset cannot help.
      this.broken = true;
      this.pause();
      this.showMessage(err.message, 'error');
    } else if (fatal) {
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

  /**
   * Public API (guided tours, www/lib/tour.js): where a part of this widget is on screen, a
   * DOMRect in viewport pixels, or null while it is not shown. `target`: `{control: name}` (its
   * row; 'preset' for the preset menu), `{button: name}`, `{selector: css}` (in the shadow root),
   * or `{panel: id}` (a canvas of the figure), narrowed by `rect: {x: [lo, hi], y: [lo, hi]}` in
   * the panel's data coordinates (a null end: the plot's edge) or `frac: {x, y}` in fractions of
   * its plot area (0 at the left and the bottom; a region off the plot: null); `{}`: the whole widget.
   */
  locate(target = {}) {
    const { control: c, button: b, panel: p, selector: sel } = target;
    const el = c ? (c === 'preset' ? this.presetSelect?.closest('.control') : this.controls?.[c]?.row)
      : b ? this.buttons?.[b] : p ? this.$?.(`canvas[data-panel="${CSS.escape(p)}"]`) : sel ? this.$?.(sel) : this;
    const box = el?.getBoundingClientRect();
    if (!box?.width || !box.height) return null;
    const s = p && (target.rect || target.frac) && this.figure?.scales?.[p];
    if (!s) return box;
    const span = (scale, k) => {
      const [r0, r1] = scale.range; // y: r0 is the bottom
      const v = target.rect?.[k] ?? [null, null], f = target.frac?.[k] ?? [0, 1];
      const at = (i) => (target.rect ? (v[i] == null ? [r0, r1][i] : scale(v[i])) : r0 + f[i] * (r1 - r0));
      const lo = Math.min(r0, r1), hi = Math.max(r0, r1), clamp = (x) => Math.min(hi, Math.max(lo, x));
      return [clamp(Math.min(at(0), at(1))), clamp(Math.max(at(0), at(1)))];
    };
    const [x0, x1] = span(s.x, 'x'), [y0, y1] = span(s.y, 'y');
    return x1 > x0 && y1 > y0 ? new DOMRect(box.left + x0, box.top + y0, x1 - x0, y1 - y0) : null;
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
