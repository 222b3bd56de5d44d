//! `exp` and `tanh` over slices, bit-identical to `libm::exp` and `libm::tanh` (FreeBSD's `e_exp.c`), written without
//! branches so LLVM vectorizes it (`f64x2` under wasm `+simd128`, SSE2 natively). Issue 7: the
//! funnel evaluates one `exp` per trajectory-step, and `libm::exp` was half of its time.
//!
//! The same operations as `libm::exp` in the same order, lane by lane:
//! `k = trunc(x/ln2 ± ½)` for `|x| ≥ 1.5 ln2`, `k = ±1` for `½ln2 < |x| < 1.5 ln2`, `k = 0`
//! below (where `hi = x − 0·ln2hi = x`, `lo = 0` reproduce libm's `k = 0` branch exactly);
//! `r = hi − lo`, `c = r − r²(P1 + r²(P2 + …))`, `y = 1 + ((r·c/(2 − c) − lo) + hi)` and
//! `scalbn(y, k) = y·2^k`, exact because the result is normal for `|x| < 704`. Arguments outside
//! `2⁻²⁸ < |x| < 704` (and NaN) are recomputed by `libm::exp` itself.

#![allow(clippy::excessive_precision, clippy::approx_constant)] // libm's constants, verbatim.

pub(crate) const LN2HI: f64 = 6.931_471_803_691_238_164_90e-01;
pub(crate) const LN2LO: f64 = 1.908_214_929_270_587_700_02e-10;
pub(crate) const INVLN2: f64 = 1.442_695_040_888_963_387_00e+00;
pub(crate) const P1: f64 = 1.666_666_666_666_660_190_37e-01;
pub(crate) const P2: f64 = -2.777_777_777_701_559_338_42e-03;
pub(crate) const P3: f64 = 6.613_756_321_437_934_361_17e-05;
pub(crate) const P4: f64 = -1.653_390_220_546_525_153_90e-06;
pub(crate) const P5: f64 = 4.138_136_797_057_238_460_39e-08;
/// `2⁵² + 2⁵¹`: adding and subtracting it rounds a float of magnitude < 2⁵¹ to an integer.
pub(crate) const ROUND: f64 = 6_755_399_441_055_744.0;

/// Whether the branchless path applies: `2⁻²⁸ < |x| < 704` (libm's `hx > 0x3e300000`, and well
/// inside its overflow/underflow guards at `|x| ≥ 708.39`).
#[inline(always)]
fn in_range(x: f64) -> bool {
    let a = x.abs();
    a > f64::from_bits(0x3e30_0000_ffff_ffff) && a < 704.0
}

/// The branchless body; exact only when [`in_range`] holds.
#[inline(always)]
fn exp_core(x: f64) -> f64 {
    let a = x.abs();
    // libm compares the high word: hx ≥ 0x3ff0a2b2, hx > 0x3fd62e42.
    let big = a >= f64::from_bits(0x3ff0_a2b2_0000_0000);
    let mid = a >= f64::from_bits(0x3fd6_2e43_0000_0000);
    let half = if x < 0.0 { -0.5 } else { 0.5 };
    let v = INVLN2 * x + half;
    let t = trunc_small(v);
    let one = if x < 0.0 { -1.0 } else { 1.0 };
    let k = if big {
        t
    } else if mid {
        one
    } else {
        0.0
    };
    let hi = x - k * LN2HI;
    let lo = k * LN2LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1. + (r * c / (2. - c) - lo + hi);
    // 2^k from the integer k (|k| ≤ 1016): its bits are (k + 1023) << 52.
    y * pow2(k)
}

/// `out[i] = libm::exp(x[i])`, bit for bit.
pub fn exp_slice(x: &[f64], out: &mut [f64]) {
    let out = &mut out[..x.len()];
    out.copy_from_slice(x);
    exp_in_place(out);
}

/// `v[i] ← libm::exp(v[i])`, bit for bit.
pub fn exp_in_place(v: &mut [f64]) {
    if v.iter().fold(true, |all, &x| all & in_range(x)) {
        v.iter_mut().for_each(|x| *x = exp_core(*x));
    } else {
        for x in v.iter_mut() {
            *x = if in_range(*x) {
                exp_core(*x)
            } else {
                libm::exp(*x)
            };
        }
    }
}

