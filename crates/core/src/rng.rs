//! Portable seeded randomness.
//!
//! [`SeededRng`] is xoshiro256++ (Blackman & Vigna 2021, via `rand_xoshiro`): integer-only, so
//! its output is the same on every platform, and a few nanoseconds per draw in WebAssembly.
//! Standard normals come from a 256-layer ziggurat (Marsaglia & Tsang 2000, in Doornik's 2005
//! ZIGNOR form) whose tables and rare slow paths use `libm`, so a seed gives bit-identical
//! numbers natively and in the browser. [`RngLanes`] holds many streams struct-of-arrays and
//! draws the same numbers as their `SeededRng`s in vectorizable passes (the funnel's noise).

use crate::lanes2::{F2, M2, U2};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::OnceLock;

/// SplitMix64's output function: a bijective 64-bit mixer (Steele, Lea & Flood 2014).
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded, portable random number generator with an explicit stream number.
///
/// `SeededRng::new(seed, stream)` gives independent sequences for different streams of one seed
/// (the state is seeded from `mix64(mix64(seed) ^ stream)`, a bijection in `stream`); the funnel
/// uses stream `i` for trajectory `i`, so trajectory `i` is the same whatever the number of
/// trajectories.
#[derive(Clone, Debug)]
pub struct SeededRng {
    core: Xoshiro256PlusPlus,
}

impl SeededRng {
    /// Generator for `(seed, stream)`.
    pub fn new(seed: u64, stream: u64) -> Self {
        Self {
            core: Xoshiro256PlusPlus::seed_from_u64(mix64(mix64(seed) ^ stream)),
        }
    }

    /// Raw 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.core.next_u64()
    }

    /// Uniform on `[0, 1)` with 53 random bits: `(u >> 11) · 2⁻⁵³`.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        unit(self.core.next_u64())
    }

    /// A standard normal by the ziggurat method.
    ///
    /// One 64-bit draw gives the layer `i` (low 8 bits) and a symmetric uniform `u ∈ [−1, 1)`
    /// (top 53 bits); `x = u·X[i]` is returned at once when `|x| < X[i+1]` (about 99% of
    /// draws). Otherwise the base layer samples the tail beyond `R` (Marsaglia 1964) and the
    /// other layers accept `x` under the density with one more uniform.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let first = self.core.next_u64();
        normal_from(ziggurat(), first, &mut || self.core.next_u64())
    }

    /// Two independent standard normals.
    #[inline]
    pub fn normal_pair(&mut self) -> (f64, f64) {
        let a = self.normal();
        (a, self.normal())
    }

    /// The four 64-bit words of the xoshiro256++ state.
    fn state(&self) -> [u64; 4] {
        let b = self.core.state();
        std::array::from_fn(|k| u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().unwrap()))
    }
}

/// Many [`SeededRng`] streams stored struct-of-arrays, for drawing normals for all of them in
/// loops that vectorize (issue 7: the funnel draws two normals per trajectory-step).
///
/// Lane `i` is the stream [`SeededRng::new`]`(seed, i)` and yields exactly its numbers:
/// [`RngLanes::normal_pairs`] gives every active lane what `normal_pair` would.
#[derive(Clone, Debug)]
pub struct RngLanes {
    /// Number of lanes.
    n: usize,
    /// The xoshiro256++ state words `s[k][i]` of lane `i`, padded to an even length (the pad
    /// lane is never active) so lanes are always taken two at a time.
    s: [Vec<u64>; 4],
    /// Scratch of [`RngLanes::normal_pairs_by_passes`] (no allocation per call): each lane's
    /// two first draws, and the lanes that need the ziggurat's slow path (a prefix of `slow`).
    first: [Vec<u64>; 2],
    slow: Vec<usize>,
}

impl RngLanes {
    /// Lanes `0..n`: streams `0..n` of `seed`.
    pub fn new(seed: u64, n: usize) -> Self {
        let mut s: [Vec<u64>; 4] = Default::default();
        for stream in 0..(n + n % 2) as u64 {
            let state = SeededRng::new(seed, stream).state();
            for (w, v) in s.iter_mut().zip(state) {
                w.push(v);
            }
        }
        RngLanes {
            n,
            s,
            first: [vec![0; n], vec![0; n]],
            slow: vec![0; n],
        }
    }

