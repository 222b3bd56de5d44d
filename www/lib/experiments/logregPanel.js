// Worker side of the 2-D logistic-regression posterior panel (SCIENCE §3–§4): one computation
// per setting or data edit, no run.
import * as wasm from '../../pkg/bayes/noiselab_wasm.js';

const fieldBuffers = (f) => [f.values.buffer, f.levels.buffer, ...f.contours.map((c) => c.buffer)];

export default {
  fields: () => wasm.logregPanelFields(),
  historyFields: () => [],
  check: (settings) => wasm.logregPanelCheck(settings),
  // points: null (the settings' seeded data) or a flat [x1, x2, y, …] array.
  compute: (settings, { points, nWeight, nData }) => {
    const r = wasm.logregPanelAnalyze(settings, points ? Float64Array.from(points) : undefined, nWeight, nData);
    const transfer = [r.points.buffer, r.hmcSamples.buffer, ...fieldBuffers(r.density),
      ...r.ellipses.flatMap((p) => p.map((e) => e.buffer)), ...r.predictive.flatMap(fieldBuffers)];
    return [r, transfer];
  },
};
