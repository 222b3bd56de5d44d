// SVG export of the lab's figures. `SvgContext` records the subset of the Canvas 2D API the plot
// layer uses (paths, rectangles, arcs, text, dashes, clipping, transforms, images) as SVG
// elements, so a scene painted once against it (export.js) yields a vector figure. Raster
// content (heat maps, pre-rendered layers via drawImage) is embedded as PNG <image>s. Any call
// outside that subset throws `SvgUnsupported`, so an export never silently drops ink. Drawing
// only: no model math.

export class SvgUnsupported extends Error {}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v) => (Math.abs(v) < 1e-9 ? '0' : String(Math.round(v * 100) / 100));

const ANCHOR = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };
const BASELINE = { top: 'text-before-edge', hanging: 'hanging', middle: 'central', alphabetic: 'alphabetic', ideographic: 'ideographic', bottom: 'text-after-edge' };

function multiply([a1, b1, c1, d1, e1, f1], [a2, b2, c2, d2, e2, f2]) {
  return [a1 * a2 + c1 * b2, b1 * a2 + d1 * b2, a1 * c2 + c1 * d2, b1 * c2 + d1 * d2, a1 * e2 + c1 * f2 + e1, b1 * e2 + d1 * f2 + f1];
}

let clipUid = 0;
let scratch;
function scratchContext() {
  if (!scratch) scratch = document.createElement('canvas').getContext('2d');
  return scratch;
}

function rasterHref(source, sx, sy, sw, sh) {
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(sw));
  c.height = Math.max(1, Math.round(sh));
  c.getContext('2d').drawImage(source, sx, sy, sw, sh, 0, 0, c.width, c.height);
  return c.toDataURL('image/png');
}

class Recorder {
  constructor(width, height) {
    this.canvas = { width, height };
    this.parts = [];
    this.defs = [];
    this.stack = [];
    this.state = {
      m: [1, 0, 0, 1, 0, 0], fillStyle: '#000', strokeStyle: '#000', lineWidth: 1, lineDash: [], lineDashOffset: 0,
      lineCap: 'butt', lineJoin: 'miter', miterLimit: 10, globalAlpha: 1, font: '10px sans-serif',
      textAlign: 'start', textBaseline: 'alphabetic', clip: null, imageSmoothingEnabled: true,
      globalCompositeOperation: 'source-over',
    };
    this.path = [];
    this.pen = null;
  }

  // ---- state ----
  save() { this.stack.push({ ...this.state, lineDash: [...this.state.lineDash] }); }
  restore() { if (this.stack.length) this.state = this.stack.pop(); }
  setTransform(a, b, c, d, e, f) {
    if (typeof a === 'object') ({ a, b, c, d, e, f } = a);
    this.state.m = [a, b, c, d, e, f];
  }
  resetTransform() { this.state.m = [1, 0, 0, 1, 0, 0]; }
  transform(a, b, c, d, e, f) { this.state.m = multiply(this.state.m, [a, b, c, d, e, f]); }
  translate(x, y) { this.transform(1, 0, 0, 1, x, y); }
  scale(x, y) { this.transform(x, 0, 0, y, 0, 0); }
  rotate(t) { const c = Math.cos(t), s = Math.sin(t); this.transform(c, s, -s, c, 0, 0); }
  getTransform() { const [a, b, c, d, e, f] = this.state.m; return new DOMMatrix([a, b, c, d, e, f]); }
  setLineDash(d) { this.state.lineDash = [...d]; }
  getLineDash() { return [...this.state.lineDash]; }

