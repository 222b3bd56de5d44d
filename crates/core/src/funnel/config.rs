//! The funnel's settings: one field table ([`FIELDS`]) drives parsing, validation, the UI's
//! controls, the URL hash, element attributes and the CLI.

use super::Cost;
use crate::config::{choice_setting, settings};
use crate::contour::Domain;
use serde::{Deserialize, Serialize};

/// The plotted region, `x ∈ [−6, 6]`, `y ∈ [−3, 3]`; the start point must lie in it.
pub const DOMAIN: Domain = Domain {
    x_min: -6.0,
    x_max: 6.0,
    y_min: -3.0,
    y_max: 3.0,
};

choice_setting!(Cost);

settings! {
    /// Every funnel setting, its range and its default (SCIENCE.md §9: α = 0.1, w₀ = (−2, 1),
    /// σ ∈ {0.5, 1, 2}, about 1000 steps). M = 2,000 by default: SCIENCE.md §9 asks for thousands
    /// of trajectories (sd(x_t) ≈ ασ√t), and with the slide's 100 the drift at σ = 1, t = 1000 was
    /// +0.10 ± 0.37 at seed 2 (nothing to see); with 2,000 it is +0.58 ± 0.08, +0.62 ± 0.08 and
    /// +0.67 ± 0.08 at seeds 1, 2, 3.
    pub const FIELDS;
    /// Settings of a funnel run. Field names, ranges and defaults: [`FIELDS`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct FunnelConfig {
        pub cost: Cost = Choice {
            name: "cost",
            label: "cost J(x, y)",
            unit: "",
            help: "The valley: sharp on the left and flat on the right (funnel, Neal) or equally curved everywhere (quadratic valley, the control).",
            options: Cost::OPTIONS,
            default: "funnel",
        },
        /// α.
        pub learning_rate: f64 = Real {
            name: "learningRate",
            label: "learning rate α",
            unit: "",
            help: "Step size of w ← w − α(∇J + σξ). The funnel is stable for α < 1.",
            min: 0.0,
            max: 1.0,
            min_open: true,
            default: 0.1,
            step: 0.01,
        },
        /// σ, the std of the noise on each gradient coordinate.
        pub noise_std: f64 = Real {
            name: "noiseStd",
            label: "gradient-noise std σ",
            unit: "",
            help: "Standard deviation of the Gaussian noise added to each gradient coordinate (variance σ²). σ = 0 is gradient descent.",
            min: 0.0,
            max: 10.0,
            min_open: false,
            default: 1.0,
            step: 0.1,
        },
        /// M.
        pub trajectories: u32 = Integer {
            name: "trajectories",
            label: "trajectories M",
            unit: "",
            help: "Number of independent noisy trajectories averaged for the mean path (the drift's standard error shrinks as 1/√M).",
            min: 1,
            max: 2000,
            default: 2000,
        },
        pub steps: u32 = Integer {
            name: "steps",
            label: "steps",
            unit: "iterations",
            help: "Number of updates in a run.",
            min: 1,
            max: 20000,
            default: 1000,
        },
        pub start_x: f64 = Real {
            name: "startX",
            label: "start x₀",
            unit: "",
            help: "Start point, along the valley (x < 0 is the sharp side).",
            min: -6.0,
            max: 6.0,
            min_open: false,
            default: -2.0,
            step: 0.1,
        },
        pub start_y: f64 = Real {
            name: "startY",
            label: "start y₀",
            unit: "",
            help: "Start point, across the valley (the valley floor is y = 0).",
            min: -3.0,
            max: 3.0,
            min_open: false,
            default: 1.0,
            step: 0.1,
        },
        pub seed: u32 = Integer {
            name: "seed",
            label: "seed",
            unit: "",
            help: "Seed of the noise: the same seed gives the same trajectories, natively and in the browser.",
            min: 0,
            max: 4_294_967_295,
            default: 1,
        },
        pub shown_paths: u32 = Integer {
            name: "shownPaths",
            label: "individual paths shown",
            unit: "",
            help: "How many single noisy trajectories to draw (the lecture shows three).",
            min: 0,
            max: 10,
            default: 3,
        },
    }
}

impl FunnelConfig {}
