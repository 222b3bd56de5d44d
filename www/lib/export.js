// Export helpers for widgets: downloads (CSV, JSON, PNG) and the figure as one image. Formatting
// and pixel copying only; the numbers come from the widget's exportData() (Rust results).

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
