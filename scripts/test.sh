#!/usr/bin/env bash
# npm test: install what is missing, build, and run every test:
#   cargo fmt --check, cargo clippy -D warnings, native cargo test, the wasm tests in headless
#   Chromium (wasm-pack test --headless --chrome, same fixtures as native), the Python package
#   (scripts/build-python.sh, then pytest tests/python against the CLI), and the browser
#   end-to-end suite (Playwright + Debian's Chromium) against the built, served lab.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

bash scripts/setup.sh
bash scripts/build.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check
# The wasm adapter's per-kind files are modules declared by build.rs (OUT_DIR/kinds.rs), which
# cargo fmt does not follow: check them by name.
rustfmt --check --edition 2021 crates/wasm/src/*.rs
echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "==> cargo test (native)"
cargo test --workspace 2>&1 | tee "$LOGS/native.log"
echo "==> wasm-pack test --headless --chrome (the same fixtures, compiled to wasm, in Chromium)"
wasm-pack --log-level warn test --headless --chrome crates/wasm 2>&1 | tee "$LOGS/wasm.log"
grep -q "test result: ok. [1-9]" "$LOGS/wasm.log" || { echo "wasm tests did not run"; exit 1; }
echo "==> cargo build --release (CLI, for the browser-vs-CLI test)"
cargo build --release -p noiselab-cli --quiet
echo "==> Python package: the wheel (maturin, cached) into .venv/, and pytest against the CLI"
bash scripts/build-python.sh
PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/python 2>&1 | tee "$LOGS/python.log"
echo "==> browser end-to-end tests (Playwright, Debian Chromium)"
# The test server's port: E2E_PORT if set, else a free one (a stray server on a fixed port
# would otherwise stop the whole run).
E2E_PORT="${E2E_PORT:-$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")}"
export E2E_PORT
npx playwright test 2>&1 | tee "$LOGS/e2e.log"

sum() { grep -ho "$1" "$2" | grep -o '[0-9]\+' | awk '{s+=$1} END {print s+0}'; }
native=$(sum 'ok\. [0-9]* passed' "$LOGS/native.log")
wasm=$(sum 'ok\. [0-9]* passed' "$LOGS/wasm.log")
python=$(grep -o '[0-9]* passed' "$LOGS/python.log" | grep -o '[0-9]\+' | tail -1)
e2e=$(grep -o '^ *[0-9]* passed' "$LOGS/e2e.log" | grep -o '[0-9]\+' | tail -1)
echo "native ${native}, wasm ${wasm}, python ${python:-0}, browser ${e2e:-0}"
echo "noiselab: $((native + wasm + ${python:-0} + ${e2e:-0})) passed, 0 failed"