    /// Number of lanes.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no lanes.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The next 64 bits of lane `i` (xoshiro256++, as `rand_xoshiro`).
    #[inline]
    fn next(&mut self, i: usize) -> u64 {
        let [a, b, c, d] = &mut self.s;
        let (r, state) = xoshiro_step([a[i], b[i], c[i], d[i]]);
        [a[i], b[i], c[i], d[i]] = state;
        r
    }

    /// `(out0[i], out1[i]) = normal_pair()` of lane `i` for every `i` with `active[i]`; inactive
    /// lanes draw nothing and get `(0, 0)`. All slices have [`RngLanes::len`] entries. Returns
    /// the number of lanes that took the ziggurat's slow path.
    ///
    /// Two implementations give the same numbers: under wasm simd128 lanes go two at a time
    /// through [`RngLanes::normal_pair2`] (`i64x2`/`f64x2`, no integer-to-float conversion,
    /// which wasm SIMD lacks); natively, where LLVM vectorizes plain loops well, in passes
    /// ([`RngLanes::normal_pairs_by_passes`]). The tests run both.
    pub fn normal_pairs(&mut self, active: &[bool], out0: &mut [f64], out1: &mut [f64]) -> usize {
        if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
            self.normal_pairs_by_twos(active, out0, out1)
        } else {
            self.normal_pairs_by_passes(active, out0, out1)
        }
    }

    /// [`RngLanes::normal_pairs`] two lanes at a time by [`RngLanes::normal_pair2`].
    fn normal_pairs_by_twos(
        &mut self,
        active: &[bool],
        out0: &mut [f64],
        out1: &mut [f64],
    ) -> usize {
        let m = self.len();
        let (active, out0, out1) = (&active[..m], &mut out0[..m], &mut out1[..m]);
        let mut n_slow = 0;
        let z = ziggurat();
        for i in (0..m).step_by(2) {
            let pair = i + 1 < m;
            let on = M2::new(active[i], pair && active[i + 1]);
            let (z0, z1, slow) = self.normal_pair2(z, i, on);
            n_slow += slow;
            (out0[i], out1[i]) = (z0.lane::<0>(), z1.lane::<0>());
            if pair {
                (out0[i + 1], out1[i + 1]) = (z0.lane::<1>(), z1.lane::<1>());
            }
        }
        n_slow
    }

    /// [`RngLanes::normal_pairs`] in passes: one branch-free pass advances every active lane by
    /// two draws and keeps them; a second takes the ziggurat's fast path for both (table
    /// lookup and compare, ~99% of draws) and lists the lanes where either draw was rejected;
    /// those few lanes then finish scalar ([`RngLanes::finish_slow`]).
    fn normal_pairs_by_passes(
        &mut self,
        active: &[bool],
        out0: &mut [f64],
        out1: &mut [f64],
    ) -> usize {
        let m = self.len();
        let (active, out0, out1) = (&active[..m], &mut out0[..m], &mut out1[..m]);
        let [a, b, c, d] = &mut self.s;
        let (a, b, c, d) = (&mut a[..m], &mut b[..m], &mut c[..m], &mut d[..m]);
        let [f0, f1] = &mut self.first;
        let (f0, f1) = (&mut f0[..m], &mut f1[..m]);
        for i in 0..m {
            let s = [a[i], b[i], c[i], d[i]];
            let (r0, s1) = xoshiro_step(s);
            let (r1, s2) = xoshiro_step(s1);
            let s = if active[i] { s2 } else { s };
            [a[i], b[i], c[i], d[i]] = s;
            (f0[i], f1[i]) = (r0, r1);
        }
        let z = ziggurat();
        // Branch-free compaction: lane i is written at the end of the list and kept by
        // advancing the count only when it needs the slow path.
        let slow = &mut self.slow[..m];
        let mut n_slow = 0;
        for i in 0..m {
            let (x0, ok0) = ziggurat_fast(z, f0[i]);
            let (x1, ok1) = ziggurat_fast(z, f1[i]);
            out0[i] = if active[i] { x0 } else { 0.0 };
            out1[i] = if active[i] { x1 } else { 0.0 };
            slow[n_slow] = i;
            n_slow += (active[i] & !(ok0 & ok1)) as usize;
        }
        for k in 0..n_slow {
            let i = self.slow[k];
            let firsts = (self.first[0][i], self.first[1][i]);
            (out0[i], out1[i]) = self.finish_slow(i, firsts);
        }
        n_slow
    }

    /// `normal_pair()` of lanes `i` and `i + 1` where `active` (`i` even; lane `i + 1` may be
    /// the pad lane, then inactive); an inactive lane draws nothing and gets `(0, 0)`. Returns
    /// the first normals, the second normals and the number of lanes that took the ziggurat's
    /// slow path.
    ///
    /// Order of work: both lanes advance by two draws at once (`i64x2` under simd128) and take
    /// the ziggurat's fast path for both (~99% of draws); a lane where either draw was rejected
    /// then finishes scalar, reusing the kept second draw as the first slow-path draw where
    /// the first normal needs one, so each lane consumes its stream exactly as `normal_pair`
    /// does.
    #[inline(always)]
    pub(crate) fn normal_pair2(&mut self, z: &Ziggurat, i: usize, active: M2) -> (F2, F2, usize) {
        let [a, b, c, d] = &mut self.s;
        let (a, b, c, d) = (
            &mut a[i..i + 2],
            &mut b[i..i + 2],
            &mut c[i..i + 2],
            &mut d[i..i + 2],
        );
        let s = [
            U2::new(a[0], a[1]),
            U2::new(b[0], b[1]),
            U2::new(c[0], c[1]),
            U2::new(d[0], d[1]),
        ];
        let (r0, s1) = xoshiro_step2(s);
        let (r1, [s0, s1, s2, s3]) = xoshiro_step2(s1);
        let store = |w: &mut [u64], new: U2, old: U2| {
            let v = active.select_u(new, old);
            (w[0], w[1]) = (v.lane::<0>(), v.lane::<1>());
        };
        store(a, s0, s[0]);
        store(b, s1, s[1]);
        store(c, s2, s[2]);
        store(d, s3, s[3]);
        let (x0, ok0) = ziggurat_fast2(z, r0);
        let (x1, ok1) = ziggurat_fast2(z, r1);
        let zero = F2::splat(0.0);
        let (x0, x1) = (active.select(x0, zero), active.select(x1, zero));
        let slow = active.and_not(ok0.and(ok1));
        if !slow.lane::<0>() && !slow.lane::<1>() {
            return (x0, x1, 0);
        }
        self.finish_slow2(i, slow, (r0, r1), (x0, x1))
    }

    /// The lanes of `slow` (lane `l` is lane `i + l`) finish their normal pair from their
    /// first two draws `r` (see [`RngLanes::normal_pair2`]); the others keep `x`.
    #[cold]
    #[inline(never)]
    fn finish_slow2(&mut self, i: usize, slow: M2, r: (U2, U2), x: (F2, F2)) -> (F2, F2, usize) {
        let mut z0 = [x.0.lane::<0>(), x.0.lane::<1>()];
        let mut z1 = [x.1.lane::<0>(), x.1.lane::<1>()];
        let firsts = [
            (r.0.lane::<0>(), r.1.lane::<0>()),
            (r.0.lane::<1>(), r.1.lane::<1>()),
        ];
        let mut n_slow = 0;
        for (l, is_slow) in [slow.lane::<0>(), slow.lane::<1>()].into_iter().enumerate() {
            if is_slow {
                (z0[l], z1[l]) = self.finish_slow(i + l, firsts[l]);
                n_slow += 1;
            }
        }
        (F2::new(z0[0], z0[1]), F2::new(z1[0], z1[1]), n_slow)
    }

    /// Lane `i`'s normal pair when its first two draws `(first0, first1)` (already taken) did
    /// not both pass the ziggurat's fast path.
    fn finish_slow(&mut self, i: usize, (first0, first1): (u64, u64)) -> (f64, f64) {
        let z = ziggurat();
        if let (x0, true) = ziggurat_fast(z, first0) {
            (x0, normal_from(z, first1, &mut || self.next(i)))
        } else {
            let mut kept = Some(first1);
            let mut next = || kept.take().unwrap_or_else(|| self.next(i));
            let x0 = normal_from(z, first0, &mut next);
            let first = next();
            (x0, normal_from(z, first, &mut next))
        }
    }
}

