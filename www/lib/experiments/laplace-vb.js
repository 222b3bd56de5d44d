// Worker side of Laplace vs variational Gaussian on Bishop's 1-D density (SCIENCE §5): one
// computation, no run, tabulated on `n` points of [zMin, zMax].
export default ({ Run }) => ({
  compute: (settings, base, { zMin, zMax, n }) => Run.compute(settings, base, zMin, zMax, n),
});