const Q1: f64 = -3.333_333_333_333_313_164_28e-02;
const Q2: f64 = 1.587_301_587_254_814_601_65e-03;
const Q3: f64 = -7.936_507_578_674_879_424_73e-05;
const Q4: f64 = 4.008_217_827_329_362_395_52e-06;
const Q5: f64 = -2.010_992_181_836_243_713_26e-07;

/// `2^k` for an integer-valued `k` with `|k| ≤ 1022`.
#[inline(always)]
fn pow2(k: f64) -> f64 {
    f64::from_bits(((k + (1023.0 + ROUND)).to_bits() << 52) & 0x7ff0_0000_0000_0000)
}

/// `trunc(v)` for `|v| < 2⁵¹`, without a libm call.
#[inline(always)]
fn trunc_small(v: f64) -> f64 {
    let r = (v + ROUND) - ROUND;
    if r.abs() > v.abs() {
        r - if v < 0.0 { -1.0 } else { 1.0 }
    } else {
        r
    }
}

/// libm's `expm1(u)` (FreeBSD `s_expm1.c`) for `2⁻⁴⁹ ≤ |u|`, `−0.52 < u ≤ 40` (the arguments
/// `tanh` passes), every branch computed and the right one selected. `k ∈ {−1, 0, …, 58}`.
#[inline(always)]
fn expm1_core(u: f64) -> f64 {
    let a = u.abs();
    let neg = u < 0.0;
    let red = a > f64::from_bits(0x3fd6_2e42_ffff_ffff); // hx > 0x3fd62e42
    let small = a < f64::from_bits(0x3ff0_a2b2_0000_0000); // hx < 0x3ff0a2b2
    let sgn = if neg { -1.0 } else { 1.0 };
    let k = if !red {
        0.0
    } else if small {
        sgn
    } else {
        trunc_small(INVLN2 * u + if neg { -0.5 } else { 0.5 })
    };
    // k = ±1: hi = u ∓ ln2hi, lo = ±ln2lo, the same operations as t·ln2hi with t = ±1; k = 0:
    // hi = u, lo = 0, c = 0 exactly.
    let hi = u - k * LN2HI;
    let lo = k * LN2LO;
    let x = hi - lo;
    let c = (hi - x) - lo;
    let hfx = 0.5 * x;
    let hxs = x * hfx;
    let r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
    let t = 3.0 - r1 * hfx;
    let e = hxs * ((r1 - t) / (6.0 - x * t));
    let r_k0 = x - (x * e - hxs);
    let mut e2 = x * (e - c) - c;
    e2 -= hxs;
    let r_km1 = 0.5 * (x - e2) - 0.5;
    let r_k1 = if x < -0.25 {
        -2.0 * (e2 - (x + 0.5))
    } else {
        1.0 + 2.0 * (x - e2)
    };
    let twopk = pow2(k);
    let uf = pow2(-k);
    let r_big = (x - e2 + 1.0) * twopk - 1.0;
    let r_lt20 = (x - e2 + (1.0 - uf)) * twopk;
    let r_ge20 = (x - (e2 + uf) + 1.0) * twopk;
    if k == 0.0 {
        r_k0
    } else if k == -1.0 {
        r_km1
    } else if k == 1.0 {
        r_k1
    } else if k > 56.0 {
        r_big
    } else if k < 20.0 {
        r_lt20
    } else {
        r_ge20
    }
}

/// Whether [`tanh_core`] applies: `2⁻⁵⁰ ≤ |x|` and libm's high word `w ≤ 0x40340000`.
#[inline(always)]
fn tanh_in_range(x: f64) -> bool {
    let a = x.abs();
    a >= f64::from_bits(0x3cd0_0000_0000_0000) && a < f64::from_bits(0x4034_0001_0000_0000)
}

/// libm's `tanh` (musl `tanh.c`) for [`tanh_in_range`] arguments, branch-free.
#[inline(always)]
fn tanh_core(x: f64) -> f64 {
    let a = x.abs();
    let big = a > f64::from_bits(0x3fe1_93ea_ffff_ffff); // w > 0x3fe193ea
    let mid = a > f64::from_bits(0x3fd0_58ae_ffff_ffff); // w > 0x3fd058ae
    let u = if big || mid { 2.0 * a } else { -2.0 * a };
    let em = expm1_core(u);
    let t = if big {
        1.0 - 2.0 / (em + 2.0)
    } else if mid {
        em / (em + 2.0)
    } else {
        -em / (em + 2.0)
    };
    if x < 0.0 {
        -t
    } else {
        t
    }
}

