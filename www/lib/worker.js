// The lab's module worker: owns the wasm instance and the experiment handles, so the page's main
// thread only draws. Protocol: requests `{id, type, ...args}`, replies `{id, ok: true, result}` or
// `{id, ok: false, error: {kind, message, errors?}}`; bulk data travels as transferred typed
// arrays. A Rust panic aborts the wasm instance: the worker reports it (kind "panic") and
// refuses further work; the widget's reset starts a fresh worker.
import { experimentOf, className } from './registry.js';

// The core: one module per family of kinds (registry.js), compiled once per page by the main
// thread (client.js) and posted here in the first message, `{type: 'init', family, module}`;
// with no module (the page could not compile it) this worker fetches and compiles it itself.
let ready = null;
let wasm = null; // the family's wasm-bindgen glue
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
const runs = new Map(); // handle → { run, kind, settings, cursor }
let dead = null;

// Each kind's entry: the generic one over its wasm class (named after the kind in Pascal case:
// crates/wasm/src/lab.rs), merged with www/lib/experiments/<kind>.js when the registry marks the
// kind `extras`. That module's default export is `({ wasm, Run, base }) => overrides` of:
//   create(settings, base) → Run.create's reply ({ok, created, errors, settings, run});
//   created(e) after a run is stored; compute(settings, base, args) → {ok, created, errors,
//   settings, value};
//   frame(e, stepsTaken, elapsedMs) → the reply after create/advance/reset (default: snapshot
//   and the history rows new since the last frame, from `e.cursor`);
//   slice(e, steps) → steps per wasm call inside `advance` (default: all of them);
//   calls.name(args) → a reply, no run needed (request 'call');
//   methods.name(e, args) → a reply, on a run (request 'method').
// Replies are plain objects; their typed arrays are transferred, not copied (transferables).
function generic(Run) {
  return {
    fields: () => Run.fields(),
    historyFields: () => Run.historyFields(),
    check: (settings) => Run.check(settings),
    create: (settings, base) => Run.create(settings, base),
    compute: (settings, base) => Run.compute(settings, base),
    created: () => {},
    slice: (_e, steps) => steps,
    frame(e, stepsTaken = 0, elapsedMs = 0) {
      const { run } = e;
      const result = { snapshot: run.snapshot(), from: e.cursor, stepsTaken, elapsedMs };
      if (run.historyFrom) {
        result.history = run.historyFrom(e.cursor);
        e.cursor = run.historyRows();
      }
      return result;
    },
  };
}

const EXPERIMENTS = {}; // kind → its entry

// `analysis`: a second run class of the kind's module, advanced like its runs (dropout-k, the
// dropout's Wei comparison: crates/wasm/src/dropout.rs `DropoutK`), with the kind's `slice`.
async function experiment(name, analysis) {
  if (analysis) {
    const k = await experiment(name);
    const Run = wasm[className(analysis)];
    if (!Run) throw new Error(`"${name}" has no analysis "${analysis}"`);
    EXPERIMENTS[analysis] ??= { ...generic(Run), slice: k.slice, kind: analysis };
    return EXPERIMENTS[analysis];
  }
  const { kind, family: home, extras } = experimentOf(name);
  if (EXPERIMENTS[kind]) return EXPERIMENTS[kind];
  if (home !== family) throw new Error(`experiment "${kind}" is not in this worker's core ("${family}")`);
  const Run = wasm[className(kind)];
  const base = generic(Run);
  const own = extras ? (await import(`./experiments/${kind}.js`)).default({ wasm, Run, base }) : {};
  EXPERIMENTS[kind] = { ...base, ...own, kind };
  return EXPERIMENTS[kind];
}

/** The transferable buffers of a reply: every typed array's, once. */
function transferables(value, out = new Set()) {
  if (ArrayBuffer.isView(value)) out.add(value.buffer);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) transferables(v, out);
  return out;
}

function entry(handle) {
  const e = runs.get(handle);
  if (!e) throw new Error(`no run with handle "${handle}"`);
  return e;
}

const frame = (e, stepsTaken = 0, elapsedMs = 0) => EXPERIMENTS[e.kind].frame(e, stepsTaken, elapsedMs);

const handlers = {
  async hello({ kind, analysis }) {
    const e = await experiment(kind, analysis);
    return { fields: e.fields(), historyFields: e.historyFields() };
  },
  async check({ kind, settings }) {
    return (await experiment(kind)).check(settings);
  },
  // Validate and create in one round trip: `{ok, created, errors, settings, ...frame}`, or
  // `{ok: false, created: false, errors, settings: null}` (the handle's run left as it was). A
  // bad value of `settings` is taken from `base` when given (crates/wasm/src/lab.rs, `create`).
  async create({ kind, handle, settings, base, analysis }) {
    const k = await experiment(kind, analysis);
    const { run, ...reply } = k.create(settings, base);
    if (!reply.created) return reply;
    runs.get(handle)?.run.free();
    const e = { run, kind: k.kind, settings: reply.settings, cursor: 0 };
    runs.set(handle, e);
    k.created(e);
    return { ...reply, ...frame(e) };
  },
  // A one-shot computation of a kind without runs (laplace-vb, logreg-posterior, one-epoch), in
  // one round trip like `create`: `{ok, created, errors, settings, ...result}`.
  async compute({ kind, settings, base, ...args }) {
    const { value, ...reply } = (await experiment(kind)).compute(settings, base, args);
    return { ...reply, ...value };
  },
  // Advance by up to `steps`, in slices, for at most `budgetMs` of wasm time.
  advance({ handle, steps, budgetMs = 12 }) {
    const e = entry(handle);
    const slice = EXPERIMENTS[e.kind].slice(e, steps);
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
    return true;
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
    return { wasmBytes: exports.memory.buffer.byteLength, runs: runs.size };
  },
  // Your own data: CSV text through the core's parser (the CLI's --data parser), for `kind` and
  // its settings; an invalid file throws the parser's message (line and column).
  parseData({ kind, text, settings }) {
    return wasm.parseData(kind, text, settings);
  },
  // What `kind`'s own data must look like (columns, ranges, limits), for the control's help.
  dataSpec({ kind, settings }) {
    return wasm.dataSpec(kind, settings);
  },
  freshSeed() {
    return wasm.freshSeed();
  },
  panic({ message }) {
    wasm.debugPanic(message ?? 'deliberate panic (test)');
    return null;
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
    const result = await handler(args);
    self.postMessage({ id, ok: true, result }, [...transferables(result)]);
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      dead = globalThis.__noiselabPanic ?? `the WebAssembly core crashed: ${err.message}`;
      self.postMessage({ id, ok: false, error: { kind: 'panic', message: dead } });
    } else {
      self.postMessage({ id, ok: false, error: { kind: 'error', message: err?.message ?? String(err) } });
    }
  }
};