/// [`xoshiro_step`] on two lanes.
#[inline(always)]
fn xoshiro_step2([s0, s1, s2, s3]: [U2; 4]) -> (U2, [U2; 4]) {
    let r = s0.add(s3).rotl(23).add(s0);
    let t = s1.shl(17);
    let s2 = s2.xor(s0);
    let s3 = s3.xor(s1);
    let s1 = s1.xor(s2);
    let s0 = s0.xor(s3);
    (r, [s0, s1, s2.xor(t), s3.rotl(45)])
}

/// One xoshiro256++ step on the state `s`: `(output, next state)`.
#[inline(always)]
fn xoshiro_step([s0, s1, s2, s3]: [u64; 4]) -> (u64, [u64; 4]) {
    let r = s0.wrapping_add(s3).rotate_left(23).wrapping_add(s0);
    let t = s1 << 17;
    let s2 = s2 ^ s0;
    let s3 = s3 ^ s1;
    let s1 = s1 ^ s2;
    let s0 = s0 ^ s3;
    (r, [s0, s1, s2 ^ t, s3.rotate_left(45)])
}

/// `(bits >> 11) · 2⁻⁵³`: a uniform on `[0, 1)` from 53 random bits.
#[inline(always)]
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The ziggurat's fast path for the draw `bits`: `(x, accepted)` with `x = u·X[i]` and
/// `accepted = |x| < X[i+1]` (see [`SeededRng::normal`]).
#[inline(always)]
fn ziggurat_fast(z: &Ziggurat, bits: u64) -> (f64, bool) {
    let i = (bits & 0xff) as usize;
    let x = (2.0 * unit(bits) - 1.0) * z.x[i];
    (x, x.abs() < z.x[i + 1])
}

