//! The experiment abstraction: explicit state advanced by [`Experiment::step`], driven by the
//! caller (a browser animation frame, a worker, a native test or the CLI), in the style of argmin's
//! `IterState` + observers.

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

/// An iterative experiment with explicit state.
pub trait Experiment {
    /// A cheap, owned summary of the current state, for drawing and readouts.
    type Snapshot;

    /// Advance by one step. Returns the stop reason once the run has ended; after that, further
    /// calls change nothing and return the same reason.
    fn step(&mut self) -> Option<StopReason>;

    /// The stop reason, if the run has ended.
    fn stop_reason(&self) -> Option<StopReason>;

    /// Steps taken since the start (or the last reset).
    fn steps_done(&self) -> usize;

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
