// Worker side of "SGD as an Ornstein–Uhlenbeck process" (SCIENCE.md §7–§8): M chains of SGD,
// preconditioned SGD or SGLD on J = ½wᵀHw, with the predicted stationary covariances.
const ELLIPSE_POINTS = 120;
const SWEEP_POINTS = 90;

export default ({ base }) => ({
  // Steps per wasm call: about 40,000 chain-steps.
  slice: (e, steps) => Math.max(1, Math.min(steps, Math.floor(40000 / Math.max(1, Number(e.settings.chains))))),
  // New history rows since the last frame, the cloud, the empirical ellipse; the theory
  // (ellipses, α sweep) once per run (from 0: after create and reset).
  frame(e, stepsTaken, elapsedMs) {
    const { run } = e;
    const ellipses = run.ellipses(ELLIPSE_POINTS);
    const result = { ...base.frame(e, stepsTaken, elapsedMs), positions: run.positions(), empirical: ellipses[3] };
    if (result.from === 0) Object.assign(result, run.theory(), { ellipses: ellipses.slice(0, 3), sweep: run.rateSweep(SWEEP_POINTS) });
    return result;
  },
});
