// The dropout widget's "Training" view: the data and both nets' predictions (heat maps or
// fits, decision boundaries; click or keys edit the data), the network with the current step's
// dropped units greyed out, and train and test loss with vs without dropout (Srivastava et al. 2014).
import { OKABE_ITO as C } from '../../lib/plot.js';
import { PROB_RAMP, fmt, grid, pointMarks, curvePanel } from './common.js';

const MAP_N = 48; // heat-map grid of the training view

/** The training panel (inside the widget's tab panel). */
export const trainingPanel = (id) => `
        <div class="plot-head"><strong>Data and each net’s prediction</strong>
          <span class="inline"><label for="${id('cls')}">click adds</label><select id="${id('cls')}" class="click-class"><option value="1">class 1 (●)</option><option value="0">class 0 (■)</option></select><span class="hint">shift-click removes the nearest point; with the keyboard: arrows move the cross, Enter adds, Delete removes</span></span></div>
        <div class="pair">
          <canvas class="map map-dropout" data-panel="map-dropout" role="img" tabindex="0" aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Enter Delete" aria-label="prediction of the net trained with dropout"></canvas>
          <canvas class="map map-plain" data-panel="map-plain" role="img" tabindex="0" aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Enter Delete" aria-label="prediction of the net trained without dropout"></canvas>
        </div>
        <div class="legend legend-map" data-panel="map-dropout map-plain" aria-hidden="true"></div>
        <div class="plot-head"><strong>The network at the current step</strong><span class="hint net-note"></span></div>
        <canvas class="net" data-panel="net" role="img" aria-label="network diagram"></canvas>
        <div class="legend" data-panel="net" aria-hidden="true"></div>
        <div class="pair">
          <canvas class="curve loss-train" data-panel="loss-train" role="img" aria-label="training loss over steps"></canvas>
          <canvas class="curve loss-test" data-panel="loss-test" role="img" aria-label="test loss over steps"></canvas>
        </div>
        <div class="legend" data-panel="loss-train loss-test" aria-hidden="true"></div>`;

