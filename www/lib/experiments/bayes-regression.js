// Worker side of the 1-D Bayesian regression comparison (SCIENCE §3–§4): one staged run per
// handle (MAP → Laplace → Bayes by Backprop → MC dropout → HMC), advanced in time-budgeted
// slices; every frame carries the bands, the data and the snapshot.
import * as wasm from '../../pkg/bayes-nets/noiselab_wasm.js';

function frame(e, stepsTaken = 0, elapsedMs = 0) {
  const { run } = e;
  const bands = run.bands();
  const data = run.data();
  const result = { snapshot: run.snapshot(), stepsTaken, elapsedMs, bands, inputs: data.inputs, targets: data.targets };
  if (!e.grid) e.grid = run.grid();
  result.grid = e.grid.slice();
  return [result, [bands.buffer, data.inputs.buffer, data.targets.buffer, result.grid.buffer]];
}

export default {
  fields: () => wasm.bayesRegressionFields(),
  historyFields: () => [],
  check: (settings) => wasm.bayesRegressionCheck(settings),
  create: (settings) => new wasm.BayesRegressionRun(settings),
  // Units per wasm call: 20 Adam steps or HMC transitions stay far below a frame; a Newton or
  // Laplace step (a finite-difference Hessian) is one unit alone.
  slice: (run) => (['refine', 'tune', 'laplace'].includes(run.snapshot().stage) ? 1 : 20),
  frame,
  calls: {
    methods: () => [wasm.bayesRegressionMethods()],
  },
  methods: {
    addPoint(e, { x, t }) {
      e.run.addPoint(x, t);
      return frame(e);
    },
    resetData(e) {
      e.run.resetData();
      return frame(e);
    },
  },
};
