//! The experiment abstraction: explicit state advanced by [`Experiment::step`], driven by the
//! caller (a browser animation frame, a worker, a native test or the CLI), in the style of argmin's
//! `IterState` + observers.

use crate::config::{Config, ConfigErrors, FieldSpec};
use serde::Serialize;

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    /// The configured number of steps was reached.
    Done,
    /// Every trajectory diverged (a non-finite or exploding iterate): nothing is left to run.
    Diverged,
}

impl StopReason {
    /// A sentence for the UI and the CLI.
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Done => "finished: reached the configured number of steps",
            StopReason::Diverged => {
                "stopped: every trajectory diverged (loss became non-finite or exploded)"
            }
        }
    }
}

/// What [`Experiment::run`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutcome {
    /// Steps actually taken (fewer than asked when the run stopped).
    pub steps_taken: usize,
    /// Set once the run has ended.
    pub stop: Option<StopReason>,
}

/// The bookkeeping every run shares: the configured number of steps, the steps taken, why the
/// run ended, and a history of rows (row-major, one column per name of `fields`) that front ends
/// read incrementally from a row cursor ([`RunRecord::rows_from`]): the CLI writes all rows,
/// the browser's worker asks for the rows after the last one it has.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    fields: &'static [&'static str],
    total_steps: usize,
    steps: usize,
    stop: Option<StopReason>,
    rows: Vec<f64>,
}

impl RunRecord {
    /// An empty record of a run of `total_steps` steps whose history rows have the columns
    /// `fields` (`&[]`: no history).
    pub fn new(fields: &'static [&'static str], total_steps: usize) -> Self {
        RunRecord {
            fields,
            total_steps,
            steps: 0,
            stop: None,
            rows: Vec::new(),
        }
    }

    /// Back to step 0 with no history rows, room reserved for `rows` rows.
    pub fn reset(&mut self, rows: usize) {
        self.steps = 0;
        self.stop = None;
        self.rows.clear();
        self.rows.reserve(rows * self.fields.len());
    }

    /// Column names of a history row.
    pub fn fields(&self) -> &'static [&'static str] {
        self.fields
    }

    /// The configured number of steps.
    pub fn total_steps(&self) -> usize {
        self.total_steps
    }

    /// Steps taken since the start (or the last reset).
    pub fn steps_done(&self) -> usize {
        self.steps
    }

    /// Why the run ended, once it has.
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.stop
    }

    /// Count one step taken; returns the new count.
    pub fn advance(&mut self) -> usize {
        self.steps += 1;
        self.steps
    }

    /// End the run for `reason` (the first reason given stays).
    pub fn stop(&mut self, reason: StopReason) -> Option<StopReason> {
        self.stop.get_or_insert(reason);
        self.stop
    }

    /// After a step: stop as diverged if `diverged`, else as done once the configured number of
    /// steps is reached. Returns the stop reason, if any.
    pub fn settle(&mut self, diverged: bool) -> Option<StopReason> {
        if diverged {
            self.stop(StopReason::Diverged)
        } else if self.steps >= self.total_steps {
            self.stop(StopReason::Done)
        } else {
            self.stop
        }
    }

    /// Append one history row (`fields().len()` values).
    pub fn push(&mut self, row: &[f64]) {
        debug_assert_eq!(row.len(), self.fields.len(), "history row width");
        self.rows.extend_from_slice(row);
    }

    /// Every history row, row-major.
    pub fn history(&self) -> &[f64] {
        &self.rows
    }

    /// The last history row (empty before the first).
    pub fn last_row(&self) -> &[f64] {
        &self.rows[self.rows.len().saturating_sub(self.fields.len())..]
    }

    /// Number of history rows.
    pub fn rows(&self) -> usize {
        self.rows.len().checked_div(self.fields.len()).unwrap_or(0)
    }

    /// History rows from row `from` on (empty past the end): the cursor read.
    pub fn rows_from(&self, from: usize) -> &[f64] {
        let start = from.saturating_mul(self.fields.len()).min(self.rows.len());
        &self.rows[start..]
    }
}

/// An iterative experiment with explicit state.
pub trait Experiment {
    /// A cheap, owned summary of the current state, for drawing and readouts.
    type Snapshot;

    /// Advance by one step. Returns the stop reason once the run has ended; after that, further
    /// calls change nothing and return the same reason.
    fn step(&mut self) -> Option<StopReason>;

    /// Progress, stop reason and history of the run.
    fn run_record(&self) -> &RunRecord;

    /// The stop reason, if the run has ended.
    fn stop_reason(&self) -> Option<StopReason> {
        self.run_record().stop_reason()
    }

    /// Steps taken since the start (or the last reset).
    fn steps_done(&self) -> usize {
        self.run_record().steps_done()
    }

    /// A cheap summary of the current state.
    fn snapshot(&self) -> Self::Snapshot;

    /// Restore the initial state of the same configuration and seed.
    fn reset(&mut self);

