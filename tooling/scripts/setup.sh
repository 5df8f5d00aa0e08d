#!/usr/bin/env bash
# Prepares a machine for Mixtape: system packages FAISS needs, pnpm 10, `pnpm install`.
# Idempotent and quick when everything is already there. Usage: bash tooling/scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Debian/Ubuntu packages: FAISS (static lib + headers), OpenBLAS (FAISS is 10–15× slower on
# reference BLAS), a C++ toolchain for the faiss-node binding, redis-server for shared-state tests,
# chromium for the console's browser tests (Playwright drives /usr/bin/chromium), XGBoost's C
# library for @mixtape/native (the Home ranker's LambdaMART training; its addon also calls
# OpenBLAS's LAPACK).
DEB_PACKAGES=(libfaiss-dev libopenblas0-pthread libopenblas-dev libxgboost-dev g++ make python3 redis-server chromium)

missing_debs() {
  local missing=()
  for package in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  echo "${missing[@]:-}"
}

install_system_packages() {
  if [ "${MIXTAPE_SKIP_SYSTEM_PACKAGES:-}" = "1" ]; then say "skipping system packages (MIXTAPE_SKIP_SYSTEM_PACKAGES=1)"; return; fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system: install these yourself, then re-run:"
    say "  FAISS 1.7.x (headers + libfaiss; set FAISS_PREFIX if not under /usr or /usr/local), OpenBLAS, XGBoost 1.7 (libxgboost + headers), a C++17 compiler, make, python3, redis-server"
    say "  Chromium for the console's browser tests (set MIXTAPE_CHROMIUM_PATH if it is not /usr/bin/chromium)"
    return
  fi
  local missing
  missing=$(missing_debs)
  if [ -z "$missing" ]; then say "system packages present"; return; fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      say "missing system packages and no root: run this, then re-run setup:"
      say "  sudo apt-get update && sudo apt-get install -y $missing"
      exit 1
    fi
  fi
  say "installing system packages: $missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

install_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version | cut -d. -f1)" = "10" ]; then say "pnpm $(pnpm --version) present"; return; fi
  # corepack's bundled signing keys are outdated on some Node 20 builds; npm works everywhere.
  say "installing pnpm 10 with npm"
  npm install -g pnpm@10 --silent >/dev/null 2>&1 || { say "npm install -g pnpm@10 failed (no permission?): run it as root or with a Node version manager"; exit 1; }
}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then say "Node >= 20 is required (found $(node --version 2>/dev/null || echo none))"; exit 1; fi

install_system_packages
install_pnpm
# A marker keyed by the lockfile and patches skips a no-op install on repeated runs.
marker=node_modules/.mixtape-install
stamp=$(cat pnpm-lock.yaml patches/* pnpm-workspace.yaml 2>/dev/null | sha256sum | cut -c1-16)
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$stamp" ] && node -e "require('./packages/embeddings/node_modules/faiss-node'); require('./packages/native/build/Release/mixtape_native.node')" 2>/dev/null; then
  say "dependencies up to date"
else
  say "pnpm install (builds faiss-node against the system FAISS and @mixtape/native against XGBoost + OpenBLAS)"
  pnpm install --frozen-lockfile --reporter=append-only | grep -vE '^(Progress|\s*$)' | tail -n 20
  echo "$stamp" > "$marker"
fi
say "ready"
