#!/usr/bin/env bash
# Why uv (README, "Requirements"; BENCHMARKS.md, "Set-up"): seconds from nothing to an installed venv,
# for the runtime and the dev set, with
#   pip: python3 -m venv, pip from requirements/bootstrap.txt, pip install --require-hashes --no-deps -r LOCK, pip check
#   uv:  scripts/setup_venv.py (python3 -m venv, uv from bootstrap.txt, uv pip sync --compile-bytecode, uv pip check)
# Both compile the bytecode (pip does by default). Cold: empty pip and uv caches (a fresh machine); warm:
# the same caches again. The machine's pip configuration is set aside (PIP_CONFIG_FILE=/dev/null).
# Wall seconds, and CPU seconds (user + system, children included), which other load inflates less.
# usage: scripts/time_installers.sh [RUNS]      prints one line per measurement and the medians
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
work=$(mktemp -d /tmp/time-installers.XXXXXX)
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL
awk '/^pip==/ { on = 1 } on && /^[a-z]/ && !/^pip==/ { on = 0 } on && !/^ *#/' "$root/requirements/bootstrap.txt" >"$work/pip.txt"

install() {  # installer set venv
  case $1 in
    pip) python3 -m venv "$3" && "$3/bin/pip" install -q --require-hashes --no-deps -r "$work/pip.txt" \
           && "$3/bin/pip" install -q --require-hashes --no-deps -r "$root/requirements/$2.txt" && "$3/bin/pip" check >/dev/null ;;
    uv) python3 "$root/scripts/setup_venv.py" --venv "$3" "$2" >/dev/null ;;
  esac
}

for run in $(seq "$runs"); do
  for installer in pip uv; do
    for set in runtime dev; do
      export XDG_CACHE_HOME="$work/cache-$run-$installer-$set"
      for cache in cold warm; do
        rm -rf "$work/venv"
        TIMEFORMAT="%R %U %S"
        t=$( { time install "$installer" "$set" "$work/venv" >/dev/null 2>&1; } 2>&1 )
        read -r wall user sys <<<"$t"
        echo "$installer $set $cache $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')"
      done
    done
  done
done | tee "$work/times.txt"
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "medians, wall s / CPU s (installer set cache):"
for key in "pip runtime" "uv runtime" "pip dev" "uv dev"; do
  for cache in cold warm; do
    walls=$(grep "^$key $cache " "$work/times.txt" | awk '{ printf "%s ", $4 }')
    cpus=$(grep "^$key $cache " "$work/times.txt" | awk '{ printf "%s ", $5 }')
    echo "  $key $cache: $(echo "$walls" | median) / $(echo "$cpus" | median)   (wall: $walls)"
  done
done
rm -rf "$work"
