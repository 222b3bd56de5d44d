#!/usr/bin/env bash
# npm test: install what is missing, build, and run every test:
#   cargo fmt --check, cargo clippy -D warnings, native cargo test, the wasm tests in headless
#   Chromium, Firefox ESR and WebKitGTK (cargo test --target wasm32 with wasm-bindgen-test-runner,
#   same fixtures as native), the Python package (scripts/build-python.sh, then pytest
#   tests/python against the CLI), the browser
#   end-to-end suite (Playwright + Debian's Chromium) against the built, served lab, and the smoke
#   suite in all three engines (tests/engines/smoke.mjs, WebDriver; beside the Rust stages).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# A fresh clone compiles the test builds once: incremental compilation would only add work
# (about a fifth of the native test build's CPU time, with Cargo.toml's line-tables-only).
export CARGO_INCREMENTAL=0
LOGS=$(mktemp -d)

# Each stage's wall time: printed when the stage ends ("<== stage (m:ss)"), and as a table at the end.
STAGES=()
STAGE=""
STAGE_T0=$SECONDS
RUN_T0=$SECONDS
SETUP_S=0
mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
stage_end() {
  [ -n "$STAGE" ] || return 0
  local t=$((SECONDS - STAGE_T0))
  echo "<== ${STAGE} ($(mmss "$t"))"
  STAGES+=("$(mmss "$t")	${STAGE}")
  [ "$STAGE" != "set-up and build" ] || SETUP_S=$t
  STAGE=""
}
stage() { stage_end; STAGE=$1; STAGE_T0=$SECONDS; echo "==> $1${2:+ $2}"; }
stage_times() {
  echo "Time per stage:"
  printf '  %s\n' "${STAGES[@]}"
  echo "  $(mmss $((SECONDS - RUN_T0)))	total ($(mmss $((SECONDS - RUN_T0 - SETUP_S))) after set-up and build)"
}
# On a failure: the stage that failed, and the times so far.
on_exit() {
  local rc=$?
  [ -z "${ENGINES_PID:-}" ] || kill -- "-$ENGINES_PID" 2>/dev/null || true
  rm -rf "$LOGS"
  if [ "$rc" != 0 ] && [ -n "$STAGE" ]; then
    local failed=$STAGE
    stage_end
    echo "FAILED in stage: ${failed}"
    stage_times
  fi
}
trap on_exit EXIT

stage "set-up and build" "(scripts/setup.sh, scripts/build.sh)"
bash scripts/setup.sh
bash scripts/build.sh

# The smoke suite in the three engines (tests/engines/smoke.mjs, WebDriver, against dist/) mostly
# waits for drivers and page loads: it runs beside the Rust stages, and is waited for before the
# Playwright stages, which run with nothing beside them.
ENGINES_T0=$SECONDS
setsid node tests/engines/smoke.mjs > "$LOGS/engines.log" 2>&1 &
ENGINES_PID=$! # its own process group (setsid), with its drivers and browsers

