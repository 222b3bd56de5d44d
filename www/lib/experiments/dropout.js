// Worker side of the dropout experiment (SCIENCE §2): two nets trained side by side (the
// configured rule and no dropout), test-time rules, sampled sub-networks, user points, and the
// linear-regression closed forms.
export default ({ Run }) => ({
  // Steps per wasm call: a record (every recordEvery steps) evaluates both nets on all points,
  // so calls stay short and the time budget of `advance` is honoured.
  slice: (_e, steps) => Math.max(1, Math.min(steps, 10)),
  methods: {
    // Data, both nets' weight-scaled predictions and decision boundaries.
    picture(e, { nx, ny }) {
      const { run } = e;
      const data = run.data();
      const boundary = (net) => (data.classification ? run.decisionBoundary(net, nx, ny) : new Float64Array(0));
      return {
        data,
        dropout: run.predictions('dropout', nx, ny),
        plain: run.predictions('plain', nx, ny),
        boundaryDropout: boundary('dropout'),
        boundaryPlain: boundary('plain'),
        truth: data.classification ? new Float64Array(0) : run.trueCurve(nx),
        snapshot: run.snapshot(),
        nx, ny,
      };
    },
    // Weight scaling vs MC over K masks (vs the exact 2^D average when D is small), and
    // `members` sampled sub-networks.
    // (2-D: the test-time map without the exact average, plus a horizontal slice with it).
    testTime(e, { nx, ny, k, exact, seed, members, sliceN, sliceAt, memberN }) {
      const { run } = e;
      const data = run.data();
      const oneD = data.dim === 1;
      const t = run.testTime(nx, oneD ? 2 : ny, k, oneD && exact, seed);
      const slice = oneD ? null : run.testTimeSlice(sliceN, sliceAt, k, exact, seed);
      const m = oneD ? run.members(members, nx, 2, seed + 1) : run.members(members, memberN, memberN, seed + 1);
      return { ...t, slice, memberMasks: m.masks, memberPredictions: m.predictions, units: m.units, n: m.n, data, snapshot: run.snapshot(), nx, ny };
    },
    addPoint: (e, { x, t }) => e.run.addPoint(Float64Array.from(x), t),
    removeNearest: (e, { x, t }) => e.run.removeNearest(Float64Array.from(x), t ?? NaN),
    resetData(e) { e.run.resetData(); e.cursor = 0; return true; },
  },
  calls: {
    // The linear view: named settings of the core's table (noiselab run dropout-linear).
    linear: (settings) => Run.linear(settings),
  },
});

// The kind's second experiment, Wei et al.'s comparison (crates/wasm/src/dropout.rs `DropoutK`):
// five nets per step, the same short calls.
export const more = {
  'dropout-k': () => ({ slice: (_e, steps) => Math.max(1, Math.min(steps, 10)) }),
};
