#!/usr/bin/env bash
# Re-fetches the playground's GraphiQL and React builds from the npm registry at the pinned
# versions below and checks every file against SHA256SUMS. The server embeds these files at
# build time (src/http/playground/assets.rs); nothing is loaded from a CDN.
#
#   assets/graphiql/vendor.sh           fetch and copy; fails when a file differs from SHA256SUMS
#   assets/graphiql/vendor.sh --update  fetch, copy and rewrite SHA256SUMS (after changing a version)
#
# `npm pack` checks each tarball against the integrity hash the registry publishes.
set -euo pipefail

GRAPHIQL_VERSION=3.9.0 # the last major with a UMD (standalone) build
REACT_VERSION=18.3.1   # the last React with UMD builds; GraphiQL 3 supports React 16.8 to 18

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null
unpack() { mkdir "$1" && tar -xzf "$1-$2.tgz" -C "$1" --strip-components=1; }
unpack graphiql "$GRAPHIQL_VERSION"
unpack react "$REACT_VERSION"
unpack react-dom "$REACT_VERSION"

# source in the package -> file here
copy() { cp "$work/$1" "$here/$2"; }
copy graphiql/graphiql.min.js graphiql.min.js
copy graphiql/graphiql.min.css graphiql.min.css
copy graphiql/LICENSE LICENSE.graphiql
copy react/umd/react.production.min.js react.production.min.js
copy react/LICENSE LICENSE.react
copy react-dom/umd/react-dom.production.min.js react-dom.production.min.js
copy react-dom/LICENSE LICENSE.react-dom

cd "$here"
files=(graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js
  LICENSE.graphiql LICENSE.react LICENSE.react-dom)
if [ "${1:-}" = "--update" ]; then
  sha256sum "${files[@]}" >SHA256SUMS
  echo "SHA256SUMS rewritten for graphiql@$GRAPHIQL_VERSION, react@$REACT_VERSION, react-dom@$REACT_VERSION"
else
  sha256sum --check --strict SHA256SUMS
fi
