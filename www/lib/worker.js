// The lab's module worker: owns the wasm instance and the experiment handles, so the page's main
// thread only draws. Protocol: requests `{id, type, ...args}`, replies `{id, ok: true, result}` or
// `{id, ok: false, error: {kind, message, errors?}}`; bulk data travels as transferred typed
// arrays. A Rust panic aborts the wasm instance: the worker reports it (kind "panic") and
// refuses further work; the widget's reset starts a fresh worker.
import init, * as wasm from '../pkg/noiselab_wasm.js';

const ready = init();
const runs = new Map(); // handle → { run, kind, cursor }
let dead = null;

const EXPERIMENTS = {
  funnel: {
    fields: () => wasm.funnelFields(),
    historyFields: () => wasm.funnelHistoryFields(),
    check: (settings) => wasm.funnelCheck(settings),
    create: (settings) => new wasm.FunnelRun(settings),
  },
  // Laplace vs variational Gaussian on Bishop's 1-D density: one computation, no run.
  density1d: {
    fields: () => wasm.density1dFields(),
    historyFields: () => [],
    check: (settings) => wasm.density1dCheck(settings),
    compute: (settings, { zMin, zMax, n }) => {
      const r = wasm.density1dAnalyze(settings, zMin, zMax, n);
      return [r, [r.z.buffer, ...r.density.map((a) => a.buffer), ...r.negLogDensity.map((a) => a.buffer)]];
    },
  },
};

function experiment(kind) {
  const e = EXPERIMENTS[kind];
  if (!e) throw new Error(`unknown experiment "${kind}"`);
  return e;
}

function entry(handle) {
  const e = runs.get(handle);
  if (!e) throw new Error(`no run with handle "${handle}"`);
  return e;
}

// Everything new since the last frame of this handle: history and path rows from `cursor`.
function frame(e, stepsTaken = 0, elapsedMs = 0) {
  const { run } = e;
  const snapshot = run.snapshot();
  const from = e.cursor;
  const history = run.historyFrom(from);
  const paths = run.pathsFrom(from);
  e.cursor = run.stepsDone() + 1;
  const result = {
    snapshot, from, stepsTaken, elapsedMs, history, paths,
    shownPaths: run.shownPaths(), positions: run.positions(), alive: run.alive(),
  };
  return [result, [history.buffer, paths.buffer, result.positions.buffer, result.alive.buffer]];
}

const handlers = {
  hello({ kind }) {
    const e = experiment(kind);
    return [{ fields: e.fields(), historyFields: e.historyFields() }];
  },
  check({ kind, settings }) {
    return [experiment(kind).check(settings)];
  },
  // A one-shot computation of a kind without runs (e.g. density1d).
  compute({ kind, settings, ...args }) {
    const e = experiment(kind);
    if (!e.compute) throw new Error(`"${kind}" has no compute request`);
    return e.compute(settings, args);
  },
  create({ kind, handle, settings }) {
    const old = runs.get(handle);
    const run = experiment(kind).create(settings);
    if (old) old.run.free();
    const e = { run, kind, cursor: 0 };
    runs.set(handle, e);
    return frame(e);
  },
  // Advance by up to `steps`, in slices, for at most `budgetMs` of wasm time.
  advance({ handle, steps, budgetMs = 12, sliceWork = 20000 }) {
    const e = entry(handle);
    const m = Math.max(1, e.run.snapshot().stats.alive || 1);
    const slice = Math.max(1, Math.min(steps, Math.floor(sliceWork / m)));
    const t0 = performance.now();
    let taken = 0;
    while (taken < steps) {
      const out = e.run.step(Math.min(slice, steps - taken));
      taken += out.stepsTaken;
      if (out.stop || out.stepsTaken === 0) break;
      if (performance.now() - t0 > budgetMs) break;
    }
    return frame(e, taken, performance.now() - t0);
  },
  reset({ handle }) {
    const e = entry(handle);
    e.run.reset();
    e.cursor = 0;
    return frame(e);
  },
  dispose({ handle }) {
    const e = runs.get(handle);
    if (e) { e.run.free(); runs.delete(handle); }
    return [true];
  },
  surface({ cost, nx, ny, levels }) {
    const s = wasm.funnelSurface(cost, nx, ny, levels);
    return [s, [s.bands.buffer, s.curvature.buffer, s.levels.buffer, ...s.contours.map((c) => c.buffer)]];
  },
  freshSeed() {
    return [wasm.freshSeed()];
  },
  panic({ message }) {
    wasm.debugPanic(message ?? 'deliberate panic (test)');
    return [null];
  },
};

self.onmessage = async (event) => {
  const { id, type, ...args } = event.data;
  try {
    await ready;
  } catch (err) {
    self.postMessage({ id, ok: false, error: { kind: 'load', message: `could not load the WebAssembly core: ${err.message}` } });
    return;
  }
  if (dead) {
    self.postMessage({ id, ok: false, error: { kind: 'panic', message: dead } });
    return;
  }
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request "${type}"`);
    const [result, transfer = []] = handler(args);
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      dead = globalThis.__noiselabPanic ?? `the WebAssembly core crashed: ${err.message}`;
      self.postMessage({ id, ok: false, error: { kind: 'panic', message: dead } });
    } else {
      self.postMessage({ id, ok: false, error: { kind: 'error', message: err?.message ?? String(err) } });
    }
  }
};
