// The base of every widget whose figure is a run in the worker (or a computation once per
// settings): it creates, advances, resets and disposes of the run, keeps the worker's history
// rows in a typed buffer, and offers `stepOnce` / `runToEnd`. A widget keeps only its
// experiment: `onRunStart(r)` (a new run's first frame), `onFrame(r)` (draw and read out a
// frame), `onStopped(snapshot)`, its `scene()` (drawn by the plot layer's Figure, made on ready)
// and readout code.
import { NoiselabWidget, valueText } from './widget.js';
import { Figure } from './plot.js';

const nextFrame = () => new Promise(requestAnimationFrame);

/** The `speed` display setting of a widget that plays its run: steps per frame, 1 to `max`. */
export const speedField = (max, value) => ({ name: 'speed', label: 'speed (steps per frame)', min: 1, max, default: value, help: 'Steps computed per animation frame while playing (work per frame is also capped in time).' });

export class RunWidget extends NoiselabWidget {
  /** Steps per tick while playing (0: the `speed` setting) and its worker time (ms). */
  static tickSteps = 0;
  static tickMs = 12;
  /** Steps per Step press, and the worker time of each slice of `runToEnd` (ms). */
  static stepSteps = 1;
  static sliceMs = 30;
  /** Settings that change what is shown, not the run: changing only these keeps the run. */
  static displayFields = ['speed'];
  /** Play a new run at once (sweeps that fill in by themselves). */
  static playOnCreate = false;
  /** Compute a new run to its end at once unless it is replacing a playing one; Play then
      plays a finished run again from step 0. */
  static computeAhead = false;

  play() {
    if (this.constructor.computeAhead && this.isReady && !this.playing && !this.broken && this.snapshot?.stopReason === 'done') {
      this.replaying = (async () => { await this.settled(); await this.onReset(); super.play(); })().catch((err) => this.fail(err));
      return;
    }
    super.play();
  }

  // ---- runs -----------------------------------------------------------------------------------

  /**
   * One round trip per change of settings: the worker validates `wanted` and creates the run,
   * or computes the result, in the same request (`createRun` and `compute` then take it). A bad
   * value leaves the run as it is; with other changes, a second request makes the run with the
   * bad values taken from `base`. A change of display settings only is checked without a run.
   */
  async validate(wanted, base, initial) {
    const differs = (s) => Object.keys(s).filter((n) => valueText(s[n]) !== valueText(this.valid[n]));
    const changed = differs(wanted);
    if (!initial && changed.every((n) => this.constructor.displayFields.includes(n))) return super.validate(wanted, base);
    this.holding = true; // no tick may advance the run being replaced (see applyNow)
    const compute = !this.constructor.runControls;
    const args = compute ? this.computeArgs(changed, initial) : { handle: this.handle };
    const make = (settings, more) => this.worker.request(compute ? 'compute' : 'create', { kind: this.kind, ...args, settings, ...more });
    let r = await make(wanted);
    if (!r.created) {
      const errors = r.errors;
      const fallback = { ...wanted };
      for (const e of errors) if (e.field in base) fallback[e.field] = base[e.field];
      // (The values left are valid, so their numbers are the core's.)
      const same = Object.keys(fallback).every((n) => this.typed(n, fallback[n]) === this.valid[n]);
      r = initial || !same ? await make(fallback, { base }) : { settings: this.modelSettings() };
      r = { ...r, errors: [...errors, ...(r.errors ?? [])] };
    }
    this.created = r.created ? r : null;
    this.holding = Boolean(this.created); // until createRun takes it; the old run plays on if not
    return r;
  }

  async applyNow(...args) {
    try {
      return await super.applyNow(...args);
    } finally {
      this.created = null;
      this.holding = false;
    }
  }

  /** The run or result made with the settings just validated, once. */
  takeCreated() {
    const r = this.created;
    this.created = null;
    return r;
  }

  /** A change of settings: a new run (it plays on if the old one played), or a display change. */
  async onApplied(changed, initial) {
    if (!this.created && changed.every((n) => this.constructor.displayFields.includes(n))) return this.onDisplayChange(changed);
    const resume = this.playing && !initial;
    this.pause();
    await this.createRun();
    if (resume || (this.constructor.playOnCreate && !this.snapshot.stopReason)) this.play();
    else if (this.constructor.computeAhead) await this.computeAhead();
  }

  /** Replace this widget's run by one of the current settings; resolves to its first frame. */
  async createRun() {
    const r = this.takeCreated() ?? await this.worker.request('create', { kind: this.kind, handle: this.handle, settings: this.modelSettings() });
    this.startRun(await this.firstFrame(r));
    this.holding = false;
    return r;
  }

  /** A request of this kind that needs no run (`calls.name` of its worker module). */
  call(name, args = {}) {
    return this.worker.request('call', { kind: this.kind, name, ...args });
  }

  /** A request on this widget's run (`methods.name` of its worker module). */
  method(name, args = {}) {
    return this.worker.request('method', { handle: this.handle, name, ...args });
  }

  /** Back to step 0, same settings and seed. */
  async onReset() {
    this.showMessage('');
    this.startRun(await this.worker.request('reset', { handle: this.handle }));
    if (this.constructor.playOnCreate) this.play();
  }

