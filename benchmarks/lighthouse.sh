#!/usr/bin/env bash
# Lighthouse (mobile, simulated throttling) on the visitor pages of a running `make serve`, a few runs each, with
# the median largest contentful paint. Lighthouse 12.2.3 is the last release that runs on Node 20 and works
# with Debian's Chromium; it is installed into $LIGHTHOUSE_DIR (outside the project), not into node_modules.
#
#   make serve SERVE_PORT=8280 &      # the production setup, demo data
#   benchmarks/lighthouse.sh http://127.0.0.1:8280 5
set -euo pipefail

BASE=${1:-http://127.0.0.1:8080}
RUNS=${2:-5}
LIGHTHOUSE_DIR=${LIGHTHOUSE_DIR:-/tmp/lighthouse-12.2.3}
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
PAGES=("/" "/find/?q=61265" "/clinics/cedar-rapids-pci-vestibular-clinic/" "/conditions/pinched-nerve/")

if [ ! -x "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" ]; then
    mkdir -p "$LIGHTHOUSE_DIR"
    (cd "$LIGHTHOUSE_DIR" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund -E lighthouse@12.2.3)
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

for page in "${PAGES[@]}"; do
    for run in $(seq "$RUNS"); do
        # A run that fails to record its trace (it happens) is skipped, not counted.
        CHROME_PATH=$CHROMIUM "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" "$BASE$page" --quiet \
            --only-categories=performance --form-factor=mobile --output=json --output-path="$OUT/$run.json" \
            --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
            || rm -f "$OUT/$run.json"
    done
    python3 - "$page" "$OUT" <<'EOF'
import json, pathlib, statistics, sys
page, out = sys.argv[1], pathlib.Path(sys.argv[2])
runs = []
for path in sorted(out.glob("*.json")):
    audits = json.loads(path.read_text())["audits"]
    if "numericValue" in audits["largest-contentful-paint"]:
        runs.append(audits)
    path.unlink()
if not runs:
    print(f"{page}: no run recorded a trace")
    sys.exit(0)
def median(name):
    return statistics.median(a[name]["numericValue"] for a in runs)
kib = statistics.median(a["total-byte-weight"]["numericValue"] for a in runs) / 1024
lcps = ", ".join(f"{a['largest-contentful-paint']['numericValue'] / 1000:.2f}" for a in runs)
print(f"{page}: LCP {median('largest-contentful-paint') / 1000:.2f} s (runs: {lcps}), "
      f"FCP {median('first-contentful-paint') / 1000:.2f} s, TBT {median('total-blocking-time'):.0f} ms, "
      f"{kib:.0f} KiB, {len(runs)} runs")
EOF
done
