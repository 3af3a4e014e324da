#!/usr/bin/env bash
# Run every benchmark in bench/ with its default parameters, one after the other (they would
# disturb each other's timings if run together), write each one's JSON and log under
# $OUT_DIR (default: bench/out-<date>), record each report in bench/RESULTS.md ("Latest full
# run", with the commit it measured: bench/stale.py reads it), and print every summary at the end.
#
#   bench/run_all.sh                 # everything, defaults (about 25 minutes on 2 cores:
#                                    #   ack_load alone is 2 min of load plus up to 15 min of drain)
#   QUICK=1 bench/run_all.sh         # shorter documented settings (about 6 minutes)
#   PYTHON=/path/to/venv/bin/python bench/run_all.sh   # default: python3 on PATH
#
# Every script stops the servers it started, on success, error or Ctrl-C.
set -u
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
OUT_DIR="${OUT_DIR:-bench/out-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT_DIR"

if [ "${QUICK:-0}" = "1" ]; then
  ARGS_intents_speed="--repeat 3 --limit 300"
  ARGS_intents_accuracy=""
  ARGS_sandbox_freebusy="--events 2000 --runs 100"
  ARGS_ack_load="--seconds 10 --drain-timeout 600"
  ARGS_e2e_latency="--messages 200"
  ARGS_find_time="--runs 10"
else
  ARGS_intents_speed=""
  ARGS_intents_accuracy=""
  ARGS_sandbox_freebusy=""
  ARGS_ack_load=""
  ARGS_e2e_latency=""
  ARGS_find_time=""
fi

echo "run_all: $(date -Is) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "run_all: results in $OUT_DIR"
status=0
for script in intents_speed intents_accuracy sandbox_freebusy find_time e2e_latency ack_load; do
  [ -f "bench/$script.py" ] || continue
  var="ARGS_$script"
  args="${!var}"
  echo "--- $script $args"
  start=$(date +%s)
  # shellcheck disable=SC2086
  if "$PYTHON" "bench/$script.py" $args --out "$OUT_DIR/$script.json" >"$OUT_DIR/$script.log" 2>&1; then
    echo "    ok in $(( $(date +%s) - start ))s"
    "$PYTHON" bench/record.py "$script" "$OUT_DIR/$script.log" "python bench/$script.py $args"
  else
    echo "    FAILED (exit $?) after $(( $(date +%s) - start ))s, see $OUT_DIR/$script.log"
    status=1
  fi
done
# Scripts added later to bench/ are run too, with their defaults.
for path in bench/*.py; do
  name=$(basename "$path" .py)
  case "$name" in _*|intents_speed|intents_accuracy|sandbox_freebusy|find_time|e2e_latency|ack_load) continue;; esac
  echo "--- $name"
  case "$name" in record|stale|intents_dump) continue;; esac
  if "$PYTHON" "$path" --out "$OUT_DIR/$name.json" >"$OUT_DIR/$name.log" 2>&1; then
    "$PYTHON" bench/record.py "$name" "$OUT_DIR/$name.log" "python bench/$name.py"
  else
    echo "    FAILED, see $OUT_DIR/$name.log"; status=1
  fi
done

echo
echo "================ summaries"
for log in "$OUT_DIR"/*.log; do
  echo
  echo "### $(basename "$log" .log)"
  # each script prints its header first and its result table last
  if [ "$(wc -l <"$log")" -le 45 ]; then cat "$log"; else head -n 5 "$log"; echo "  [...]"; tail -n 25 "$log"; fi
done
echo
"$PYTHON" bench/stale.py
exit $status
