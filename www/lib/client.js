// Main-thread side of the worker protocol (see worker.js): one Promise per request.
//
// The WebAssembly core is one module per family of experiments (registry.js). Each family's
// module is fetched and compiled once per page, here (compiledCore), and the compiled
// WebAssembly.Module is posted to every worker of that family in its first message ('init'), so
// N widgets of a family cost one download and one compilation, not N; each worker still
// instantiates its own copy (own memory: a panic kills only that instance, and a fresh worker
// gets the same module). If the page cannot compile it (a host page's CSP without
// 'wasm-unsafe-eval', an old browser), the worker fetches and compiles the module itself.
import { familyOf } from './registry.js';
import { missingFeatures, unsupportedMessage } from './support.js';

const compiled = new Map();

/** The page's compiled core of `family`: a Promise of a WebAssembly.Module, or of null on failure. */
export function compiledCore(family) {
  if (!compiled.has(family)) {
    const url = new URL(`../pkg/${family}/noiselab_wasm_bg.wasm`, import.meta.url);
    compiled.set(family, (async () => {
      try {
        if (typeof WebAssembly.compileStreaming === 'function') {
          try {
            return await WebAssembly.compileStreaming(fetch(url));
          } catch (err) {
            // A server without the application/wasm type: compile from the bytes instead.
            if (!(err instanceof TypeError)) throw err;
          }
        }
        const response = await fetch(url);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return await WebAssembly.compile(await response.arrayBuffer());
      } catch {
        return null; // each worker loads the core itself (and reports what fails there)
      }
    })());
  }
  return compiled.get(family);
}

// Page-wide: at most BUSY_MAX workers compute at once, whatever their widgets ask for (a tick,
// a new run, a one-shot analysis), so a core is always left to the page's own thread. With more
// busy workers than cores the page's thread is descheduled in the middle of a task, which then
// lasts 100+ ms: the soak test saw one of 147 ms when three widgets were given new runs within a
// second. A request waits for a slot; the slot is given back with the reply, or after a second
// at most (a long computation does not hold every other widget for longer).
export const BUSY_MAX = Math.max(1, Math.min(4, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1));
const slots = { busy: 0, waiting: [] };
// Requests posted to workers and not answered yet, page-wide (now, and the most at once).
const posted = { now: 0, most: 0 };

/** How many requests the page's workers are working on: now, the most at once since the last
    `{ clear: true }`, and the bound (BUSY_MAX). For the tests and for debugging. */
export function workerLoad({ clear = false } = {}) {
  const out = { ...posted, bound: BUSY_MAX };
  if (clear) posted.most = posted.now;
  return out;
}
function slot() {
  const grant = () => {
    let held = true;
    const timer = setTimeout(() => release(), 1000);
    function release() {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      const next = slots.waiting.shift();
      if (next) next(grant()); // handed on: still busy
      else slots.busy--;
    }
    return release;
  };
  if (slots.busy < BUSY_MAX) {
    slots.busy++;
    return Promise.resolve(grant());
  }
  return new Promise((resolve) => slots.waiting.push(resolve));
}

export class WorkerError extends Error {
  constructor({ kind, message, errors }) {
    super(message);
    this.name = 'WorkerError';
    this.kind = kind; // "panic" | "error" | "load" | "unsupported" | "terminated"
    this.errors = errors;
  }
}

/** The lab's files are on another site than the page (noiselab.js loaded cross-origin). */
const crossOrigin = () => new URL(import.meta.url).origin !== globalThis.location?.origin;

/** Why a cross-origin lab may not start, and what to do: for the widget's message. */
export const CROSS_ORIGIN_HELP = `noiselab.js was loaded from ${new URL(import.meta.url).origin}, another site than this page (${globalThis.location?.origin}). `
  + 'Either put the lab\'s www/ folder on the same site as the notes, or serve it with the header '
  + '"Access-Control-Allow-Origin" (and allow blob: workers if the page has a Content-Security-Policy), '
  + 'or embed the widget with frame.html in an iframe (README, "Embedding")';

/**
 * The module worker. A worker must be same-origin with the page; when the lab's files are on
 * another site (noiselab.js from a CDN or the course's lab server), the worker is a same-origin
 * blob that imports worker.js from there (which works when that server sends CORS headers, as
 * it must for noiselab.js itself to load as a module).
 */
let missing;
function startWorker() {
  // A browser without what the lab needs (support.js) gets a widget that says so.
  missing ??= missingFeatures();
  if (missing.length) throw new WorkerError({ kind: 'unsupported', message: unsupportedMessage(missing) });
  const url = new URL('./worker.js', import.meta.url);
  if (!crossOrigin()) {
    try {
      return new Worker(url, { type: 'module' });
    } catch (err) {
      // An engine that reads the option but cannot run module workers (Firefox before 114).
      if (err instanceof TypeError) throw new WorkerError({ kind: 'unsupported', message: unsupportedMessage([`module workers (${err.message})`]) });
      throw err;
    }
  }
  const blob = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
  try {
    return new Worker(URL.createObjectURL(blob), { type: 'module' });
  } catch (err) {
    throw new WorkerError({ kind: 'load', message: `the lab's worker could not start (${err.message}). ${CROSS_ORIGIN_HELP}` });
  }
}

export class LabWorker {
  /** A worker for experiments of `kind`'s family (it can serve every kind of that family). */
  constructor(kind) {
    const family = familyOf(kind);
    this.worker = startWorker();
    this.nextId = 1;
    this.pending = new Map();
    this.worker.onmessage = (event) => {
      const { id, ok, result, error } = event.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (ok) p.resolve(result);
      else p.reject(new WorkerError(error));
    };
    // The first message: the compiled core (or null). Requests wait for it to be posted, so the
    // worker sees 'init' first.
    this.started = compiledCore(family).then((module) => {
      if (!this.terminated) this.worker.postMessage({ type: 'init', family, module });
    });
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      const why = crossOrigin() ? `. ${CROSS_ORIGIN_HELP}` : '';
      const err = new WorkerError({ kind: 'load', message: `the lab's worker failed: ${event.message ?? 'unknown error'}${why}` });
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  request(type, args = {}) {
    if (this.terminated) return Promise.reject(new WorkerError({ kind: 'terminated', message: 'worker stopped' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.started.then(slot).then((release) => {
        const p = this.pending.get(id);
        // Rejected already (terminate(), a worker error) while it waited for a slot.
        if (!p || this.terminated) return release();
        const done = () => { posted.now--; release(); };
        this.pending.set(id, {
          resolve: (v) => { done(); p.resolve(v); },
          reject: (e) => { done(); p.reject(e); },
        });
        posted.most = Math.max(posted.most, ++posted.now);
        this.worker.postMessage({ id, type, ...args });
      });
    });
  }

  terminate() {
    this.terminated = true;
    this.worker.terminate();
    const err = new WorkerError({ kind: 'terminated', message: 'worker stopped' });
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
