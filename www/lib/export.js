// Export helpers for widgets: downloads (CSV, JSON, PNG, SVG) and the figure as one image. Formatting
// and pixel copying only; the numbers come from the widget's exportData() (Rust results).

import { surfaceOf } from './plot.js';
import { svgContext, SvgUnsupported } from './svg.js';

/** Save `data` (string or Blob) as a file named `name`. */
export function download(name, data, type = 'text/plain') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** CSV text: a header row of `columns`, then `rows`; non-finite numbers are written empty. */
export function toCsv(columns, rows) {
  const cell = (v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** JSON text with non-finite numbers as null (JSON has no NaN). */
export function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

/**
 * The figure as one PNG: every visible canvas under `root` drawn at its on-screen position
 * (stacked layers compose), at the canvases' own resolution, on a white background.
 */
export async function figurePng(root) {
  const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.offsetParent !== null && c.width > 1);
  if (!canvases.length) throw new Error('nothing to export: no canvas is drawn');
  const box = root.getBoundingClientRect();
  const scale = Math.max(...canvases.map((c) => c.width / Math.max(1, c.getBoundingClientRect().width)));
  const out = document.createElement('canvas');
  out.width = Math.round(box.width * scale);
  out.height = Math.round(box.height * scale);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  for (const c of canvases) {
    const r = c.getBoundingClientRect();
    ctx.drawImage(c, (r.left - box.left) * scale, (r.top - box.top) * scale, r.width * scale, r.height * scale);
  }
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

const visibleCanvases = (root) => [...root.querySelectorAll('canvas')].filter((c) => c.offsetParent !== null && c.width > 1);

/** Redraw one Surface into an SVG recorder; null if its drawing needs something SVG lacks. */
function recordSurface(s) {
  const { ctx, dpr } = s;
  const rec = svgContext(s.width, s.height);
  s.ctx = rec;
  s.dpr = 1;
  s.recording = true;
  try {
    s.onResize();
    const markup = rec.markup();
    return markup.trim() ? markup : null; // nothing recorded (e.g. a throttled layer): copy pixels
  } catch (err) {
    if (err instanceof SvgUnsupported) return null;
    throw err;
  } finally {
    s.ctx = ctx;
    s.dpr = dpr;
    s.recording = false;
    s.onResize();
  }
}

/**
 * The figure as one SVG document: every visible canvas at its on-screen position, redrawn as
 * vectors through its Surface (axes, curves, text, ellipses); canvases the recorder cannot
 * express, and raster layers (heat maps, pre-rendered trails), are embedded as PNG images.
 * Returns the SVG text; `figureSvg.last` tells how many canvases were vector vs raster.
 */
export function figureSvg(root) {
  const canvases = visibleCanvases(root);
  if (!canvases.length) throw new Error('nothing to export: no canvas is drawn');
  const box = root.getBoundingClientRect();
  const W = Math.round(box.width), H = Math.round(box.height);
  const parts = [];
  let vector = 0, raster = 0;
  for (const c of canvases) {
    const r = c.getBoundingClientRect();
    const x = r.left - box.left, y = r.top - box.top;
    const s = surfaceOf(c);
    let inner = s ? recordSurface(s) : null;
    if (inner === null) {
      inner = `<image width="${r.width}" height="${r.height}" preserveAspectRatio="none" href="${c.toDataURL('image/png')}"/>`;
      raster++;
    } else vector++;
    const w = s ? s.width : r.width, h = s ? s.height : r.height;
    parts.push(`<svg x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${r.width.toFixed(1)}" height="${r.height.toFixed(1)}" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" overflow="hidden">\n${inner}\n</svg>`);
  }
  figureSvg.last = { vector, raster };
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="${W}" height="${H}" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}
