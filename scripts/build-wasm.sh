#!/usr/bin/env bash
# Build the wasm adapter (release) into OUT_DIR (relative to the repository) and shrink it with
# binaryen's wasm-opt (npm package `binaryen`, pinned in package.json; Debian's is too old for
# wasm-bindgen's output, so wasm-pack's own wasm-opt step is off in crates/wasm/Cargo.toml).
#   bash scripts/build-wasm.sh www/pkg/noise sgd-posterior,funnel  one family's module (only those
#                                                                  kinds: NOISELAB_KINDS, read by
#                                                                  crates/wasm/build.rs)
#   bash scripts/build-wasm.sh bench/pkg all bench                 the benchmark page's module (every
#                                                                  kind and the `bench` feature)
#   bash scripts/build-wasm.sh www/pkg/data none data              the data module: no kind, the
#                                                                  `data` feature (parseData)
#   bash scripts/build-wasm.sh OUT_DIR                             every kind
# Idempotent: the optimized module is cached under target/wasm-opt/ by the SHA-256 of wasm-pack's
# output and the flags, so an unchanged build skips the ~30 s optimization.
# -Oz: on this module -O3, -Os and -Oz leave W1–W3 speed within noise (issue 7 note) and -Oz is
# the smallest; it removes the name section (no debug info ships).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
OUT_DIR=${1:?usage: build-wasm.sh OUT_DIR [kinds | all] [cargo features]}
export NOISELAB_KINDS=${2:-all}
FEATURES=${3:-}
WASM_OPT_FLAGS=(-Oz)

args=(--log-level warn build crates/wasm --release --target web --no-typescript --no-pack --out-dir "../../$OUT_DIR")
[ -n "$FEATURES" ] && args+=(-- --features "$FEATURES")
wasm-pack "${args[@]}"
# wasm-pack writes a `*` .gitignore there; the repository's own .gitignore already covers the
# folder, and npm would otherwise leave the core out of the package (npm pack honours nested
# .gitignores).
rm -f "$OUT_DIR/.gitignore"

WASM="$OUT_DIR/noiselab_wasm_bg.wasm"
WASM_OPT=node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || { echo "[build-wasm] $WASM_OPT missing: run bash scripts/setup.sh (npm ci)"; exit 1; }
key=$( { sha256sum < "$WASM"; echo "${WASM_OPT_FLAGS[*]} $("$WASM_OPT" --version)"; } | sha256sum | cut -c1-32)
cache="target/wasm-opt/$key.wasm"
if [ ! -f "$cache" ]; then
  mkdir -p target/wasm-opt
  before=$(stat -c %s "$WASM")
  # The target_features section tells wasm-opt which features (simd128, bulk memory, …) it may use.
  "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$WASM" -o "$cache.tmp"
  mv "$cache.tmp" "$cache"
  echo "[build-wasm] wasm-opt ${WASM_OPT_FLAGS[*]}: $before → $(stat -c %s "$cache") bytes"
fi
# NOISELAB_WASM_NAMES=1: also the optimized module with its function names, for measuring what
# the bytes are (`twiggy top target/wasm-opt/names-<dir>.wasm`; issue 22, W4). Not shipped.
if [ -n "${NOISELAB_WASM_NAMES:-}" ]; then
  names="target/wasm-opt/names-$(basename "$OUT_DIR").wasm"
  "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" -g "$WASM" -o "$names"
  echo "[build-wasm] with names: $names"
fi
cp "$cache" "$WASM"
