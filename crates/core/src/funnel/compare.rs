//! "Compare σ" as an experiment with settings (SCIENCE.md §9; the lecture: "larger amounts of
//! noise create a stronger bias towards flatness"): three funnel runs that differ only in the
//! noise std σ — the same cost, α, start, steps, M and seed — advanced in lockstep, with one
//! record: per step, each σ's drift `E[x_t] − x_t^GD` with its standard error and the curves
//! the widget pins (mean x and y, `E[y²]` ± SE, the trajectories alive). One table of settings
//! ([`COMPARE_FIELDS`]) serves the browser (the funnel widget's "Compare σ", class
//! `FunnelCompare`) and the CLI (`noiselab run funnel-compare`).
//!
//! Each run is a [`Funnel`] of its own config, so its numbers are bit-identical to a separate
//! `noiselab run funnel` with that σ. The σ's and M are settings, defaulting to the lecture's
//! σ ∈ {0.5, 1, 2} and to M = 2000 (with the slide's 100 trajectories the drift at σ = 0.5 is
//! not resolved: a lecturer can show that with `trajectories=100`, or try σ = 0 or 4).

use super::config::FIELDS;
use super::{Cost, Funnel, FunnelConfig, FunnelSnapshot};
use crate::config::{settings, ConfigError};
use crate::experiment::{Experiment, RunRecord, StopReason};
use serde::Serialize;

/// Number of compared noise levels.
pub const SIGMAS: usize = 3;

settings! {
    /// The comparison's settings: the funnel's (its own field specs) without σ and the shown
    /// paths, plus the three σ's in increasing order. The defaults are the funnel's and the
    /// lecture's σ ∈ {0.5, 1, 2}.
    pub const COMPARE_FIELDS;
    /// Settings of [`FunnelCompare`]. Field names, ranges and defaults: [`COMPARE_FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CompareConfig {
        /// The valley (the funnel's `cost`).
        pub cost: Cost = spec(FIELDS[0]),
        /// α.
        pub learning_rate: f64 = spec(FIELDS[1]),
        /// σ₁, the smallest noise std.
        pub noise_std1: f64 = Real {
            name: "noiseStd1",
            label: "smallest noise std σ₁",
            unit: "",
            help: "Gradient-noise std of the first run (the lecture's smallest, 0.5).",
            min: 0.0,
            max: 10.0,
            min_open: false,
            default: 0.5,
            step: 0.1,
        },
        /// σ₂.
        pub noise_std2: f64 = Real {
            name: "noiseStd2",
            label: "middle noise std σ₂",
            unit: "",
            help: "Gradient-noise std of the second run (larger than σ₁).",
            min: 0.0,
            max: 10.0,
            min_open: false,
            default: 1.0,
            step: 0.1,
        },
        /// σ₃, the largest.
        pub noise_std3: f64 = Real {
            name: "noiseStd3",
            label: "largest noise std σ₃",
            unit: "",
            help: "Gradient-noise std of the third run (larger than σ₂).",
            min: 0.0,
            max: 10.0,
            min_open: false,
            default: 2.0,
            step: 0.1,
        },
        /// M, for every σ.
        pub trajectories: u32 = spec(FIELDS[3]),
        /// Steps of each run.
        pub steps: u32 = spec(FIELDS[4]),
        /// Start x₀.
        pub start_x: f64 = spec(FIELDS[5]),
        /// Start y₀.
        pub start_y: f64 = spec(FIELDS[6]),
        /// The seed, shared by the three runs.
        pub seed: u32 = spec(FIELDS[7]),
    }
    check: |c: &CompareConfig| {
        let s = c.noise_stds();
        (1..SIGMAS)
            .filter(|&k| s[k] <= s[k - 1])
            .map(|k| ConfigError::OutOfRange {
                field: format!("noiseStd{}", k + 1),
                range: format!("greater than noiseStd{} ({})", k, s[k - 1]),
                got: s[k].to_string(),
            })
            .collect()
    };
}

impl CompareConfig {
    /// `[σ₁, σ₂, σ₃]`.
    pub fn noise_stds(&self) -> [f64; SIGMAS] {
        [self.noise_std1, self.noise_std2, self.noise_std3]
    }

