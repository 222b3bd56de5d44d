//! Portable seeded randomness.
//!
//! [`SeededRng`] wraps ChaCha8 (`rand_chacha`), whose output is specified bit for bit on every
//! platform, and turns it into uniforms and standard normals with only IEEE-exact operations plus
//! `libm::log`, so a seed gives the same numbers natively and in the browser.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded, portable random number generator with an explicit stream number.
///
/// `SeededRng::new(seed, stream)` gives independent sequences for different streams of one seed;
/// the funnel uses stream `i` for trajectory `i`, so trajectory `i` is the same whatever the
/// number of trajectories.
#[derive(Clone, Debug)]
pub struct SeededRng {
    core: ChaCha8Rng,
}

impl SeededRng {
    /// Generator for `(seed, stream)`.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut core = ChaCha8Rng::seed_from_u64(seed);
        core.set_stream(stream);
        Self { core }
    }

    /// Raw 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.core.next_u64()
    }

    /// Uniform on `[0, 1)` with 53 random bits: `(u >> 11) · 2⁻⁵³`.
    pub fn uniform(&mut self) -> f64 {
        (self.core.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Two independent standard normals by Marsaglia's polar method.
    ///
    /// Draw `(u, v)` uniform on `(−1, 1)²` until `0 < s = u² + v² < 1`, then return
    /// `(u·f, v·f)` with `f = sqrt(−2 ln s / s)`. Only `libm::log` is transcendental.
    pub fn normal_pair(&mut self) -> (f64, f64) {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * libm::log(s) / s).sqrt();
                return (u * f, v * f);
            }
        }
    }

    /// One standard normal (the second of the pair is discarded; use [`Self::normal_pair`] when
    /// two are needed).
    pub fn normal(&mut self) -> f64 {
        self.normal_pair().0
    }
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
    fn streams_differ() {
        let mut a = SeededRng::new(7, 0);
        let mut b = SeededRng::new(7, 1);
        let same = (0..64).filter(|_| a.next_u64() == b.next_u64()).count();
        assert_eq!(same, 0);
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
    fn normal_moments() {
        // n = 200k draws: SE of the mean 2.2e-3, SE of the variance sqrt(2/n) = 3.2e-3,
        // SE of the 4th moment sqrt(96/n) = 0.022. Tolerances are 5 SE (false-alarm rate < 1e-6).
        let mut r = SeededRng::new(2, 0);
        let n = 100_000;
        let (mut m1, mut m2, mut m4) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let (a, b) = r.normal_pair();
            for z in [a, b] {
                m1 += z;
                m2 += z * z;
                m4 += z * z * z * z;
            }
        }
        let n = (2 * n) as f64;
        assert!((m1 / n).abs() < 5.0 * (1.0 / n).sqrt());
        assert!((m2 / n - 1.0).abs() < 5.0 * (2.0 / n).sqrt());
        assert!((m4 / n - 3.0).abs() < 5.0 * (96.0 / n).sqrt());
    }

    #[test]
    fn normal_pair_components_uncorrelated() {
        let mut r = SeededRng::new(3, 0);
        let n = 100_000;
        let mut sab = 0.0;
        for _ in 0..n {
            let (a, b) = r.normal_pair();
            sab += a * b;
        }
        assert!((sab / n as f64).abs() < 5.0 / (n as f64).sqrt());
    }
}
