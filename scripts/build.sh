#!/usr/bin/env bash
# Build the wasm adapter in release mode into www/pkg (scripts/build-wasm.sh: wasm-pack, then
# wasm-opt), vendor KaTeX into www/vendor, and assemble the static lab in dist/ (all three are
# git-ignored). dist/ is what gets served.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

echo "[build] wasm (release)"
bash scripts/build-wasm.sh www/pkg

echo "[build] vendoring KaTeX from node_modules"
rm -rf www/vendor/katex && mkdir -p www/vendor/katex
cp node_modules/katex/dist/katex.min.css node_modules/katex/dist/katex.mjs www/vendor/katex/
cp -r node_modules/katex/dist/fonts www/vendor/katex/fonts
echo "[build] assembling dist/"
node scripts/dist.mjs
echo "[build] done: $(du -k www/pkg/noiselab_wasm_bg.wasm | cut -f1) KiB of wasm"
