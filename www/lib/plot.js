// Canvas drawing helpers: crisp canvases at any device pixel ratio, linear scales, nice ticks,
// axes with labels, and the colour-blind-safe Okabe–Ito palette. Drawing only: no model math.

/** Okabe & Ito (2008) colour-blind-safe palette. */
export const OKABE_ITO = {
  black: '#000000', orange: '#E69F00', skyBlue: '#56B4E9', green: '#009E73',
  yellow: '#F0E442', blue: '#0072B2', vermillion: '#D55E00', purple: '#CC79A7',
};

const SURFACES = new WeakMap();

/** The Surface managing `canvas`, if any (the SVG exporter redraws through it). */
export const surfaceOf = (canvas) => SURFACES.get(canvas);

/**
 * A canvas that tracks its CSS size and the device pixel ratio; `onResize` redraws it. Draw
 * through `surface.ctx` (not a copy of it): the SVG export swaps in a recording context and calls
 * `onResize` once, so the same drawing code yields the vector figure.
 */
export class Surface {
  constructor(canvas, onResize) {
    this.canvas = canvas;
    this.onResize = onResize;
    SURFACES.set(canvas, this);
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
   * (each redrawn canvas costs the page a copy for the compositor). Always true while an SVG
   * export records the drawing.
   */
  stale(...deps) {
    if (this.recording) return true;
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

/** Linear map from [d0, d1] to [r0, r1], with `invert`. */
export function scale(d0, d1, r0, r1) {
  const k = (r1 - r0) / (d1 - d0 || 1);
  const f = (v) => r0 + (v - d0) * k;
  f.invert = (p) => d0 + (p - r0) / k;
  f.domain = [d0, d1];
  f.range = [r0, r1];
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

export function formatTick(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
}

/** Axes box with ticks, tick labels and axis titles. `x`, `y` are scales from `scale()`. */
export function drawAxes(ctx, { x, y, xLabel, yLabel, xTicks, yTicks, color = '#333', grid = false }) {
  const [x0, x1] = x.range;
  const [y0, y1] = y.range; // y0 is the bottom (larger pixel value)
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1;
  ctx.font = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
  const xt = xTicks ?? ticks(...x.domain, 6);
  const yt = yTicks ?? ticks(Math.min(...y.domain), Math.max(...y.domain), 4);
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
  for (const t of xt) {
    const px = Math.round(x(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(px, y0); ctx.lineTo(px, y0 + 4); ctx.stroke();
    ctx.fillText(formatTick(t), px, y0 + 6);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yt) {
    const py = Math.round(y(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x0 - 4, py); ctx.lineTo(x0, py); ctx.stroke();
    ctx.fillText(formatTick(t), x0 - 6, py);
  }
  ctx.font = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
  if (xLabel) { ctx.textAlign = 'center'; ctx.textBaseline = 'top'; ctx.fillText(xLabel, (x0 + x1) / 2, y0 + 22); }
  if (yLabel) {
    ctx.save();
    ctx.translate(x0 - 40, (y0 + y1) / 2);
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