  /** A new run (created or reset): an empty history buffer, then its first frame. */
  startRun(r) {
    this.K = this.historyFields.length;
    const total = Number(r.snapshot?.totalSteps);
    this.hist = new Float64Array(Math.min(Number.isFinite(total) ? total + 1 : 64, 4096) * this.K); // grows
    this.rows = 0;
    this.rate = 0;
    this.lastTick = 0;
    this.onRunStart(r);
    this.ingest(r);
  }

  /** A frame from the worker: new history rows, the snapshot; drawn by the widget. */
  ingest(r) {
    if (r.history) {
      const K = this.K, need = r.from * K + r.history.length;
      if (need > this.hist.length) {
        const h = new Float64Array(Math.max(need, 2 * this.hist.length));
        h.set(this.hist);
        this.hist = h;
      }
      this.hist.set(r.history, r.from * K);
      this.rows = r.from + r.history.length / K;
    }
    this.snapshot = r.snapshot;
    this.onFrame(r);
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  /** Column `name` of the history (its first `rows` rows). */
  column(name, rows = this.rows, buf = this.hist, K = this.K) {
    const c = this.col[name];
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = buf[i * K + c];
    return out;
  }

  /** Advance the run by up to `steps` in at most `budgetMs` of worker time; `quiet` stops
      without a message. Resolves to the frame. */
  async advance(steps, budgetMs, { quiet = false, at = 0 } = {}) {
    const r = await this.worker.request('advance', { handle: this.handle, steps, budgetMs });
    if (at && this.lastTick && r.stepsTaken) {
      const inst = r.stepsTaken / ((at - this.lastTick) / 1000);
      this.rate = this.rate ? 0.9 * this.rate + 0.1 * inst : inst; // steps per second, smoothed
    }
    if (at) this.lastTick = at;
    this.ingest(r);
    if (r.snapshot.stopReason) await this.onStopped(r.snapshot, quiet);
    return r;
  }

  async tick() {
    await this.advance(this.constructor.tickSteps || this.valid.speed, this.constructor.tickMs, { at: performance.now() });
  }

  /** Public API: one step. */
  async stepOnce() {
    await this.settled();
    return this.advance(this.constructor.stepSteps);
  }

  /** Public API: run to the end in budgeted slices (the page stays responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    for (;;) {
      const r = await this.advance(1e9, this.constructor.sliceMs);
      if (r.snapshot.stopReason) return r.snapshot;
      await nextFrame();
    }
  }

  /**
   * Compute the run to its end now, so a new setting shows its outcome without pressing Play:
   * worker slices of 40 ms, at most ~1.5 s of work in all (a long run is left where it got to,
   * and the message says so).
   */
  async computeAhead() {
    const t0 = performance.now();
    for (;;) {
      const r = await this.advance(1e9, 40, { quiet: true });
      if (r.snapshot.stopReason) return;
      if (performance.now() - t0 > 1500) {
        this.showMessage(`Computed ${r.snapshot.stepsDone} of ${r.snapshot.totalSteps} steps; press Play to continue.`, 'info');
        return;
      }
    }
  }

  /** A run of these settings on a handle of its own, advanced to its end in slices while
      `onFrame(r)` sees each frame, then disposed of (comparisons beside the widget's own run).
      Slices of `budgetMs` keep the worker free for the widget's own requests: a settings change
      waits for one slice at most, not for the whole run. `cancelled()` true stops it early.
      `kind`: a second experiment of this widget's kind (funnel-compare, dropout-k). */
  async sideRun(name, settings, onFrame, budgetMs = 25, cancelled = () => false, kind = this.kind) {
    const handle = `${this.handle}-${name}`;
    try {
      let r = await this.worker.request('create', { kind, handle, settings });
      onFrame(r);
      while (!r.snapshot.stopReason && !cancelled()) {
        await nextFrame();
        r = await this.worker.request('advance', { handle, steps: 1e9, budgetMs });
        onFrame(r);
      }
      return r;
    } finally {
      await this.worker.request('dispose', { handle }).catch(() => {});
    }
  }

  /** Arguments of a compute-only widget's `compute` request besides the settings. */
  computeArgs(_changed, _initial) { return {}; }

  /** A computation once per settings (widgets without runs): its result, drawn. */
  async compute(args = this.computeArgs([], false)) {
    this.result = this.takeCreated() ?? await this.worker.request('compute', { kind: this.kind, settings: this.modelSettings(), ...args });
    this.onFrame(this.result);
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: this.result.summary ?? this.result.analysis ?? this.result, bubbles: true, composed: true }));
    return this.result;
  }

  /** Public API: the settings, the per-step history and the last snapshot, for export. */
  exportData() {
    const history = [];
    for (let i = 0; i < (this.rows ?? 0); i++) history.push(Array.from(this.hist.subarray(i * this.K, (i + 1) * this.K)));
    return { ...this.exportHead(), historyFields: this.historyFields, history, snapshot: this.snapshot };
  }

  // ---- subclass hooks -----------------------------------------------------------------------
  /** The figure (www/lib/plot.js), drawn from `scene()` (null until there is data). */
  async onReady() { this.figure = new Figure(this); this.draw(); }
  /** A new run's first frame, with any extra the widget asks the worker for. */
  async firstFrame(r) { return r; }
  onRunStart(_r) {}
  onFrame(_r) { this.draw(); this.updateReadout(); }
  onDisplayChange(_changed) { this.draw(); this.updateReadout(); }
  onStopped(_snapshot, _quiet) { this.pause(); }
  onPaused() { this.draw(); this.updateReadout(); }
  draw() { this.figure?.draw(); }
  updateReadout() {}
}
