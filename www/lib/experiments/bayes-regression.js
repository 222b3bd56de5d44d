// Worker side of the 1-D Bayesian regression comparison (SCIENCE §3–§4): one staged run per
// handle (MAP → Laplace → Bayes by Backprop → MC dropout → HMC), advanced in time-budgeted
// slices; every frame carries the bands, the data and the snapshot.
function frame(e, stepsTaken = 0, elapsedMs = 0) {
  const { run } = e;
  const { inputs, targets } = run.data();
  e.grid ??= run.grid();
  return { snapshot: run.snapshot(), stepsTaken, elapsedMs, bands: run.bands(), inputs, targets, grid: e.grid.slice() };
}

export default ({ Run }) => ({
  // Units per wasm call: 20 Adam steps or HMC transitions stay far below a frame; a Newton or
  // Laplace step (a finite-difference Hessian) is one unit alone.
  slice: (e) => (['refine', 'tune', 'laplace'].includes(e.run.snapshot().stage) ? 1 : 20),
  frame,
  calls: {
    methods: () => Run.methods(),
  },
});
