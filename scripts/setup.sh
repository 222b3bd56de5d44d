#!/usr/bin/env bash
# Install what the lab needs to build and test, skipping whatever is already there at the pinned
# version. Idempotent: a second run only checks versions. Run as root (apt-get); a non-root user
# needs sudo for the Debian packages, or chromium + chromium-driver installed beforehand.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
# The wasm-bindgen CLI must equal the crate version pinned (=X) in crates/wasm/Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' crates/wasm/Cargo.toml)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  say "need root for: $*  (install chromium and chromium-driver, or run as root)"; exit 1; fi; }

command -v cargo >/dev/null || { say "Rust (cargo) is required: install it with rustup"; exit 1; }
command -v npm >/dev/null || { say "Node.js 20+ and npm are required"; exit 1; }

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: present"
else
  say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

if [ "$(wasm-pack --version 2>/dev/null)" = "wasm-pack $WASM_PACK_VERSION" ]; then
  say "wasm-pack $WASM_PACK_VERSION: present"
else
  say "installing wasm-pack $WASM_PACK_VERSION (about 2 minutes)"
  cargo install wasm-pack --locked --version "$WASM_PACK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
else
  # Without --locked: the locked build fails on this toolchain.
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v pandoc >/dev/null; then
  say "chromium + chromedriver + pandoc: present ($(chromium --version 2>/dev/null | head -1); $(pandoc --version | head -1))"
else
  # pandoc: the Quarto recipe's sample is rendered with it (Quarto is built on pandoc).
  say "installing chromium, chromium-driver and pandoc from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver pandoc >/dev/null
fi

# Firefox ESR and WebKitGTK (issue 23): the wasm fixtures also run in Firefox (wasm-pack test
# --firefox, driven by geckodriver) and the smoke suite (tests/engines/smoke.mjs) in all three
# engines over WebDriver. Debian's firefox-esr, WebKitGTK's WebKitWebDriver (its MiniBrowser comes
# with libwebkit2gtk-4.1-0) and Xvfb (WebKitGTK needs a display: xvfb-run); geckodriver from
# crates.io, pinned.
GECKODRIVER_VERSION=0.37.1
if command -v firefox-esr >/dev/null && command -v WebKitWebDriver >/dev/null && command -v xvfb-run >/dev/null; then
  say "firefox-esr + WebKitWebDriver + xvfb: present ($(firefox-esr --version 2>/dev/null | head -1); WebKitGTK $(dpkg-query -W -f '${Version}' webkit2gtk-driver 2>/dev/null))"
else
  say "installing firefox-esr, webkit2gtk-driver and xvfb from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb >/dev/null
fi
if [ "$(geckodriver --version 2>/dev/null | head -1)" = "geckodriver $GECKODRIVER_VERSION" ]; then
  say "geckodriver $GECKODRIVER_VERSION: present"
else
  say "installing geckodriver $GECKODRIVER_VERSION from crates.io (about 10 minutes)"
  cargo install geckodriver --locked --version "$GECKODRIVER_VERSION"
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm packages: present"
else
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Python: a virtual environment in .venv/ with the pinned tools of python/requirements.txt
# (maturin for the Python package, pytest, JupyterLab and nbconvert for the notebook tests,
# mkdocs-material, jupyter-book and mystmd for the course-site samples); reinstalled only when
# that file changes.
command -v python3 >/dev/null || { say "Python 3.11+ (python3 with venv) is required"; exit 1; }
if [ ! -x .venv/bin/python ]; then
  say "creating the Python virtual environment .venv/"
  python3 -m venv .venv
fi
if [ -f .venv/.requirements ] && cmp -s python/requirements.txt .venv/.requirements; then
  say "Python packages: present"
else
  say "installing the Python packages of python/requirements.txt into .venv/ (about 2 minutes)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements.txt
  cp python/requirements.txt .venv/.requirements
fi
