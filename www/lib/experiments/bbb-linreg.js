// Worker side of Bayes by Backprop on Bayesian linear regression (SCIENCE §4): each frame carries
// the new history rows (ELBO and its terms), the new [μ, s] rows, the exact references (ln p(D),
// mean-field optimum, marginals, variance ratios) and three 2σ ellipses over the shown weights.
const ELLIPSE_POINTS = 96;

// The weight plane shows `e.sampleCount` draws from q (the same ε at every step; 0 until the
// widget asks for them with the 'axes' method).
function view(e) {
  const [i, j] = e.axes ?? [0, 1];
  const samples = e.run.samples(i, j, e.sampleCount ?? 0);
  return { reference: e.run.reference(), ellipses: e.run.ellipses(i, j, 2, ELLIPSE_POINTS), ellipsePoints: ELLIPSE_POINTS, samples, axes: [i, j] };
}

export default ({ base }) => ({
  // A step costs O(S·D²) (plain) or O(S·N·D) (local): cap a wasm call at ~1e6 multiply-adds.
  slice(e, steps) {
    const s = e.settings;
    const work = Number(s.samplesPerStep) * Number(s.weights) * (Number(s.weights) + Number(s.dataPoints)) + 20;
    return Math.max(1, Math.min(steps, Math.floor(1e6 / work)));
  },
  frame(e, stepsTaken, elapsedMs) {
    const parameters = e.run.parametersFrom(e.cursor);
    return { ...base.frame(e, stepsTaken, elapsedMs), ...view(e), parameters };
  },
  methods: {
    // Which two weights the plane shows (0-based) and how many draws from q it shows:
    // `request('method', {handle, name: 'axes', i, j, count})`.
    axes(e, { i, j, count }) {
      e.axes = [Math.max(0, Math.floor(Number(i) || 0)), Math.max(0, Math.floor(Number(j) || 0))];
      if (count !== undefined) e.sampleCount = Math.max(0, Math.min(2000, Math.floor(Number(count) || 0)));
      return view(e);
    },
  },
});
