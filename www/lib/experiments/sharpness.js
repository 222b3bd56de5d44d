// Worker side of "sharp and flat minima" (SCIENCE §1): small- vs large-batch SGD with λ_max(H),
// tr H and λ_max(G) measured by Hessian–vector products, and Dinh et al.'s rescaling demo.
import * as wasm from '../../pkg/sharpness/noiselab_wasm.js';

export default {
  fields: () => wasm.sharpnessFields(),
  historyFields: () => wasm.sharpnessHistoryFields(),
  check: (settings) => wasm.sharpnessCheck(settings),
  create: (settings) => new wasm.SharpnessRun(settings),
  // A step is one SGD update of every run, plus the curvature measurements that fall due (tens
  // of ms): a few steps per wasm call keeps the time budget meaningful.
  slice: () => 4,
  // The measurement rows new since the last frame of this handle.
  frame(e, stepsTaken = 0, elapsedMs = 0) {
    const { run } = e;
    const from = e.cursor;
    const history = run.historyFrom(from);
    e.cursor = run.historyRows();
    return [{ snapshot: run.snapshot(), from, stepsTaken, elapsedMs, history }, [history.buffer]];
  },
  methods: {
    // Loss along each run's top Hessian eigenvector and a random direction.
    lossSlice(e, { points = 61 }) {
      return [e.run.slice(points)];
    },
  },
  calls: {
    // Dinh et al.'s rescaling of the 2-3-1 ReLU demo net (settings: seed, demoNoise, rescale).
    rescale({ settings, points = 41 }) {
      return [wasm.sharpnessRescale(settings, points)];
    },
  },
};