  // ---- paths (points are transformed when added, as on a canvas) ----
  pt(x, y) { const [a, b, c, d, e, f] = this.state.m; return [a * x + c * y + e, b * x + d * y + f]; }
  beginPath() { this.path = []; this.pen = null; }
  moveTo(x, y) { const p = this.pt(x, y); this.path.push(`M${num(p[0])} ${num(p[1])}`); this.pen = p; this.start = p; }
  lineTo(x, y) {
    if (!this.pen) return this.moveTo(x, y);
    const p = this.pt(x, y); this.path.push(`L${num(p[0])} ${num(p[1])}`); this.pen = p;
  }
  closePath() { if (this.pen) { this.path.push('Z'); this.pen = this.start; } }
  rect(x, y, w, h) { this.moveTo(x, y); this.lineTo(x + w, y); this.lineTo(x + w, y + h); this.lineTo(x, y + h); this.closePath(); }
  quadraticCurveTo(cx, cy, x, y) {
    if (!this.pen) this.moveTo(cx, cy);
    const c = this.pt(cx, cy), p = this.pt(x, y); this.path.push(`Q${num(c[0])} ${num(c[1])} ${num(p[0])} ${num(p[1])}`); this.pen = p;
  }
  bezierCurveTo(c1x, c1y, c2x, c2y, x, y) {
    if (!this.pen) this.moveTo(c1x, c1y);
    const a = this.pt(c1x, c1y), b = this.pt(c2x, c2y), p = this.pt(x, y);
    this.path.push(`C${num(a[0])} ${num(a[1])} ${num(b[0])} ${num(b[1])} ${num(p[0])} ${num(p[1])}`); this.pen = p;
  }
  ellipse(x, y, rx, ry, rot, a0, a1, ccw = false) {
    let sweep = a1 - a0;
    if (!ccw && sweep < 0) sweep = (sweep % (2 * Math.PI)) + 2 * Math.PI;
    if (ccw && sweep > 0) sweep = (sweep % (2 * Math.PI)) - 2 * Math.PI;
    if (!ccw && a1 - a0 >= 2 * Math.PI) sweep = 2 * Math.PI;
    if (ccw && a0 - a1 >= 2 * Math.PI) sweep = -2 * Math.PI;
    const [m0, m1, m2, m3] = this.state.m;
    const size = Math.max(rx, ry) * Math.sqrt(Math.abs(m0 * m3 - m1 * m2));
    const n = Math.max(8, Math.min(720, Math.ceil(Math.abs(sweep) * Math.max(1, size) / 2)));
    const cr = Math.cos(rot), sr = Math.sin(rot);
    for (let i = 0; i <= n; i++) {
      const t = a0 + (sweep * i) / n;
      const ex = rx * Math.cos(t), ey = ry * Math.sin(t);
      const px = x + ex * cr - ey * sr, py = y + ex * sr + ey * cr;
      if (i === 0 && this.pen) this.lineTo(px, py);
      else if (i === 0) this.moveTo(px, py);
      else this.lineTo(px, py);
    }
  }
  arc(x, y, r, a0, a1, ccw = false) { this.ellipse(x, y, r, r, 0, a0, a1, ccw); }
  arcTo() { throw new SvgUnsupported('arcTo'); }
  roundRect(x, y, w, h) { this.rect(x, y, w, h); }

  // ---- painting ----
  lineScale() { const [a, b, c, d] = this.state.m; return Math.sqrt(Math.abs(a * d - b * c)); }
  paint(kind, fillRule) {
    if (!this.path.length) return;
    const s = this.state;
    const style = kind === 'fill' ? s.fillStyle : s.strokeStyle;
    if (typeof style !== 'string') throw new SvgUnsupported('gradient or pattern paint');
    let attrs = `d="${this.path.join('')}"`;
    if (kind === 'fill') {
      attrs += ` fill="${esc(style)}" stroke="none"${fillRule === 'evenodd' ? ' fill-rule="evenodd"' : ''}`;
    } else {
      const k = this.lineScale();
      attrs += ` fill="none" stroke="${esc(style)}" stroke-width="${num(s.lineWidth * k)}"`;
      if (s.lineCap !== 'butt') attrs += ` stroke-linecap="${s.lineCap}"`;
      if (s.lineJoin !== 'miter') attrs += ` stroke-linejoin="${s.lineJoin}"`;
      if (s.lineDash.length) attrs += ` stroke-dasharray="${s.lineDash.map((v) => num(v * k)).join(' ')}"`;
      if (s.lineDash.length && s.lineDashOffset) attrs += ` stroke-dashoffset="${num(s.lineDashOffset * k)}"`;
    }
    this.emit(`<path ${attrs}/>`);
  }
  fill(a, b) { if (typeof a === 'object') throw new SvgUnsupported('fill(Path2D)'); this.paint('fill', a ?? b); }
  stroke(p) { if (p) throw new SvgUnsupported('stroke(Path2D)'); this.paint('stroke'); }
  fillRect(x, y, w, h) { const saved = [this.path, this.pen]; this.beginPath(); this.rect(x, y, w, h); this.paint('fill'); [this.path, this.pen] = saved; }
  strokeRect(x, y, w, h) { const saved = [this.path, this.pen]; this.beginPath(); this.rect(x, y, w, h); this.paint('stroke'); [this.path, this.pen] = saved; }
  clearRect(x, y, w, h) {
    const [a, b, c, d, e, f] = this.state.m;
    const x0 = a * x + c * y + e, y0 = b * x + d * y + f, x1 = a * (x + w) + c * (y + h) + e, y1 = b * (x + w) + d * (y + h) + f;
    const covers = Math.min(x0, x1) <= 0 && Math.min(y0, y1) <= 0 && Math.max(x0, x1) >= this.canvas.width && Math.max(y0, y1) >= this.canvas.height;
    if (covers) this.parts = [];
    else { const saved = this.state.fillStyle; this.state.fillStyle = '#fff'; this.fillRect(x, y, w, h); this.state.fillStyle = saved; }
  }
  clip() {
    const id = `nlclip${++clipUid}`;
    const parent = this.state.clip ? ` clip-path="url(#${this.state.clip})"` : '';
    this.defs.push(`<clipPath id="${id}"${parent}><path d="${this.path.join('')}"/></clipPath>`);
    this.state.clip = id;
  }
  emit(el) {
    const s = this.state;
    let wrap = el;
    if (s.globalAlpha < 1) wrap = wrap.replace(/^<(\w+)/, `<$1 opacity="${num(s.globalAlpha)}"`);
    if (s.clip) wrap = `<g clip-path="url(#${s.clip})">${wrap}</g>`;
    this.parts.push(wrap);
  }

