// Plain-JavaScript and TensorFlow.js peers of the benchmark suite (issue 7). Same workloads as
// noiselab_bench: W1 (2-64-64-1 tanh MLP, squared loss, SGD α = 0.01, batch 32, 1,024 R2
// points, t = sin(3x₁)cos(2x₂)), W2 (noisy GD on the funnel h(x) = 2/(1 + eˣ), per-step
// statistics as the lab keeps them), W3 (top Hessian eigenvalue of the W1 net on 256 points by
// power iteration, here with finite-difference Hessian–vector products).
// Each function runs one workload to the end and returns a number that depends on all the work.

/** The W1 data (same recipe as noiselab_bench::w1_data). */
export function w1Data(n) {
  const xs = new Float64Array(2 * n);
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fr = (v) => v - Math.floor(v);
    const u = fr(0.5 + i * 0.7548776662466927) * 2 - 1;
    const v = fr(0.5 + i * 0.5698402909980532) * 2 - 1;
    xs[2 * i] = u; xs[2 * i + 1] = v;
    ts[i] = Math.sin(3 * u) * Math.cos(2 * v);
  }
  return { xs, ts };
}

/** sfc32 (Chris Doty-Humphrey's small fast counter generator): 32-bit, seeded, fast in JS. */
function sfc32(a, b, c, d) {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A careful Float64Array MLP (widths n0-h1-h2-1, tanh, squared loss): flat parameters in the
 * lab's order, preallocated buffers, per-example forward/backward with the gradient of the mean
 * batch loss accumulated in place. */
export class PlainMlp {
  constructor(widths = [2, 64, 64, 1], seed = 7) {
    this.w = widths;
    this.offsets = [];
    let p = 0;
    for (let l = 1; l < widths.length; l++) { this.offsets.push(p); p += widths[l] * (widths[l - 1] + 1); }
    this.n = p;
    this.params = new Float64Array(p);
    this.grad = new Float64Array(p);
    const rnd = sfc32(seed, 1, 2, 3);
    for (let l = 1; l < widths.length; l++) {
      const sd = Math.sqrt(1 / widths[l - 1]);
      const o = this.offsets[l - 1];
      for (let j = 0; j < widths[l] * widths[l - 1]; j++) {
        // Box–Muller normal.
        this.params[o + j] = sd * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      }
    }
    this.h = widths.map((k) => new Float64Array(k));
    this.dz = widths.map((k) => new Float64Array(k));
  }

  /** Add `weight`·∇ℓ of example (x0, x1; t) to `grad` (params `p`); returns ℓ. */
  example(p, grad, xs, e, t, weight) {
    const W = this.w, L = W.length - 1, h = this.h, dz = this.dz;
    h[0][0] = xs[2 * e]; h[0][1] = xs[2 * e + 1];
    let out = 0;
    for (let l = 1; l <= L; l++) {
      const nIn = W[l - 1], nOut = W[l], off = this.offsets[l - 1], hin = h[l - 1], hout = h[l];
      const bOff = off + nOut * nIn;
      for (let o = 0; o < nOut; o++) {
        let s = p[bOff + o];
        const r = off + o * nIn;
        for (let i = 0; i < nIn; i++) s += p[r + i] * hin[i];
        if (l === L) out = s; else hout[o] = Math.tanh(s);
      }
    }
    const d = out - t;
    dz[L][0] = weight * d;
    for (let l = L; l >= 1; l--) {
      const nIn = W[l - 1], nOut = W[l], off = this.offsets[l - 1], hin = h[l - 1], dzl = dz[l];
      const bOff = off + nOut * nIn;
      for (let o = 0; o < nOut; o++) {
        const g = dzl[o];
        const r = off + o * nIn;
        for (let i = 0; i < nIn; i++) grad[r + i] += g * hin[i];
        grad[bOff + o] += g;
      }
      if (l > 1) {
        const dh = dz[l - 1];
        dh.fill(0);
        for (let o = 0; o < nOut; o++) {
          const g = dzl[o], r = off + o * nIn;
          for (let i = 0; i < nIn; i++) dh[i] += p[r + i] * g;
        }
        for (let i = 0; i < nIn; i++) dh[i] *= 1 - hin[i] * hin[i];
      }
    }
    return 0.5 * d * d;
  }

  /** Gradient of the mean loss over examples [start, start + count) into this.grad; returns it. */
  gradient(p, xs, ts, start, count) {
    this.grad.fill(0);
    let loss = 0;
    for (let e = start; e < start + count; e++) loss += this.example(p, this.grad, xs, e, ts[e], 1 / count);
    return loss / count;
  }
}

/** W1, plain JS: `steps` SGD steps; returns the last batch loss. */
export function w1Plain(steps, data) {
  const net = new PlainMlp();
  const p = net.params, g = net.grad, rate = 0.01, batches = data.ts.length / 32;
  let loss = 0;
  for (let s = 0; s < steps; s++) {
    loss = net.gradient(p, data.xs, data.ts, 32 * (s % batches), 32);
    for (let j = 0; j < p.length; j++) p[j] -= rate * g[j];
  }
  return loss;
}

/** W1, TensorFlow.js (float32, whatever backend is active): `steps` SGD steps. */
export function w1Tf(tf, steps, data) {
  const batches = data.ts.length / 32;
  const xb = [], tb = [];
  for (let k = 0; k < batches; k++) {
    xb.push(tf.tensor2d(Float32Array.from(data.xs.subarray(64 * k, 64 * (k + 1))), [32, 2], "float32"));
    tb.push(tf.tensor2d(Float32Array.from(data.ts.subarray(32 * k, 32 * (k + 1))), [32, 1], "float32"));
  }
  const init = (a, b) => tf.variable(tf.randomNormal([a, b], 0, Math.sqrt(1 / a), 'float32', 7));
  const W1 = init(2, 64), b1 = tf.variable(tf.zeros([64])), W2 = init(64, 64);
  const b2 = tf.variable(tf.zeros([64])), W3 = init(64, 1), b3 = tf.variable(tf.zeros([1]));
  const opt = tf.train.sgd(0.01);
  let last = 0;
  for (let s = 0; s < steps; s++) {
    const k = s % batches;
    const cost = opt.minimize(() => {
      const h1 = tf.tanh(tf.add(tf.matMul(xb[k], W1), b1));
      const h2 = tf.tanh(tf.add(tf.matMul(h1, W2), b2));
      const z = tf.add(tf.matMul(h2, W3), b3);
      return tf.mul(0.5, tf.mean(tf.square(tf.sub(z, tb[k]))));
    }, s === steps - 1);
    if (cost) { last = cost.dataSync()[0]; cost.dispose(); }
  }
  // Force completion of any queued work.
  last += W3.dataSync()[0] * 0;
  for (const t of [...xb, ...tb, W1, b1, W2, b2, W3, b3]) t.dispose();
  opt.dispose();
  return last;
}

/** W2, plain JS: M trajectories × `steps` noisy-GD steps on the funnel (α = 0.1, σ = 1, start
 * (−2, 1)), sfc32 per trajectory with Box–Muller pairs, per-step mean/sd statistics and
 * divergence checks like the lab's; returns the final mean x. */
export function w2Plain(M, steps) {
  const x = new Float64Array(M).fill(-2), y = new Float64Array(M).fill(1);
  const h = new Float64Array(M).fill(2 / (1 + Math.exp(-2)));
  const alive = new Uint8Array(M).fill(1);
  const rngs = Array.from({ length: M }, (_, i) => sfc32(2026, i, 0x9e3779b9, 7));
  const rate = 0.1, noise = 1;
  let meanX = 0;
  const history = new Float64Array(steps * 6);
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < M; i++) {
      if (!alive[i]) continue;
      const r = rngs[i];
      const rad = Math.sqrt(-2 * Math.log(1 - r())), ang = 2 * Math.PI * r();
      const xi0 = rad * Math.cos(ang), xi1 = rad * Math.sin(ang);
      const hi = h[i], yi = y[i];
      const gx = 0.5 * (-0.5 * hi * (2 - hi)) * yi * yi, gy = hi * yi;
      const nx = x[i] - rate * (gx + noise * xi0), ny = yi - rate * (gy + noise * xi1);
      if (Math.abs(nx) <= 1e6 && Math.abs(ny) <= 1e6) { x[i] = nx; y[i] = ny; h[i] = 2 / (1 + Math.exp(nx)); } else alive[i] = 0;
    }
    let n = 0, sx = 0, sy = 0, sy2 = 0, sc = 0;
    for (let i = 0; i < M; i++) if (alive[i]) { n++; sx += x[i]; sy += y[i]; sy2 += y[i] * y[i]; sc += 0.5 * h[i] * y[i] * y[i]; }
    const mx = sx / n, my = sy / n;
    let vx = 0, vy = 0;
    for (let i = 0; i < M; i++) if (alive[i]) { vx += (x[i] - mx) ** 2; vy += (y[i] - my) ** 2; }
    history.set([mx, my, Math.sqrt(vx / (n - 1)), Math.sqrt(vy / (n - 1)), sy2 / n, sc / n], 6 * s);
    meanX = mx;
  }
  return meanX;
}

