//! Seeded regression fixtures shared by the native tests and the WebAssembly tests in headless
//! Chromium: both must reproduce these values bit for bit.

use crate::experiment::Experiment;
use crate::funnel::{Cost, Funnel, FunnelConfig};

/// FNV-1a over the IEEE-754 bit patterns of `values`: equal hashes mean bit-identical numbers.
pub fn hash_f64s<'a>(values: impl IntoIterator<Item = &'a f64>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The funnel fixture: default cost, α = 0.1, σ = 1.5, M = 64, 300 steps, seed 2026.
pub fn funnel_fixture_config() -> FunnelConfig {
    FunnelConfig {
        cost: Cost::Funnel,
        learning_rate: 0.1,
        noise_std: 1.5,
        trajectories: 64,
        steps: 300,
        start_x: -2.0,
        start_y: 1.0,
        seed: 2026,
        shown_paths: 3,
    }
}

/// Run the funnel fixture to the end; return `(hash of history, paths and positions, mean x)`.
pub fn funnel_fixture() -> (u64, f64) {
    let mut f = Funnel::new(funnel_fixture_config());
    f.run(usize::MAX);
    let positions = f.positions();
    let hash = hash_f64s(f.history().iter().chain(f.paths()).chain(&positions));
    (hash, f.snapshot().stats.mean_x)
}

/// Hash of both flows of [`funnel_fixture_config`] ([`crate::funnel::FunnelFlows::rows`]):
/// adaptive RK4 runs that take hundreds of accepted/rejected decisions, so any bit difference
/// between native and wasm arithmetic would change the steps and the hash.
pub fn funnel_flow_fixture() -> u64 {
    hash_f64s(&crate::funnel::FunnelFlows::new(&funnel_fixture_config()).rows())
}

/// Expected [`funnel_flow_fixture`] hash (recorded natively; the wasm tests assert the same).
pub const FUNNEL_FLOW_HASH: u64 = 0xf0b3_e079_fce1_806d;

/// Expected [`funnel_fixture`] hash (recorded natively; the wasm tests assert the same value).
/// Regenerated once for issue 22 (the trajectories' table `exp`); the mean x kept its bits.
pub const FUNNEL_FIXTURE_HASH: u64 = 0x6beb_abf6_d285_c9ea;
/// Expected [`funnel_fixture`] mean x, as IEEE-754 bits.
pub const FUNNEL_FIXTURE_MEAN_X_BITS: u64 = 0xbffd_c62e_3215_5cc9;
/// Hash of the first 10,000 normals of `SeededRng::new(42, 0)`.
pub const NORMALS_SEED42_HASH: u64 = 0xd0bc_70f4_5c9b_c6c4;
/// Hash of the funnel's `h`, `h'` and Neal's `h` at `x = 0.173k`, `k = −40 … 40` (libm's `exp`).
pub const CURVATURE_HASH: u64 = 0xd174_dc14_1ded_142e;
