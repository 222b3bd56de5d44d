//! `exp` over slices, bit-identical to `libm::exp` (FreeBSD's `e_exp.c`), written without
//! branches so LLVM vectorizes it (`f64x2` under wasm `+simd128`, SSE2 natively). Issue 7: the
//! funnel evaluates one `exp` per trajectory-step, and `libm::exp` was half of its time.
//!
//! The same operations as `libm::exp` in the same order, lane by lane:
//! `k = trunc(x/ln2 ± ½)` for `|x| ≥ 1.5 ln2`, `k = ±1` for `½ln2 < |x| < 1.5 ln2`, `k = 0`
//! below (where `hi = x − 0·ln2hi = x`, `lo = 0` reproduce libm's `k = 0` branch exactly);
//! `r = hi − lo`, `c = r − r²(P1 + r²(P2 + …))`, `y = 1 + ((r·c/(2 − c) − lo) + hi)` and
//! `scalbn(y, k) = y·2^k`, exact because the result is normal for `|x| < 704`. Arguments outside
//! `2⁻²⁸ < |x| < 704` (and NaN) are recomputed by `libm::exp` itself.

const LN2HI: f64 = 6.931_471_803_691_238_164_90e-01;
const LN2LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INVLN2: f64 = 1.442_695_040_888_963_387_00e+00;
const P1: f64 = 1.666_666_666_666_660_190_37e-01;
const P2: f64 = -2.777_777_777_701_559_338_42e-03;
const P3: f64 = 6.613_756_321_437_934_361_17e-05;
const P4: f64 = -1.653_390_220_546_525_153_90e-06;
const P5: f64 = 4.138_136_797_057_238_460_39e-08;
/// `2⁵² + 2⁵¹`: adding and subtracting it rounds a float of magnitude < 2⁵¹ to an integer.
const ROUND: f64 = 6_755_399_441_055_744.0;

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
    // trunc(v) for |v| < 2⁵¹ without a libm call: round to nearest, then step toward zero if
    // rounding went away from it.
    let v = INVLN2 * x + half;
    let r = (v + ROUND) - ROUND;
    let t = if r.abs() > v.abs() {
        r - if v < 0.0 { -1.0 } else { 1.0 }
    } else {
        r
    };
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
    let scale = f64::from_bits(((k + (1023.0 + ROUND)).to_bits() << 52) & 0x7ff0_0000_0000_0000);
    y * scale
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
        let mut xs: Vec<f64> = (0..500_000).map(|_| 80.0 * (2.0 * r.uniform() - 1.0)).collect();
        xs.extend((0..500_000).map(|_| {
            let m = libm::exp2(-40.0 + 50.0 * r.uniform());
            if r.uniform() < 0.5 { -m } else { m }
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
        xs.extend([0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300]);
        check(&xs);
    }
}