/** W3, plain JS: power iteration with central finite-difference HVPs,
 * Hv ≈ (∇J(θ + εv) − ∇J(θ − εv))/2ε (ε = 1e-4), until the Rayleigh quotient changes by at most
 * 1e-6 relative; returns [eigenvalue, products]. */
export function w3Plain(data) {
  const net = new PlainMlp();
  const p = net.params, n = net.n, eps = 1e-4;
  const v = new Float64Array(n), w = new Float64Array(n), q = new Float64Array(n);
  const rnd = sfc32(1, 2, 3, 4);
  for (let j = 0; j < n; j++) v[j] = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  let nv = Math.hypot(...v);
  for (let j = 0; j < n; j++) v[j] /= nv;
  let lambda = NaN;
  for (let it = 1; it <= 10000; it++) {
    for (let j = 0; j < n; j++) q[j] = p[j] + eps * v[j];
    net.gradient(q, data.xs, data.ts, 0, 256);
    w.set(net.grad);
    for (let j = 0; j < n; j++) q[j] = p[j] - eps * v[j];
    net.gradient(q, data.xs, data.ts, 0, 256);
    let next = 0, nw = 0;
    for (let j = 0; j < n; j++) { w[j] = (w[j] - net.grad[j]) / (2 * eps); next += v[j] * w[j]; nw += w[j] * w[j]; }
    nw = Math.sqrt(nw);
    for (let j = 0; j < n; j++) v[j] = w[j] / nw;
    if (Math.abs(next - lambda) <= 1e-6 * Math.abs(next)) return [next, it];
    lambda = next;
  }
  return [lambda, 10000];
}
