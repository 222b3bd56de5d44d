// Worker side of "SGD as an Ornstein–Uhlenbeck process" (SCIENCE.md §7–§8): M chains of SGD,
// preconditioned SGD or SGLD on J = ½wᵀHw, with the predicted stationary covariances.
import * as wasm from '../../pkg/noise/noiselab_wasm.js';

const ELLIPSE_POINTS = 120;
const SWEEP_POINTS = 90;

export default {
  fields: () => wasm.sgdOuFields(),
  historyFields: () => wasm.sgdOuHistoryFields(),
  check: (settings) => wasm.sgdOuCheck(settings),
  create: (settings) => {
    const run = new wasm.SgdOuRun(settings);
    run.chains = Number(run.settings().chains);
    return run;
  },
  // Steps per wasm call: about 40,000 chain-steps.
  slice: (run, steps) => Math.max(1, Math.min(steps, Math.floor(40000 / Math.max(1, run.chains)))),
  // New history rows since the last frame, the cloud, the empirical ellipse; the theory
  // (ellipses, α sweep) once per run (cursor 0: after create and reset).
  frame(e, stepsTaken = 0, elapsedMs = 0) {
    const { run } = e;
    const from = e.cursor;
    const snapshot = run.snapshot();
    const history = run.historyFrom(from);
    const positions = run.positions();
    const ellipses = run.ellipses(ELLIPSE_POINTS);
    e.cursor = run.stepsDone() + 1;
    const result = { snapshot, from, stepsTaken, elapsedMs, history, positions, empirical: ellipses[3] };
    const transfer = [history.buffer, positions.buffer, ellipses[3].buffer];
    if (from === 0) {
      Object.assign(result, run.theory());
      result.ellipses = ellipses.slice(0, 3);
      result.sweep = run.rateSweep(SWEEP_POINTS);
      transfer.push(...result.ellipses.map((a) => a.buffer));
    }
    return [result, transfer];
  },
};
