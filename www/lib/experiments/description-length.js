// Worker side of Bayes by Backprop on the 2-D logistic regression with description length and
// PAC-Bayes bounds (SCIENCE §4).
export default ({ Run, base }) => ({
  // Steps per wasm call: each step evaluates the test set, so keep calls short.
  slice: () => 20,
  // The history rows new since the last frame, and the training data on the first.
  frame(e, stepsTaken, elapsedMs) {
    const result = base.frame(e, stepsTaken, elapsedMs);
    if (result.from === 0) result.train = e.run.trainData();
    return result;
  },
  calls: {
    sweepGrid: ({ lo, hi, count }) => Run.sweepGrid(lo, hi, count),
  },
});
