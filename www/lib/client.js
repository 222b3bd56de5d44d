// Main-thread side of the worker protocol (see worker.js): one Promise per request.

export class WorkerError extends Error {
  constructor({ kind, message, errors }) {
    super(message);
    this.name = 'WorkerError';
    this.kind = kind; // "panic" | "error" | "load" | "terminated"
    this.errors = errors;
  }
}

export class LabWorker {
  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
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
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      const err = new WorkerError({ kind: 'load', message: `the lab's worker failed: ${event.message ?? 'unknown error'}` });
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  request(type, args = {}) {
    if (this.terminated) return Promise.reject(new WorkerError({ kind: 'terminated', message: 'worker stopped' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...args });
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
