#!/usr/bin/env bash
# Runs the Dockerfile's build steps for one app without Docker, on this machine's Debian
# packages: turbo prune --docker → pnpm install --frozen-lockfile → turbo build → pnpm deploy
# --prod → node dist/main.js, then the image's HEALTHCHECK command against it.
#   bash deploy/verify-build.sh home [bundle-uri]   (default bundle: file://$PWD/.data/bundles)
# Needs the packages of the build stage (tooling/scripts/setup.sh installs them). Slow (minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
app=${1:?usage: verify-build.sh home|search|playlists [bundle-uri]}
bundle=${2:-file://$PWD/.data/bundles}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
say() { printf '\033[1mverify-build:\033[0m %s\n' "$*"; }
export TURBO_TELEMETRY_DISABLED=1 CI=1

say "prune @mixtape/$app"
pnpm exec turbo prune "@mixtape/$app" --docker --out-dir "$work/out" >/dev/null
mkdir -p "$work/repo"
cp -r "$work/out/json/." "$work/repo/"
say "pnpm install --frozen-lockfile (manifests only, as in the cached image layer)"
(cd "$work/repo" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent)
cp -r "$work/out/full/." "$work/repo/"
say "turbo run build --filter @mixtape/$app..."
(cd "$work/repo" && pnpm exec turbo run build --filter "@mixtape/$app..." --output-logs=errors-only)
say "pnpm deploy --prod --legacy"
(cd "$work/repo" && pnpm --filter "@mixtape/$app" deploy --prod --legacy --prefer-offline "$work/app" >/dev/null)
say "runtime: node dist/main.js (PORT 18080), bundle $bundle"
port=18080
(cd "$work/app" && NODE_ENV=production PORT=$port HOST=127.0.0.1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  MIXTAPE_BUNDLE="$bundle" MIXTAPE_CACHE_DIR="$work/cache" PLAYLISTS_DATA_DIR="$work/data" MIXTAPE_BUNDLE_POLL_MS=0 LOG_LEVEL=warn \
  node dist/main.js) &
pid=$!
for _ in $(seq 1 120); do
  if PORT=$port node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    say "HEALTHCHECK passed: /readyz 200 — $(du -sh "$work/app" | cut -f1) app directory"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { say "the service exited"; exit 1; }
  sleep 1
done
say "not ready after 120 s"; exit 1
