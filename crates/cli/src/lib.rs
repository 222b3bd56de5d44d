//! noiselab's command line as a library: the experiments (`Which`: each kind of the lab's
//! registry and its analyses, declared by the kind's module `src/<kind_snake>.rs`), their runs
//! to a file ([`Out::File`], what `noiselab run <kind> --out x.json|csv` does) or to memory
//! ([`run_doc`]: the same JSON document as a value, for the Python package `noiselab`, which
//! thereby gets the command line's numbers bit for bit).

pub mod output;

use clap::builder::PossibleValue;
use clap::ValueEnum;
pub use funnel::surface;
use noiselab_core::config::{Config, FieldSpec};
pub use output::{Out, Settings};
use serde_json::Value;
use std::sync::LazyLock;

/// How an experiment writes its results: from the settings to `out` (the `--out` file or memory).
pub type Run = fn(&Settings, &mut Out) -> Result<(), String>;

/// An experiment of the command line, declared by its kind's module (`src/<kind_snake>.rs`) in
/// `pub const EXPERIMENTS: &[Entry]`: first the kind's own run ([`Entry::kind`],
/// named by the kind), then its analyses ([`Entry::analysis`]), each a further look at the
/// kind's model under a name of its own.
pub struct Entry {
    /// The analysis's name; `None` for the kind's own run, whose name is the kind.
    name: Option<&'static str>,
    /// Its line in `noiselab run --help` (one sentence, without the final period).
    help: &'static str,
    /// Old names that still work (not listed by `--help`).
    aliases: &'static [&'static str],
    fields: &'static [FieldSpec],
    run: Run,
    /// An analysis that takes its kind's own data (`--data file.csv`); a kind's own run takes
    /// it when the core's parser has the kind (`noiselab_core::own_data::KINDS`).
    own_data: bool,
}

impl Entry {
    /// The kind's own run (`noiselab run <kind>`): settings `C`, results written by `run`.
    pub const fn kind<C: Config>(help: &'static str, run: Run) -> Self {
        Entry {
            name: None,
            help,
            aliases: &[],
            fields: C::FIELDS,
            run,
            own_data: false,
        }
    }

    /// An analysis of the kind (`noiselab run <name>`, listed in [`ANALYSES`]).
    pub const fn analysis<C: Config>(name: &'static str, help: &'static str, run: Run) -> Self {
        Entry {
            name: Some(name),
            ..Entry::kind::<C>(help, run)
        }
    }

    /// The same experiment, also under old names.
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Self {
        Entry { aliases, ..self }
    }

    /// The same analysis, taking its kind's own data.
    pub const fn own_data(self) -> Self {
        Entry {
            own_data: true,
            ..self
        }
    }
}

// One module per kind of the registry, src/<kind_snake>.rs, and `KINDS`: each kind with its
// module's `EXPERIMENTS` (build.rs, from www/lib/registry.js).
include!(concat!(env!("OUT_DIR"), "/kinds.rs"));

/// Each module's experiments are its kind's own run, then analyses only.
const _: () = {
    let mut k = 0;
    while k < KINDS.len() {
        let experiments = KINDS[k].1;
        assert!(
            !experiments.is_empty() && experiments[0].name.is_none(),
            "a kind's EXPERIMENTS start with Entry::kind"
        );
        let mut i = 1;
        while i < experiments.len() {
            assert!(
                experiments[i].name.is_some(),
                "a kind's EXPERIMENTS hold one Entry::kind"
            );
            i += 1;
        }
        k += 1;
    }
};

/// An experiment: a kind of the lab, or an analysis of one ([`ANALYSES`]). On the command line,
/// its name (`noiselab run <experiment>`).
#[derive(Clone, Copy)]
pub struct Which {
    kind: &'static str,
    experiment: &'static Entry,
}

/// Every experiment, in the registry's order of the kinds, each kind's analyses after it.
static ALL: LazyLock<Vec<Which>> = LazyLock::new(|| {
    let all = KINDS.iter().flat_map(|&(kind, experiments)| {
        (experiments.iter()).map(move |experiment| Which { kind, experiment })
    });
    all.collect()
});

/// The extra analyses: experiments of the command line that are no kind of the lab's registry
/// (each looks further at a kind's model); [`kinds`] leaves them out.
pub static ANALYSES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| ALL.iter().filter_map(|w| w.experiment.name).collect());

impl ValueEnum for Which {
    fn value_variants<'a>() -> &'a [Self] {
        &ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let value = PossibleValue::new(self.name()).help(self.experiment.help);
        Some(value.aliases(self.experiment.aliases.iter().copied()))
    }
}

impl Which {
    /// Run the experiment to the end from `settings` and write its results to `out`.
    pub fn run(self, settings: &Settings, out: &mut Out) -> Result<(), String> {
        (self.experiment.run)(settings, out)
    }

    /// The settings table (names, labels, ranges, defaults, help).
    pub fn fields(self) -> &'static [FieldSpec] {
        self.experiment.fields
    }
}

impl Which {
    /// The lab kind whose own data (`--data file.csv`, [`noiselab_core::own_data`]) this
    /// experiment takes, if any.
    pub fn data_kind(self) -> Option<&'static str> {
        let takes = match self.experiment.name {
            None => noiselab_core::own_data::KINDS.contains(&self.kind),
            Some(_) => self.experiment.own_data,
        };
        takes.then_some(self.kind)
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
    pub fn name(self) -> &'static str {
        self.experiment.name.unwrap_or(self.kind)
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

/// The lab's kinds, in the order of www/lib/registry.js.
pub fn kinds() -> Vec<String> {
    KINDS.iter().map(|(kind, _)| kind.to_string()).collect()
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