    /// The funnel config of run `k` (σ = σₖ₊₁; no individual paths are kept).
    pub fn funnel(&self, k: usize) -> FunnelConfig {
        FunnelConfig {
            cost: self.cost,
            learning_rate: self.learning_rate,
            noise_std: self.noise_stds()[k],
            trajectories: self.trajectories,
            steps: self.steps,
            start_x: self.start_x,
            start_y: self.start_y,
            seed: self.seed,
            shown_paths: 0,
        }
    }
}

/// Columns of a history row: the step, gradient descent (the same for every σ), then for each
/// σₖ (`sigmaK…`, k = 1, 2, 3) its drift `E[x] − x_GD`, the drift's SE (= SE of the mean x),
/// mean x, mean y, `E[y²]` and its SE, and the trajectories alive.
pub const COMPARE_HISTORY_FIELDS: [&str; 3 + 7 * SIGMAS] = [
    "step",
    "gdX",
    "gdY", //
    "sigma1Drift",
    "sigma1SeDrift",
    "sigma1MeanX",
    "sigma1MeanY",
    "sigma1MeanY2",
    "sigma1SeMeanY2",
    "sigma1Alive", //
    "sigma2Drift",
    "sigma2SeDrift",
    "sigma2MeanX",
    "sigma2MeanY",
    "sigma2MeanY2",
    "sigma2SeMeanY2",
    "sigma2Alive", //
    "sigma3Drift",
    "sigma3SeDrift",
    "sigma3MeanX",
    "sigma3MeanY",
    "sigma3MeanY2",
    "sigma3SeMeanY2",
    "sigma3Alive",
];

/// The readout: each σ's run as the funnel reports it, and whether the drift grows with σ.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareSnapshot {
    pub total_steps: usize,
    pub stop_reason: Option<StopReason>,
    pub step: usize,
    /// `[σ₁, σ₂, σ₃]`.
    pub noise_stds: [f64; SIGMAS],
    pub trajectories: u32,
    /// Run k's snapshot (its drift, SE, statistics and diverged count).
    pub runs: [FunnelSnapshot; SIGMAS],
    /// The lecture's claim at this step: each larger σ's drift exceeds the previous one's by
    /// more than 2 SE of the difference, `dₖ − dₖ₋₁ > 2·√(seₖ² + seₖ₋₁²)`.
    pub grows: bool,
}

/// Three funnel runs at σ₁ < σ₂ < σ₃, otherwise the same, stepped together.
#[derive(Clone, Debug)]
pub struct FunnelCompare {
    config: CompareConfig,
    runs: Vec<Funnel>,
    record: RunRecord,
}

impl FunnelCompare {
    /// Start the three runs. The config must be valid (see [`CompareConfig::validate`]).
    pub fn new(config: CompareConfig) -> Self {
        let runs = (0..SIGMAS).map(|k| Funnel::new(config.funnel(k))).collect();
        let mut c = FunnelCompare {
            record: RunRecord::new(&COMPARE_HISTORY_FIELDS, config.steps as usize),
            runs,
            config,
        };
        c.record.reset(c.config.steps as usize + 1);
        c.push();
        c
    }

    /// The configuration of this comparison.
    pub fn config(&self) -> &CompareConfig {
        &self.config
    }

    /// Run `k`'s funnel (σ = σₖ₊₁).
    pub fn run_at(&self, k: usize) -> &Funnel {
        &self.runs[k]
    }

    /// Per-step rows from step 0 to now, with [`COMPARE_HISTORY_FIELDS`] columns.
    pub fn history(&self) -> &[f64] {
        self.record.history()
    }

