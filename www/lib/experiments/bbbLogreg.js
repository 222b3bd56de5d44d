// Worker side of Bayes by Backprop on the 2-D logistic regression with description length and
// PAC-Bayes bounds (SCIENCE §4).
import * as wasm from '../../pkg/bayes/noiselab_wasm.js';

export default {
  fields: () => wasm.bbbLogregFields(),
  historyFields: () => wasm.bbbLogregHistoryFields(),
  check: (settings) => wasm.bbbLogregCheck(settings),
  create: (settings) => new wasm.BbbLogregRun(settings),
  // Steps per wasm call: each step evaluates the test set, so keep calls short.
  slice: () => 20,
  // Everything new since the last frame: history rows from `cursor` (and the data on the first).
  frame(e, stepsTaken = 0, elapsedMs = 0) {
    const { run } = e;
    const from = e.cursor;
    const history = run.historyFrom(from);
    e.cursor = run.stepsDone() + 1;
    const result = { snapshot: run.snapshot(), from, stepsTaken, elapsedMs, history };
    const transfer = [history.buffer];
    if (from === 0) { result.train = run.trainData(); transfer.push(result.train.buffer); }
    return [result, transfer];
  },
  calls: {
    sweepGrid({ lo, hi, count }) {
      const g = wasm.bbbLogregSweepGrid(lo, hi, count);
      return [g, [g.buffer]];
    },
    sweepPoint({ settings, eta }) {
      return [wasm.bbbLogregSweepPoint(settings, eta)];
    },
  },
};
