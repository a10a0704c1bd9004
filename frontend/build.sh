#!/bin/sh
# Build Harbour's GOV.UK Frontend assets into harbour/core/static/harbour/.
#
#   cd frontend && npm ci && npm run build
#
# The outputs are committed, so running Harbour (and its demo) needs no Node.
# Harbour is not a GOV.UK service: the GDS Transport font and the crown/crest
# images are deliberately not copied.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
govuk="$here/node_modules/govuk-frontend/dist/govuk"
out="$here/../harbour/core/static/harbour"

if [ ! -d "$govuk" ]; then
    echo "govuk-frontend is not installed: run 'npm ci' in $here first." >&2
    exit 1
fi

mkdir -p "$out/assets/images"

"$here/node_modules/.bin/sass" \
    --pkg-importer=node \
    --style=compressed \
    --no-source-map \
    --quiet-deps \
    "$here/src/harbour.scss" "$out/harbour.css"

# The JavaScript and its source map side by side: the .js ends with a
# sourceMappingURL comment, which manifest static storage resolves.
cp "$govuk/govuk-frontend.min.js" "$govuk/govuk-frontend.min.js.map" "$out/"

# GOV.UK Frontend's CSS needs no images (the crest is excluded in
# src/_url-handlers.scss); Harbour's own images are its favicon.
cp "$here"/src/images/*.svg "$out/assets/images/"

echo "Built $(cd "$out" && pwd)"
