//! `noiselab run description-length|description-length-sweep` (SCIENCE.md §4; the browser's
//! `<noiselab-description-length>` with the same settings, seeds and numbers).

use crate::Entry;
use crate::output::{self, Format, Out, Settings};
use noiselab_core::bayes::description_length::{
    sweep_grid, sweep_point, BbbLogReg, BbbLogRegConfig, SWEEP_COUNT, SWEEP_HI, SWEEP_LO,
};
use noiselab_core::experiment::Experiment;
use serde_json::json;

/// The kind's own run, `noiselab run description-length`, then its analyses
/// (`description-length-sweep`); build.rs gathers every registry kind's `EXPERIMENTS` into the
/// command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<BbbLogRegConfig>(
        "Bayes by Backprop on 2-D logistic regression: ELBO, KL in bits, PAC-Bayes bounds",
        run,
    ),
    Entry::analysis::<BbbLogRegConfig>(
        "description-length-sweep",
        "The description-length run at 11 prior variances, η = 10^(−3) … 10² half a decade apart (code lengths, bounds and test error against η)",
        run_sweep,
    ),
];

/// A Bayes-by-Backprop run: JSON (settings, snapshot, history) or CSV (one row per step).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let (run, outcome) = output::run_lab::<BbbLogReg>(settings, out, |_| json!({}))?;
    let snap = run.snapshot();
    let e = snap.evaluation;
    out.say(format_args!(
        "description-length: {} steps ({}), ELBO {:.3}, KL {:.3} bits, train error {:.4}, test error {:.4}, McAllester {:.4}, Langford–Seeger {:.4} -> {}",
        snap.steps_done,
        output::ended(&outcome),
        e.elbo,
        e.kl_bits,
        e.train_error,
        e.test_error,
        e.mcallester_bound,
        e.langford_seeger_bound,
        out
    ));
    Ok(())
}

/// The prior-variance sweep ([`SWEEP_COUNT`] values of η log-spaced on [0.001, 100], each
/// trained to the end), with progress on stderr: JSON or CSV, one row per η.
pub fn run_sweep(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: BbbLogRegConfig = output::config(settings)?;
    let format = out.format()?;
    let grid = sweep_grid(SWEEP_LO, SWEEP_HI, SWEEP_COUNT);
    let mut points = Vec::with_capacity(grid.len());
    for (i, &eta) in grid.iter().enumerate() {
        out.progress(format_args!(
            "sweep: η = {eta:.4} ({} of {})\n",
            i + 1,
            grid.len()
        ));
        points.push(sweep_point(&config, eta));
    }
    if format == Format::Json {
        let doc = json!({
            "experiment": "description-length-sweep",
            "settings": output::settings_json(config.to_settings()),
            "note": format!("each bound holds at confidence δ for its own η; the minimum over the {SWEEP_COUNT} values holds at {SWEEP_COUNT}δ (union bound)"),
            "points": points,
        });
        out.json_compact(doc)?;
    } else {
        let header = [
            "priorVariance",
            "elbo",
            "klNats",
            "klBits",
            "dataBits",
            "descriptionLengthBits",
            "trainError",
            "testError",
            "mcallesterBound",
            "langfordSeegerBound",
        ];
        let rows = points.iter().map(|p| {
            let e = p.evaluation;
            output::cells(&[
                p.prior_variance,
                e.elbo,
                e.kl_nats,
                e.kl_bits,
                e.data_bits,
                e.description_length_bits,
                e.train_error,
                e.test_error,
                e.mcallester_bound,
                e.langford_seeger_bound,
            ])
        });
        out.csv(&header, rows)?;
    }
    let best = points
        .iter()
        .min_by(|a, b| {
            a.evaluation
                .langford_seeger_bound
                .total_cmp(&b.evaluation.langford_seeger_bound)
        })
        .expect("a non-empty sweep");
    out.say(format_args!(
        "description-length-sweep: smallest Langford–Seeger bound {:.4} at η = {:.4} (test error {:.4}) -> {}",
        best.evaluation.langford_seeger_bound,
        best.prior_variance,
        best.evaluation.test_error,
        out
    ));
    Ok(())
}
