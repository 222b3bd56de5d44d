// Worker side of the implicit-regularizer sweeps (Smith et al. 2021; SCIENCE §10). One wasm
// step computes one sweep point. Computed rows are cached here by the core's point key (the
// settings a point depends on and its α, B), so a sweep that is re-created with overlapping
// points (another range, a setting toggled back) fills those points at once.
const cache = new Map(); // point key → Float64Array row
const CACHE_LIMIT = 4000;

function remember(e) {
  const { run } = e;
  e.keys ??= run.pointKeys();
  e.keys.forEach((key, k) => {
    if (!cache.has(key) && run.hasPoint(k)) {
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value);
      cache.set(key, run.row(k));
    }
  });
}

export default () => ({
  created(e) {
    e.run.pointKeys().forEach((key, k) => { const row = cache.get(key); if (row) e.run.fill(k, row); });
  },
  // One point per wasm call: each call is one sweep point (a few hundred ms in the worker).
  slice: () => 1,
  frame(e, stepsTaken = 0, elapsedMs = 0) {
    remember(e);
    return { snapshot: e.run.snapshot(), rows: e.run.rows(), stepsTaken, elapsedMs };
  },
});
