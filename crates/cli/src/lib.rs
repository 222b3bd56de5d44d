//! noiselab's command line as a library: the experiments (`Which`, one row each), their runs
//! to a file ([`Out::File`], what `noiselab run <kind> --out x.json|csv` does) or to memory
//! ([`run_doc`]: the same JSON document as a value, for the Python package `noiselab`, which
//! thereby gets the command line's numbers bit for bit).

mod bayes_regression;
mod bbb_linreg;
mod description_length;
mod dropout;
mod funnel;
mod implicit_reg;
mod laplace_vb;
mod logreg_posterior;
mod nng;
mod one_epoch;
pub mod output;
mod sgd_posterior;
mod sharpness;

use clap::ValueEnum;
pub use funnel::surface;
use noiselab_core::config::{Config, FieldSpec};
use noiselab_core::{bayes, dropout as drop, funnel as fun, implicit_reg as imp, nng as ng};
pub use output::{Out, Settings};
use serde_json::Value;

/// The experiments, one row each: `Variant(settings type) => run`. The value on the command line
/// is the variant in kebab case: a kind of the lab's registry (www/lib/registry.js, the core's
/// `Lab::KIND`; tests/kinds.rs checks that every kind has its row) or an extra analysis of one.
/// Adding an experiment adds one row here (with `output::run_lab::<Run>` as its `run`, a module
/// only for its own summary or extra output).
macro_rules! experiments {
    ($($(#[$attr:meta])* $Variant:ident($Config:ty) => $run:expr,)*) => {
        /// An experiment: a kind of the lab, or an analysis ([`ANALYSES`]).
        #[derive(Clone, Copy, ValueEnum)]
        pub enum Which {
            $($(#[$attr])* $Variant,)*
        }

        impl Which {
            /// Run the experiment to the end from `settings` and write its results to `out`.
            pub fn run(self, settings: &Settings, out: &mut Out) -> Result<(), String> {
                match self {
                    $(Which::$Variant => $run(settings, out),)*
                }
            }

            /// The settings table (names, labels, ranges, defaults, help).
            pub fn fields(self) -> &'static [FieldSpec] {
                match self {
                    $(Which::$Variant => <$Config as Config>::FIELDS,)*
                }
            }
        }
    };
}

experiments! {
    /// Gradient noise and flatness: noisy GD on a funnel-shaped valley.
    Funnel(fun::FunnelConfig) => funnel::run,
    /// The funnel's "Compare σ": σ = 0.5, 1, 2 (settings) with the same seed; each σ's drift ± SE per step.
    FunnelCompare(fun::CompareConfig) => funnel::run_compare,
    /// SGD, preconditioned SGD and SGLD on a quadratic as an Ornstein–Uhlenbeck process.
    #[value(alias = "sgd-ou")]
    SgdPosterior(noiselab_core::sgd_posterior::SgdOuConfig) => sgd_posterior::run,
    /// SGLD (Welling & Teh) on linear/logistic regression or a banana, both noise conventions.
    Sgld(noiselab_core::sgd_posterior::SgldConfig) => sgd_posterior::run_sgld,
    /// Dropout: an MLP trained with and without dropout on the same data and seed.
    Dropout(drop::DropoutConfig) => dropout::run,
    /// Wei, Kakade & Ma: DROP_1, DROP_K, explicit-only, knock-in and no dropout, same seed.
    DropoutK(drop::wei::WeiConfig) => dropout::run_k,
    /// Dropout on linear regression (the dropout widget's linear view): closed forms vs dropout SGD.
    DropoutLinear(drop::linear_view::LinearViewConfig) => dropout::run_linear,
    /// Noisy natural gradient: full NNG, noisy Adam and noisy K-FAC on Bayesian linear regression.
    Nng(ng::NngConfig) => nng::run,
    /// Laplace vs variational Gaussian on Bishop's 1-D density exp(−z²/2)σ(az + b).
    LaplaceVb(bayes::laplace_vb::TiltedGaussian) => laplace_vb::run,
    /// 2-D logistic regression: true posterior, Laplace, variational Gaussians, HMC.
    LogregPosterior(bayes::logreg_posterior::LogRegPanelConfig) => logreg_posterior::run,
    /// Bayes by Backprop on 2-D logistic regression: ELBO, KL in bits, PAC-Bayes bounds.
    DescriptionLength(bayes::description_length::BbbLogRegConfig) => description_length::run,
    /// The description-length run at 11 prior variances, η = 10^(−3) … 10² half a decade apart (code lengths, bounds and test error against η).
    DescriptionLengthSweep(bayes::description_length::BbbLogRegConfig) => description_length::run_sweep,
    /// Bayes by Backprop on Bayesian linear regression: ELBO vs ln p(D), variances vs 1/P_jj.
    BbbLinreg(bayes::BbbConfig) => bbb_linreg::run,
    /// Predictive bands of MAP, Laplace, Bayes by Backprop, MC dropout and HMC on 1-D data.
    BayesRegression(noiselab_core::bayes_regression::RegressionConfig) => bayes_regression::run,
    /// Sharp and flat minima: small- vs large-batch SGD, λ_max(H), tr H, λ_max(G) (Keskar et al.).
    Sharpness(noiselab_core::sharpness::SharpnessConfig) => sharpness::run,
    /// Dinh et al.'s rescaling of the 2-3-1 ReLU demo net: same function, different sharpness.
    SharpnessRescale(noiselab_core::sharpness::SharpnessConfig) => sharpness::run_rescale,
    /// Smith et al.'s implicit regularizer: learning-rate and batch-size sweeps of SGD vs GD on J and on J + R.
    ImplicitReg(imp::ImplicitRegConfig) => implicit_reg::run,
    /// Smith et al.'s claim directly: the mean SGD epoch iterate over all N! orderings vs the flows on J and J + R.
    OneEpoch(imp::one_epoch::OneEpochConfig) => one_epoch::run,
}

/// The extra analyses: experiments of the command line that are no kind of the lab's registry
/// (each looks further at a kind's model); [`kinds`] leaves them out.
pub const ANALYSES: [&str; 6] = [
    "funnel-compare",
    "sgld",
    "dropout-k",
    "dropout-linear",
    "description-length-sweep",
    "sharpness-rescale",
];

impl Which {
    /// The lab kind whose own data (`--data file.csv`, [`noiselab_core::own_data`]) this
    /// experiment takes, if any.
    pub fn data_kind(self) -> Option<&'static str> {
        match self {
            Which::Dropout | Which::DropoutK => Some("dropout"),
            Which::Sharpness => Some("sharpness"),
            Which::ImplicitReg => Some("implicit-reg"),
            Which::BayesRegression => Some("bayes-regression"),
            Which::LogregPosterior => Some("logreg-posterior"),
            _ => None,
        }
    }

    /// Own data from a CSV file's bytes for this experiment under `settings` (its `task` picks
    /// the columns): the parsed data, whose `text()` is the `data` setting; `Err` is the core
    /// parser's message (line and column), the same as in the browser and Python.
    pub fn own_data(
        self,
        bytes: &[u8],
        settings: &Settings,
    ) -> Result<noiselab_core::own_data::OwnData, String> {
        let kind = self.data_kind().ok_or_else(|| {
            format!(
                "{} takes no data file; own data works in {}",
                self.name(),
                noiselab_core::own_data::KINDS.join(", ")
            )
        })?;
        let pairs: Vec<(&str, &str)> = settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let spec = noiselab_core::own_data::DataSpec::for_kind(kind, &pairs)?;
        noiselab_core::own_data::parse_csv(bytes, &spec).map_err(|e| e.to_string())
    }

    /// The experiment's name on the command line: its kind (kebab case), or the analysis's name.
    pub fn name(self) -> String {
        let value = self.to_possible_value().expect("no experiment is hidden");
        value.get_name().to_string()
    }

    /// The experiment named `name` (a kind, an analysis or an old name such as `sgd-ou`), or
    /// an error listing the kinds and analyses.
    pub fn named(name: &str) -> Result<Which, String> {
        Which::from_str(name, false).map_err(|_| {
            format!(
                "unknown experiment \"{name}\"; kinds: {}; analyses: {}",
                kinds().join(", "),
                ANALYSES.join(", ")
            )
        })
    }
}

/// The lab's kinds, in the order of the command line's table (the kinds of www/lib/registry.js).
pub fn kinds() -> Vec<String> {
    let all = Which::value_variants().iter().map(|w| w.name());
    all.filter(|n| !ANALYSES.contains(&n.as_str())).collect()
}

/// The field table of the experiment `kind`: what `noiselab fields <kind>` prints and the wasm
/// `Run.fields()` returns (`[{name, label, unit, help, kind, min, max, …}]` as JSON).
pub fn fields(kind: &str) -> Result<&'static [FieldSpec], String> {
    Which::named(kind).map(Which::fields)
}

/// Run the experiment `kind` to the end from `settings` (`(camelCase name, text)` pairs over
/// the defaults) and return the JSON document `noiselab run <kind> --out x.json` writes (same
/// keys, same numbers; non-finite numbers are `null`, as in the file). Bad settings give the
/// core's message naming every bad field and its range.
pub fn run_doc(kind: &str, settings: &Settings) -> Result<Value, String> {
    let mut out = Out::Memory(None);
    Which::named(kind)?.run(settings, &mut out)?;
    out.into_doc()
        .ok_or_else(|| format!("{kind} wrote no JSON document"))
}
