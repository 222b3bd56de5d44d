//! `noiselab run sharpness|sharpness-rescale` (SCIENCE.md §1). The cost of λ_max is timed by
//! `noiselab bench sharpness` (crate::bench over `noiselab_bench`, issue 7).

use crate::Entry;
use crate::output::{self, Format, Out, Settings};
use noiselab_core::sharpness::rescale::rescale_report;
use noiselab_core::sharpness::{BatchSizeExperiment, SharpnessConfig};
use serde_json::json;

/// The kind's own run, `noiselab run sharpness`, then its analyses (`sharpness-rescale`); build.rs
/// gathers every registry kind's `EXPERIMENTS` into the command line's table.
pub const EXPERIMENTS: &[Entry] = &[
    Entry::kind::<SharpnessConfig>(
        "Sharp and flat minima: small- vs large-batch SGD, λ_max(H), tr H, λ_max(G) (Keskar et al.)",
        run,
    ),
    Entry::analysis::<SharpnessConfig>(
        "sharpness-rescale",
        "Dinh et al.'s rescaling of the 2-3-1 ReLU demo net: same function, different sharpness",
        run_rescale,
    ),
];

/// `noiselab run sharpness`: small- and large-batch runs to the end; one row per measurement
/// (columns `HISTORY_FIELDS`); JSON adds the settings, the final snapshot, the loss slices and,
/// as the widget's export does, Dinh et al.'s rescaling (`rescale`: [`run_rescale`]'s report).
pub fn run(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: SharpnessConfig = output::config(settings)?;
    let rescale = rescale_report(config.seed as u64, config.demo_noise, config.rescale, 41);
    let (e, outcome) = output::run_lab::<BatchSizeExperiment>(
        settings,
        out,
        |e| json!({"slice": e.slice(61), "rescale": rescale}),
    )?;
    out.say(format_args!("sharpness: {}", output::ended(&outcome)));
    for r in &noiselab_core::experiment::Experiment::snapshot(&e).runs {
        out.say(format_args!(
            "  B = {:>4} (repeat {}): {} steps, λ_max(H) {:.4}, tr H {:.3} ± {:.3}, λ_max(G) {:.4}, test loss {:.4}, test error {:.4}{}",
            r.batch_size,
            r.repeat,
            r.step,
            r.last.lambda_max,
            r.last.trace,
            r.last.trace_se,
            r.last.lambda_max_gauss_newton,
            r.last.test_loss,
            r.last.test_error,
            if r.diverged { " (diverged)" } else { "" }
        ));
    }
    out.say(format_args!("  -> {}", out));
    Ok(())
}

/// `noiselab run sharpness-rescale`: Dinh et al.'s rescaling of the 2-3-1 ReLU demo net over
/// a ∈ [0.25, 10] (41 log-spaced values; `seed`, `demoNoise` from the settings).
pub fn run_rescale(settings: &Settings, out: &mut Out) -> Result<(), String> {
    let config: SharpnessConfig = output::config(settings)?;
    let format = out.format()?;
    let r = rescale_report(config.seed as u64, config.demo_noise, config.rescale, 41);
    if format == Format::Json {
        let settings = output::settings_json(config.to_settings());
        let doc = json!({"experiment": "sharpness-rescale", "settings": settings, "report": r});
        out.json(doc)?;
    } else {
        let header = [
            "a",
            "lambdaMax",
            "lambdaMaxGaussNewton",
            "trace",
            "loss",
            "maxOutputChange",
            "inputGradientNorm",
            "klCarriedPrior",
            "klFixedPrior",
        ];
        let rows = r.sweep.iter().map(|p| {
            output::cells(&[
                p.a,
                p.lambda_max,
                p.lambda_max_gauss_newton,
                p.trace,
                p.loss,
                p.max_output_change,
                p.input_gradient_norm,
                p.kl_carried_prior,
                p.kl_fixed_prior,
            ])
        });
        out.csv(&header, rows)?;
    }
    out.say(format_args!(
        "sharpness-rescale: λ_max(H) from {:.4} (a = 0.25) to {:.4} (a = 10); predicted {:.4}·a² for large a, {:.4}/a² for small a; KL with the prior carried along {:.6} at every a -> {}",
        r.sweep[0].lambda_max,
        r.sweep[r.sweep.len() - 1].lambda_max,
        r.large_a_coefficient,
        r.small_a_coefficient,
        r.current.kl_carried_prior,
        out
    ));
    Ok(())
}
