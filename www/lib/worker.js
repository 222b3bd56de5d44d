// The lab's module worker: owns the wasm instance and the experiment handles, so the page's main
// thread only draws. Protocol: requests `{id, type, ...args}`, replies `{id, ok: true, result}` or
// `{id, ok: false, error: {kind, message, errors?}}`; bulk data travels as transferred typed
// arrays. A Rust panic aborts the wasm instance: the worker reports it (kind "panic") and
// refuses further work; the widget's reset starts a fresh worker.
import { FAMILIES } from './families.js';

// The core: one module per family of kinds (families.js), compiled once per page by the main
// thread (client.js) and posted here in the first message, `{type: 'init', family, module}`;
// with no module (the page could not compile it) this worker fetches and compiles it itself.
// The family's wasm-bindgen glue is imported here, and by the family's experiment modules (the
// same URL, so the same instance).
let ready = null;
let wasm = null; // the family's glue module
let family = null;
const start = (name, module) => {
  family = name;
  ready = import(`../pkg/${name}/noiselab_wasm.js`).then((glue) => {
    wasm = glue;
    return glue.default(module ? { module_or_path: module } : undefined);
  });
  ready.catch(() => {}); // reported to each request below
  return ready;
};
const runs = new Map(); // handle → { run, kind, cursor }
let dead = null;

// One module per experiment kind (www/lib/experiments/<kind>.js), each exporting
// { fields, historyFields, check, create? | compute?, frame?, slice?, calls?, methods? }:
//   create(settings) → a wasm run handle with step(n) → {stepsTaken, stop}, snapshot(), reset();
//   frame(e, stepsTaken, elapsedMs) → [result, transfer] after create/advance/reset (default: snapshot);
//   slice(run, steps) → steps per wasm call inside `advance` (default: all of them);
//   calls.name(args) → [result, transfer], no run needed (request 'call');
//   methods.name(e, args) → [result, transfer] on a run (request 'method').
// Loaded when first asked for (a worker serves one family). Adding an experiment: one file
// there, one line here, its kind in families.js and its cargo feature in crates/wasm.
const MODULES = {
  funnel: () => import('./experiments/funnel.js'),
  density1d: () => import('./experiments/density1d.js'),
  dropout: () => import('./experiments/dropout.js'),
  nng: () => import('./experiments/nng.js'),
  logregPanel: () => import('./experiments/logregPanel.js'),
  bbbLogreg: () => import('./experiments/bbbLogreg.js'),
  'sgd-ou': () => import('./experiments/sgd-ou.js'),
  'bayes-regression': () => import('./experiments/bayes-regression.js'),
  sharpness: () => import('./experiments/sharpness.js'),
  'implicit-reg': () => import('./experiments/implicit-reg.js'),
  bbbLinreg: () => import('./experiments/bbbLinreg.js'),
  'one-epoch': () => import('./experiments/one-epoch.js'),
};
const EXPERIMENTS = {}; // kind → loaded module (default export)

async function experiment(kind) {
  if (EXPERIMENTS[kind]) return EXPERIMENTS[kind];
  if (!MODULES[kind]) throw new Error(`unknown experiment "${kind}"`);
  if (!FAMILIES[family]?.includes(kind)) throw new Error(`experiment "${kind}" is not in this worker's core ("${family}")`);
  EXPERIMENTS[kind] = (await MODULES[kind]()).default;
  return EXPERIMENTS[kind];
}

function entry(handle) {
  const e = runs.get(handle);
  if (!e) throw new Error(`no run with handle "${handle}"`);
  return e;
}

function frame(e, stepsTaken = 0, elapsedMs = 0) {
  const k = EXPERIMENTS[e.kind];
  if (k.frame) return k.frame(e, stepsTaken, elapsedMs);
  return [{ snapshot: e.run.snapshot(), stepsTaken, elapsedMs }];
}

const handlers = {
  async hello({ kind }) {
    const e = await experiment(kind);
    return [{ fields: e.fields(), historyFields: e.historyFields() }];
  },
  async check({ kind, settings }) {
    return [(await experiment(kind)).check(settings)];
  },
  // A one-shot computation of a kind without runs (e.g. density1d).
  async compute({ kind, settings, ...args }) {
    const e = await experiment(kind);
    if (!e.compute) throw new Error(`"${kind}" has no compute request`);
    return e.compute(settings, args);
  },
  async create({ kind, handle, settings }) {
    const old = runs.get(handle);
    const run = (await experiment(kind)).create(settings);
    if (old) old.run.free();
    const e = { run, kind, cursor: 0 };
    runs.set(handle, e);
    return frame(e);
  },
  // Advance by up to `steps`, in slices, for at most `budgetMs` of wasm time.
  advance({ handle, steps, budgetMs = 12 }) {
    const e = entry(handle);
    const k = EXPERIMENTS[e.kind];
    const slice = k.slice ? k.slice(e.run, steps) : steps;
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
  // A kind's run-free request, e.g. the funnel's cost surface.
  async call({ kind, name, ...args }) {
    const fn = (await experiment(kind)).calls?.[name];
    if (!fn) throw new Error(`"${kind}" has no call "${name}"`);
    return fn(args);
  },
  // A kind's request on an existing run, e.g. the dropout's test-time predictions.
  method({ handle, name, ...args }) {
    const e = entry(handle);
    const fn = EXPERIMENTS[e.kind].methods?.[name];
    if (!fn) throw new Error(`"${e.kind}" runs have no method "${name}"`);
    return fn(e, args);
  },
  // Memory and bookkeeping, for the soak test: the wasm linear memory and the live runs.
  async stats() {
    const exports = await ready;
    return [{ wasmBytes: exports.memory.buffer.byteLength, runs: runs.size }];
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
  if (type === 'init') {
    if (!ready) start(args.family, args.module);
    return;
  }
  if (!ready) {
    self.postMessage({ id, ok: false, error: { kind: 'load', message: 'the worker got a request before its init message' } });
    return;
  }
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
    const [result, transfer = []] = await handler(args);
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
