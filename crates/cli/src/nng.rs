//! `noiselab run nng`: full NNG, noisy Adam and noisy K-FAC on one Bayesian linear regression
//! (SCIENCE.md §6), per-step KL to the exact posterior as CSV, or everything as JSON.

use crate::Entry;
use crate::output::{self, Out, Settings};
use noiselab_core::experiment::Experiment;
use noiselab_core::nng::{NngConfig, NngRun};
use serde_json::json;

/// The kind's own run, `noiselab run nng`; build.rs gathers every registry kind's `EXPERIMENTS`
/// into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<NngConfig>(
        "Noisy natural gradient: full NNG, noisy Adam and noisy K-FAC on Bayesian linear regression",
        run,
    ),
];

pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let (run, outcome) = output::run_lab::<NngRun>(settings, out, |run| {
        json!({
            "fixedPoints": run.fixed_points(),
            "data": run.data(),
            "ellipsesLayout": "2σ ellipses over weights 1 and 2: target, full, noisy Adam, noisy K-FAC; 96 points (x, y) each",
            "ellipses": run.ellipses(0, 1, 2.0, 96),
        })
    })?;
    let snap = run.snapshot();
    let kl = |i: usize| snap.methods[i].kl;
    out.say(format_args!(
        "nng: {} steps ({}), KL(q‖posterior) full {:.4}, noisy Adam {:.4} (mean-field optimum {:.4}), noisy K-FAC {:.4} (fixed point {:.4}) nats -> {}",
        run.steps_done(),
        output::ended(&outcome),
        kl(0),
        kl(1),
        snap.kl_mean_field,
        kl(2),
        snap.kl_kfac_fixed_point,
        out
    ));
    Ok(())
}