/// `v[i] ← libm::tanh(v[i])`, bit for bit (the MLP's hidden units, issue 7).
pub fn tanh_in_place(v: &mut [f64]) {
    if v.iter().fold(true, |all, &x| all & tanh_in_range(x)) {
        v.iter_mut().for_each(|x| *x = tanh_core(*x));
    } else {
        for x in v.iter_mut() {
            *x = if tanh_in_range(*x) {
                tanh_core(*x)
            } else {
                libm::tanh(*x)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;

    fn check(xs: &[f64]) {
        let mut out = vec![0.0; xs.len()];
        exp_slice(xs, &mut out);
        for (&x, &e) in xs.iter().zip(&out) {
            let want = libm::exp(x);
            assert!(
                e.to_bits() == want.to_bits() || (e.is_nan() && want.is_nan()),
                "exp({x:e}) = {e:e}, libm {want:e}"
            );
        }
    }

    #[test]
    fn bit_identical_to_libm_on_a_million_arguments() {
        // Uniform over the working range, log-uniform magnitudes, and the branch edges of libm
        // (0.5 ln2, 1.5 ln2, 2^-28, 704, 708.39, 709.78) ± a few ulps.
        let mut r = SeededRng::new(99, 0);
        let mut xs: Vec<f64> = (0..500_000)
            .map(|_| 80.0 * (2.0 * r.uniform() - 1.0))
            .collect();
        xs.extend((0..500_000).map(|_| {
            let m = libm::exp2(-40.0 + 50.0 * r.uniform());
            if r.uniform() < 0.5 {
                -m
            } else {
                m
            }
        }));
        for edge in [
            0.5 * core::f64::consts::LN_2,
            1.5 * core::f64::consts::LN_2,
            f64::from_bits(0x3fd6_2e42_ffff_ffff),
            f64::from_bits(0x3ff0_a2b1_ffff_ffff),
            f64::from_bits(0x3e30_0000_0000_0000),
            f64::from_bits(0x3e30_0000_ffff_ffff),
            f64::from_bits(0x3e30_0001_0000_0000),
            704.0,
            708.39,
            709.78,
            745.2,
        ] {
            let b = edge.to_bits();
            for d in 0..8u64 {
                for v in [f64::from_bits(b + d), f64::from_bits(b - d)] {
                    xs.extend([v, -v]);
                }
            }
        }
        // Half-integers times ln 2 (where the rounding of k is decided).
        xs.extend((-2000..2000).map(|k| (k as f64 + 0.5) * core::f64::consts::LN_2));
        xs.extend([
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e300,
        ]);
        check(&xs);
    }

    #[test]
    fn tanh_bit_identical_to_libm() {
        let mut r = SeededRng::new(98, 0);
        let mut xs: Vec<f64> = (0..400_000)
            .map(|_| 25.0 * (2.0 * r.uniform() - 1.0))
            .collect();
        xs.extend((0..400_000).map(|_| {
            let m = libm::exp2(-60.0 + 65.0 * r.uniform());
            if r.uniform() < 0.5 {
                -m
            } else {
                m
            }
        }));
        // Branch edges of tanh and of expm1 at u = ±2x (0.5 ln2, 1.5 ln2, k = 20, 56, 20.0).
        let mut edges = vec![
            f64::from_bits(0x3fe1_93ea_ffff_ffff),
            f64::from_bits(0x3fd0_58ae_ffff_ffff),
            f64::from_bits(0x4034_0000_ffff_ffff),
            f64::from_bits(0x3cd0_0000_0000_0000),
            0.25 * core::f64::consts::LN_2,
            0.75 * core::f64::consts::LN_2,
            20.0,
            0.25,
        ];
        edges.extend((0..60).map(|k| (k as f64 + 0.5) * core::f64::consts::LN_2 / 2.0));
        for edge in edges {
            let b = edge.to_bits();
            for d in 0..8u64 {
                for v in [f64::from_bits(b + d), f64::from_bits(b - d)] {
                    xs.extend([v, -v]);
                }
            }
        }
        xs.extend([
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-300,
            5e-324,
        ]);
        let mut out = xs.clone();
        tanh_in_place(&mut out);
        for (&x, &t) in xs.iter().zip(&out) {
            let want = libm::tanh(x);
            assert!(
                t.to_bits() == want.to_bits() || (t.is_nan() && want.is_nan()),
                "tanh({x:e}) = {t:e}, libm {want:e}"
            );
        }
    }
}
