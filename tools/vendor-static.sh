#!/usr/bin/env bash
# Refreshes the vendored front-end files from the npm registry at pinned versions.
# Nothing is fetched at run time: the files are committed and embedded in the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack htmx.org@2.0.11 >/dev/null && tar xzf htmx.org-2.0.11.tgz )
cp "$tmp/package/dist/htmx.min.js" crates/web/static/htmx-2.0.11.min.js
cp "$tmp/package/LICENSE" crates/web/static/htmx-LICENSE.txt
echo "vendored htmx 2.0.11"
