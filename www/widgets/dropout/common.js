// Shared by the dropout widget's views (www/widgets/dropout.js): colour ramps, number format,
// and the marks and panels every view draws through the plot layer (www/lib/plot.js).
import { OKABE_ITO as C } from '../../lib/plot.js';

// Blue (class 0 / low) – white – vermillion (class 1 / high): Okabe–Ito, colour-blind safe.
export const PROB_RAMP = [[0, [0, 114, 178]], [0.5, [255, 255, 255]], [1, [213, 94, 0]]];
export const GAP_RAMP = [[0, [0, 158, 115]], [0.5, [255, 255, 255]], [1, [204, 121, 167]]];
export const SE_FILL = 'rgba(213, 94, 0, 0.2)';

export const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');

/** `n` points from lo to hi. */
export const grid = (lo, hi, n) => Float64Array.from({ length: n }, (_, i) => lo + (hi - lo) * i / (n - 1));

/**
 * The training points as marks: class 1 vermillion dots and class 0 blue squares with black rims,
 * or the regression targets; `label` false keeps them out of the legend.
 */
export function pointMarks({ dim, trainX, trainT, classification }, opacity = 1, label = true) {
  const n = trainT.length;
  const x = Float64Array.from({ length: n }, (_, i) => trainX[i * dim]);
  const y = dim === 2 ? Float64Array.from({ length: n }, (_, i) => trainX[i * dim + 1]) : trainT;
  if (!classification) return [{ type: 'dots', label: label && 'training points', colour: '#222', r: 3.5, opacity, x, y }];
  return [[1, 'class 1', 'circle', C.vermillion, 4.2], [0, 'class 0', 'square', C.blue, 4.1]].map(([c, name, shape, colour, r]) => {
    const k = [...Array(n).keys()].filter((i) => (trainT[i] > 0.5) === (c === 1));
    return { type: 'dots', label: label && name, shape, colour, rim: '#000', r, opacity, x: k.map((i) => x[i]), y: k.map((i) => y[i]) };
  });
}

/**
 * A panel of curves over `x` (steps from 0 to `xMax`, unless `domain` is given): `series`
 * [{ label, y, colour, dash, width, se, fill, seLabel }] with an optional ±`se` band; the y axis
 * includes `yMin`.
 */
export function curvePanel(id, title, { x, xMax, domain, xLabel, yLabel, y, series, yMin, key }) {
  const marks = [];
  if (yMin !== undefined) marks.push({ type: 'rule', y: yMin, opacity: 0 }); // only widens the y axis to yMin
  for (const s of series) {
    if (s.se) marks.push({ type: 'band', label: s.seLabel ?? s.label, fill: s.fill ?? SE_FILL, x, lo: s.y.map((v, i) => v - s.se[i]), hi: s.y.map((v, i) => v + s.se[i]) });
  }
  for (const s of series) marks.push({ type: 'line', label: s.label, colour: s.colour, width: s.width ?? 2.2, dash: s.dash, x, y: s.y, maxPoints: 1200 });
  return { id, title, key, x: { label: xLabel, domain: domain ?? [0, xMax || 1] }, y: { label: yLabel, ...y }, marks };
}
