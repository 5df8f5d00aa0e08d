#!/usr/bin/env bash
# Page-by-page A/B identity check of the Home code: the response bodies of <base-ref> and of this
# checkout for the same requests (bench/page-identity.ts: the bench:cpu sample, computed pages,
# seeded bandit per page). Exits 1 when any page differs and names them. The base runs from a
# temporary git worktree (removed at the end) with this checkout's copy of the script, which only
# calls APIs older versions have (openHomeBundle, createHomeServing, pageFor, pageBody).
#   apps/home/scripts/page-identity.sh <base-ref> file:///abs/bundle/dir [--pages N] [--events]
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <base-ref> <bundle-uri> [--pages N] [--events]" >&2
  exit 2
fi
base=$1
bundle=$2
shift 2
root=$(git rev-parse --show-toplevel)
git -C "$root" rev-parse --verify --quiet "$base^{commit}" >/dev/null || { echo "$0: $base is not a commit of $root" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/page-identity.XXXXXX")
cleanup() {
  git -C "$root" worktree remove --force "$work/base" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
git -C "$root" worktree add --quiet --detach "$work/base" "$base"
echo "== base $(git -C "$work/base" log -1 --format='%h %<(60,trunc)%s') in $work/base: pnpm install" >&2
(cd "$work/base" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent)
cp "$root/apps/home/bench/page-identity.ts" "$root/apps/home/bench/sample.ts" "$work/base/apps/home/bench/"
echo "== base pages" >&2
(cd "$work/base/apps/home" && pnpm exec tsx --conditions @mixtape/source bench/page-identity.ts --bundle "$bundle" "$@" --out "$work/base.tsv")
echo "== this checkout ($(git -C "$root" log -1 --format='%h %<(60,trunc)%s')$(git -C "$root" diff --quiet HEAD || echo ', with uncommitted changes')) pages" >&2
(cd "$root/apps/home" && pnpm exec tsx --conditions @mixtape/source bench/page-identity.ts --bundle "$bundle" "$@" --out "$work/new.tsv" --against "$work/base.tsv")
