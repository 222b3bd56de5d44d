#!/usr/bin/env bash
# npm start: install what is missing, build the wasm in release mode, serve the lab on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/serve.mjs "$@"
