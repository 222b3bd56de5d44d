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

// ---- Table-driven exp (issue 22) ------------------------------------------------------------

/// `exp` by Tang's table method (ACM TOMS 15(2), 1989) in the form of ARM's optimized-routines
/// `exp` (Szabolcs Nagy, 2018), which is the `exp` of musl ≥ 1.1.20 and glibc ≥ 2.28: with
/// `N = 128`, `x = (k + j/N)·ln2 + r` (`|r| ≤ ln2/2N`, `k·N + j` the nearest integer to
/// `x·N/ln2`), `eˣ = 2^k · 2^{j/N} · eʳ`, where `2^{j/N} = H_j(1 + T_j)` comes from a table of
/// 128 pairs and `eʳ − 1` from a degree-5 polynomial; no division. Error ≤ 0.515 ulp without
/// FMA (ARM's bound), against ≤ 1 ulp for `libm::exp` (FreeBSD's `e_exp.c`), whose bits it does
/// not reproduce: it is a different exact `exp`, used by the funnel's trajectories only (issue
/// 22 allowed "a faster exact exp"; [`exp_slice`] stays bit-identical to `libm::exp` for
/// everything else). Every operation is IEEE `+ − ×` or a bit operation (no FMA, no CPU
/// dispatch), so native and wasm builds give the same bits.
///
/// The table ([`EXP_TAB`]) is computed, not copied: `H_j` is `2^{j/128}` rounded to nearest,
/// `T_j = 2^{j/128}/H_j − 1` rounded to nearest (80-digit decimal arithmetic), stored as the
/// bits of `T_j` and those of `H_j` minus `j << 45` (so adding `(kN + j) << 45` gives the bits
/// of `2^k·H_j`); it equals musl's `__exp_data.tab` (`src/math/exp_data.c`), which the tests
/// check on sample entries.
pub(crate) mod tab {
    /// `N/ln2` with `N = 128` (`0x1.71547652b82fep0 · 128`).
    pub(crate) const INV_LN2_N: f64 = 184.664_965_233_787_3;
    /// `−ln2/N`, high part (its last 17 bits zero, so `k·NEG_LN2_HI_N` is exact for `|k| < 2¹⁷`).
    pub(crate) fn neg_ln2_hi_n() -> f64 {
        f64::from_bits(0xbf76_2e42_fefa_0000)
    }
    /// `−ln2/N`, low part.
    pub(crate) fn neg_ln2_lo_n() -> f64 {
        f64::from_bits(0xbd0c_f79a_bc9e_3b3a)
    }
    /// `2⁵² + 2⁵¹`: `z + SHIFT` rounds `z` to an integer held in the low bits of the result.
    pub(crate) const SHIFT: f64 = 6_755_399_441_055_744.0;
    /// The polynomial `eʳ − 1 ≈ r + C2 r² + C3 r³ + C4 r⁴ + C5 r⁵` (ARM's coefficients).
    pub(crate) fn c() -> [f64; 4] {
        [
            f64::from_bits(0x3fdf_ffff_ffff_fdbd),
            f64::from_bits(0x3fc5_5555_5555_543c),
            f64::from_bits(0x3fa5_5555_cf17_2b91),
            f64::from_bits(0x3f81_1111_67a4_d017),
        ]
    }
}

