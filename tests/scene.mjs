// Read a widget's figure as data (its `scene()`, www/lib/plot.js) instead of counting pixels.

/**
 * The scene of the widget `el` as plain JSON: its title, caption and panels (id, title, axes,
 * and per mark its type, label, colours, dash, width, text, shape, open, rim, rule length, point
 * count `n` and the finite range of its x and y data (a panel's `axes: false` too), plus the
 * labels of the on-screen legend in order. Null before data.
 */
export function sceneOf(el) {
  return el.evaluate((e) => {
    const s = e.scene();
    if (!s) return null;
    const range = (v) => {
      if (v === undefined || v === null || typeof v === 'string') return v ?? null;
      if (typeof v === 'number') return [v, v];
      let lo = Infinity, hi = -Infinity;
      for (const x of v) if (Number.isFinite(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
      return lo <= hi ? [lo, hi] : null;
    };
    const axis = (a = {}) => ({ ...a, ticks: a.ticks && [...a.ticks] });
    return {
      title: s.title,
      caption: s.caption,
      panels: s.panels.map((p) => ({
        id: p.id, title: p.title, axes: p.axes, x: axis(p.x), y: axis(p.y),
        marks: p.marks.map((m) => ({
          type: m.type, label: m.label, colour: m.colour, fill: m.fill, dash: m.dash, width: m.width, text: m.text,
          markers: m.markers, shape: m.shape, open: m.open, rim: m.rim, length: m.length, n: typeof m.x === 'object' ? m.x.length : undefined, x: range(m.x), y: range(m.y ?? m.hi),
        })),
      })),
      legend: [...e.shadowRoot.querySelectorAll('.legend [data-label]')].map((n) => n.dataset.label),
    };
  });
}

/** The marks of `scene` with label `label` (on every panel, or on panel `id`). */
export const marksLabelled = (scene, label, id) => scene.panels.filter((p) => !id || p.id === id).flatMap((p) => p.marks.filter((m) => m.label === label));
