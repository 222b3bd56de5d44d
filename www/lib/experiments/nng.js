// Worker side of noisy natural gradient (SCIENCE §6): full NNG, noisy Adam and noisy K-FAC on
// one Bayesian linear regression. Each frame carries the new history rows, the 2σ ellipses of the
// target and of each method's q over the two shown weights, and the recent weight samples.
const ELLIPSE_POINTS = 96;

/** The drawing data over the shown weights (no history). */
function view(e) {
  const [i, j] = e.axes ?? [0, 1];
  return {
    snapshot: e.run.snapshot(), ellipses: e.run.ellipses(i, j, 2, ELLIPSE_POINTS), samples: e.run.samples(i, j),
    ellipsePoints: ELLIPSE_POINTS, sampleCount: e.run.sampleCount(), axes: [i, j],
  };
}

export default ({ base }) => ({
  // Steps per wasm call, so one call stays a few milliseconds whatever N, D and B are: a step
  // costs about 3·B·D² multiply-adds (the full method's outer products dominate).
  slice(e, steps) {
    const s = e.run.snapshot();
    const work = 3 * s.batchSize * s.targetMean.length ** 2 + 50;
    return Math.max(1, Math.min(steps, Math.floor(2e6 / work)));
  },
  frame: (e, stepsTaken, elapsedMs) => ({ ...base.frame(e, stepsTaken, elapsedMs), ...view(e) }),
  methods: {
    // Which two weights the plot shows (0-based): `request('method', {handle, name: 'axes', i, j})`.
    axes(e, { i, j }) {
      e.axes = [Math.max(0, Math.floor(Number(i) || 0)), Math.max(0, Math.floor(Number(j) || 0))];
      return view(e);
    },
  },
});
