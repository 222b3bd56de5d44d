// Worker side of the 2-D logistic-regression posterior panel (SCIENCE §3–§4): one computation
// per setting or data edit, no run. points: null (the settings' seeded data) or a flat
// [x1, x2, y, …] array.
export default ({ Run }) => ({
  compute: (settings, base, { points, nWeight, nData }) => Run.compute(settings, base, points ? Float64Array.from(points) : undefined, nWeight, nData),
});
