#!/usr/bin/env bash
# The README's promise, timed (BENCHMARKS.md, "Set-up from a fresh clone"):
#   1. from `git clone` to `make check`'s verdict;
#   2. from `git clone` to `make serve` answering on http://127.0.0.1:8000/ (Debian packages included).
# usage: scripts/time_setup.sh [REPO [BRANCH]]     default: this repository and its current branch
# Each clone goes into a new temporary folder, and each run starts with empty pip and uv caches
# (XDG_CACHE_HOME in that folder), as on a fresh machine; WARM=1 keeps the machine's caches.
# The Debian packages are installed by the first `make serve` on a machine only: time a fresh one.
set -euo pipefail
repo=${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}
branch=${2:-$(git -C "$repo" rev-parse --abbrev-ref HEAD)}
work=$(mktemp -d /tmp/time-setup.XXXXXX)
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
caches() { [ "${WARM:-0}" = 1 ] || export XDG_CACHE_HOME="$work/cache-$1"; }
answers() { python3 -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/", timeout=2)' 2>/dev/null; }

if answers; then echo "something already answers on 127.0.0.1:8000: stop it first" >&2; exit 1; fi

# 1. clone → make check's verdict
(
  caches check
  t0=$(now)
  git clone -q --branch "$branch" "$repo" "$work/check"
  make -C "$work/check" --no-print-directory check || true  # the verdict is the measurement, good or bad
  echo "clone → make check verdict: $(secs "$t0" "$(now)") s"
)

# 2. clone → make serve answering
caches serve
t0=$(now)
git clone -q --branch "$branch" "$repo" "$work/serve"
set -m  # make serve in its own process group, to stop it and its workers like Ctrl-C does
make -C "$work/serve" --no-print-directory serve >"$work/serve.log" 2>&1 &
pid=$!
set +m
until answers; do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/serve.log" >&2; echo "make serve stopped before answering" >&2; exit 1; fi
  sleep 0.2
done
t1=$(now)
kill -INT -- "-$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "clone → make serve answering on http://127.0.0.1:8000/: $(secs "$t0" "$t1") s (log: $work/serve.log)"
