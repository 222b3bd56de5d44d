//! The funnel's settings: one field table ([`FIELDS`]) drives parsing, validation, the UI's
//! controls, the URL hash, element attributes and the CLI.

use super::Cost;
use crate::config::{ConfigErrors, FieldKind, FieldSpec, Parsed};
use crate::contour::Domain;
use serde::{Deserialize, Serialize};

/// The plotted region, `x ∈ [−6, 6]`, `y ∈ [−3, 3]`; the start point must lie in it.
pub const DOMAIN: Domain = Domain {
    x_min: -6.0,
    x_max: 6.0,
    y_min: -3.0,
    y_max: 3.0,
};

const fn real(min: f64, max: f64, min_open: bool, default: f64, step: f64) -> FieldKind {
    FieldKind::Real {
        min,
        max,
        min_open,
        default,
        step,
    }
}

/// Every funnel setting, its range and its default (SCIENCE.md §9: α = 0.1, w₀ = (−2, 1),
/// σ ∈ {0.5, 1, 2}, about 1000 steps). M = 2,000 by default: SCIENCE.md §9 asks for thousands
/// of trajectories (sd(x_t) ≈ ασ√t), and with the slide's 100 the drift at σ = 1, t = 1000 was
/// +0.10 ± 0.37 at seed 2 (nothing to see); with 2,000 it is +0.58 ± 0.08, +0.62 ± 0.08 and
/// +0.67 ± 0.08 at seeds 1, 2, 3.
pub const FIELDS: [FieldSpec; 9] = [
    FieldSpec {
        name: "cost",
        label: "cost J(x, y)",
        unit: "",
        help: "The valley: sharp on the left and flat on the right (funnel, Neal) or equally curved everywhere (quadratic valley, the control).",
        kind: FieldKind::Choice {
            options: Cost::OPTIONS,
            default: "funnel",
        },
    },
    FieldSpec {
        name: "learningRate",
        label: "learning rate α",
        unit: "",
        help: "Step size of w ← w − α(∇J + σξ). The funnel is stable for α < 1.",
        kind: real(0.0, 1.0, true, 0.1, 0.01),
    },
    FieldSpec {
        name: "noiseStd",
        label: "gradient-noise std σ",
        unit: "",
        help: "Standard deviation of the Gaussian noise added to each gradient coordinate (variance σ²). σ = 0 is gradient descent.",
        kind: real(0.0, 10.0, false, 1.0, 0.1),
    },
    FieldSpec {
        name: "trajectories",
        label: "trajectories M",
        unit: "",
        help: "Number of independent noisy trajectories averaged for the mean path (the drift's standard error shrinks as 1/√M).",
        kind: FieldKind::Integer {
            min: 1,
            max: 2000,
            default: 2000,
        },
    },
    FieldSpec {
        name: "steps",
        label: "steps",
        unit: "iterations",
        help: "Number of updates in a run.",
        kind: FieldKind::Integer {
            min: 1,
            max: 20000,
            default: 1000,
        },
    },
    FieldSpec {
        name: "startX",
        label: "start x₀",
        unit: "",
        help: "Start point, along the valley (x < 0 is the sharp side).",
        kind: real(-6.0, 6.0, false, -2.0, 0.1),
    },
    FieldSpec {
        name: "startY",
        label: "start y₀",
        unit: "",
        help: "Start point, across the valley (the valley floor is y = 0).",
        kind: real(-3.0, 3.0, false, 1.0, 0.1),
    },
    FieldSpec {
        name: "seed",
        label: "seed",
        unit: "",
        help: "Seed of the noise: the same seed gives the same trajectories, natively and in the browser.",
        kind: FieldKind::Integer {
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
    },
    FieldSpec {
        name: "shownPaths",
        label: "individual paths shown",
        unit: "",
        help: "How many single noisy trajectories to draw (the lecture shows three).",
        kind: FieldKind::Integer {
            min: 0,
            max: 10,
            default: 3,
        },
    },
];

/// Settings of a funnel run. Field names, ranges and defaults: [`FIELDS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FunnelConfig {
    pub cost: Cost,
    /// α.
    pub learning_rate: f64,
    /// σ, the std of the noise on each gradient coordinate.
    pub noise_std: f64,
    /// M.
    pub trajectories: u32,
    pub steps: u32,
    pub start_x: f64,
    pub start_y: f64,
    pub seed: u32,
    pub shown_paths: u32,
}

impl Default for FunnelConfig {
    fn default() -> Self {
        // The defaults of FIELDS, parsed from the table so the two cannot disagree.
        Self::from_settings(std::iter::empty()).expect("FIELDS defaults are valid")
    }
}

impl FunnelConfig {
    /// Build a config from `(name, text)` settings over the defaults; every bad setting is
    /// reported with its field name and allowed range.
    pub fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let parsed = Parsed::new(&FIELDS, settings)?;
        let real = |i: usize| parsed.real(i);
        let int = |i: usize| parsed.int(i);
        let cost = Cost::from_name(parsed.choice(0)).expect("options are costs");
        Ok(FunnelConfig {
            cost,
            learning_rate: real(1),
            noise_std: real(2),
            trajectories: int(3),
            steps: int(4),
            start_x: real(5),
            start_y: real(6),
            seed: int(7),
            shown_paths: int(8),
        })
    }

    /// The settings as `(name, text)` pairs in [`FIELDS`] order; `from_settings` of them gives
    /// back an identical config (floats print in shortest round-trip form).
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("cost", self.cost.name().to_string()),
            ("learningRate", format!("{}", self.learning_rate)),
            ("noiseStd", format!("{}", self.noise_std)),
            ("trajectories", format!("{}", self.trajectories)),
            ("steps", format!("{}", self.steps)),
            ("startX", format!("{}", self.start_x)),
            ("startY", format!("{}", self.start_y)),
            ("seed", format!("{}", self.seed)),
            ("shownPaths", format!("{}", self.shown_paths)),
        ]
    }

    /// Check every field against [`FIELDS`] (for configs built in Rust or read with serde).
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let settings = self.to_settings();
        Self::from_settings(settings.iter().map(|(k, v)| (*k, v.as_str()))).map(|_| ())
    }
}
