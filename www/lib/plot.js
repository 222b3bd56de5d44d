// The lab's one plot layer: crisp layered canvases, linear and log scales, axes, marks, legends,
// drawn from a SCENE that the widget declares. Drawing only: no model math.
//
// ---- How a widget draws a figure -----------------------------------------------------------
// 1. renderFigure() writes the HTML: one <canvas data-panel="ID"> per panel (with its HTML
//    title above it, as before) and an empty <div class="legend" aria-hidden="true">.
// 2. onReady(): `this.figure = new Figure(this)`; then `this.figure.draw()` whenever the data
//    changes (a resize redraws by itself). The Figure calls the widget's `scene()`.
// 3. scene() returns a plain object built from the widget's state (or null before there is data):
//      { title, caption,                        // export only: the figure's title and a sentence
//        panels: [{ id, title,                  // id = the canvas's data-panel; title for export
//          x: { label, scale: 'linear'|'log', domain: [lo, hi], ticks: [..], pad, clamp, grid, minSpan },
//          y: { ... , short },                  // short: a shorter label for low panels
//          margin: { right: 64 },               // optional, added room (e.g. for text marks)
//          aspect: 'equal',                     // optional: one pixel size per unit on x and y
//                                               // (a plane of weights; the plot is centred)
//          key: [deps],                         // optional: skip redrawing while these are === the last
//          over: 'ID',                          // optional: a transparent layer over panel ID (same scales, no axes)
//          axes: false, wide: true,             // optional: no axes (x, y default to [0, 1]); a row of its own in the slide
//          marks: [ ... ] }] }
//    Axis `domain` may hold null ends: they come from the marks' data, widened by `pad` (a
//    fraction of the span; of the log span on a log axis; default 0 for x, 0.06 for y) after
//    `clamp: [lo, hi]` bounds the data; a span under `minSpan` (or a constant series) widens to
//    it (or 1). `ticks` defaults to round values (1-2-5 or decades on a log axis); overlapping x
//    tick labels are thinned. `grid` (y lines) defaults to true.
// 4. Tests read `el.scene()` (tests/scene.mjs summarizes it); the export menu renders the same
//    scene as a slide-ready PNG or SVG with titles, axis labels, legend and caption (export.js).
// A `.legend[data-panel="ID ID2"]` gets only those panels' entries (the plain `.legend` the
// rest); `this.figure.scales[ID]` holds a panel's last `{ x, y }` scales (x.invert for clicks).
//
// Marks (drawn in order, clipped to the plot area unless `clip: false`; every mark may carry
// `label` (a legend entry, merged with other marks of the same label) and `extent: false` (not
// used for the axis domains)). Colours are CSS colours; `dash` is a canvas dash array.
//   line    { x: [..], y: [..], colour, width = 2, dash, opacity, maxPoints = 2000,
//             markers: <a shape>, markerSize = 4, fill, base = 0 }  // fill: down to y = base
//   band    { x, lo: [..], hi: [..], fill }          // ±SE or credible bands
//   rule    { x: v } or { y: v }, colour, width = 1, dash, length   // a full-width or full-height
//             line; v may be a list; `length` (px): ticks that long from the bottom (left) edge
//   dots    { x, y, colour or colours: [..], r = 3 or r: [..], shape, open, rim, rimWidth = 1.2 }
//             shapes: 'circle' (default), 'square', 'triangle', 'diamond', 'cross' and 'plus'
//             (the last two stroked); `open`: stroked outline only (○ beside ●); `rim`: its colour
//   bars    { x, lo: [..], hi: [..], colour, width = 1.5, cap = 4 }  // error bars; caps ± cap px (if longer)
//   heat    { values, nx, ny, x: [x0, x1], y: [y0, y1], ramp: [[t, [r, g, b]], ..], domain: [lo, hi] }
//           or { image: <canvas>, x, y }  // row 0 of `values` is drawn at the top (y1);
//           strip: { top, height } instead of y: a band of pixels at `top` from the plot's top
//           edge (negative: in the margin above), e.g. the funnel's curvature strip
//   contour { lines: [[x0, y0, x1, y1, ..], ..], segments: false, closed, fill, colour, width = 1, dash }
//             (fill: closed polygons filled, e.g. a credible ellipse)
//   text    { x, y, text, colour, size, bold, align, baseline, dx, dy, plate }  // x may be
//             'left'|'center'|'right', y 'top'|'middle'|'bottom' (the plot's edges and centre);
//             not clipped by default; `short` replaces `text` when the plot is narrower than
//             `shortBelow` px; `on: <heat mark>`: black or white text, whichever contrasts more
//             with the colours behind it, on a white plate if under 4.5:1 (WCAG AA), and
//             `report({ text, x0, x1, top, height, fg, minContrast, plate, exporting })` if given
//   arrow   { x: [x0, x1], y: [y0, y1], colour, width = 1.5, head = 7 }
//   key     { label, colour, dash, fill, shape, ramp }  // a legend entry that draws nothing
//             (ramp: a heat mark's colour stops, shown as a colour bar from low to high)
//   draw    { draw(ctx, { x, y, plot, exporting }) }  // escape hatch (plot: the plot area's edges
//             in px; exporting: drawn into a slide), e.g. the funnel's incremental trails
// Axis lines are drawn again over the marks; the right margin holds the last x tick label.
// Helpers: pointsOf(flat, from, count) (flat [x, y, …] → {x, y}), hullOf(...flats) and
// steadyBox(previous, target) (a square 2-D view box that does not jitter while playing).
// See www/widgets/laplace-vb.js (two linear panels, area fill, rule, text) and
// www/widgets/one-epoch.js (log–log, markers, reference slopes, text in the margin).