stage "cargo fmt --check"
cargo fmt --all -- --check
# The wasm adapter's per-kind files are modules declared by build.rs (OUT_DIR/kinds.rs), which
# cargo fmt does not follow: check them by name.
rustfmt --check --edition 2021 crates/wasm/src/*.rs
stage "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
stage "cargo test (native)"
cargo test --workspace 2>&1 | tee "$LOGS/native.log"
# The wasm tests: cargo test for wasm32 with wasm-bindgen's test runner driving each engine over
# WebDriver (crates/wasm/webdriver.json: Debian's Chromium, headless). This is what `wasm-pack
# test` runs, without its first `cargo build --tests` in the dev profile, which nothing used
# (about 40 s of compiling on a fresh clone).
wasm_test() {
  (cd crates/wasm && env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    WASM_BINDGEN_TEST_ONLY_WEB=1 "$@" cargo test --target wasm32-unknown-unknown)
}
stage "wasm test Chromium" "(the same fixtures, compiled to wasm, in Chromium; chromedriver)"
wasm_test CHROMEDRIVER="$(command -v chromedriver)" 2>&1 | tee "$LOGS/wasm.log"
grep -q "test result: ok. [1-9]" "$LOGS/wasm.log" || { echo "wasm tests did not run"; exit 1; }
stage "wasm test Firefox ESR" "(the same fixtures, geckodriver)"
wasm_test GECKODRIVER="$(command -v geckodriver)" 2>&1 | tee "$LOGS/wasm-firefox.log"
grep -q "test result: ok. [1-9]" "$LOGS/wasm-firefox.log" || { echo "wasm tests did not run in Firefox"; exit 1; }
stage "wasm test WebKitGTK" "(the same fixtures: WebKitWebDriver as the driver, under xvfb-run)"
wasm_test SAFARIDRIVER="$(command -v WebKitWebDriver)" xvfb-run -a 2>&1 | tee "$LOGS/wasm-webkit.log"
grep -q "test result: ok. [1-9]" "$LOGS/wasm-webkit.log" || { echo "wasm tests did not run in WebKitGTK"; exit 1; }
stage "cargo build --release (CLI)" "(for the browser-vs-CLI tests)"
cargo build --release -p noiselab-cli --quiet
stage "Python package and pytest" "(the wheel, maturin, cached, into .venv/; pytest against the CLI)"
bash scripts/build-python.sh
PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/python 2>&1 | tee "$LOGS/python.log"
stage "engines smoke, rest" "(Chromium, Firefox ESR and WebKitGTK over WebDriver; tests/engines/; started after the build)"
engines_rc=0
wait "$ENGINES_PID" || engines_rc=$?
ENGINES_PID=""
cat "$LOGS/engines.log"
echo "(the smoke suite took $(mmss $((SECONDS - ENGINES_T0))) in all, beside the stages above)"
[ "$engines_rc" = 0 ] || exit "$engines_rc"
stage "Playwright, two workers" "(browser end-to-end tests, Debian Chromium)"
# The test server's port: E2E_PORT if set, else a free one (a stray server on a fixed port
# would otherwise stop the whole run).
E2E_PORT="${E2E_PORT:-$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")}"
export E2E_PORT
# Two workers for the specs that mostly wait; then, alone, the specs that measure the machine
# (playwright.config.mjs, project "serial").
E2E_WORKERS=2 npx playwright test --project=parallel 2>&1 | tee "$LOGS/e2e.log"
stage "Playwright, alone (soak, worker pool, funnel timing)"
npx playwright test --project=serial 2>&1 | tee "$LOGS/e2e-serial.log"

stage_end

sum() { local p=$1; shift; grep -ho "$p" "$@" | grep -o '[0-9]\+' | awk '{s+=$1} END {print s+0}'; }
native=$(sum 'ok\. [0-9]* passed' "$LOGS/native.log")
wasm=$(sum 'ok\. [0-9]* passed' "$LOGS/wasm.log" "$LOGS/wasm-firefox.log" "$LOGS/wasm-webkit.log")
python=$(grep -o '[0-9]* passed' "$LOGS/python.log" | grep -o '[0-9]\+' | tail -1)
e2e=$(($(grep -o '^ *[0-9]* passed' "$LOGS/e2e.log" | grep -o '[0-9]\+' | tail -1) + $(grep -o '^ *[0-9]* passed' "$LOGS/e2e-serial.log" | grep -o '[0-9]\+' | tail -1)))
engines=$(grep -o '^smoke: [0-9]* passed' "$LOGS/engines.log" | grep -o '[0-9]\+' | tail -1)
echo "native ${native}, wasm ${wasm} (Chromium, Firefox ESR, WebKitGTK), python ${python:-0}, browser ${e2e:-0}, engines smoke ${engines:-0}"
echo "noiselab: $((native + wasm + ${python:-0} + ${e2e:-0} + ${engines:-0})) passed, 0 failed"
stage_times