/// [`ziggurat_fast`] on two lanes, the same numbers without an integer-to-float conversion
/// (wasm has no `i64x2` one): with `n = bits >> 11 = t·2⁵² + low` (`t` the top bit),
/// `2·unit(bits) − 1 = n·2⁻⁵² − 1 = f − (2 − t)` where `f = 1 + low·2⁻⁵²` is the float with
/// exponent 0 and mantissa `low`; `f − 1` and `f − 2` are exact (Sterbenz), as are `2·unit − 1`
/// and its parts, so both give the same bits (also `+0` for `n = 2⁵²`).
#[inline(always)]
fn ziggurat_fast2(z: &Ziggurat, bits: U2) -> (F2, M2) {
    let (i0, i1) = (
        (bits.lane::<0>() & 0xff) as usize,
        (bits.lane::<1>() & 0xff) as usize,
    );
    let n = bits.shr(11);
    let f = n
        .and(U2::splat((1 << 52) - 1))
        .or(U2::splat(1f64.to_bits()))
        .as_f64();
    // 2 − t: the bits of 2.0 minus t·2⁵² (bit 52 of n) are those of 1.0 when t = 1.
    let two_minus_t = U2::splat(2f64.to_bits()).sub(n.and(U2::splat(1 << 52)));
    let u = f.sub(two_minus_t.as_f64());
    let x = u.mul(F2::new(z.x[i0], z.x[i1]));
    (x, x.abs().lt(F2::new(z.x[i0 + 1], z.x[i1 + 1])))
}

/// The ziggurat normal whose first 64-bit draw is `first`, taking any further draws from
/// `next` (the algorithm of [`SeededRng::normal`]).
#[inline(always)]
fn normal_from(z: &Ziggurat, first: u64, next: &mut impl FnMut() -> u64) -> f64 {
    let mut bits = first;
    loop {
        let (x, accepted) = ziggurat_fast(z, bits);
        if accepted {
            return x;
        }
        if let Some(x) = normal_slow(z, bits, x, next) {
            return x;
        }
        bits = next();
    }
}

/// The ziggurat's slow path after the draw `bits` gave the rejected `x`: the tail sample for
/// the base layer, `x` if it falls under the density (one more uniform), else `None` (draw
/// again).
#[cold]
fn normal_slow(z: &Ziggurat, bits: u64, x: f64, next: &mut impl FnMut() -> u64) -> Option<f64> {
    let i = (bits & 0xff) as usize;
    if i == 0 {
        return Some(normal_tail(x < 0.0, next));
    }
    let y = z.f[i + 1] + (z.f[i] - z.f[i + 1]) * unit(next());
    (y < libm::exp(-0.5 * x * x)).then_some(x)
}

