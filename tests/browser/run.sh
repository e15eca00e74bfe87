#!/usr/bin/env bash
# Browser checks of the real microsite: every page in Chromium, then Lighthouse on key pages.
# Installs what is missing (Chromium from Debian, the npm packages from package-lock.json), builds
# the site with a local base URL into target/browser-site, and runs both checks; then loads every
# page of a paginated copy of the site (target/browser-paginated-site) the same way.
#   bash tests/browser/run.sh            # everything
#   PORT=9000 bash tests/browser/run.sh  # a given local port (default: a free one)
#   SKIP_LIGHTHOUSE=1 bash tests/browser/run.sh
#   SEARCH_CASES=cases.json bash tests/browser/run.sh  # other search cases (tests/browser/search.mjs)
set -euo pipefail

cd "$(dirname "$0")/../.."
# A free local port unless one is given, so that two checkouts can run their checks at once.
PORT="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
OUT="target/browser-site"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export PUPPETEER_SKIP_DOWNLOAD=1
export PUPPETEER_SKIP_CHROME_DOWNLOAD=1
export PUPPETEER_SKIP_CHROME_HEADLESS_SHELL_DOWNLOAD=1

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (Debian packages)"
  apt-get update
  apt-get install -y chromium chromium-driver
fi

if [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/lighthouse ]; then
  echo "== installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

echo "== building the site for http://127.0.0.1:${PORT}"
cargo run --release --quiet -- build --base-url "http://127.0.0.1:${PORT}" --output "$OUT"

echo "== loading every page"
node tests/browser/pages.mjs --root "$OUT" --port "$PORT"

echo "== searching, in English and in Ukrainian (typed queries, results, keyboard, without JavaScript)"
node tests/browser/search.mjs --root "$OUT" --port "$PORT" --cases "${SEARCH_CASES:-tests/browser/search-cases.json}"

# The microsite's lists are too short to paginate, so a copy of it with two pages per pager (the
# proposal section and the topic pages) puts the theme's pager navigation under the same checks.
PAGED_SRC="target/browser-paginated-src"
PAGED_OUT="target/browser-paginated-site"
rm -rf "$PAGED_SRC"
mkdir -p "$PAGED_SRC"
cp -r site.yaml content themes "$PAGED_SRC"/
python3 - "$PAGED_SRC" <<'PY'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
config = root / "site.yaml"
text = config.read_text(encoding="utf-8")
assert "taxonomies: [topics]" in text, "site.yaml's taxonomies line changed: update tests/browser/run.sh"
config.write_text(text.replace("taxonomies: [topics]", "taxonomies: [{name: topics, paginate_by: 2}]"), encoding="utf-8")
section = root / "content" / "proposal" / "_index.md"
front = section.read_text(encoding="utf-8")
section.write_text(front.replace("---\n", "---\npaginate_by: 2\n", 1), encoding="utf-8")
PY
echo "== loading every page of a paginated copy"
cargo run --release --quiet -- build --root "$PAGED_SRC" --base-url "http://127.0.0.1:${PORT}" --output "$PAGED_OUT"
for pager in proposal/page/2/index.html topics/aasc/page/2/index.html; do
  [ -f "$PAGED_OUT/$pager" ] || { echo "the paginated copy has no $pager" >&2; exit 1; }
done
node tests/browser/pages.mjs --root "$PAGED_OUT" --port "$PORT"

if [ "${SKIP_LIGHTHOUSE:-}" != "1" ]; then
  echo "== Lighthouse"
  node tests/browser/lighthouse.mjs --root "$OUT" --port "$PORT"
fi