import { svgContext } from './svg.js';

/** Okabe & Ito (2008) colour-blind-safe palette. */
export const OKABE_ITO = {
  black: '#000000', orange: '#E69F00', skyBlue: '#56B4E9', green: '#009E73',
  yellow: '#F0E442', blue: '#0072B2', vermillion: '#D55E00', purple: '#CC79A7',
};

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';
/** Font sizes and ink of the on-screen figures; the export passes larger ones. */
export const SCREEN = { tick: 11, label: 12, text: 11, ink: '#333' };
const font = (px, weight = '') => `${weight} ${px}px ${FONT}`.trim();

/** A canvas that tracks its CSS size and the device pixel ratio; `onResize` redraws it. */
export class Surface {
  constructor(canvas, onResize) {
    this.canvas = canvas;
    this.onResize = onResize;
    this.ctx = canvas.getContext('2d');
    this.width = 0;
    this.height = 0;
    this.observer = new ResizeObserver(() => { if (this.fit()) onResize(); });
    this.observer.observe(canvas);
    this.fit();
  }

  /** Match the backing store to CSS size × devicePixelRatio; true if it changed. */
  fit() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth));
    const h = Math.max(1, Math.round(this.canvas.clientHeight));
    if (w === this.width && h === this.height && dpr === this.dpr) return false;
    Object.assign(this, { width: w, height: h, dpr, lastDeps: null });
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return true;
  }

  /**
   * False if `deps` are the same (===, one by one) as at this surface's last drawing and its size
   * has not changed since: the caller can skip redrawing a panel whose inputs did not change
   * (each redrawn canvas costs the page a copy for the compositor).
   */
  stale(...deps) {
    const last = this.lastDeps;
    if (last && last.length === deps.length && last.every((d, i) => d === deps[i])) return false;
    this.lastDeps = deps;
    return true;
  }

  clear(color) {
    const { ctx } = this;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (color) { ctx.fillStyle = color; ctx.fillRect(0, 0, this.canvas.width, this.canvas.height); }
    else ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.restore();
  }

  disconnect() { this.observer.disconnect(); }
}

// ---- scales and ticks ---------------------------------------------------------------------

/** Linear map from [d0, d1] to [r0, r1], with `invert`. */
export function scale(d0, d1, r0, r1) {
  const k = (r1 - r0) / (d1 - d0 || 1);
  const f = (v) => r0 + (v - d0) * k;
  f.invert = (p) => d0 + (p - r0) / k;
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** Logarithmic map from [d0, d1] (both > 0) to [r0, r1]; ticks and labels stay in data units. */
export function logScale(d0, d1, r0, r1) {
  const lin = scale(Math.log(d0), Math.log(d1), r0, r1);
  const f = (v) => lin(Math.log(v));
  f.invert = (p) => Math.exp(lin.invert(p));
  f.domain = [d0, d1];
  f.range = [r0, r1];
  f.log = true;
  return f;
}

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Ticks on a log axis: 1-2-5 per decade over a short range, every decade (or every other) over a long one. */
export function logTicks(lo, hi) {
  const decades = Math.log10(hi / lo);
  const mantissas = decades < 2 ? [1, 2, 5] : [1];
  const every = decades > 7 ? 2 : 1;
  const out = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
    if (mantissas.length === 1 && e % every !== 0) continue;
    for (const m of mantissas) { const v = m * 10 ** e; if (v >= lo * 0.999 && v <= hi * 1.001) out.push(Number(v.toPrecision(3))); }
  }
  return out.length >= 2 ? out : [lo, hi];
}

export function formatTick(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
}

/**
 * Axes box with ticks, tick labels and axis titles. `x`, `y` are scales from `scale()` or
 * `logScale()`. Overlapping x tick labels are thinned; `yLabelGap` is the distance from the axis
 * to the y title's baseline.
 */
