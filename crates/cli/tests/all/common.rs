//! Helpers shared by the CLI's integration tests.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Run the built `noiselab` binary with `args`.
pub fn noiselab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_noiselab"))
        .args(args)
        .output()
        .expect("runs")
}

/// A path in this test's own temporary directory (per process and test: the tests of all
/// modules run in one process, on parallel threads named after the tests).
pub fn temp(name: &str) -> PathBuf {
    let test = std::thread::current()
        .name()
        .unwrap_or("main")
        .replace("::", "-");
    let dir = std::env::temp_dir()
        .join(format!("noiselab-cli-{}", std::process::id()))
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}
