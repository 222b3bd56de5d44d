// Worker side of the funnel experiment (SCIENCE §9): noisy GD trajectories on a valley.
export default ({ Run, base }) => ({
  // Steps per wasm call, so one call stays well under a frame whatever M is.
  slice: (e, steps) => Math.max(1, Math.min(steps, Math.floor(20000 / Math.max(1, e.run.snapshot().stats.alive || 1)))),
  // The history and path rows new since the last frame of this handle; on the first frame of a
  // run (create, reset) also the gradient and modified flows from its start (σ-independent).
  frame(e, stepsTaken, elapsedMs) {
    const { run } = e;
    const paths = run.pathsFrom(e.cursor);
    const flows = e.cursor === 0 ? { flows: run.flows() } : {};
    return { ...base.frame(e, stepsTaken, elapsedMs), paths, shownPaths: run.shownPaths(), positions: run.positions(), alive: run.alive(), ...flows };
  },
  // Requests that need no run: `request('call', {kind: 'funnel', name: 'surface', ...})`.
  calls: {
    surface: ({ cost, nx, ny, levels }) => Run.surface(cost, nx, ny, levels),
  },
});

// Worker side of the funnel's "Compare σ", class FunnelCompare (three funnels stepped together):
// steps per wasm call, so one call stays well under a frame (3·M trajectories per step).
export const more = {
  'funnel-compare': () => ({
    slice: (e, steps) => {
      const alive = e.run.snapshot().runs.reduce((n, r) => n + (r.stats.alive || 0), 0);
      return Math.max(1, Math.min(steps, Math.floor(20000 / Math.max(1, alive))));
    },
  }),
};