    /// Append the current row. Gradient descent comes from the first run still in step (it
    /// does not depend on σ); a run that stopped because all its trajectories diverged keeps
    /// its last (NaN) statistics.
    fn push(&mut self) {
        let step = self.record.steps_done();
        let gd =
            (self.runs.iter())
                .find(|f| f.steps_done() == step)
                .map_or((f64::NAN, f64::NAN), |f| {
                    let s = f.snapshot().stats;
                    (s.gd_x, s.gd_y)
                });
        let mut row = vec![step as f64, gd.0, gd.1];
        for f in &self.runs {
            let s = f.snapshot();
            let st = s.stats;
            row.extend_from_slice(&[
                s.drift,
                s.se_drift,
                st.mean_x,
                st.mean_y,
                st.mean_y2,
                st.se_mean_y2,
                st.alive as f64,
            ]);
        }
        self.record.push(&row);
    }
}

impl Experiment for FunnelCompare {
    type Snapshot = CompareSnapshot;

    fn step(&mut self) -> Option<StopReason> {
        if let Some(stop) = self.record.stop_reason() {
            return Some(stop);
        }
        for f in &mut self.runs {
            f.step();
        }
        self.record.advance();
        self.push();
        let all_diverged =
            (self.runs.iter()).all(|f| f.stop_reason() == Some(StopReason::Diverged));
        self.record.settle(all_diverged)
    }

    fn run_record(&self) -> &RunRecord {
        &self.record
    }

    fn snapshot(&self) -> CompareSnapshot {
        let runs: [FunnelSnapshot; SIGMAS] = std::array::from_fn(|k| self.runs[k].snapshot());
        let grows = runs
            .windows(2)
            .all(|w| w[1].drift - w[0].drift > 2.0 * libm::hypot(w[1].se_drift, w[0].se_drift));
        CompareSnapshot {
            total_steps: self.config.steps as usize,
            stop_reason: self.record.stop_reason(),
            step: self.record.steps_done(),
            noise_stds: self.config.noise_stds(),
            trajectories: self.config.trajectories,
            runs,
            grows,
        }
    }

    fn reset(&mut self) {
        self.runs.iter_mut().for_each(Experiment::reset);
        self.record.reset(self.config.steps as usize + 1);
        self.push();
    }
}