/// `±(R + t)` with density ∝ `exp(−(R + t)²/2)`, `t > 0`, by Marsaglia's tail method.
#[cold]
fn normal_tail(negative: bool, next: &mut impl FnMut() -> u64) -> f64 {
    loop {
        // 1 − uniform ∈ (0, 1]: the logarithms are finite.
        let a = -libm::log(1.0 - unit(next())) / ZIGGURAT_R;
        let b = -libm::log(1.0 - unit(next()));
        if 2.0 * b >= a * a {
            let x = ZIGGURAT_R + a;
            return if negative { -x } else { x };
        }
    }
}

/// Start of the tail of the 256-layer normal ziggurat (Marsaglia & Tsang 2000).
const ZIGGURAT_R: f64 = 3.654_152_885_361_009;
/// Area of each layer (and of the base layer with the tail) under `exp(−x²/2)`.
const ZIGGURAT_V: f64 = 0.004_928_673_233_99;

/// The ziggurat's tables ([`ziggurat`]).
pub(crate) struct Ziggurat {
    /// Layer edges: `x[0] = V/f(R)` (the base layer's virtual width), `x[1] = R`, decreasing
    /// to `x[256] = 0`.
    x: [f64; 257],
    /// `f(x[i]) = exp(−x[i]²/2)`.
    f: [f64; 257],
}

