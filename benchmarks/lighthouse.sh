#!/usr/bin/env bash
# Lighthouse scores (mobile profile) for the demo paper's home page, one
# section page, one article page and the article with the most body elements, printed as performance / accessibility /
# best practices / SEO, with the paint metrics.
#
# The site runs as in production: DJANGO_DEBUG=false, static files collected
# and served compressed with far-future caching by WhiteNoise, media served
# from a second origin (as from a CDN, benchmarks/media_server.py) that the
# CSP allows for images. The demo paper is built in a throwaway SQLite file.
#
#   benchmarks/lighthouse.sh            needs .venv (./dev setup), Node 20, chromium
#   PORT=8701 MEDIA_PORT=8702 benchmarks/lighthouse.sh
#   REPORT_DIR=/tmp/reports benchmarks/lighthouse.sh   keeps each page's JSON report
#   RUNS=3 benchmarks/lighthouse.sh     measures each page 3 times, then prints
#                                       the median of each metric
#   DEMO_DIR=/tmp/demo benchmarks/lighthouse.sh   builds the demo paper there
#                                       once and reuses it on later runs
#
# Lighthouse 12 is installed on first use into LIGHTHOUSE_DIR (not into the
# project): Lighthouse 13 needs Node 22.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8701}"
MEDIA_PORT="${MEDIA_PORT:-8702}"
LIGHTHOUSE_DIR="${LIGHTHOUSE_DIR:-${TMPDIR:-/tmp}/newsroom-lighthouse}"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROME_PATH
PY=.venv/bin/python

[ -x "$PY" ] || { echo "lighthouse.sh: run ./dev setup first" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "lighthouse.sh: $CHROME_PATH is missing" >&2; exit 1; }

if [ ! -x "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" ]; then
  echo "Installing Lighthouse 12.2.3 into $LIGHTHOUSE_DIR"
  mkdir -p "$LIGHTHOUSE_DIR"
  (cd "$LIGHTHOUSE_DIR" && npm i -E --no-save --silent --no-audit --no-fund lighthouse@12.2.3)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/newsroom-lighthouse-run.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="lighthouse-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
RUNS="${RUNS:-1}"
demo="${DEMO_DIR:-$work}"
export DATABASE_URL="sqlite:///$demo/db.sqlite3"
export MEDIA_ROOT="$demo/media" STATIC_ROOT="$work/static"
export MEDIA_URL="http://127.0.0.1:$MEDIA_PORT/"
export DJANGO_CSP_IMG_SRC="http://127.0.0.1:$MEDIA_PORT"
# Plain HTTP on the loopback interface: no HTTPS redirect, HSTS or secure cookies.
export DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_HSTS_SECONDS=0
export SITE_URL="http://127.0.0.1:$PORT"

if [ ! -f "$demo/db.sqlite3" ]; then
  echo "Building the demo paper"
  mkdir -p "$demo"
  "$PY" manage.py migrate --no-input -v0
  "$PY" manage.py load_demo >/dev/null
fi
"$PY" manage.py collectstatic --no-input -v0

# The media host as production has it (nginx or a CDN): HTTP/1.1 keep-alive and
# a week's caching (benchmarks/media_server.py), not http.server's HTTP/1.0.
.venv/bin/gunicorn --bind "127.0.0.1:$MEDIA_PORT" --worker-class gthread --threads 8 \
  --keep-alive 5 benchmarks.media_server:application >"$work/media.log" 2>&1 &
pids+=($!)
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload --nostatic >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 30); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/" || {
  cat "$work/server.log" >&2
  exit 1
}

# The newest article with a lead picture, and the heaviest: the one whose body
# holds the most elements (pictures, gallery pictures, embeds, cards).
read -r section_path article_path heaviest_path < <("$PY" manage.py shell -v0 -c '
from django.db.models import Count
from articles.models import Article
live = Article.objects.published()
article = live.exclude(lead_image=None).latest_first().first()
heaviest = live.annotate(n=Count("body_references")).order_by("-n", "pk").first()
print(
    article.section.get_absolute_url(),
    article.get_absolute_url(),
    heaviest.get_absolute_url(),
)
')

flags="--headless --no-sandbox --disable-gpu --disable-background-networking"
flags="$flags --disable-component-update --disable-sync"
printf '\n%-44s %5s %5s %5s %5s\n' "page (mobile)" perf a11y bp seo
for path in / "$section_path" "$article_path" "$heaviest_path"; do
  # Measured as most readers get a page: from the warm page cache (the
  # first reader after a change pays for the rendering). The cache keeps a
  # gzipped and a plain copy of each page; browsers ask for the gzipped one.
  curl -sf --compressed -o /dev/null "http://127.0.0.1:$PORT$path"
  reports=()
  for run in $(seq "$RUNS"); do
    report="$work/report-$run.json"
    # On a busy machine Lighthouse sometimes loses the page load's trace
    # (NO_NAVSTART): that run is made again, up to twice.
    for attempt in 1 2 3; do
      "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" \
        --quiet --chrome-flags="$flags" --form-factor=mobile \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output-path="$report" && break
      [ "$attempt" -lt 3 ] || exit 1
    done
    reports+=("$report")
    if [ -n "${REPORT_DIR:-}" ]; then
      mkdir -p "$REPORT_DIR"
      name="$(echo "$path" | tr -c 'a-z0-9\n' '-' | sed 's/^-*$/home/')"
      cp "$report" "$REPORT_DIR/$name-$run.json"
    fi
  done
  "$PY" - "$path" "${reports[@]}" <<'EOF'
import json
import statistics
import sys

path, reports = sys.argv[1], [json.load(open(name)) for name in sys.argv[2:]]
keys = ("performance", "accessibility", "best-practices", "seo")
median = statistics.median_low

scores = [median(r["categories"][key]["score"] * 100 for r in reports) for key in keys]
print(f"{path[:44]:<44} " + " ".join(f"{round(s):5d}" for s in scores))
metrics = {
    "first-contentful-paint": lambda v: f"{v / 1000:.2f} s",
    "largest-contentful-paint": lambda v: f"{v / 1000:.2f} s",
    "total-blocking-time": lambda v: f"{v:.0f} ms",
    "cumulative-layout-shift": lambda v: f"{v:.3f}",
    "total-byte-weight": lambda v: f"{v / 1024:.0f} KiB",
}
audits = reports[0]["audits"]
print(
    ("    " if len(reports) == 1 else f"    median of {len(reports)}: ")
    + ", ".join(
        f"{audits[m]['title']} "
        + shown(median(r["audits"][m]["numericValue"] for r in reports))
        for m, shown in metrics.items()
    )
)
if len(reports) > 1:
    print("    LCP each run: " + ", ".join(
        f"{r['audits']['largest-contentful-paint']['numericValue'] / 1000:.2f} s"
        for r in reports
    ))
for key in keys:
    for ref in reports[0]["categories"][key]["auditRefs"]:
        failing = [
            r["audits"][ref["id"]]
            for r in reports
            if ref["weight"]
            and r["audits"][ref["id"]]["score"] is not None
            and r["audits"][ref["id"]]["score"] < 0.9
        ]
        for audit in failing[:1]:
            print(
                f"    {key}: {audit['title']} ({audit.get('displayValue', '')}),"
                f" {len(failing)} of {len(reports)} runs"
            )
EOF
done