    /// Advance by up to `n` steps, stopping early when the run ends.
    fn run(&mut self, n: usize) -> RunOutcome {
        let mut steps_taken = 0;
        while steps_taken < n {
            if self.stop_reason().is_some() {
                break;
            }
            let stop = self.step();
            steps_taken += 1;
            if stop.is_some() {
                break;
            }
        }
        RunOutcome {
            steps_taken,
            stop: self.stop_reason(),
        }
    }
}

/// An experiment as every front end sees it (the wasm run handle, the CLI): a kind name, a
/// settings table, a run started from settings, and its record. One implementation per kind of
/// the lab's table (ARCHITECTURE.md), by [`lab!`](crate::lab).
///
/// A generic front end needs nothing else:
///
/// ```
/// use noiselab_core::experiment::{Experiment, Lab};
/// use noiselab_core::funnel::Funnel;
///
/// fn run_to_end<L: Lab>(settings: &[(&str, &str)]) -> (usize, Vec<f64>) {
///     // Validate and create in one call; errors name every bad field.
///     let mut run = L::from_settings(settings.iter().copied()).expect("valid settings");
///     let mut rows = Vec::new();
///     let mut cursor = 0; // history rows already read
///     while run.stop_reason().is_none() {
///         run.run(100);
///         rows.extend_from_slice(run.history_from(cursor));
///         cursor = run.run_record().rows();
///     }
///     (run.steps_done(), rows)
/// }
///
/// assert_eq!(Funnel::KIND, "funnel");
/// let (steps, rows) = run_to_end::<Funnel>(&[("steps", "250"), ("trajectories", "50")]);
/// assert_eq!(steps, 250);
/// assert_eq!(rows.len(), 251 * Funnel::history_fields().len());
/// ```
pub trait Lab: Experiment + Sized {
    /// The kebab-case kind: element `noiselab-<kind>`, CLI subcommand, cargo feature, URL key.
    const KIND: &'static str;
    /// Column names of a history row (`&[]`: the run keeps no history).
    const HISTORY_FIELDS: &'static [&'static str];
    /// The typed settings.
    type Config: Config;

    /// Start a run (the config is valid: it came from [`Config::from_settings`]).
    fn start(config: Self::Config) -> Self;

    /// The run's settings.
    fn config(&self) -> &Self::Config;

    /// The field table, for building controls and `--help`.
    fn fields() -> &'static [FieldSpec] {
        Self::Config::FIELDS
    }

    /// Column names of a history row.
    fn history_fields() -> &'static [&'static str] {
        Self::HISTORY_FIELDS
    }

    /// Validate settings and start a run in one call (one round trip for the browser).
    fn from_settings<'a, I>(settings: I) -> Result<Self, ConfigErrors>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        Self::Config::from_settings(settings).map(Self::start)
    }

    /// The run's settings as `(name, text)` pairs, normalized.
    fn settings(&self) -> Vec<(&'static str, String)> {
        self.config().to_settings()
    }

    /// History rows from row `from` on, row-major (the worker's cursor read).
    fn history_from(&self, from: usize) -> &[f64] {
        self.run_record().rows_from(from)
    }
}

/// `lab!(Run, Config, "kind", HISTORY_FIELDS)`: implement [`Lab`] for a run with inherent
/// `new(config) -> Self` and `config(&self) -> &Config`.
#[macro_export]
macro_rules! lab {
    ($run:ty, $config:ty, $kind:literal, $history:expr) => {
        impl $crate::experiment::Lab for $run {
            const KIND: &'static str = $kind;
            const HISTORY_FIELDS: &'static [&'static str] = &$history;
            type Config = $config;

            fn start(config: $config) -> Self {
                <$run>::new(config)
            }

            fn config(&self) -> &$config {
                <$run>::config(self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_counts_settles_and_reads_rows_from_a_cursor() {
        let mut r = RunRecord::new(&["step", "loss"], 2);
        r.push(&[0.0, 1.0]);
        assert_eq!((r.steps_done(), r.settle(false)), (0, None));
        r.advance();
        r.push(&[1.0, 0.5]);
        assert_eq!(r.settle(false), None);
        r.advance();
        r.push(&[2.0, 0.25]);
        assert_eq!(r.settle(false), Some(StopReason::Done));
        // The first reason stays.
        assert_eq!(r.settle(true), Some(StopReason::Done));
        assert_eq!(r.rows(), 3);
        assert_eq!(r.rows_from(1), &[1.0, 0.5, 2.0, 0.25]);
        assert_eq!(r.rows_from(9), &[] as &[f64]);
        assert_eq!(r.last_row(), &[2.0, 0.25]);
        r.reset(3);
        assert_eq!((r.steps_done(), r.stop_reason(), r.rows()), (0, None, 0));
        let mut d = RunRecord::new(&[], 10);
        d.advance();
        assert_eq!(d.settle(true), Some(StopReason::Diverged));
        assert_eq!((d.rows(), d.last_row()), (0, &[] as &[f64]));
    }
}