export function drawAxes(ctx, { x, y, xLabel, yLabel, xTicks, yTicks, color = '#333', grid = false, theme = SCREEN, yLabelGap = 40 }) {
  const [x0, x1] = x.range;
  const [y0, y1] = y.range; // y0 is the bottom (larger pixel value)
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1;
  ctx.font = font(theme.tick);
  const xt = xTicks ?? (x.log ? logTicks(...x.domain) : ticks(...x.domain, 6));
  const [ylo, yhi] = [Math.min(...y.domain), Math.max(...y.domain)];
  const yt = yTicks ?? (y.log ? logTicks(ylo, yhi) : ticks(ylo, yhi, 4));
  if (grid) {
    ctx.save();
    ctx.strokeStyle = 'rgba(0,0,0,0.08)';
    for (const t of yt) { const py = Math.round(y(t)) + 0.5; ctx.beginPath(); ctx.moveTo(x0, py); ctx.lineTo(x1, py); ctx.stroke(); }
    ctx.restore();
  }
  ctx.beginPath();
  ctx.moveTo(x0 + 0.5, y1); ctx.lineTo(x0 + 0.5, y0 + 0.5); ctx.lineTo(x1, y0 + 0.5);
  ctx.stroke();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  // Every k-th x tick label, the smallest k at which none overlap (ticks stay at every value).
  const xs = [...xt].sort((a, b) => x(a) - x(b)).map((t) => ({ px: Math.round(x(t)) + 0.5, text: formatTick(t) }));
  for (const t of xs) { t.half = ctx.measureText(t.text).width / 2; ctx.beginPath(); ctx.moveTo(t.px, y0); ctx.lineTo(t.px, y0 + 4); ctx.stroke(); }
  const fits = (k) => xs.every((t, i) => i < k || i % k || t.px - t.half > xs[i - k].px + xs[i - k].half + 6);
  let k = 1;
  while (k < xs.length && !fits(k)) k++;
  xs.forEach((t, i) => { if (i % k === 0) ctx.fillText(t.text, t.px, y0 + 6); });
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yt) {
    const py = Math.round(y(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x0 - 4, py); ctx.lineTo(x0, py); ctx.stroke();
    ctx.fillText(formatTick(t), x0 - 6, py);
  }
  ctx.font = font(theme.label);
  if (xLabel) { ctx.textAlign = 'center'; ctx.textBaseline = 'top'; ctx.fillText(xLabel, (x0 + x1) / 2, y0 + 10 + theme.tick * 1.1); }
  if (yLabel) {
    ctx.save();
    ctx.translate(x0 - yLabelGap, (y0 + y1) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
    ctx.fillText(yLabel, 0, 0);
    ctx.restore();
  }
  ctx.restore();
}

/** Interpolate between colour stops `[[t, [r, g, b]], …]` (t ascending in [0, 1]). */
export function ramp(stops, t) {
  const u = Math.min(1, Math.max(0, t));
  let i = 1;
  while (i < stops.length - 1 && stops[i][0] < u) i++;
  const [t0, c0] = stops[i - 1];
  const [t1, c1] = stops[i];
  const f = (u - t0) / (t1 - t0 || 1);
  return c0.map((c, k) => Math.round(c + (c1[k] - c) * f));
}

/** WCAG 2 relative luminance of an sRGB colour [r, g, b] (0–255). */
export function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrast(a, b) {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** WCAG 2 AA for text: the least contrast a text mark drawn `on` a heat mark keeps. */
export const MIN_CONTRAST = 4.5;
const BLACK = [0, 0, 0], WHITE = [255, 255, 255];

/** A polyline through finite points only, breaking at NaN; draws at most ~`maxPoints` points. */
export function polyline(ctx, n, px, py, maxPoints = 2000) {
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  let open = false;
  ctx.beginPath();
  for (let i = 0; i < n; i += stride) {
    const X = px(i), Y = py(i);
    if (!Number.isFinite(X) || !Number.isFinite(Y)) { open = false; continue; }
    if (open) ctx.lineTo(X, Y); else { ctx.moveTo(X, Y); open = true; }
  }
  if ((n - 1) % stride !== 0 && n > 0) {
    const X = px(n - 1), Y = py(n - 1);
    if (open && Number.isFinite(X) && Number.isFinite(Y)) ctx.lineTo(X, Y);
  }
  ctx.stroke();
}

/** Points `from … from + count − 1` of a flat `[x₀, y₀, x₁, y₁, …]` array as `{ x, y }` (the
    core sends ellipses and samples that way), ready to spread into a line or dots mark. */
export function pointsOf(flat, from = 0, count = flat.length / 2 - from) {
  const x = new Float64Array(count), y = new Float64Array(count);
  for (let p = 0; p < count; p++) { x[p] = flat[2 * (from + p)]; y[p] = flat[2 * (from + p) + 1]; }
  return { x, y };
}

/** The box `[x0, x1, y0, y1]` of flat point arrays' finite points (`hull` of `null`: nothing yet). */
export function hullOf(...flats) {
  const b = [Infinity, -Infinity, Infinity, -Infinity];
  for (const f of flats) {
    for (let k = 0; k + 1 < f.length; k += 2) {
      const px = f[k], py = f[k + 1];
      if (Number.isFinite(px) && Number.isFinite(py)) { b[0] = Math.min(b[0], px); b[1] = Math.max(b[1], px); b[2] = Math.min(b[2], py); b[3] = Math.max(b[3], py); }
    }
  }
  return b;
}

/**
 * A square view box for a 2-D plane that does not jitter while a run plays: the `previous` box
 * while `target` (`[x0, x1, y0, y1]`) stays inside it and fills more than 60% of it, else a square
 * around `target` with 12% room. An empty target keeps `previous` (null before any box).
 */
export function steadyBox(previous, target) {
  if (!(target[1] > target[0]) || !(target[3] > target[2])) return previous;
  const b = previous;
  const inside = b && target[0] >= b[0] && target[1] <= b[1] && target[2] >= b[2] && target[3] <= b[3];
  const big = b && Math.max(target[1] - target[0], target[3] - target[2]) > 0.6 * (b[1] - b[0]) / 1.12;
  if (inside && big) return b;
  const cx = (target[0] + target[1]) / 2, cy = (target[2] + target[3]) / 2;
  const h = Math.max(target[1] - target[0], target[3] - target[2], 1e-6) * 0.56;
  return [cx - h, cx + h, cy - h, cy + h];
}

// ---- panels: scales from the scene, then axes and marks -----------------------------------

/** The data values a mark spans on axis `k` ('x' or 'y'), as arrays or numbers. */
function markValues(m, k) {
  if (m.extent === false) return [];
  if (m.type === 'band' || m.type === 'bars') return k === 'x' ? [m.x] : [m.lo, m.hi];
  if (m.type === 'contour') return m.lines.map((l) => l.filter((_, i) => i % 2 === (k === 'x' ? 0 : 1)));
  if (['line', 'dots', 'rule', 'heat', 'arrow'].includes(m.type)) return m[k] === undefined ? [] : [m[k]];
  return [];
}

/** An axis spec resolved to a scale over pixels [r0, r1]. */
function axisScale(spec, marks, k, r0, r1) {
  const log = spec.scale === 'log';
  let [lo, hi] = spec.domain ?? [null, null];
  if (lo == null || hi == null) {
    let a = Infinity, b = -Infinity;
    for (const m of marks) {
      for (const vs of markValues(m, k)) {
        for (const v of typeof vs === 'number' ? [vs] : vs) if (Number.isFinite(v) && (!log || v > 0)) { if (v < a) a = v; if (v > b) b = v; }
      }
    }
    const [c0, c1] = spec.clamp ?? [-Infinity, Infinity];
    a = Math.max(a, c0); b = Math.min(b, c1);
    if (lo != null) a = lo;
    if (hi != null) b = hi;
    if (!(a <= b)) [a, b] = log ? [1, 10] : [0, 1];
    const t = log ? Math.log : (v) => v, inv = log ? Math.exp : (v) => v;
    let [ta, tb] = [t(a), t(b)];
    const least = spec.minSpan ?? 0; // a (near-)constant series: a span of minSpan, or of 1
    if (!(tb - ta > Math.max(least, 1e-9 * Math.max(1, Math.abs(ta), Math.abs(tb))))) { const c = (ta + tb) / 2, h = (least || 1) / 2; [ta, tb] = [c - h, c + h]; }
    const pad = (spec.pad ?? (k === 'y' ? 0.06 : 0)) * (tb - ta);
    lo = lo ?? inv(ta - pad);
    hi = hi ?? inv(tb + pad);
  }
  return (log ? logScale : scale)(lo, hi, r0, r1);
}

/** Pixel value of a data coordinate or a named plot edge. */
const place = (v, s, edges) => (typeof v === 'string' ? edges[v] : s(v));

function stroked(ctx, m, width = 2) {
  ctx.strokeStyle = m.colour ?? '#000';
  ctx.lineWidth = m.width ?? width;
  ctx.setLineDash(m.dash ?? []);
  ctx.globalAlpha = m.opacity ?? 1;
}

/** Shapes stroked, not filled: the cross and plus, and any shape marked `open`. */
const STROKED = new Set(['cross', 'plus']);
/** Paint the current marker path: stroked (open, cross, plus) or filled, then its `rim`. */
function fillOrStroke(ctx, m, shape) {
  if (m.open || STROKED.has(shape)) return ctx.stroke();
  ctx.fill();
  if (m.rim) { Object.assign(ctx, { strokeStyle: m.rim, lineWidth: m.rimWidth ?? 1.2 }); ctx.stroke(); }
}
function marker(ctx, shape, px, py, r = 4) {
  if (shape === 'plus') { ctx.moveTo(px - 1.25 * r, py); ctx.lineTo(px + 1.25 * r, py); ctx.moveTo(px, py - 1.25 * r); ctx.lineTo(px, py + 1.25 * r); }
  else if (shape === 'diamond') { ctx.moveTo(px, py - 1.3 * r); ctx.lineTo(px + 1.3 * r, py); ctx.lineTo(px, py + 1.3 * r); ctx.lineTo(px - 1.3 * r, py); ctx.closePath(); }
  else if (shape === 'square') ctx.rect(px - r * 0.875, py - r * 0.875, r * 1.75, r * 1.75);
  else if (shape === 'triangle') { ctx.moveTo(px, py - 1.25 * r); ctx.lineTo(px + 1.125 * r, py + 0.875 * r); ctx.lineTo(px - 1.125 * r, py + 0.875 * r); ctx.closePath(); }
  else if (shape === 'cross') { ctx.moveTo(px - r, py - r); ctx.lineTo(px + r, py + r); ctx.moveTo(px + r, py - r); ctx.lineTo(px - r, py + r); }
  else { ctx.moveTo(px + r, py); ctx.arc(px, py, r, 0, 2 * Math.PI); }
}

const HEAT_CACHE = new WeakMap();
/** The `values` of a heat mark as an nx × ny canvas through its colour ramp (cached per array). */
function heatImage(m) {
  const key = `${m.nx}x${m.ny}:${m.domain}:${JSON.stringify(m.ramp)}`;
  const hit = HEAT_CACHE.get(m.values);
  if (hit?.key === key) return hit.canvas;
  const canvas = document.createElement('canvas');
  canvas.width = m.nx; canvas.height = m.ny;
  const g = canvas.getContext('2d');
  const img = g.createImageData(m.nx, m.ny);
  const [lo, hi] = m.domain;
  for (let i = 0; i < m.nx * m.ny; i++) img.data.set([...ramp(m.ramp, (m.values[i] - lo) / (hi - lo || 1)), 255], 4 * i);
  g.putImageData(img, 0, 0);
  HEAT_CACHE.set(m.values, { key, canvas });
  return canvas;
}

/** The pixel rows [top, bottom] of a heat mark: its y extent, or with `strip: {top, height}` a
    band of that many pixels at `top` from the plot's top edge (a strip in the margin above it). */
function heatRows(m, y, e) {
  return m.strip ? [e.top + m.strip.top, e.top + m.strip.top + m.strip.height] : [y(m.y[1]), y(m.y[0])];
}

/** The colours of heat mark `h`'s first row under the pixel columns [x0, x1]. */
function heatColoursUnder(h, x, x0, x1) {
  const [px0, px1] = [x(h.x[0]), x(h.x[1])], w = (px1 - px0) / h.nx, [lo, hi] = h.domain;
  const out = [];
  for (let i = 0; i < h.nx; i++) if (px0 + (i + 1) * w > x0 && px0 + i * w < x1) out.push(ramp(h.ramp, (h.values[i] - lo) / (hi - lo || 1)));
  return out;
}

/**
 * A text mark drawn `on` a heat mark (a label on a colour strip): black or white, whichever has
 * the larger least contrast against the heat colours behind it (WCAG relative luminance); under
 * MIN_CONTRAST even so, a white plate over the heat's rows behind the text, and black text.
 * `report(info)`, if given, receives what was drawn: `{ text, x0, x1, top, height, fg,
 * minContrast, plate, exporting }` (the tests compare it with the pixels).
 */
function textOnHeat(ctx, m, px, py, x, y, e, theme) {
  const width = ctx.measureText(m.text).width;
  const x0 = px - ({ center: width / 2, right: width }[ctx.textAlign] ?? 0), x1 = x0 + width;
  const [top, bottom] = heatRows(m.on, y, e), height = bottom - top;
  const behind = heatColoursUnder(m.on, x, x0, x1);
  const least = (fg) => Math.min(...behind.map((bg) => contrast(fg, bg)));
  let fg = least(BLACK) >= least(WHITE) ? BLACK : WHITE;
  let minContrast = least(fg);
  const plate = minContrast < MIN_CONTRAST;
  if (plate) {
    ctx.fillStyle = '#fff';
    ctx.fillRect(x0 - 3, top, width + 6, height);
    fg = BLACK;
    minContrast = contrast(BLACK, WHITE);
  }
  ctx.fillStyle = `rgb(${fg})`;
  ctx.fillText(m.text, px, py);
  m.report?.({ text: m.text, x0, x1, top, height, fg, minContrast, plate, exporting: theme !== SCREEN });
}

/** How each mark type paints itself, given the panel's scales `x`, `y` and plot edges `e`. */
const MARKS = {
  line(ctx, m, x, y) {
    const n = m.x.length;
    if (m.fill) {
      const base = y(m.base ?? 0);
      const idx = [...Array(n).keys()].filter((i) => Number.isFinite(x(m.x[i])) && Number.isFinite(y(m.y[i])));
      if (idx.length) {
        ctx.fillStyle = m.fill;
        ctx.beginPath(); ctx.moveTo(x(m.x[idx[0]]), base);
        for (const i of idx) ctx.lineTo(x(m.x[i]), y(m.y[i]));
        ctx.lineTo(x(m.x[idx.at(-1)]), base); ctx.fill();
      }
    }
    stroked(ctx, m);
    if (m.width !== 0) polyline(ctx, n, (i) => x(m.x[i]), (i) => y(m.y[i]), m.maxPoints);
    if (m.markers) {
      ctx.setLineDash([]); ctx.fillStyle = m.colour ?? '#000';
      for (let i = 0; i < n; i++) {
        const px = x(m.x[i]), py = y(m.y[i]);
        if (Number.isFinite(px) && Number.isFinite(py)) { ctx.beginPath(); marker(ctx, m.markers, px, py, m.markerSize); ctx.fill(); }
      }
    }
  },
  band(ctx, m, x, y) {
    const n = m.x.length, stride = Math.max(1, Math.ceil(n / 600));
    const ok = (i) => Number.isFinite(y(m.lo[i])) && Number.isFinite(y(m.hi[i])) && Number.isFinite(x(m.x[i]));
    const idx = [];
    for (let i = 0; i < n; i += stride) if (ok(i)) idx.push(i);
    if (n && (n - 1) % stride && ok(n - 1)) idx.push(n - 1);
    if (!idx.length) return;
    ctx.fillStyle = m.fill ?? 'rgba(0,0,0,0.15)';
    ctx.beginPath();
    idx.forEach((i, j) => (j ? ctx.lineTo(x(m.x[i]), y(m.hi[i])) : ctx.moveTo(x(m.x[i]), y(m.hi[i]))));
    for (const i of idx.reverse()) ctx.lineTo(x(m.x[i]), y(m.lo[i]));
    ctx.fill();
  },
  rule(ctx, m, x, y, e) {
    stroked(ctx, { colour: 'rgba(0,0,0,0.35)', ...m }, 1);
    ctx.beginPath();
    const len = m.length ?? Infinity, v = m.x ?? m.y;
    for (const t of typeof v === 'number' ? [v] : v) {
      if (m.x !== undefined) { const px = x(t); ctx.moveTo(px, e.bottom); ctx.lineTo(px, Math.max(e.top, e.bottom - len)); } else { const py = y(t); ctx.moveTo(e.left, py); ctx.lineTo(Math.min(e.right, e.left + len), py); }
    }
    ctx.stroke();
  },
  bars(ctx, m, x, y) {
    stroked(ctx, m, 1.5);
    ctx.beginPath();
    for (let i = 0, c = m.cap ?? 4; i < m.x.length; i++) {
      const px = x(m.x[i]), lo = y(m.lo[i]), hi = y(m.hi[i]);
      if (!Number.isFinite(px + lo + hi)) continue;
      ctx.moveTo(px, lo); ctx.lineTo(px, hi);
      if (Math.abs(hi - lo) > 2 * c) for (const py of [lo, hi]) { ctx.moveTo(px - c, py); ctx.lineTo(px + c, py); } // no caps on a bar hidden by its marker
    }
    ctx.stroke();
  },
  dots(ctx, m, x, y) {
    const each = Array.isArray(m.colours) || ArrayBuffer.isView(m.r) || Array.isArray(m.r);
    stroked(ctx, { ...m, width: m.width ?? 1.5 });
    const paint = () => fillOrStroke(ctx, m, m.shape);
    ctx.fillStyle = m.colour ?? '#000';
    ctx.beginPath();
    for (let i = 0; i < m.x.length; i++) {
      const px = x(m.x[i]), py = y(m.y[i]);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      if (each) { ctx.beginPath(); if (m.colours) ctx.fillStyle = ctx.strokeStyle = m.colours[i]; }
      marker(ctx, m.shape, px, py, typeof m.r === 'number' ? m.r : m.r?.[i] ?? 3);
      if (each) paint();
    }
    if (!each) paint();
  },
  heat(ctx, m, x, y, e) {
    const [px0, px1] = [x(m.x[0]), x(m.x[1])], [py0, py1] = heatRows(m, y, e);
    ctx.imageSmoothingEnabled = m.smooth ?? true;
    ctx.drawImage(m.image ?? heatImage(m), px0, py0, px1 - px0, py1 - py0);
  },
  contour(ctx, m, x, y) {
    stroked(ctx, m, 1);
    ctx.beginPath();
    for (const l of m.lines) {
      for (let i = 0; i + 1 < l.length; i += 2) {
        const px = x(l[i]), py = y(l[i + 1]);
        if (i === 0 || (m.segments && i % 4 === 0)) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      if (m.closed || m.fill) ctx.closePath();
    }
    if (m.fill) { ctx.fillStyle = m.fill; ctx.fill(); }
    if (m.width !== 0) ctx.stroke();
  },
  text(ctx, m, x, y, e, theme) {
    // `short`: the text used when the plot is narrower than `shortBelow` pixels.
    if (m.short && e.right - e.left < (m.shortBelow ?? 0)) m = { ...m, text: m.short };
    const px = place(m.x, x, e) + (m.dx ?? 0), py = place(m.y, y, e) + (m.dy ?? 0);
    // A clipped text whose anchor is off the plot is not drawn at all (an SVG would keep it).
    if (m.clip && !(px >= e.left - 1 && px <= e.right + 1 && py >= e.top - 1 && py <= e.bottom + 1)) return;
    ctx.font = font(m.size ?? theme.text, m.bold ? 'bold' : '');
    ctx.textAlign = m.align ?? 'left';
    ctx.textBaseline = m.baseline ?? 'middle';
    if (m.on) return textOnHeat(ctx, m, px, py, x, y, e, theme);
    if (m.plate) {
      const w = ctx.measureText(m.text).width, h = (m.size ?? theme.text) + 4;
      const left = px - ({ center: w / 2, right: w }[ctx.textAlign] ?? 0);
      const top = py - ({ top: 0, bottom: h }[ctx.textBaseline] ?? h / 2);
      ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.fillRect(left - 3, top - 1, w + 6, h + 2);
    }
    ctx.fillStyle = m.colour ?? theme.ink;
    ctx.fillText(m.text, px, py);
  },
  arrow(ctx, m, x, y) {
    const [ax, bx] = m.x.map(x), [ay, by] = m.y.map(y), t = Math.atan2(by - ay, bx - ax), h = m.head ?? 7;
    stroked(ctx, m, 1.5);
    ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
    ctx.setLineDash([]); ctx.fillStyle = m.colour ?? '#000';
    ctx.beginPath(); ctx.moveTo(bx, by);
    ctx.lineTo(bx - h * Math.cos(t - 0.4), by - h * Math.sin(t - 0.4)); ctx.lineTo(bx - h * Math.cos(t + 0.4), by - h * Math.sin(t + 0.4));
    ctx.closePath(); ctx.fill();
  },
  key() {},
  draw(ctx, m, x, y, plot, theme) { m.draw(ctx, { x, y, plot, exporting: theme !== SCREEN }); },
};

/** Room for the y tick labels and title: the widest tick label + gaps + the title's height. */
function leftMargin(ctx, ys, label, theme) {
  ctx.save();
  ctx.font = font(theme.tick);
  const [lo, hi] = [Math.min(...ys.domain), Math.max(...ys.domain)];
  const tks = ys.ticksUsed ?? (ys.log ? logTicks(lo, hi) : ticks(lo, hi, 4));
  const w = Math.max(0, ...tks.map((t) => ctx.measureText(formatTick(t)).width));
  ctx.restore();
  return Math.ceil(w + 10 + (label ? theme.label * 1.2 + 4 : 0));
}

/**
 * Draw one panel of a scene into the box (left, top, width, height) of `ctx`: axes, then the
 * marks, clipped to the plot area. Returns the scales `{ x, y }` (for hit testing), or the given
 * `scales` for a layer `over` another panel (no axes then).
 */
/** Linear scales with one pixel size per data unit on both axes (a plane of weights, where a
 *  circle must look round): the longer side's range shrinks to fit, centred. */
function equalAspect(x, y) {
  if (x.log || y.log) return { x, y };
  const span = (s) => [Math.abs(s.range[1] - s.range[0]), Math.abs(s.domain[1] - s.domain[0]) || 1];
  const [px, dx] = span(x), [py, dy] = span(y), k = Math.min(px / dx, py / dy);
  const fit = (s, p, d) => {
    const mid = (s.range[0] + s.range[1]) / 2, half = (Math.sign(s.range[1] - s.range[0]) * k * d) / 2;
    if (p - k * d < 1) return s;
    return Object.assign(scale(s.domain[0], s.domain[1], Math.round(mid - half), Math.round(mid + half)), { ticksUsed: s.ticksUsed });
  };
  return { x: fit(x, px, dx), y: fit(y, py, dy) };
}

export function drawPanel(ctx, panel, { left = 0, top = 0, width, height, theme = SCREEN, scales } = {}) {
  let x, y;
  const xs = panel.x ?? {}, ys = panel.y ?? {};
  const bare = panel.axes === false;
  if (scales) ({ x, y } = scales);
  else if (bare) { // a [0, 1]² frame (unless the axes give domains), a 4 px margin
    const m = { top: 4, right: 4, bottom: 4, left: 4, ...panel.margin };
    x = axisScale({ domain: [0, 1], ...xs }, panel.marks, 'x', left + m.left, left + width - m.right);
    y = axisScale({ domain: [0, 1], ...ys }, panel.marks, 'y', top + height - m.bottom, top + m.top);
    if (panel.aspect === 'equal') ({ x, y } = equalAspect(x, y));
  } else {
    // The right margin holds half the last x tick label (centred on its tick).
    const xd = axisScale(xs, panel.marks, 'x', 0, 1);
    const xt = xs.ticks ?? (xd.log ? logTicks(...xd.domain) : ticks(...xd.domain, 6));
    ctx.font = font(theme.tick);
    const spill = Math.ceil(ctx.measureText(formatTick(Math.max(...xt))).width / 2) + 2;
    const m = { top: 12, right: Math.max(12, spill), bottom: 14 + 1.1 * theme.tick + (xs.label ? 1.2 * theme.label : 0), ...panel.margin };
    // The y scale first (its tick labels set the left margin), then the x scale.
    const bottom = top + height - m.bottom;
    y = axisScale(ys, panel.marks, 'y', bottom, top + m.top);
    if (ys.ticks) y.ticksUsed = ys.ticks;
    ctx.font = font(theme.label);
    const yLabel = ys.short && ctx.measureText(ys.label).width > bottom - top - m.top ? ys.short : ys.label;
    const l = m.left ?? leftMargin(ctx, y, yLabel, theme);
    x = axisScale(xs, panel.marks, 'x', left + l, left + width - m.right);
    if (panel.aspect === 'equal') ({ x, y } = equalAspect(x, y));
    drawAxes(ctx, { x, y, xLabel: xs.label, yLabel, xTicks: xs.ticks, yTicks: ys.ticks, grid: ys.grid ?? true, theme, yLabelGap: l - 4 - theme.label * 1.2 });
  }
  const edges = { left: x.range[0], right: x.range[1], bottom: y.range[0], top: y.range[1] };
  edges.center = (edges.left + edges.right) / 2;
  edges.middle = (edges.top + edges.bottom) / 2;
  for (const m of panel.marks) {
    ctx.save();
    if (m.clip ?? m.type !== 'text') { ctx.beginPath(); ctx.rect(edges.left, edges.top, edges.right - edges.left, edges.bottom - edges.top); ctx.clip(); }
    MARKS[m.type](ctx, m, x, y, edges, theme);
    ctx.restore();
  }
  if (!scales && !bare) { // the axis lines again, over the marks (a heat mark would cover them)
    ctx.save(); ctx.strokeStyle = '#333'; ctx.lineWidth = 1; ctx.beginPath();
    ctx.moveTo(edges.left + 0.5, edges.top); ctx.lineTo(edges.left + 0.5, edges.bottom + 0.5); ctx.lineTo(edges.right, edges.bottom + 0.5);
    ctx.stroke(); ctx.restore();
  }
  return { x, y };
}

// ---- legends ------------------------------------------------------------------------------

/**
 * The legend entries of a list of marks: one per distinct `label`, in order, merging the marks
 * that share it (a line and its fill, a line and its band): `{ label, colour, fill, dash, width,
 * shape, line }` (`line`: draw a stroke in the swatch; `shape`: a marker).
 */
export function legendOf(marks) {
  const out = new Map();
  for (const m of marks) {
    if (!m.label) continue;
    const e = out.get(m.label) ?? { label: m.label, line: false };
    const add = (k, v) => { if (e[k] === undefined && v !== undefined) e[k] = v; };
    const shape = m.type === 'dots' ? m.shape ?? 'circle' : m.type === 'line' ? m.markers : m.shape;
    if (m.type !== 'band') add('colour', m.colour ?? m.colours?.[0]);
    add('fill', m.fill);
    add('shape', shape);
    if (m.open) add('open', true);
    add('rim', m.rim);
    add('ramp', m.ramp);
    if (!['band', 'dots', 'text'].includes(m.type) && (m.type !== 'key' || (m.colour && !m.shape))) {
      e.line = true; add('dash', m.dash?.length ? m.dash : undefined); add('width', m.width);
    }
    out.set(m.label, e);
  }
  return [...out.values()];
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const swatchWidth = (e) => (e.ramp ? 48 : 22);
/** Paint a legend entry's swatch (swatchWidth × 12) at (x, y), drawn like its marks: fill,
    stroke, marker, or a heat map's colour ramp (a colour bar from low to high). */
function paintSwatch(ctx, e, x, y) {
  const cy = y + 6, c = e.colour ?? '#000';
  if (e.ramp) { for (let i = 0; i < 23; i++) { ctx.fillStyle = `rgb(${ramp(e.ramp, i / 22)})`; ctx.fillRect(x + 1 + 2 * i, y + 1, i < 22 ? 2.5 : 2, 10); } Object.assign(ctx, { strokeStyle: '#888', lineWidth: 0.5 }).strokeRect(x + 1, y + 1, 46, 10); }
  if (e.fill) { ctx.fillStyle = e.fill; ctx.fillRect(x + 1, cy - (e.line ? 3 : 5), 20, e.line ? 8 : 10); }
  if (e.line) { stroked(ctx, { colour: c, width: e.width, dash: e.dash }); ctx.beginPath(); ctx.moveTo(x + 1, e.fill ? cy - 3 : cy); ctx.lineTo(x + 21, e.fill ? cy - 3 : cy); ctx.stroke(); }
  if (e.shape) { stroked(ctx, { colour: c, width: 1.5 }); ctx.fillStyle = c; ctx.beginPath(); marker(ctx, e.shape, x + 11, cy); fillOrStroke(ctx, e, e.shape); }
}

const SWATCHES = new Map();
/** A legend entry's swatch as inline SVG (the same painting as in the exported legend). */
export function swatchSvg(e) {
  const key = JSON.stringify([e.colour, e.fill, e.line, e.width, e.dash, e.shape, e.open, e.rim, e.ramp]), w = swatchWidth(e);
  if (!SWATCHES.has(key)) {
    const g = svgContext(w, 12);
    paintSwatch(g, e, 0, 0);
    SWATCHES.set(key, `<svg class="swatch-svg" width="${w}" height="12" viewBox="0 0 ${w} 12" aria-hidden="true">${g.markup()}</svg>`);
  }
  return SWATCHES.get(key);
}

/**
 * Draw a legend (entries from `legendOf`) as swatches and text flowing over `width` from
 * (left, top); returns its height. The export's counterpart of `legendHtml`.
 */
export function drawLegend(ctx, entries, { left, top, width, theme = SCREEN }) {
  const row = theme.label * 1.7;
  let x = left, y = top;
  ctx.save();
  ctx.font = font(theme.label);
  ctx.textBaseline = 'middle';
  for (const e of entries) {
    const sw = swatchWidth(e) + 6, w = sw + ctx.measureText(e.label).width;
    if (x > left && x + w > left + width) { x = left; y += row; }
    const cy = y + row / 2;
    paintSwatch(ctx, e, x, cy - 6);
    ctx.fillStyle = theme.ink;
    ctx.fillText(e.label, x + sw, cy);
    x += w + 18;
  }
  ctx.restore();
  return entries.length ? y + row - top : 0;
}

/** Draw `text` wrapped to `width` from (left, top) in the current font; returns its height
    (`measure`: only the height, nothing drawn). */
export function drawWrapped(ctx, text, { left, top, width, lineHeight, measure = false }) {
  let line = '', y = top;
  ctx.textBaseline = 'top';
  const put = () => { if (!measure) ctx.fillText(line, left, y); y += lineHeight; };
  for (const word of String(text).split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) { put(); line = word; } else line = next;
  }
  if (line) put();
  return y - top;
}

/** The legend as HTML: `<span data-label>` + swatch + text per entry. */
export const legendHtml = (entries) => entries.map((e) => `<span data-label="${esc(e.label)}">${swatchSvg(e)}${esc(e.label)}</span>`).join('');

// ---- the figure: a widget's scene on its canvases -----------------------------------------

/**
 * Draws `host.scene()` on the canvases `canvas[data-panel=ID]` under `host.root` and writes the
 * legend into `.legend` (a `.legend[data-panel="ID …"]` collects only those panels' entries).
 * `scales[id]` holds each panel's last scales (for pointer input).
 */
export class Figure {
  constructor(host) {
    this.host = host;
    this.surfaces = new Map();
    this.scales = {};
  }

  surface(id) {
    if (!this.surfaces.has(id)) {
      const canvas = this.host.root.querySelector(`canvas[data-panel="${id}"]`);
      this.surfaces.set(id, canvas && new Surface(canvas, () => this.draw(true)));
    }
    return this.surfaces.get(id);
  }

  /** Redraw every panel whose `key` changed (all of them with `force`, e.g. after a resize). */
  draw(force = false) {
    const scene = this.host.scene();
    if (!scene) return;
    for (const panel of scene.panels) {
      const s = this.surface(panel.id);
      if (!s || (!force && panel.key && !s.stale(...panel.key))) continue;
      if (force && panel.key) s.stale(...panel.key);
      s.clear(panel.over ? null : '#fff');
      this.scales[panel.id] = drawPanel(s.ctx, panel, { width: s.width, height: s.height, scales: panel.over && this.scales[panel.over] });
    }
    const boxes = [...this.host.root.querySelectorAll('.legend')];
    const claimed = new Set(boxes.flatMap((b) => b.dataset.panel?.split(' ') ?? []));
    for (const box of boxes) {
      const own = box.dataset.panel?.split(' ');
      const panels = scene.panels.filter((p) => (own ? own.includes(p.id) : !claimed.has(p.id)));
      const html = legendHtml(legendOf(panels.flatMap((p) => p.marks)));
      if (box.legendHtml !== html) { box.innerHTML = html; box.legendHtml = html; }
    }
  }

  disconnect() { for (const s of this.surfaces.values()) s?.disconnect(); }
}
