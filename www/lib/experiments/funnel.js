// Worker side of the funnel experiment (SCIENCE §9): noisy GD trajectories on a valley.
import * as wasm from '../../pkg/noise/noiselab_wasm.js';

export default {
  fields: () => wasm.funnelFields(),
  historyFields: () => wasm.funnelHistoryFields(),
  check: (settings) => wasm.funnelCheck(settings),
  create: (settings) => new wasm.FunnelRun(settings),
  // Steps per wasm call, so one call stays well under a frame whatever M is.
  slice: (run, steps) => Math.max(1, Math.min(steps, Math.floor(20000 / Math.max(1, run.snapshot().stats.alive || 1)))),
  // Everything new since the last frame of this handle: history and path rows from `cursor`.
  frame(e, stepsTaken = 0, elapsedMs = 0) {
    const { run } = e;
    const snapshot = run.snapshot();
    const from = e.cursor;
    const history = run.historyFrom(from);
    const paths = run.pathsFrom(from);
    e.cursor = run.stepsDone() + 1;
    const result = {
      snapshot, from, stepsTaken, elapsedMs, history, paths,
      shownPaths: run.shownPaths(), positions: run.positions(), alive: run.alive(),
    };
    return [result, [history.buffer, paths.buffer, result.positions.buffer, result.alive.buffer]];
  },
  // Requests that need no run: `request('call', {kind: 'funnel', name: 'surface', ...})`.
  calls: {
    surface({ cost, nx, ny, levels }) {
      const s = wasm.funnelSurface(cost, nx, ny, levels);
      return [s, [s.bands.buffer, s.curvature.buffer, s.levels.buffer, ...s.contours.map((c) => c.buffer)]];
    },
  },
};
