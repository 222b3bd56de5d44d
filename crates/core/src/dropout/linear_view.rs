//! The dropout widget's linear-regression view as an experiment with settings (SCIENCE.md §2.1;
//! Srivastava et al. 2014, JMLR 15, sec. 9.1; Wager, Wang & Liang 2013): a seeded problem, the
//! closed forms (least squares, the dropout minimizer `w*` = ridge with `λ_j = ρ/(1−ρ)·S_jj`,
//! uniform ridge, `R(w*)` in closed form, by enumerating the `2^D` masks and by Monte Carlo) and
//! an SGD run with dropout on the inputs from `w = 0`, recorded `records` times. One table of
//! settings ([`LINEAR_FIELDS`]) serves the browser (`Dropout.linear(settings)`) and the CLI
//! (`noiselab run dropout-linear`).

use super::linear::{LinearDropoutSgd, LinearProblem, LinearSgdSettings};
use super::Variant;
use crate::config::{settings, ConfigError};
use crate::experiment::{Experiment, StopReason};
use crate::rng::SeededRng;
use serde::Serialize;

settings! {
    /// The linear view's settings; the defaults are what the widget shows (ρ and the seed come
    /// from the dropout kind's own settings, whose defaults they equal).
    pub const LINEAR_FIELDS;
    /// Settings of [`linear_view`].
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct LinearViewConfig {
        pub points: u32 = Integer {
            name: "points",
            label: "training points N",
            unit: "",
            help: "Examples of the seeded regression problem.",
            min: 4,
            max: 1000,
            default: 30,
        },
        pub features: u32 = Integer {
            name: "features",
            label: "features D",
            unit: "",
            help: "Inputs, of scales 0.5 to 2 (geometric); the true weights are all 1.",
            min: 1,
            max: 10,
            default: 5,
        },
        pub noise: f64 = Real {
            name: "noise",
            label: "target noise σ",
            unit: "",
            help: "Standard deviation of the noise on the targets t = Σⱼ xⱼ + σε.",
            min: 0.0,
            max: 5.0,
            min_open: false,
            default: 1.0,
            step: 0.1,
        },
        pub dropout_rate: f64 = Real {
            name: "dropoutRate",
            label: "dropout rate ρ",
            unit: "",
            help: "Drop probability of each input, m ~ Bernoulli(1 − ρ).",
            min: 0.0,
            max: 0.95,
            min_open: false,
            default: 0.6,
            step: 0.05,
        },
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Step size of plain SGD on the dropout loss.",
            min: 1e-6,
            max: 1.0,
            min_open: false,
            default: 0.02,
            step: 0.005,
        },
        pub batch_size: u32 = Integer {
            name: "batchSize",
            label: "batch size B",
            unit: "",
            help: "Examples per SGD step (at most N).",
            min: 1,
            max: 1000,
            default: 4,
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "iterations",
            help: "SGD steps; the tail average starts after a tenth of them.",
            min: 10,
            max: 1_000_000,
            default: 60000,
        },
        pub records: u32 = Integer {
            name: "records",
            label: "records",
            unit: "",
            help: "Recorded points of the SGD run (besides step 0).",
            min: 1,
            max: 2000,
            default: 300,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the problem, the batches and the masks.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    }
    check: |c: &LinearViewConfig| {
        if c.batch_size > c.points {
            vec![ConfigError::OutOfRange {
                field: "batchSize".into(),
                range: format!("from 1 to points ({})", c.points),
                got: c.batch_size.to_string(),
            }]
        } else {
            vec![]
        }
    };
}

/// Passes of the Monte Carlo estimate of `R(w*)`.
pub const MC_PASSES: usize = 40;

/// What the linear view shows. Arrays over the records have `r = records + 1` entries (step 0
/// first; fewer if the run diverged), weights `r·D`, row-major.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearView {
    pub d: usize,
    pub n: usize,
    pub rho: f64,
    /// `S_jj = (XᵀX/N)_jj`.
    pub second_moments: Vec<f64>,
    pub least_squares: Vec<f64>,
    /// `w*`: ridge with `λ_j = ρ/(1−ρ)·S_jj`.
    pub minimizer: Vec<f64>,
    /// Ridge with the uniform penalty of the same total.
    pub uniform_ridge: Vec<f64>,
    /// `λ_j`.
    pub penalty: Vec<f64>,
    /// `R(w*)` in closed form.
    pub regularizer_at_minimizer: f64,
    /// `R(w*)` by enumerating the `2^D` masks.
    pub enumerated: f64,
    /// `R(w*)` by Monte Carlo over [`MC_PASSES`] passes (seed stream 7), and its SE.
    pub mc: f64,
    pub se_mc: f64,
    /// Steps of the records.
    pub steps: Vec<f64>,
    /// SGD iterates.
    pub weights: Vec<f64>,
    /// Tail averages (after `steps/10` burn-in).
    pub averages: Vec<f64>,
    /// Closed-form `R` at the iterates.
    pub regularizer: Vec<f64>,
    /// `J + R` at the tail averages.
    pub objective: Vec<f64>,
    pub final_average: Vec<f64>,
    /// `‖final tail average − w*‖`.
    pub distance: f64,
    pub diverged: bool,
}

