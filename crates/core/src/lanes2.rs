//! Two-lane values for the funnel's fused step (issue 7, W2): [`F2`] (two `f64`), [`U2`] (two
//! `u64`) and [`M2`] (two lane masks). Under wasm `+simd128` each is one `v128` and every
//! operation one SIMD instruction (or a short fixed sequence), so the kernel is `f64x2`/`i64x2`
//! code whatever LLVM's vectorizer decides; elsewhere they are plain pairs computed lane by
//! lane. Every operation is exact IEEE arithmetic or a bit operation, lane-wise, with no FMA:
//! both builds compute the same bits.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Two `f64` lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct F2(v128);
    /// Two `u64` lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct U2(v128);
    /// Two lane masks (all ones or all zeros per 64-bit lane).
    #[derive(Clone, Copy, Debug)]
    pub struct M2(v128);

    impl F2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F2(f64x2_splat(x))
        }
        #[inline(always)]
        pub fn new(a: f64, b: f64) -> Self {
            F2(f64x2(a, b))
        }
        #[inline(always)]
        pub fn lane<const L: usize>(self) -> f64 {
            f64x2_extract_lane::<L>(self.0)
        }
        #[inline(always)]
        pub fn add(self, b: F2) -> F2 {
            F2(f64x2_add(self.0, b.0))
        }
        #[inline(always)]
        pub fn sub(self, b: F2) -> F2 {
            F2(f64x2_sub(self.0, b.0))
        }
        #[inline(always)]
        pub fn neg(self) -> F2 {
            F2(f64x2_neg(self.0))
        }
        #[inline(always)]
        pub fn le(self, b: F2) -> M2 {
            M2(f64x2_le(self.0, b.0))
        }
        #[inline(always)]
        pub fn mul(self, b: F2) -> F2 {
            F2(f64x2_mul(self.0, b.0))
        }
        #[inline(always)]
        pub fn abs(self) -> F2 {
            F2(f64x2_abs(self.0))
        }
        #[inline(always)]
        pub fn lt(self, b: F2) -> M2 {
            M2(f64x2_lt(self.0, b.0))
        }
    }

    impl U2 {
        #[inline(always)]
        pub fn splat(x: u64) -> Self {
            U2(u64x2_splat(x))
        }
        #[inline(always)]
        pub fn new(a: u64, b: u64) -> Self {
            U2(u64x2(a, b))
        }
        #[inline(always)]
        pub fn lane<const L: usize>(self) -> u64 {
            u64x2_extract_lane::<L>(self.0)
        }
        #[inline(always)]
        pub fn add(self, b: U2) -> U2 {
            U2(i64x2_add(self.0, b.0))
        }
        #[inline(always)]
        pub fn sub(self, b: U2) -> U2 {
            U2(i64x2_sub(self.0, b.0))
        }
        #[inline(always)]
        pub fn xor(self, b: U2) -> U2 {
            U2(v128_xor(self.0, b.0))
        }
        #[inline(always)]
        pub fn or(self, b: U2) -> U2 {
            U2(v128_or(self.0, b.0))
        }
        #[inline(always)]
        pub fn and(self, b: U2) -> U2 {
            U2(v128_and(self.0, b.0))
        }
        #[inline(always)]
        pub fn shl(self, k: u32) -> U2 {
            U2(i64x2_shl(self.0, k))
        }
        #[inline(always)]
        pub fn shr(self, k: u32) -> U2 {
            U2(u64x2_shr(self.0, k))
        }
        #[inline(always)]
        /// The same bits as two `f64`.
        pub fn as_f64(self) -> F2 {
            F2(self.0)
        }
    }

    impl M2 {
        #[inline(always)]
        pub fn new(a: bool, b: bool) -> Self {
            M2(i64x2(-(a as i64), -(b as i64)))
        }
        #[inline(always)]
        pub fn lane<const L: usize>(self) -> bool {
            i64x2_extract_lane::<L>(self.0) != 0
        }
        #[inline(always)]
        pub fn and(self, b: M2) -> M2 {
            M2(v128_and(self.0, b.0))
        }
        #[inline(always)]
        pub fn and_not(self, b: M2) -> M2 {
            M2(v128_andnot(self.0, b.0))
        }
        /// `if self { a } else { b }` lane by lane.
        #[inline(always)]
        pub fn select(self, a: F2, b: F2) -> F2 {
            F2(v128_bitselect(a.0, b.0, self.0))
        }
        /// `if self { a } else { b }` lane by lane.
        #[inline(always)]
        pub fn select_u(self, a: U2, b: U2) -> U2 {
            U2(v128_bitselect(a.0, b.0, self.0))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    /// Two `f64` lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct F2([f64; 2]);
    /// Two `u64` lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct U2([u64; 2]);
    /// Two lane masks, all ones or all zeros per lane (so selects are bit operations, which
    /// LLVM vectorizes, not branches).
    #[derive(Clone, Copy, Debug)]
    pub struct M2([u64; 2]);

    macro_rules! lanewise {
        ($t:ident, $out:ident, $name:ident, |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr) => {
            #[inline(always)]
            pub fn $name(self, b: $t) -> $out {
                let f = |$a: $ta, $b: $tb| $e;
                $out([f(self.0[0], b.0[0]), f(self.0[1], b.0[1])])
            }
        };
    }

    impl F2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F2([x; 2])
        }
        #[inline(always)]
        pub fn new(a: f64, b: f64) -> Self {
            F2([a, b])
        }
        #[inline(always)]
        pub fn lane<const L: usize>(self) -> f64 {
            self.0[L]
        }
        lanewise!(F2, F2, add, |a: f64, b: f64| a + b);
        lanewise!(F2, F2, sub, |a: f64, b: f64| a - b);
        lanewise!(F2, M2, le, |a: f64, b: f64| ((a <= b) as u64)
            .wrapping_neg());
        #[inline(always)]
        pub fn neg(self) -> F2 {
            F2(self.0.map(|a| -a))
        }
        lanewise!(F2, F2, mul, |a: f64, b: f64| a * b);
        lanewise!(F2, M2, lt, |a: f64, b: f64| ((a < b) as u64).wrapping_neg());
        #[inline(always)]
        pub fn abs(self) -> F2 {
            F2(self.0.map(f64::abs))
        }
    }

    impl U2 {
        #[inline(always)]
        pub fn splat(x: u64) -> Self {
            U2([x; 2])
        }
        #[inline(always)]
        pub fn new(a: u64, b: u64) -> Self {
            U2([a, b])
        }
        #[inline(always)]
        pub fn lane<const L: usize>(self) -> u64 {
            self.0[L]
        }
        lanewise!(U2, U2, add, |a: u64, b: u64| a.wrapping_add(b));
        lanewise!(U2, U2, sub, |a: u64, b: u64| a.wrapping_sub(b));
        lanewise!(U2, U2, xor, |a: u64, b: u64| a ^ b);
        lanewise!(U2, U2, or, |a: u64, b: u64| a | b);
        lanewise!(U2, U2, and, |a: u64, b: u64| a & b);
        #[inline(always)]
        pub fn shl(self, k: u32) -> U2 {
            U2(self.0.map(|a| a << k))
        }
        #[inline(always)]
        pub fn shr(self, k: u32) -> U2 {
            U2(self.0.map(|a| a >> k))
        }
        #[inline(always)]
        /// The same bits as two `f64`.
        pub fn as_f64(self) -> F2 {
            F2(self.0.map(f64::from_bits))
        }
    }

    impl M2 {
        #[inline(always)]
        pub fn new(a: bool, b: bool) -> Self {
            M2([(a as u64).wrapping_neg(), (b as u64).wrapping_neg()])
        }
        #[inline(always)]
        pub fn lane<const L: usize>(self) -> bool {
            self.0[L] != 0
        }
        lanewise!(M2, M2, and, |a: u64, b: u64| a & b);
        lanewise!(M2, M2, and_not, |a: u64, b: u64| a & !b);
        /// `if self { a } else { b }` lane by lane.
        #[inline(always)]
        pub fn select(self, a: F2, b: F2) -> F2 {
            let (a, b) = (U2(a.0.map(f64::to_bits)), U2(b.0.map(f64::to_bits)));
            self.select_u(a, b).as_f64()
        }
        /// `if self { a } else { b }` lane by lane.
        #[inline(always)]
        pub fn select_u(self, a: U2, b: U2) -> U2 {
            U2([0, 1].map(|l| (a.0[l] & self.0[l]) | (b.0[l] & !self.0[l])))
        }
    }
}

pub(crate) use imp::{F2, M2, U2};

impl U2 {
    /// Rotate each lane left by `k` (`0 < k < 64`).
    #[inline(always)]
    pub fn rotl(self, k: u32) -> U2 {
        self.shl(k).or(self.shr(64 - k))
    }
}
