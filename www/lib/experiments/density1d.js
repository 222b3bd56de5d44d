// Worker side of Laplace vs variational Gaussian on Bishop's 1-D density (SCIENCE §5): one
// computation, no run.
import * as wasm from '../../pkg/bayes/noiselab_wasm.js';

export default {
  fields: () => wasm.density1dFields(),
  historyFields: () => [],
  check: (settings) => wasm.density1dCheck(settings),
  compute: (settings, { zMin, zMax, n }) => {
    const r = wasm.density1dAnalyze(settings, zMin, zMax, n);
    return [r, [r.z.buffer, ...r.density.map((a) => a.buffer), ...r.negLogDensity.map((a) => a.buffer)]];
  },
};
