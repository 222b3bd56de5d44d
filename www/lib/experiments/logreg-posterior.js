// Worker side of the 2-D logistic-regression posterior panel (SCIENCE §3–§4): one computation
// per setting, no run (the edited data set is the `data` setting).
export default ({ Run }) => ({
  compute: (settings, base, { nWeight, nData }) => Run.compute(settings, base, nWeight, nData),
});
