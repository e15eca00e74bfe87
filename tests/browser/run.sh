#!/usr/bin/env bash
# Browser checks of the real microsite: every page in Chromium, then Lighthouse on key pages.
# Installs what is missing (Chromium from Debian, the npm packages from package-lock.json), builds
# the site with a local base URL into target/browser-site, and runs both checks.
#   bash tests/browser/run.sh            # everything
#   PORT=9000 bash tests/browser/run.sh  # a given local port (default: a free one)
#   SKIP_LIGHTHOUSE=1 bash tests/browser/run.sh
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

if [ "${SKIP_LIGHTHOUSE:-}" != "1" ]; then
  echo "== Lighthouse"
  node tests/browser/lighthouse.mjs --root "$OUT" --port "$PORT"
fi
