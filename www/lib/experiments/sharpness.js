// Worker side of "sharp and flat minima" (SCIENCE §1): small- vs large-batch SGD with λ_max(H),
// tr H and λ_max(G) measured by Hessian–vector products, and Dinh et al.'s rescaling demo.
export default ({ Run }) => ({
  // A step is one SGD update of every run, plus the curvature measurements that fall due (tens
  // of ms): a few steps per wasm call keeps the time budget meaningful.
  slice: () => 4,
  methods: {
    // Loss along each run's top Hessian eigenvector and a random direction.
    lossSlice: (e, { points = 61 }) => e.run.slice(points),
  },
  calls: {
    // Dinh et al.'s rescaling of the 2-3-1 ReLU demo net (settings: seed, demoNoise, rescale).
    rescale: ({ settings, points = 41 }) => Run.rescale(settings, points),
  },
});
