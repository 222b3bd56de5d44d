//! `noiselab`: the lab's experiments on the command line, with the same settings table, seed and
//! numbers as the browser.
//!
//! ```text
//! noiselab run <experiment> [--config file.json] [--set key=value ...] [--data file.csv]
//!   --out results.{json,csv}
//!   experiments: the lab's kinds (www/lib/registry.js) and extra analyses of them, each
//!   declared by its kind's module src/<kind_snake>.rs (`noiselab run --help` lists them all);
//!   `sgd-ou` is the old name of sgd-posterior
//! noiselab surface funnel [--set cost=neal] [--nx 241 --ny 121 --levels 14] --out surface.json
//! noiselab fields <experiment>
//! noiselab bench funnel|mlp|sharpness|sharpness-power [--runs 7] [--trajectories 1000] [--steps N]
//! ```

mod bench;

use clap::{Parser, Subcommand};
use noiselab_cli::{Out, Which};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "noiselab",
    version,
    about = "Run noiselab experiments natively (Grosse, CSC2541 Lecture 8)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an experiment to the end and write its per-step results.
    Run {
        experiment: Which,
        /// JSON object of settings (camelCase names, as in the URL hash; matrices as text or
        /// arrays), or a widget's exported JSON or settings file (its `settings`), applied first.
        #[arg(long)]
        config: Option<PathBuf>,
        /// One setting, `name=value`; repeatable; applied after --config.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Your own data, a CSV file (docs/data.md): sets the `data` setting of dropout,
        /// dropout-k, sharpness, implicit-reg, bayes-regression or logreg-posterior; the columns
        /// follow the other settings' `task`. Applied last.
        #[arg(long, value_name = "FILE.csv")]
        data: Option<PathBuf>,
        /// Output file: `.json` (settings, summary, history) or `.csv` (one row per step).
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the cost surface for figures: contour segments per level and the valley curvature.
    Surface {
        experiment: Which,
        /// Settings (only `cost` matters), as in `run`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Grid nodes along x.
        #[arg(long, default_value_t = 241)]
        nx: usize,
        /// Grid nodes along y.
        #[arg(long, default_value_t = 121)]
        ny: usize,
        /// Number of contour levels.
        #[arg(long, default_value_t = 14)]
        levels: usize,
        /// Output file (`.json`).
        #[arg(long)]
        out: PathBuf,
    },
    /// List an experiment's settings with their ranges and defaults.
    Fields { experiment: Which },
    /// Time a workload of the benchmark suite natively (JSON: median, min, max, every run).
    Bench {
        workload: bench::Workload,
        /// Timed runs after one warm-up run.
        #[arg(long, default_value_t = 7)]
        runs: usize,
        /// Funnel trajectories.
        #[arg(long, default_value_t = 1000)]
        trajectories: u32,
        /// Steps per run (funnel 1000, mlp 2000 by default).
        #[arg(long)]
        steps: Option<u32>,
    },
}

/// Print a field table: name, label, default, range and help.
fn print_fields(fields: &[noiselab_core::FieldSpec]) {
    for f in fields {
        println!(
            "{:<14} {:<28} default {:<8} {}",
            f.name,
            f.label,
            f.default_text(),
            f.range()
        );
        println!("{:<14} {}", "", f.help);
    }
}

/// Read settings from an optional JSON file and `name=value` strings, in that order.
fn collect_settings(
    config: Option<&PathBuf>,
    set: &[String],
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    if let Some(path) = config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        let obj = value
            .as_object()
            .ok_or_else(|| format!("{} must hold a JSON object of settings", path.display()))?;
        // A widget's export or settings file (`{experiment, settings, view, …}`): its model
        // settings; the view-only ones (animation speed, …) change no number.
        let obj = match obj.get("settings") {
            Some(serde_json::Value::Object(settings)) => settings,
            Some(_) => {
                return Err(format!(
                    "{}: \"settings\" must be an object of settings",
                    path.display()
                ))
            }
            None => obj,
        };
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push((k.clone(), text));
        }
    }
    for s in set {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| format!("--set expects name=value, got \"{s}\""))?;
        out.push((k.trim().to_string(), v.to_string()));
    }
    Ok(out)
}

/// `settings` with the `data` setting from the CSV file `path` (if given); an error is
/// `file.csv: <the parser's message>`.
fn with_data(
    experiment: Which,
    mut settings: Vec<(String, String)>,
    path: Option<&PathBuf>,
) -> Result<Vec<(String, String)>, String> {
    let Some(path) = path else {
        return Ok(settings);
    };
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let data = experiment
        .own_data(&bytes, &settings)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("noiselab: {}: {}", path.display(), data.summary());
    settings.push(("data".into(), data.text()));
    Ok(settings)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            experiment,
            config,
            set,
            data,
            out,
        } => collect_settings(config.as_ref(), &set)
            .and_then(|s| with_data(experiment, s, data.as_ref()))
            .and_then(|s| experiment.run(&s, &mut Out::File(out))),
        Command::Surface {
            experiment,
            set,
            nx,
            ny,
            levels,
            out,
        } if experiment.name() == "funnel" => collect_settings(None, &set)
            .and_then(|s| noiselab_cli::surface(&s, nx, ny, levels, &out)),
        Command::Surface { .. } => Err("surface is available for the funnel only".into()),
        Command::Fields { experiment } => {
            print_fields(experiment.fields());
            Ok(())
        }
        Command::Bench {
            workload,
            runs,
            trajectories,
            steps,
        } => bench::run(workload, runs, trajectories, steps),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("noiselab: {message}");
            ExitCode::from(2)
        }
    }
}