/// `[bits(T_j), bits(H_j) − (j << 45)]` for `j = 0 … 127`, flattened (see [`exp_tab`]).
#[rustfmt::skip]
pub(crate) static EXP_TAB: [u64; 256] = [
    0x0000000000000000, 0x3ff0000000000000,
    0x3c9b3b4f1a88bf6e, 0x3feff63da9fb3335,
    0xbc7160139cd8dc5d, 0x3fefec9a3e778061,
    0xbc905e7a108766d1, 0x3fefe315e86e7f85,
    0x3c8cd2523567f613, 0x3fefd9b0d3158574,
    0xbc8bce8023f98efa, 0x3fefd06b29ddf6de,
    0x3c60f74e61e6c861, 0x3fefc74518759bc8,
    0x3c90a3e45b33d399, 0x3fefbe3ecac6f383,
    0x3c979aa65d837b6d, 0x3fefb5586cf9890f,
    0x3c8eb51a92fdeffc, 0x3fefac922b7247f7,
    0x3c3ebe3d702f9cd1, 0x3fefa3ec32d3d1a2,
    0xbc6a033489906e0b, 0x3fef9b66affed31b,
    0xbc9556522a2fbd0e, 0x3fef9301d0125b51,
    0xbc5080ef8c4eea55, 0x3fef8abdc06c31cc,
    0xbc91c923b9d5f416, 0x3fef829aaea92de0,
    0x3c80d3e3e95c55af, 0x3fef7a98c8a58e51,
    0xbc801b15eaa59348, 0x3fef72b83c7d517b,
    0xbc8f1ff055de323d, 0x3fef6af9388c8dea,
    0x3c8b898c3f1353bf, 0x3fef635beb6fcb75,
    0xbc96d99c7611eb26, 0x3fef5be084045cd4,
    0x3c9aecf73e3a2f60, 0x3fef54873168b9aa,
    0xbc8fe782cb86389d, 0x3fef4d5022fcd91d,
    0x3c8a6f4144a6c38d, 0x3fef463b88628cd6,
    0x3c807a05b0e4047d, 0x3fef3f49917ddc96,
    0x3c968efde3a8a894, 0x3fef387a6e756238,
    0x3c875e18f274487d, 0x3fef31ce4fb2a63f,
    0x3c80472b981fe7f2, 0x3fef2b4565e27cdd,
    0xbc96b87b3f71085e, 0x3fef24dfe1f56381,
    0x3c82f7e16d09ab31, 0x3fef1e9df51fdee1,
    0xbc3d219b1a6fbffa, 0x3fef187fd0dad990,
    0x3c8b3782720c0ab4, 0x3fef1285a6e4030b,
    0x3c6e149289cecb8f, 0x3fef0cafa93e2f56,
    0x3c834d754db0abb6, 0x3fef06fe0a31b715,
    0x3c864201e2ac744c, 0x3fef0170fc4cd831,
    0x3c8fdd395dd3f84a, 0x3feefc08b26416ff,
    0xbc86a3803b8e5b04, 0x3feef6c55f929ff1,
    0xbc924aedcc4b5068, 0x3feef1a7373aa9cb,
    0xbc9907f81b512d8e, 0x3feeecae6d05d866,
    0xbc71d1e83e9436d2, 0x3feee7db34e59ff7,
    0xbc991919b3ce1b15, 0x3feee32dc313a8e5,
    0x3c859f48a72a4c6d, 0x3feedea64c123422,
    0xbc9312607a28698a, 0x3feeda4504ac801c,
    0xbc58a78f4817895b, 0x3feed60a21f72e2a,
    0xbc7c2c9b67499a1b, 0x3feed1f5d950a897,
    0x3c4363ed60c2ac11, 0x3feece086061892d,
    0x3c9666093b0664ef, 0x3feeca41ed1d0057,
    0x3c6ecce1daa10379, 0x3feec6a2b5c13cd0,
    0x3c93ff8e3f0f1230, 0x3feec32af0d7d3de,
    0x3c7690cebb7aafb0, 0x3feebfdad5362a27,
    0x3c931dbdeb54e077, 0x3feebcb299fddd0d,
    0xbc8f94340071a38e, 0x3feeb9b2769d2ca7,
    0xbc87deccdc93a349, 0x3feeb6daa2cf6642,
    0xbc78dec6bd0f385f, 0x3feeb42b569d4f82,
    0xbc861246ec7b5cf6, 0x3feeb1a4ca5d920f,
    0x3c93350518fdd78e, 0x3feeaf4736b527da,
    0x3c7b98b72f8a9b05, 0x3feead12d497c7fd,
    0x3c9063e1e21c5409, 0x3feeab07dd485429,
    0x3c34c7855019c6ea, 0x3feea9268a5946b7,
    0x3c9432e62b64c035, 0x3feea76f15ad2148,
    0xbc8ce44a6199769f, 0x3feea5e1b976dc09,
    0xbc8c33c53bef4da8, 0x3feea47eb03a5585,
    0xbc845378892be9ae, 0x3feea34634ccc320,
    0xbc93cedd78565858, 0x3feea23882552225,
    0x3c5710aa807e1964, 0x3feea155d44ca973,
    0xbc93b3efbf5e2228, 0x3feea09e667f3bcd,
    0xbc6a12ad8734b982, 0x3feea012750bdabf,
    0xbc6367efb86da9ee, 0x3fee9fb23c651a2f,
    0xbc80dc3d54e08851, 0x3fee9f7df9519484,
    0xbc781f647e5a3ecf, 0x3fee9f75e8ec5f74,
    0xbc86ee4ac08b7db0, 0x3fee9f9a48a58174,
    0xbc8619321e55e68a, 0x3fee9feb564267c9,
    0x3c909ccb5e09d4d3, 0x3feea0694fde5d3f,
    0xbc7b32dcb94da51d, 0x3feea11473eb0187,
    0x3c94ecfd5467c06b, 0x3feea1ed0130c132,
    0x3c65ebe1abd66c55, 0x3feea2f336cf4e62,
    0xbc88a1c52fb3cf42, 0x3feea427543e1a12,
    0xbc9369b6f13b3734, 0x3feea589994cce13,
    0xbc805e843a19ff1e, 0x3feea71a4623c7ad,
    0xbc94d450d872576e, 0x3feea8d99b4492ed,
    0x3c90ad675b0e8a00, 0x3feeaac7d98a6699,
    0x3c8db72fc1f0eab4, 0x3feeace5422aa0db,
    0xbc65b6609cc5e7ff, 0x3feeaf3216b5448c,
    0x3c7bf68359f35f44, 0x3feeb1ae99157736,
    0xbc93091fa71e3d83, 0x3feeb45b0b91ffc6,
    0xbc5da9b88b6c1e29, 0x3feeb737b0cdc5e5,
    0xbc6c23f97c90b959, 0x3feeba44cbc8520f,
    0xbc92434322f4f9aa, 0x3feebd829fde4e50,
    0xbc85ca6cd7668e4b, 0x3feec0f170ca07ba,
    0x3c71affc2b91ce27, 0x3feec49182a3f090,
    0x3c6dd235e10a73bb, 0x3feec86319e32323,
    0xbc87c50422622263, 0x3feecc667b5de565,
    0x3c8b1c86e3e231d5, 0x3feed09bec4a2d33,
    0xbc91bbd1d3bcbb15, 0x3feed503b23e255d,
    0x3c90cc319cee31d2, 0x3feed99e1330b358,
    0x3c8469846e735ab3, 0x3feede6b5579fdbf,
    0xbc82dfcd978e9db4, 0x3feee36bbfd3f37a,
    0x3c8c1a7792cb3387, 0x3feee89f995ad3ad,
    0xbc907b8f4ad1d9fa, 0x3feeee07298db666,
    0xbc55c3d956dcaeba, 0x3feef3a2b84f15fb,
    0xbc90a40e3da6f640, 0x3feef9728de5593a,
    0xbc68d6f438ad9334, 0x3feeff76f2fb5e47,
    0xbc91eee26b588a35, 0x3fef05b030a1064a,
    0x3c74ffd70a5fddcd, 0x3fef0c1e904bc1d2,
    0xbc91bdfbfa9298ac, 0x3fef12c25bd71e09,
    0x3c736eae30af0cb3, 0x3fef199bdd85529c,
    0x3c8ee3325c9ffd94, 0x3fef20ab5fffd07a,
    0x3c84e08fd10959ac, 0x3fef27f12e57d14b,
    0x3c63cdaf384e1a67, 0x3fef2f6d9406e7b5,
    0x3c676b2c6c921968, 0x3fef3720dcef9069,
    0xbc808a1883ccb5d2, 0x3fef3f0b555dc3fa,
    0xbc8fad5d3ffffa6f, 0x3fef472d4a07897c,
    0xbc900dae3875a949, 0x3fef4f87080d89f2,
    0x3c74a385a63d07a7, 0x3fef5818dcfba487,
    0xbc82919e2040220f, 0x3fef60e316c98398,
    0x3c8e5a50d5c192ac, 0x3fef69e603db3285,
    0x3c843a59ac016b4b, 0x3fef7321f301b460,
    0xbc82d52107b43e1f, 0x3fef7c97337b9b5f,
    0xbc892ab93b470dc9, 0x3fef864614f5a129,
    0x3c74b604603a88d3, 0x3fef902ee78b3ff6,
    0x3c83c5ec519d7271, 0x3fef9a51fbc74c83,
    0xbc8ff7128fd391f0, 0x3fefa4afa2a490da,
    0xbc8dae98e223747d, 0x3fefaf482d8e67f1,
    0x3c8ec3bc41aa2008, 0x3fefba1bee615a27,
    0x3c842b94c3a9eb32, 0x3fefc52b376bba97,
    0x3c8a64a931d185ee, 0x3fefd0765b6e4540,
    0xbc8e37bae43be3ed, 0x3fefdbfdad9cbe14,
    0x3c77893b4d91cd9d, 0x3fefe7c1819e90d8,
    0x3c5305c14160cc89, 0x3feff3c22b8f71f1,
];

