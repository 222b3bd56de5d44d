#!/usr/bin/env bash
# Build the wasm adapter in release mode into www/pkg/<family>/ (scripts/build-wasm.sh: wasm-pack,
# then wasm-opt), vendor KaTeX into www/vendor, and assemble the static lab in dist/ (all three are
# git-ignored). dist/ is what gets served.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

echo "[build] wasm (release): one module per family of experiments (www/lib/registry.js)"
families=$(node --input-type=module -e "
  import { FAMILIES } from './www/lib/registry.js';
  for (const [f, kinds] of Object.entries(FAMILIES)) console.log(f + ' ' + kinds.join(','));")
rm -f www/pkg/noiselab_wasm.js www/pkg/noiselab_wasm_bg.wasm # the one-module layout before families
while read -r family kinds; do
  bash scripts/build-wasm.sh "www/pkg/$family" "$kinds"
done <<< "$families"
# The data module: own data's CSV parser (parseData), no kinds; the worker loads it on the first
# file a widget is given (issue 22, W4: kept out of the families' modules).
bash scripts/build-wasm.sh www/pkg/data none data

echo "[build] vendoring KaTeX from node_modules"
rm -rf www/vendor/katex && mkdir -p www/vendor/katex
cp node_modules/katex/dist/katex.min.css node_modules/katex/dist/katex.mjs www/vendor/katex/
cp -r node_modules/katex/dist/fonts www/vendor/katex/fonts
echo "[build] assembling dist/"
node scripts/dist.mjs
node scripts/bundle.mjs
bash scripts/build-python.sh
echo "[build] done: wasm modules (bytes): $(cd www/pkg && stat -c '%n %s' */noiselab_wasm_bg.wasm | sed 's#/noiselab_wasm_bg.wasm##' | tr '\n' ' ')"