/// The ziggurat's tables, computed once.
pub(crate) fn ziggurat() -> &'static Ziggurat {
    static TABLES: OnceLock<Ziggurat> = OnceLock::new();
    TABLES.get_or_init(|| {
        let pdf = |x: f64| libm::exp(-0.5 * x * x);
        let mut x = [0.0; 257];
        x[0] = ZIGGURAT_V / pdf(ZIGGURAT_R);
        x[1] = ZIGGURAT_R;
        for i in 2..256 {
            x[i] = libm::sqrt(-2.0 * libm::log(ZIGGURAT_V / x[i - 1] + pdf(x[i - 1])));
        }
        x[256] = 0.0;
        let mut f = [0.0; 257];
        for i in 0..257 {
            f[i] = pdf(x[i]);
        }
        Ziggurat { x, f }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_same_numbers() {
        let mut a = SeededRng::new(7, 3);
        let mut b = SeededRng::new(7, 3);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn streams_and_seeds_differ() {
        let mut a = SeededRng::new(7, 0);
        let mut b = SeededRng::new(7, 1);
        let mut c = SeededRng::new(8, 0);
        let same = (0..64)
            .filter(|_| {
                let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
                x == y || x == z
            })
            .count();
        assert_eq!(same, 0);
    }

    #[test]
    fn ziggurat_tables_are_consistent() {
        let z = ziggurat();
        // Decreasing edges ending at 0; the top layer's edge is tiny but positive.
        assert!(z.x.windows(2).all(|w| w[1] < w[0]));
        assert!(z.x[255] > 0.0 && z.x[255] < 0.3);
        // Every layer has area V: x[i]·(f[i+1] − f[i]) = V for 1 ≤ i < 255 (the recursion).
        for i in 1..255 {
            let area = z.x[i] * (z.f[i + 1] - z.f[i]);
            assert!((area / ZIGGURAT_V - 1.0).abs() < 1e-9, "layer {i}: {area}");
        }
        // The top layer closes at the density's peak f(0) = 1 to 1e-9: R and V are consistent.
        let top = z.x[255] * (1.0 - z.f[255]);
        assert!(
            (top / ZIGGURAT_V - 1.0).abs() < 1e-6,
            "top layer area {top}"
        );
    }

    #[test]
    fn uniform_in_unit_interval_with_right_mean() {
        let mut r = SeededRng::new(1, 0);
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        // mean 1/2, sd of the mean sqrt(1/12/n) = 6.5e-4: 5 sd tolerance.
        assert!((sum / n as f64 - 0.5).abs() < 5.0 * (1.0 / 12.0 / n as f64).sqrt());
    }

    #[test]
    fn lanes_give_each_stream_its_normal_pairs() {
        // 37 lanes (no multiple of a vector width, so the pad lane is used), 3000 calls with a
        // changing active mask: 2.2e5 pairs, so ~4e3 slow paths of either normal and ~100 tail
        // draws are compared against `SeededRng::normal_pair` bit for bit, and inactive lanes
        // draw nothing. Both implementations (two lanes at a time and in passes), alternating
        // on the same lanes.
        let (seed, m) = (11, 37);
        let mut lanes = RngLanes::new(seed, m);
        let mut reference: Vec<SeededRng> =
            (0..m as u64).map(|i| SeededRng::new(seed, i)).collect();
        let mut mask = SeededRng::new(99, 0);
        let (mut out0, mut out1) = (vec![f64::NAN; m], vec![f64::NAN; m]);
        let (mut slow, mut tails) = ([0, 0], 0);
        for call in 0..3000 {
            let active: Vec<bool> = (0..m).map(|_| mask.uniform() < 0.9).collect();
            slow[call % 2] += if call % 2 == 0 {
                lanes.normal_pairs_by_twos(&active, &mut out0, &mut out1)
            } else {
                lanes.normal_pairs_by_passes(&active, &mut out0, &mut out1)
            };
            for i in 0..m {
                let want = if active[i] {
                    reference[i].normal_pair()
                } else {
                    (0.0, 0.0)
                };
                assert_eq!(
                    (out0[i].to_bits(), out1[i].to_bits()),
                    (want.0.to_bits(), want.1.to_bits()),
                    "lane {i}, call {call}"
                );
            }
            tails += out0
                .iter()
                .chain(&out1)
                .filter(|x| x.abs() > ZIGGURAT_R)
                .count();
        }
        assert!(
            slow[0] > 500 && slow[1] > 500 && tails > 20,
            "slow paths {slow:?}, tails {tails}"
        );
        for (i, r) in reference.iter_mut().enumerate() {
            assert_eq!(
                lanes.next(i),
                r.next_u64(),
                "lane {i} ends in the same state"
            );
        }
    }

    #[test]
    fn normal_moments() {
        // n = 400k draws: SE of the mean 1.6e-3, of the variance sqrt(2/n) = 2.2e-3, of the 4th
        // moment sqrt(96/n) = 0.015. Tolerances are 5 SE (false-alarm rate < 1e-6 each).
        let mut r = SeededRng::new(2, 0);
        let n = 400_000;
        let (mut m1, mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0, 0.0);
        for _ in 0..n {
            let z = r.normal();
            m1 += z;
            m2 += z * z;
            m3 += z * z * z;
            m4 += z * z * z * z;
        }
        let n = n as f64;
        assert!((m1 / n).abs() < 5.0 * (1.0 / n).sqrt());
        assert!((m2 / n - 1.0).abs() < 5.0 * (2.0 / n).sqrt());
        assert!((m3 / n).abs() < 5.0 * (15.0 / n).sqrt());
        assert!((m4 / n - 3.0).abs() < 5.0 * (96.0 / n).sqrt());
    }

    #[test]
    fn normal_matches_the_cdf_kolmogorov_smirnov() {
        // KS distance of 200k draws from Φ. Critical value at level 1e-4: 2.23/√n = 0.0050;
        // against a defect as small as a 1% error in one layer the test still has power.
        let mut r = SeededRng::new(3, 0);
        let n = 200_000;
        let mut v: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        let phi = |x: f64| 0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2));
        let d = v
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let c = phi(x);
                (c - i as f64 / n as f64)
                    .abs()
                    .max((c - (i + 1) as f64 / n as f64).abs())
            })
            .fold(0.0, f64::max);
        assert!(d < 2.23 / (n as f64).sqrt(), "KS distance {d}");
    }

    #[test]
    fn normal_tails_have_the_right_mass() {
        // P(|Z| > 3) = 0.0026998, P(|Z| > R) = 2.58e-4 (the tail sampler). With n = 2M the
        // binomial SEs are 3.7e-5 and 1.1e-5: 5-SE tolerances.
        let mut r = SeededRng::new(4, 0);
        let n = 2_000_000;
        let (mut c3, mut c_r, mut max) = (0usize, 0usize, 0.0f64);
        for _ in 0..n {
            let z = r.normal().abs();
            c3 += (z > 3.0) as usize;
            c_r += (z > ZIGGURAT_R) as usize;
            max = max.max(z);
        }
        let p3 = 1.0 - libm::erf(3.0 / std::f64::consts::SQRT_2);
        let p_r = 1.0 - libm::erf(ZIGGURAT_R / std::f64::consts::SQRT_2);
        let n = n as f64;
        assert!((c3 as f64 / n - p3).abs() < 5.0 * (p3 * (1.0 - p3) / n).sqrt());
        assert!((c_r as f64 / n - p_r).abs() < 5.0 * (p_r * (1.0 - p_r) / n).sqrt());
        assert!(max > ZIGGURAT_R, "the tail sampler was exercised");
    }
}
