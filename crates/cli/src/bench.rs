//! `noiselab bench`: the native side of the benchmark suite (issue 7, `npm run bench`). Each
//! workload is defined once in `noiselab_bench` (crates/bench); this times it: one warm-up run,
//! then `--runs` timed runs, printed as one JSON object (median, min, max and every run).

use clap::ValueEnum;
use noiselab_bench::{self as wl, MlpBench};
use noiselab_core::experiment::Experiment;
use noiselab_core::funnel::Funnel;
use serde_json::json;
use std::time::Instant;

/// The workloads of the suite.
#[derive(Clone, Copy, ValueEnum)]
pub enum Workload {
    /// W2: noisy GD on the funnel; nanoseconds per trajectory-step.
    Funnel,
    /// W1: SGD on the 2-64-64-1 tanh MLP, batch 32; steps per second.
    Mlp,
    /// W3: top Hessian eigenvalue of the W1 net on 256 points to 1e-6 (Lanczos); milliseconds.
    Sharpness,
    /// W3 by power iteration (the peers' algorithm), same products and tolerance.
    SharpnessPower,
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    };
    (median, v[0], v[n - 1])
}

/// Time `workload` and print the JSON result.
pub fn run(
    workload: Workload,
    runs: usize,
    trajectories: u32,
    steps: Option<u32>,
) -> Result<(), String> {
    let runs = runs.max(1);
    let timed = |f: &mut dyn FnMut() -> f64| -> (Vec<f64>, f64) {
        f();
        let mut seconds = Vec::with_capacity(runs);
        let mut check = 0.0;
        for _ in 0..runs {
            let t0 = Instant::now();
            check = f();
            seconds.push(t0.elapsed().as_secs_f64());
        }
        (seconds, check)
    };
    let (name, unit, values, check, extra) = match workload {
        Workload::Funnel => {
            let steps = steps.unwrap_or(1000);
            let config = wl::w2_config(trajectories, steps);
            config
                .validate()
                .map_err(|e| format!("invalid settings: {e}"))?;
            let (s, check) = timed(&mut || {
                let mut f = Funnel::new(config.clone());
                f.run(usize::MAX);
                f.snapshot().stats.mean_x
            });
            let per = trajectories as f64 * steps as f64;
            let ns: Vec<f64> = s.iter().map(|t| t * 1e9 / per).collect();
            (
                "W2 funnel",
                "ns/traj-step",
                ns,
                check,
                json!({"trajectories": trajectories, "steps": steps}),
            )
        }
        Workload::Mlp => {
            let steps = steps.unwrap_or(2000) as usize;
            let (s, check) = timed(&mut || MlpBench::new().run(steps));
            let rate: Vec<f64> = s.iter().map(|t| steps as f64 / t).collect();
            (
                "W1 MLP SGD",
                "steps/s",
                rate,
                check,
                json!({"steps": steps}),
            )
        }
        Workload::Sharpness | Workload::SharpnessPower => {
            let lanczos = matches!(workload, Workload::Sharpness);
            let mut iterations = 0;
            let (s, check) = timed(&mut || {
                let r = if lanczos { wl::w3_lanczos() } else { wl::w3() };
                iterations = r.iterations;
                r.eigenvalue
            });
            let ms: Vec<f64> = s.iter().map(|t| t * 1e3).collect();
            (
                "W3 sharpness",
                "ms",
                ms,
                check,
                json!({"iterations": iterations, "method": if lanczos { "lanczos" } else { "power" }}),
            )
        }
    };
    let (median, min, max) = stats(values.clone());
    println!(
        "{}",
        json!({"workload": name, "implementation": "native (release)", "unit": unit,
               "median": median, "min": min, "max": max, "runs": values, "check": check,
               "params": extra})
    );
    Ok(())
}
