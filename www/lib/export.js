// Export helpers for widgets: downloads (CSV, JSON) and the figure as a slide (PNG, SVG) rendered
// from the widget's scene (plot.js). Formatting only; the numbers come from the widget's
// exportData() and scene() (Rust results).

import { drawPanel, drawLegend, drawWrapped, legendOf } from './plot.js';
import { svgContext } from './svg.js';

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

// ---- export from the scene (widgets that declare `scene()`, www/lib/plot.js) ----------------

/** Larger type than on screen: the exported figure is meant for a slide. */
const SLIDE = { tick: 12, label: 13, text: 12, ink: '#222' };
const WIDTH = 960, PAD = 24, GAP = 20;
const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** The widget whose figure `root` is and its current scene, if it declares one. */
function sceneOf(root) {
  const host = root.getRootNode?.()?.host;
  const scene = typeof host?.scene === 'function' ? host.scene() : null;
  return scene ? { host, scene } : null;
}

/**
 * Paint `scene` on `ctx` as a slide, WIDTH wide: title, panels in a grid (each with its title, at its
 * on-screen aspect ratio, at most 400 high; a `wide` one in a row of its own), the legend from the
 * marks, then the caption and a line with the widget's settings (the seed among them). Returns the height used.
 */
function paintScene(ctx, { host, scene }) {
  const panels = scene.panels.filter((p) => !p.over);
  const cols = scene.columns ?? Math.min(panels.length, 2);
  const cellW = (WIDTH - 2 * PAD - (cols - 1) * GAP) / cols;
  const aspect = (id, most = 2.2) => {
    const c = host.root?.querySelector(`canvas[data-panel="${id}"]`);
    return c?.clientHeight ? Math.min(most, Math.max(1.2, c.clientWidth / c.clientHeight)) : 4 / 3;
  };
  // Room for the panels' titles: the tallest of them wrapped to the cell's width.
  ctx.font = `bold 14px ${FONT}`;
  const head = Math.max(24, ...panels.map((p) => (p.title && p.title !== scene.title ? drawWrapped(ctx, p.title, { left: 0, top: 0, width: cellW, lineHeight: 18, measure: true }) + 6 : 0)));
  const cellH = Math.min(400, Math.max(...panels.filter((p) => !p.wide).map((p) => cellW / aspect(p.id)))) + head;
  let y = PAD;
  ctx.fillStyle = SLIDE.ink;
  ctx.font = `bold 17px ${FONT}`;
  if (scene.title) y += drawWrapped(ctx, scene.title, { left: PAD, top: y, width: WIDTH - 2 * PAD, lineHeight: 22 }) + 8;
  let col = cols, rowH = 0;
  for (const p of panels) {
    if (col >= cols || p.wide) [y, col, rowH] = [y + (rowH && rowH + GAP), 0, 0];
    const left = PAD + col * (cellW + GAP), w = p.wide ? WIDTH - 2 * PAD : cellW, h = p.wide ? Math.min(400, w / aspect(p.id, 8)) + head : cellH;
    ctx.fillStyle = SLIDE.ink;
    ctx.font = `bold 14px ${FONT}`;
    if (p.title && p.title !== scene.title) drawWrapped(ctx, p.title, { left, top: y, width: w, lineHeight: 18 });
    const scales = drawPanel(ctx, p, { left, top: y + head, width: w, height: h - head, theme: SLIDE });
    for (const over of scene.panels.filter((q) => q.over === p.id)) drawPanel(ctx, over, { theme: SLIDE, scales });
    [rowH, col] = [Math.max(rowH, h), p.wide ? cols : col + 1];
  }
  y += rowH + GAP;
  y += drawLegend(ctx, legendOf(scene.panels.flatMap((p) => p.marks)), { left: PAD, top: y, width: WIDTH - 2 * PAD, theme: SLIDE }) + 10;
  ctx.fillStyle = SLIDE.ink;
  ctx.font = `13px ${FONT}`;
  if (scene.caption) y += drawWrapped(ctx, scene.caption, { left: PAD, top: y, width: WIDTH - 2 * PAD, lineHeight: 18 }) + 4;
  // A matrix setting (a data set of hundreds of rows) by its size, not its numbers.
  const shown = (f) => {
    const v = host.valid?.[f.name];
    if (f.kind !== 'matrix' || String(v).length <= 60) return `${f.name} = ${v}`;
    const rows = String(v).split(';').length;
    return `${f.name} = ${f.name === 'data' ? 'your data, ' : ''}${rows} rows${host.dataSource?.name ? ` from ${host.dataSource.name}` : ''}`;
  };
  const settings = (host.fields ?? []).map(shown).join(', ');
  ctx.fillStyle = '#555';
  ctx.font = `12px ${FONT}`;
  y += drawWrapped(ctx, `<${host.localName}>${settings ? ` settings: ${settings}` : ''}`, { left: PAD, top: y, width: WIDTH - 2 * PAD, lineHeight: 16 });
  return Math.ceil(y + PAD);
}

/** The scene's height when painted (a dry run on a scratch canvas). */
const sceneHeight = (s) => paintScene(document.createElement('canvas').getContext('2d'), s);

/** The scene as a PNG at 2× (1920 pixels wide). */
function scenePng(s) {
  const H = sceneHeight(s), out = document.createElement('canvas');
  out.width = 2 * WIDTH; out.height = 2 * H;
  const ctx = out.getContext('2d');
  ctx.scale(2, 2);
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, WIDTH, H);
  paintScene(ctx, s);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

/** The scene as an SVG document (heat maps as embedded PNG images). */
function sceneSvg(s) {
  const H = sceneHeight(s), ctx = svgContext(WIDTH, H);
  paintScene(ctx, s);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${H}" viewBox="0 0 ${WIDTH} ${H}">
<rect width="${WIDTH}" height="${H}" fill="#fff"/>
${ctx.markup()}
</svg>
`;
}

/** The widget's scene under `root`, or an error saying there is nothing to export yet. */
function sceneOrThrow(root) {
  const s = sceneOf(root);
  if (!s) throw new Error('nothing to export yet: the figure has no data');
  return s;
}

/** The figure as a slide-ready PNG (1920 pixels wide), rendered from the widget's scene. */
export const figurePng = (root) => scenePng(sceneOrThrow(root));

/** The figure as an SVG document, rendered from the widget's scene. */
export const figureSvg = (root) => sceneSvg(sceneOrThrow(root));