/// Whether [`exp_tab_core`] applies: `2⁻⁵⁴ ≤ |x| < 512` (ARM's `abstop` test; outside it, and
/// for NaN, [`exp_tab`] calls `libm::exp`, exact there too: `1 + x` below, overflow or
/// underflow handling above).
#[inline(always)]
fn tab_in_range(x: f64) -> bool {
    let top = (x.to_bits() >> 52) & 0x7ff;
    top.wrapping_sub(0x3c9) < 0x408 - 0x3c9
}

/// The table method's body; see [`exp_tab`]. Exact only when [`tab_in_range`] holds.
#[inline(always)]
fn exp_tab_core(x: f64) -> f64 {
    let z = tab::INV_LN2_N * x;
    let kd = z + tab::SHIFT;
    let ki = kd.to_bits();
    let kd = kd - tab::SHIFT;
    let r = x + kd * tab::neg_ln2_hi_n() + kd * tab::neg_ln2_lo_n();
    let idx = 2 * (ki % 128) as usize;
    let top = ki << 45;
    let tail = f64::from_bits(EXP_TAB[idx]);
    let sbits = EXP_TAB[idx + 1].wrapping_add(top);
    let [c2, c3, c4, c5] = tab::c();
    let r2 = r * r;
    let tmp = tail + r + r2 * (c2 + r * c3) + r2 * r2 * (c4 + r * c5);
    let scale = f64::from_bits(sbits);
    scale + scale * tmp
}