  // ---- text ----
  measureText(t) { const g = scratchContext(); g.font = this.state.font; return g.measureText(t); }
  text(t, x, y, kind) {
    const s = this.state;
    const style = kind === 'fill' ? s.fillStyle : s.strokeStyle;
    if (typeof style !== 'string') throw new SvgUnsupported('gradient text');
    const [a, b, c, d, e, f] = s.m;
    const paint = kind === 'fill' ? `fill="${esc(style)}"` : `fill="none" stroke="${esc(style)}" stroke-width="${num(s.lineWidth)}"`;
    this.emit(`<text x="${num(x)}" y="${num(y)}" transform="matrix(${[a, b, c, d, e, f].map(num).join(' ')})" style="font:${esc(s.font)}" text-anchor="${ANCHOR[s.textAlign] ?? 'start'}" dominant-baseline="${BASELINE[s.textBaseline] ?? 'alphabetic'}" ${paint}>${esc(t)}</text>`);
  }
  fillText(t, x, y) { this.text(t, x, y, 'fill'); }
  strokeText(t, x, y) { this.text(t, x, y, 'stroke'); }

  // ---- images ----
  createImageData(w, h) { return scratchContext().createImageData(w, h); }
  putImageData(img, dx, dy) {
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    c.getContext('2d').putImageData(img, 0, 0);
    // putImageData ignores the transform: device pixels.
    this.emit(`<image x="${num(dx)}" y="${num(dy)}" width="${img.width}" height="${img.height}" preserveAspectRatio="none" href="${c.toDataURL('image/png')}"/>`);
  }
  drawImage(src, ...args) {
    const sw0 = src.width, sh0 = src.height;
    let sx = 0, sy = 0, sw = sw0, sh = sh0, dx, dy, dw, dh;
    if (args.length === 2) [dx, dy] = args, dw = sw0, dh = sh0;
    else if (args.length === 4) [dx, dy, dw, dh] = args;
    else [sx, sy, sw, sh, dx, dy, dw, dh] = args;
    if (!(sw > 0 && sh > 0 && dw && dh)) return;
    const [a, b, c, d, e, f] = this.state.m;
    const smooth = this.state.imageSmoothingEnabled ? '' : ' image-rendering="pixelated" style="image-rendering:pixelated"';
    this.emit(`<image x="${num(dx)}" y="${num(dy)}" width="${num(dw)}" height="${num(dh)}" preserveAspectRatio="none" transform="matrix(${[a, b, c, d, e, f].map(num).join(' ')})"${smooth} href="${rasterHref(src, sx, sy, sw, sh)}"/>`);
  }

  /** The recorded drawing as SVG elements (defs first). */
  markup() {
    return (this.defs.length ? `<defs>${this.defs.join('')}</defs>` : '') + this.parts.join('\n');
  }
}

const PROPS = new Set(['fillStyle', 'strokeStyle', 'lineWidth', 'lineCap', 'lineJoin', 'miterLimit', 'globalAlpha', 'font', 'textAlign', 'textBaseline', 'lineDashOffset', 'imageSmoothingEnabled', 'globalCompositeOperation']);

/**
 * A Canvas-2D-like context of `width` × `height` CSS pixels that records SVG. Unknown methods or
 * properties throw `SvgUnsupported`.
 */
export function svgContext(width, height) {
  const rec = new Recorder(width, height);
  return new Proxy(rec, {
    get(target, prop) {
      if (PROPS.has(prop)) return target.state[prop];
      if (prop === 'canvas' || prop === 'markup') return prop === 'canvas' ? target.canvas : () => target.markup();
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      const v = target[prop];
      if (typeof v === 'function' && prop in Recorder.prototype) return v.bind(target);
      throw new SvgUnsupported(`SVG export does not support ctx.${String(prop)}`);
    },
    set(target, prop, value) {
      if (!PROPS.has(prop)) throw new SvgUnsupported(`SVG export does not support setting ctx.${String(prop)}`);
      if (prop === 'globalCompositeOperation' && value !== 'source-over') throw new SvgUnsupported(`composite ${value}`);
      target.state[prop] = value;
      return true;
    },
  });
}
