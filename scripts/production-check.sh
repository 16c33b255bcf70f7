#!/usr/bin/env bash
# The production path, from the project's files alone (what git would clone, including
# uncommitted changes): build with every dependency, then take only dist/ to a second copy that
# installs production dependencies (`npm ci --omit=dev`), start `node dist/main.js` on SQLite,
# wait for GET /health, stop it with SIGTERM and expect exit code 0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

copy_tree() {
  mkdir -p "$1"
  (cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$1"
}

copy_tree "$work/build"
# The Node.js this checkout already fetched, if any (saves fetching it again).
[ -d "$repo/.toolchain" ] && cp -r "$repo/.toolchain" "$work/build/.toolchain"
make -s -C "$work/build" build >/dev/null
copy_tree "$work/prod"
cp -r "$work/build/dist" "$work/prod/dist"
cp -r "$work/build/.toolchain" "$work/prod/.toolchain" 2>/dev/null || true

cd "$work/prod"
node_bin=$(scripts/toolchain.sh)
export PATH="$node_bin:$PATH"
npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
if [ -e node_modules/typescript ] || [ -e node_modules/@bufbuild/buf ] || [ -e node_modules/tsx ]; then
  echo "production-check: a dev dependency was installed by npm ci --omit=dev" >&2
  exit 1
fi

port=$((20000 + RANDOM % 20000))
PORT=$port HOST=127.0.0.1 SQLITE_PATH="$work/data/workflows.sqlite" LOG_LEVEL=warn \
  node dist/main.js &
pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "production-check: the service exited" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
if [ "$status" -ne 0 ]; then
  echo "production-check: exit code $status after SIGTERM" >&2
  exit 1
fi
echo "production-check: node dist/main.js on production dependencies answered /health and stopped cleanly ($(node --version))"