/// Run the linear view of `c`: the closed forms and the recorded dropout-SGD run.
pub fn linear_view(c: &LinearViewConfig) -> LinearView {
    let (n, d, rho, seed) = (
        c.points as usize,
        c.features as usize,
        c.dropout_rate,
        c.seed as u64,
    );
    let steps = c.steps as usize;
    let problem = LinearProblem::generate(n, d, c.noise, seed);
    let mut sgd = LinearDropoutSgd::new(
        problem.clone(),
        LinearSgdSettings {
            dropout_rate: rho,
            learning_rate: c.learning_rate,
            batch_size: c.batch_size as usize,
            drop_k: 1,
            variant: Variant::Dropout,
            steps,
            burn_in: steps / 10,
            seed,
        },
    );
    let every = steps.div_ceil(c.records as usize).max(1);
    let (mut at, mut weights, mut averages, mut reg, mut objective) =
        (vec![0.0], vec![], vec![], vec![], vec![]);
    let mut push = |s: &LinearDropoutSgd| {
        let snap = s.snapshot();
        weights.extend_from_slice(&snap.weights);
        averages.extend_from_slice(&snap.tail_average);
        reg.push(problem.regularizer(&snap.weights, rho));
        objective.push(snap.regularized_loss);
    };
    push(&sgd);
    while sgd.run(every).stop.is_none() {
        at.push(sgd.steps_done() as f64);
        push(&sgd);
    }
    at.push(sgd.steps_done() as f64);
    push(&sgd);
    let minimizer = sgd.minimizer().to_vec();
    let snap = sgd.snapshot();
    let (mc, se_mc) =
        problem.regularizer_mc(&minimizer, rho, MC_PASSES, &mut SeededRng::new(seed, 7));
    LinearView {
        d,
        n,
        rho,
        second_moments: problem.second_moments(),
        least_squares: problem.least_squares(),
        uniform_ridge: problem.uniform_ridge(rho),
        penalty: problem.matching_penalty(rho),
        regularizer_at_minimizer: problem.regularizer(&minimizer, rho),
        enumerated: problem.regularizer_enumerated(&minimizer, rho),
        minimizer,
        mc,
        se_mc,
        steps: at,
        weights,
        averages,
        regularizer: reg,
        objective,
        final_average: snap.tail_average,
        distance: snap.distance_to_minimizer,
        diverged: snap.stop_reason == Some(StopReason::Diverged),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a over the little-endian bits of every number, in the order of the fields.
    fn hash(v: &LinearView) -> u64 {
        let scalars = |x: f64| vec![x];
        let parts = [
            v.second_moments.clone(),
            v.least_squares.clone(),
            v.minimizer.clone(),
            v.uniform_ridge.clone(),
            v.penalty.clone(),
            scalars(v.regularizer_at_minimizer),
            scalars(v.enumerated),
            scalars(v.mc),
            scalars(v.se_mc),
            v.steps.clone(),
            v.weights.clone(),
            v.averages.clone(),
            v.regularizer.clone(),
            v.objective.clone(),
            v.final_average.clone(),
            scalars(v.distance),
        ];
        let mut h: u64 = 0xcbf29ce484222325;
        for x in parts.iter().flatten() {
            for b in x.to_bits().to_le_bytes() {
                h = (h ^ b as u64).wrapping_mul(0x100000001b3);
            }
        }
        h
    }

    fn at(rho: &str, seed: &str) -> LinearView {
        let c = LinearViewConfig::from_settings([("dropoutRate", rho), ("seed", seed)]).unwrap();
        linear_view(&c)
    }

    /// The numbers of the widget's old positional call `Dropout.linear(30, 5, 1, ρ, 0.02, 4,
    /// 60000, 300, seed)` (the wasm build of 2026-12-06 19:14, hashed in node the same way),
    /// at the defaults and three more (ρ, seed), one of which diverges.
    #[test]
    fn the_config_at_the_widget_values_gives_the_old_positional_numbers() {
        let defaults = linear_view(&LinearViewConfig::default());
        assert_eq!(hash(&defaults), 0x1b29ef978d2f2f10);
        assert_eq!(defaults.distance, 0.005228963380975102);
        assert_eq!(defaults.mc, 0.9101233682779872);
        assert_eq!(defaults.weights.len(), 301 * 5);
        assert_eq!(hash(&at("0", "1")), 0xc730b01e71a76237);
        assert_eq!(hash(&at("0.3", "7")), 0xd274a4531a3bf668);
        let diverged = at("0.95", "4294967295");
        assert_eq!(hash(&diverged), 0xdcfdda91bc9ee1e0);
        assert!(diverged.diverged && diverged.distance.is_infinite());
        assert_eq!(diverged.weights.len(), 185);
    }

    #[test]
    fn the_table_checks_every_field_and_the_batch_against_the_points() {
        let e = LinearViewConfig::from_settings([("dropoutRate", "1"), ("features", "2.5")])
            .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field()).collect();
        assert_eq!(fields, ["dropoutRate", "features"]);
        let e = LinearViewConfig::from_settings([("points", "8"), ("batchSize", "9")]).unwrap_err();
        assert_eq!(e.0[0].field(), "batchSize");
        assert!(e.to_string().contains("from 1 to points (8)"), "{e}");
        let c = LinearViewConfig::from_settings([("points", "8"), ("batchSize", "8")]).unwrap();
        let back = c.to_settings();
        let again =
            LinearViewConfig::from_settings(back.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(again, c);
    }
}