/// `eˣ` by the table method (see the module section above): within 0.515 ulp, not bit-identical
/// to `libm::exp`.
#[inline]
pub fn exp_tab(x: f64) -> f64 {
    if tab_in_range(x) {
        exp_tab_core(x)
    } else {
        libm::exp(x)
    }
}

/// `v[i] ← exp_tab(v[i])`.
pub fn exp_tab_in_place(v: &mut [f64]) {
    exp_tab_map(v, |e| e);
}

/// `v[i] ← f(exp_tab(v[i]))`, in one pass without a branch per element when every argument is
/// in range (so LLVM vectorizes it), else element by element.
#[inline(always)]
pub(crate) fn exp_tab_map(v: &mut [f64], f: impl Fn(f64) -> f64) {
    if v.iter().fold(true, |all, &x| all & tab_in_range(x)) {
        v.iter_mut().for_each(|x| *x = f(exp_tab_core(*x)));
    } else {
        v.iter_mut().for_each(|x| *x = f(exp_tab(*x)));
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

    #[test]
    fn exp_tab_is_within_an_ulp_of_libm() {
        // Both exps are within an ulp of eˣ (table method ≤ 0.515 ulp, libm ≤ 1 ulp), so they
        // may differ by at most ~1.5 ulp; asserted: |exp_tab − libm::exp| ≤ 1 ulp of libm's
        // value on 1.1·10⁶ arguments (the funnel's range, the whole table range ±512 and
        // beyond to ±700 where libm takes over, log-uniform magnitudes down to 2⁻⁶⁰), equality
        // at the special values, and that they agree bit for bit on most arguments (92% here;
        // asserted > 90%): a wrong table entry or coefficient would break both.
        let mut r = SeededRng::new(97, 0);
        let mut xs: Vec<f64> = (0..500_000)
            .map(|_| 40.0 * (2.0 * r.uniform() - 1.0))
            .collect();
        xs.extend((0..500_000).map(|_| 1400.0 * (r.uniform() - 0.5)));
        xs.extend((0..100_000).map(|_| {
            let m = libm::exp2(-60.0 + 70.0 * r.uniform());
            if r.uniform() < 0.5 {
                -m
            } else {
                m
            }
        }));
        let mut same = 0usize;
        for &x in &xs {
            let (a, b) = (exp_tab(x), libm::exp(x));
            let ulp = |v: f64| f64::from_bits(v.to_bits() + 1) - v;
            if b > 0.0 && b.is_finite() {
                assert!(
                    (a - b).abs() <= ulp(b),
                    "exp_tab({x:e}) = {a:e}, libm {b:e}"
                );
            } else {
                assert_eq!(a.to_bits(), b.to_bits(), "x = {x:e}");
            }
            same += (a.to_bits() == b.to_bits()) as usize;
        }
        assert!(
            same as f64 > 0.90 * xs.len() as f64,
            "{same} of {}",
            xs.len()
        );
        for x in [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            800.0,
            -800.0,
        ] {
            let (a, b) = (exp_tab(x), libm::exp(x));
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        }
        let mut v = xs.clone();
        exp_tab_in_place(&mut v);
        assert!(v
            .iter()
            .zip(&xs)
            .all(|(&a, &x)| a.to_bits() == exp_tab(x).to_bits()));
    }

    #[test]
    fn exp_table_is_musls() {
        // Entries of musl's __exp_data.tab (src/math/exp_data.c, EXP_TABLE_BITS = 7).
        assert_eq!(&EXP_TAB[0..2], &[0x0, 0x3ff0_0000_0000_0000]);
        assert_eq!(
            &EXP_TAB[2..4],
            &[0x3c9b_3b4f_1a88_bf6e, 0x3fef_f63d_a9fb_3335]
        );
        assert_eq!(
            &EXP_TAB[254..256],
            &[0x3c53_05c1_4160_cc89, 0x3fef_f3c2_2b8f_71f1]
        );
        // Every H_j is within half an ulp of 2^{j/128} (libm's exp2 is within 1 ulp).
        for j in 0..128u64 {
            let h = f64::from_bits(EXP_TAB[2 * j as usize + 1].wrapping_add(j << 45));
            let want = libm::exp2(j as f64 / 128.0);
            assert!((h - want).abs() <= 2.3e-16 * want, "j = {j}");
        }
    }
}