export const TrainingView = (Base) => class extends Base {
  /** The maps' editing: click or keys add and remove points (a cross shows where). */
  attachTraining() {
    for (const c of this.root.querySelectorAll('canvas.map')) {
      c.addEventListener('click', (e) => this.onMapClick(e).catch((err) => this.fail(err)));
      c.addEventListener('keydown', (e) => this.onMapKey(e));
      c.addEventListener('focus', () => {
        const d = this.picture?.data.domain;
        if (!this.cross && d) this.cross = { x: (d.xMin + d.xMax) / 2, y: (d.yMin + d.yMax) / 2 };
        this.drawTraining();
      });
      c.addEventListener('blur', () => this.drawTraining());
    }
  }

  async refreshPicture() {
    const n = this.snapshot?.widths?.[0] === 1 ? 200 : MAP_N;
    this.picture = await this.method('picture', { nx: n, ny: n });
    this.$('.click-class').parentElement.querySelector('label').hidden = !this.picture.data.classification;
    this.$('.click-class').hidden = !this.picture.data.classification;
    this.snapshot = this.picture.snapshot;
    this.drawTraining();
    this.updateReadout();
  }

  /** Redraw the training view: the maps, the network and the curves. */
  drawTraining() {
    this.curvesAt = performance.now();
    this.figure.draw();
  }

  /** The training view's panels: both nets' maps, the network, then train and test loss over the steps. */
  trainingPanels() {
    const p = this.picture;
    return [...(p ? [this.mapPanel('dropout'), this.mapPanel('plain')] : []), this.netPanel(), this.lossPanel('train'), this.lossPanel('test')];
  }

  /** One net's prediction: p(class 1) as heat and its decision boundary, or the fitted curve. */
  mapPanel(which) {
    const p = this.picture, { domain: d, classification } = p.data, id = `map-${which}`;
    const title = which === 'dropout' ? `with ${this.ruleName()}` : 'without dropout';
    const focused = this.root.activeElement === this.$(`canvas.${id}`);
    const marks = classification ? [
      { type: 'heat', values: p[which], nx: p.nx, ny: p.ny, x: [d.xMin, d.xMax], y: [d.yMin, d.yMax], ramp: PROB_RAMP, domain: [0, 1] },
      { type: 'contour', label: 'decision boundary p = ½', lines: [which === 'dropout' ? p.boundaryDropout : p.boundaryPlain], segments: true, colour: '#000', width: 2 },
      { type: 'key', label: 'shading: p(class 1 | x) from 0 to 1, weight-scaled', ramp: PROB_RAMP },
    ] : [
      // (Your data has no known true function: the core's curve is NaN, and it is left out.)
      ...(p.truth.some(Number.isFinite) ? [{ type: 'line', label: 'true sin(πx)', colour: '#555', width: 1.5, dash: [6, 4], x: grid(d.xMin, d.xMax, p.nx), y: p.truth }] : []),
      { type: 'line', label: which === 'dropout' ? 'fit with dropout' : 'fit without', colour: which === 'dropout' ? C.vermillion : C.blue, width: 2.5, x: grid(d.xMin, d.xMax, p.nx), y: p[which] },
    ];
    marks.push(...pointMarks(p.data));
    // The keyboard's cross (a plus, 9 px each way).
    if (this.cross && focused) marks.push({ type: 'dots', shape: 'plus', r: 7.2, width: 2, colour: '#000', x: [this.cross.x], y: [this.cross.y], extent: false });
    marks.push({ type: 'text', x: 'left', y: 'top', dx: 6, dy: 4, baseline: 'top', size: 12, bold: true, colour: '#111', text: title });
    const l = this.snapshot.last, loss = which === 'dropout' ? l.testLoss : l.plainTestLoss;
    this.setLive(this.$(`canvas.${id}`), `${classification ? 'Heat map of p(class 1) and decision boundary' : 'Fitted curve'} of the net trained ${title}, step ${this.snapshot.stepsDone}: test loss ${fmt(loss)}; ${p.data.trainT.length} training points.`, 'aria-label');
    return {
      id, title: `The net trained ${title}`, aspect: classification ? 'equal' : undefined, key: [p, focused && this.cross?.x, focused && this.cross?.y],
      x: { label: classification ? 'x₁' : 'x', domain: [d.xMin, d.xMax] },
      y: { label: classification ? 'x₂' : 'target t', domain: [d.yMin, d.yMax], grid: !classification }, marks,
    };
  }

  /** Train or test loss of both nets over the steps. */
  lossPanel(which) {
    const train = which === 'train', l = this.snapshot.last;
    this.setLive(this.$(`canvas.loss-${which}`), `${train ? 'Training' : 'Test'} loss over ${this.snapshot.stepsDone} steps: ${fmt(train ? l.trainLoss : l.testLoss)} with dropout, ${fmt(train ? l.plainTrainLoss : l.plainTestLoss)} without.`, 'aria-label');
    const panel = curvePanel(`loss-${which}`, `${train ? 'Training' : 'Test'} loss`, {
      x: this.column('step'), xMax: Number(this.snapshot.totalSteps), xLabel: 'step (iterations)', yMin: 0, key: [this.curvesAt, this.picture],
      yLabel: `${train ? 'training' : 'test'} loss${this.picture?.data.classification === false ? ' (½ squared error)' : ' (cross-entropy, nats)'}`,
      series: [
        { label: 'without dropout', y: this.column(train ? 'plainTrainLoss' : 'plainTestLoss'), colour: C.blue },
        { label: 'with dropout (the configured rule)', y: this.column(train ? 'trainLoss' : 'testLoss'), colour: C.vermillion },
      ],
    });
    panel.marks.push({ type: 'key', label: 'same seed, data, initialisation and batches' });
    return panel;
  }

  /** The network on a [0, 1]² frame without axes: a column of units per layer (this step's
      mask of the batch's first example: kept or dropped), the links between kept units
      (subsampled to about 900 per layer pair) and the layers' names under the columns. */
  netPanel() {
    const snap = this.snapshot, { widths, mask } = snap, L = widths.length;
    const unitY = (l, j) => (widths[l] === 1 ? 0.5 : 1 - j / (widths[l] - 1));
    const offsets = widths.map((w, l) => widths.slice(0, l).reduce((a, b) => a + b, 0));
    const kept = (l, j) => l === L - 1 || mask[offsets[l] + j] > 0.5;
    const links = [], units = [[], []], texts = [];
    for (let l = 0; l < L - 1; l++) {
      const a = widths[l], b = widths[l + 1], stride = Math.max(1, Math.ceil((a * b) / 900));
      for (let e = 0; e < a * b; e += stride) {
        const i = e % a, o = Math.floor(e / a);
        if (kept(l, i) && kept(l + 1, o)) links.push(l / (L - 1), unitY(l, i), (l + 1) / (L - 1), unitY(l + 1, o));
      }
    }
    for (let l = 0; l < L; l++) {
      // About 190 px for the column: radius 1.6 to 6 px.
      for (let j = 0; j < widths[l]; j++) units[kept(l, j) ? 0 : 1].push([l / (L - 1), unitY(l, j), Math.max(1.6, Math.min(6, 190 / widths[l] / 2.4))]);
      texts.push({ type: 'text', x: l / (L - 1), y: 'bottom', dy: 5, align: 'center', baseline: 'top', text: l === 0 ? `input (${widths[l]})` : l === L - 1 ? 'output' : `hidden ${l} (${widths[l]})` });
    }
    const note = snap.stepsDone === 0 ? 'before the first step: nothing dropped yet'
      : ['dropout', 'dropK', 'knockIn'].includes(this.valid.variant) ? `step ${snap.stepsDone}: ${units[1].length} units dropped (the mask of the batch’s first example)` : 'this training rule draws no masks';
    this.setLive(this.$('.net-note'), note, 'text');
    this.setLive(this.$('canvas.net'), `Network ${widths.join('–')}; ${note}.`, 'aria-label');
    const dots = ([u, label, colour]) => ({ type: 'dots', label, colour, x: u.map((d) => d[0]), y: u.map((d) => d[1]), r: u.map((d) => d[2]), clip: false });
    return {
      id: 'net', title: 'The network at the current step', axes: false, wide: true, key: [snap], margin: { left: 40, right: 40, top: 14, bottom: 20 },
      marks: [{ type: 'contour', lines: [links], segments: true, colour: 'rgba(0, 114, 178, 0.12)', width: 0.5, clip: false },
        ...[[units[0], 'kept unit', C.blue], [units[1], 'dropped this step (m = 0)', '#c8c8c8']].map(dots), ...texts],
    };
  }

  /** Keyboard alternative to clicking: arrows move a cross (5% of the plot, 20% with Shift),
   *  Enter or space adds a point there, Delete or Backspace removes the nearest point. */
  onMapKey(e) {
    const p = this.picture;
    if (!p) return;
    const d = p.data.domain;
    const c = this.cross ?? { x: (d.xMin + d.xMax) / 2, y: (d.yMin + d.yMax) / 2 };
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    const f = e.shiftKey ? 0.2 : 0.05;
    if (move) {
      c.x = Math.min(d.xMax, Math.max(d.xMin, c.x + move[0] * f * (d.xMax - d.xMin)));
      c.y = Math.min(d.yMax, Math.max(d.yMin, c.y + move[1] * f * (d.yMax - d.yMin)));
      this.cross = c;
      this.drawTraining();
    } else if (['Enter', ' ', 'Delete', 'Backspace'].includes(e.key)) {
      this.cross = c;
      this.editPoint(c.x, c.y, e.key === 'Delete' || e.key === 'Backspace').catch((err) => this.fail(err));
    } else return;
    e.preventDefault();
  }

  async editPoint(X, Y, remove) {
    const p = this.picture;
    const oneD = p.data.dim === 1;
    if (remove) {
      await this.method('removeNearest', { x: oneD ? [X] : [X, Y], t: oneD ? Y : NaN });
    } else {
      const t = oneD ? Y : Number(this.$('.click-class').value);
      await this.method('addPoint', { x: oneD ? [X] : [X, Y], t });
    }
    await this.refreshPicture();
  }

  async onMapClick(e) {
    const p = this.picture;
    if (!p) return;
    const s = this.figure.scales[e.target.dataset.panel];
    if (!s) return;
    const rect = e.target.getBoundingClientRect();
    const X = s.x.invert(e.clientX - rect.left), Y = s.y.invert(e.clientY - rect.top);
    const d = p.data.domain;
    if (X < d.xMin || X > d.xMax || Y < d.yMin || Y > d.yMax) return;
    await this.editPoint(X, Y, e.shiftKey);
  }

  trainingVerdict() {
    const s = this.snapshot, l = s.last;
    if (this.valid.variant === 'none') return `Control: the “dropout” net trains without dropout, so both nets are the same (test loss ${fmt(l.testLoss)} vs ${fmt(l.plainTestLoss)}).`;
    if (!s.stepsDone) return 'Step 0: both nets start from the same weights. Press Play: within a few hundred steps the net without dropout fits the training set and its test loss rises.';
    const rule = this.ruleName();
    const cls = Number.isFinite(l.trainAccuracy);
    const inputs = ['input', 'inputHidden'].includes(this.valid.dropLayers);
    if (cls && inputs && l.trainAccuracy < l.plainTrainAccuracy - 0.15) {
      return `Dropout on the inputs makes the net underfit: training accuracy ${fmt(l.trainAccuracy, 2)} vs ${fmt(l.plainTrainAccuracy, 2)} without, test loss ${fmt(l.testLoss)} (a coin flip scores ln 2 = 0.693): with 2 inputs, one coordinate alone says little about the class.`;
    }
    const acc = cls ? `; test accuracy ${fmt(l.testAccuracy, 2)} vs ${fmt(l.plainTestAccuracy, 2)}` : '';
    if (l.testLoss < 0.9 * l.plainTestLoss) {
      return `With ${rule}: test loss ${fmt(l.testLoss)} vs ${fmt(l.plainTestLoss)} without, lower: the plain net overfits (training loss ${fmt(l.plainTrainLoss)}), dropout regularizes, as Srivastava et al. report${acc}.`;
    }
    return `With ${rule}: test loss ${fmt(l.testLoss)} vs ${fmt(l.plainTestLoss)} without: dropout has not lowered the test loss here${acc}.`;
  }
};
