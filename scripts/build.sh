#!/usr/bin/env bash
# Build the wasm adapter in release mode into www/pkg, vendor KaTeX into www/vendor, and
# assemble the static lab in dist/ (all three are git-ignored). dist/ is what gets served.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

echo "[build] wasm (release)"
wasm-pack --log-level warn build crates/wasm --release --target web --no-typescript --no-pack \
  --out-dir ../../www/pkg
# wasm-pack writes a `*` .gitignore there; the repository's own .gitignore already covers www/pkg,
# and npm would otherwise leave the core out of the package (npm pack honours nested .gitignores).
rm -f www/pkg/.gitignore

echo "[build] vendoring KaTeX from node_modules"
rm -rf www/vendor/katex && mkdir -p www/vendor/katex
cp node_modules/katex/dist/katex.min.css node_modules/katex/dist/katex.mjs www/vendor/katex/
cp -r node_modules/katex/dist/fonts www/vendor/katex/fonts
echo "[build] assembling dist/"
node scripts/dist.mjs
echo "[build] done: $(du -k www/pkg/noiselab_wasm_bg.wasm | cut -f1) KiB of wasm"
