//! Helpers shared by the CLI's integration tests (each tests/*.rs file is its own crate).

use std::path::PathBuf;
use std::process::{Command, Output};

/// Run the built `noiselab` binary with `args`.
pub fn noiselab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_noiselab"))
        .args(args)
        .output()
        .expect("runs")
}

/// A path in this test process's own temporary directory.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("noiselab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}
