//! The browser side of the benchmark suite (issue 7): each entry runs one workload of
//! `noiselab_bench` (crates/bench) to the end, for `bench/` pages to time (the funnel, W2, is timed
//! through `FunnelRun` as the lab runs it).

use noiselab_bench::{self as wl, MlpBench};
use wasm_bindgen::prelude::*;

/// W1: a fresh 2-64-64-1 tanh MLP trained for `steps` SGD steps (batch 32, α = 0.01) on the
/// 1,024 W1 points; returns the last batch's mean loss (so the work cannot be skipped).
#[wasm_bindgen(js_name = benchMlp)]
pub fn bench_mlp(steps: u32) -> f64 {
    MlpBench::new().run(steps as usize)
}

/// W3: the top Hessian eigenvalue of the W1 network at initialisation on 256 points with exact
/// Hessian–vector products, to 1e-6 relative, by Lanczos (`lanczos = true`) or power iteration:
/// `[eigenvalue, products]`.
#[wasm_bindgen(js_name = benchSharpness)]
pub fn bench_sharpness(lanczos: bool) -> Vec<f64> {
    let r = if lanczos { wl::w3_lanczos() } else { wl::w3() };
    vec![r.eigenvalue, r.iterations as f64]
}
