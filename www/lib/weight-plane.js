// The weight plane of the variational widgets (bbb-linreg, nng): the display settings
// `firstWeight` / `secondWeight` pick the two weights shown, the run's `axes` method
// (www/lib/experiments/*.js) gives the frame's ellipses and samples over them, and the plane's
// box does not jitter while playing. The widget's `axes()` may add arguments (a sample count).
import { steadyBox } from './plot.js';

export const WeightPlane = (Base) => class extends Base {
  static displayFields = ['speed', 'firstWeight', 'secondWeight'];
  static computeAhead = true;

  /** The weights on the plane's axes (0-based). */
  axes() { return { i: this.valid.firstWeight - 1, j: this.valid.secondWeight - 1 }; }

  async onDisplayChange(changed) {
    if (changed.some((n) => n === 'firstWeight' || n === 'secondWeight') && this.hist) {
      Object.assign(this.view, await this.method('axes', this.axes()));
      this.box = null;
      this.draw();
      this.updateReadout();
    }
  }

  /** A new run's first frame over the chosen weights (asked for only when it is not). */
  async firstFrame(r) {
    const a = this.axes(), [i, j] = r.axes ?? [];
    return a.count !== undefined || a.i !== i || a.j !== j ? Object.assign(r, await this.method('axes', a)) : r;
  }

  onRunStart(_r) { this.box = null; }

  onFrame(r) {
    this.view = r;
    this.draw();
    this.updateReadout();
  }

  /** A finished run (computed ahead: Play plays it again), or a diverged one (`diverged(s)`
      says what diverged). */
  onStopped(s, quiet = false) {
    this.pause();
    if (s.stopReason === 'diverged') this.showMessage(`Stopped at step ${s.stepsDone}: ${this.diverged(s)} Lower the learning rate α.`, 'error');
    else if (!quiet) this.showMessage(`Finished ${s.stepsDone} steps. Play runs it again from step 0.`, 'info');
  }

  /** The plane's box: what should be on screen (`want`, [x0, x1, y0, y1]) cut to the box of
      step 0 (`start`), changed only when something leaves it or everything shrinks to under
      60% of it (plot.js steadyBox). */
  steadyPlane(want, start) {
    const target = [Math.max(want[0], start[0]), Math.min(want[1], start[1]), Math.max(want[2], start[2]), Math.min(want[3], start[3])];
    this.box = steadyBox(this.box, target);
    return this.box ?? [-1, 1, -1, 1];
  }
};
