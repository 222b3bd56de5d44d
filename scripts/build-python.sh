#!/usr/bin/env bash
# Build the Python package `noiselab` (python/, maturin + PyO3 on the Rust core) as a wheel and
# install it into .venv/ (made by scripts/setup.sh). Run after scripts/build.sh's bundle: the
# widget bundle dist/widgets/ is copied into python/noiselab/static/ and ships in the wheel.
#
# Cached: the wheel is rebuilt only when its inputs change (a hash of the workspace manifests,
# crates/core, crates/cli, crates/python, the registry (www/lib/registry.js, which
# crates/cli/build.rs reads through crates/registry.rs), python/, docs/python.md (the long
# description) and dist/widgets/, by content: the bundle is rewritten on every build), and
# reinstalled only when .venv/ does not hold that wheel. The wheel lands in
# $CARGO_TARGET_DIR/wheels/ (default target/wheels/) and is copied to dist/ (which
# scripts/build.sh empties).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[build-python] %s\n' "$*"; }
[ -x .venv/bin/maturin ] || { say ".venv/bin/maturin is missing: run scripts/setup.sh first"; exit 1; }
[ -f dist/widgets/noiselab.js ] || { say "dist/widgets/ is missing: run scripts/build.sh (or node scripts/bundle.mjs) first"; exit 1; }

target="${CARGO_TARGET_DIR:-target}"
wheels="$target/wheels"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

# The inputs, by content (file names and bytes).
inputs=$( { find Cargo.toml Cargo.lock crates/registry.rs www/lib/registry.js crates/core crates/cli crates/python python/pyproject.toml python/noiselab python/noiselab.data docs/python.md \
    dist/widgets -type f -not -path 'python/noiselab/static/*' -not -name '*.pyc' -print0 |
  sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-64)
wheel=$(ls "$wheels"/noiselab-"$version"-*.whl 2>/dev/null | head -1 || true)

if [ -n "$wheel" ] && [ "$(cat "$wheels/.inputs" 2>/dev/null)" = "$inputs" ]; then
  say "wheel up to date: $wheel"
else
  say "copying the widget bundle dist/widgets/ into python/noiselab/static/"
  rm -rf python/noiselab/static
  cp -r dist/widgets python/noiselab/static
  rm -f "$wheels"/noiselab-*.whl "$wheels/.inputs"
  say "building the wheel (maturin, release)"
  start=$(date +%s)
  # From python/, where maturin finds pyproject.toml (manifest-path: crates/python).
  out=$(realpath -m "$wheels")
  (cd python && ../.venv/bin/maturin build --release --quiet -i ../.venv/bin/python -o "$out")
  wheel=$(ls "$wheels"/noiselab-"$version"-*.whl | head -1)
  echo "$inputs" > "$wheels/.inputs"
  say "built $wheel in $(( $(date +%s) - start )) s"
fi

stamp=.venv/.noiselab-wheel
if [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ] && .venv/bin/python -c "import noiselab" 2>/dev/null; then
  say "installed in .venv/: present"
else
  say "installing $(basename "$wheel") into .venv/"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
  echo "$inputs" > "$stamp"
fi
mkdir -p dist
cp "$wheel" dist/
say "dist/$(basename "$wheel")"