crate::lab!(
    FunnelCompare,
    CompareConfig,
    "funnel-compare",
    COMPARE_HISTORY_FIELDS
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::hash_f64s;
    use crate::funnel::HISTORY_FIELDS;

    fn column(rows: &[f64], fields: &[&str], name: &str) -> Vec<f64> {
        let c = fields.iter().position(|f| *f == name).expect(name);
        rows.chunks(fields.len()).map(|r| r[c]).collect()
    }

    /// Hashes of the comparison's columns for run `k` and of the same quantities from a
    /// separate funnel run with the same settings (drift = meanX − gdX, its SE = seMeanX).
    fn hashes(settings: &[(&str, &str)]) -> Vec<(String, u64, u64)> {
        let c = CompareConfig::from_settings(settings.iter().copied()).unwrap();
        let mut cmp = FunnelCompare::new(c.clone());
        cmp.run(usize::MAX);
        let mine = |name: &str| column(cmp.history(), &COMPARE_HISTORY_FIELDS, name);
        let mut out = Vec::new();
        for k in 0..SIGMAS {
            // A funnel run as `noiselab run funnel` makes it (with the default shown paths).
            let mut f = Funnel::new(FunnelConfig {
                shown_paths: 3,
                ..c.funnel(k)
            });
            f.run(usize::MAX);
            let theirs = |name: &str| column(f.history(), &HISTORY_FIELDS, name);
            let (mx, gd) = (theirs("meanX"), theirs("gdX"));
            let drift: Vec<f64> = mx.iter().zip(&gd).map(|(m, g)| m - g).collect();
            let n = k + 1;
            for (ours, reference) in [
                ("Drift", drift),
                ("SeDrift", theirs("seMeanX")),
                ("MeanX", mx.clone()),
                ("MeanY", theirs("meanY")),
                ("MeanY2", theirs("meanY2")),
                ("SeMeanY2", theirs("seMeanY2")),
                ("Alive", theirs("alive")),
            ] {
                let name = format!("sigma{n}{ours}");
                out.push((name.clone(), hash_f64s(&mine(&name)), hash_f64s(&reference)));
            }
            if k == 0 {
                for (ours, name) in [("gdX", "gdX"), ("gdY", "gdY"), ("step", "step")] {
                    out.push((
                        ours.into(),
                        hash_f64s(&mine(ours)),
                        hash_f64s(&theirs(name)),
                    ));
                }
            }
            assert_eq!(cmp.snapshot().runs[k], f.snapshot(), "run {n}'s snapshot");
        }
        out
    }

    #[test]
    fn each_sigma_is_bit_identical_to_its_own_funnel_run() {
        let other = [
            ("cost", "neal"),
            ("learningRate", "0.2"),
            ("noiseStd1", "0"),
            ("noiseStd3", "3"),
            ("trajectories", "300"),
            ("steps", "400"),
            ("startX", "-1"),
            ("seed", "7"),
        ];
        for settings in [&[][..], &other[..]] {
            let h = hashes(settings);
            assert_eq!(h.len(), 7 * SIGMAS + 3);
            for (name, ours, theirs) in h {
                assert_eq!(ours, theirs, "{settings:?}: column {name}");
            }
        }
    }

    /// SCIENCE.md §9 at the widget's defaults (σ = 0.5, 1, 2; M = 2000; seed 1; t = 1000):
    /// every drift is toward the flat side and each larger σ drifts further by more than 2 SE
    /// of the difference (the numbers: +0.09 ± 0.04, +0.58 ± 0.08, +2.45 ± 0.17).
    #[test]
    fn at_the_defaults_the_drift_grows_with_sigma_by_more_than_2_se() {
        let mut c = FunnelCompare::new(CompareConfig::default());
        assert_eq!(c.run(usize::MAX).stop, Some(StopReason::Done));
        let s = c.snapshot();
        let drifts: Vec<(f64, f64)> = s.runs.iter().map(|r| (r.drift, r.se_drift)).collect();
        println!("drifts at t = {}: {drifts:?}", s.step);
        assert_eq!(
            (s.step, s.noise_stds, s.trajectories),
            (1000, [0.5, 1.0, 2.0], 2000)
        );
        for (d, se) in &drifts {
            assert!(*d > 2.0 * se, "drift {d} ± {se} not toward the flat side");
        }
        for w in drifts.windows(2) {
            let ((d0, s0), (d1, s1)) = (w[0], w[1]);
            assert!(d1 - d0 > 2.0 * s0.hypot(s1), "{d0} ± {s0} → {d1} ± {s1}");
        }
        assert!(s.grows);
        // The claim's sentence is not a tautology: in the quadratic valley it fails.
        let valley = CompareConfig::from_settings([("cost", "valley")]).unwrap();
        let mut v = FunnelCompare::new(valley);
        v.run(usize::MAX);
        assert!(!v.snapshot().grows);
    }

    #[test]
    fn the_sigmas_must_increase_and_reset_restarts() {
        let e = CompareConfig::from_settings([("noiseStd2", "0.5")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "noiseStd2 must be greater than noiseStd1 (0.5); got 0.5"
        );
        let e = CompareConfig::from_settings([("noiseStd1", "3"), ("noiseStd3", "0.5")]);
        let fields: Vec<String> = e
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.field().to_string())
            .collect();
        assert_eq!(fields, ["noiseStd2", "noiseStd3"]);
        // The reused specs are the funnel's own.
        for f in COMPARE_FIELDS
            .iter()
            .filter(|f| !f.name.starts_with("noiseStd"))
        {
            let theirs = FIELDS.iter().find(|g| g.name == f.name).expect(f.name);
            assert_eq!(format!("{f:?}"), format!("{theirs:?}"));
        }
        let mut c = FunnelCompare::new(
            CompareConfig::from_settings([("steps", "30"), ("trajectories", "40")]).unwrap(),
        );
        c.run(usize::MAX);
        let first = c.history().to_vec();
        assert_eq!(first.len(), 31 * COMPARE_HISTORY_FIELDS.len());
        c.reset();
        assert_eq!(c.history().len(), COMPARE_HISTORY_FIELDS.len());
        c.run(usize::MAX);
        assert_eq!(hash_f64s(c.history()), hash_f64s(&first));
    }
}
