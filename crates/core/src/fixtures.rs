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

/// Expected [`funnel_fixture`] hash (recorded natively; the wasm tests assert the same value).
pub const FUNNEL_FIXTURE_HASH: u64 = 0x5f11_2b72_75d3_4b53;
/// Expected [`funnel_fixture`] mean x, as IEEE-754 bits.
pub const FUNNEL_FIXTURE_MEAN_X_BITS: u64 = 0xbff9_9725_d58e_b1fa;
/// Hash of the first 8 normals of `SeededRng::new(42, 0)` (4 polar pairs).
pub const NORMALS_SEED42_HASH: u64 = 0x668b_92e3_c23a_b953;
/// Hash of `1 − tanh(x)` and `exp(x)` at `x = 0.173k`, `k = −40 … 40` (through the funnel's and
/// Neal's `h`).
pub const TANH_EXP_HASH: u64 = 0x8834_1b39_953c_4762;
