// Worker side of the 2-D logistic-regression posterior panel (SCIENCE §3–§4): one computation
// per setting, no run (the edited data set is the `data` setting). `preview`: the part without
// the variational fits first (the wasm keeps it for the `compute` of the same settings next).
export default ({ Run }) => ({
  compute: (settings, base, { nWeight, nData, preview = false }) => Run.compute(settings, base, nWeight, nData, preview),
});
