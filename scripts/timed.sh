#!/usr/bin/env bash
# Time one part of `make test` (CI must stay within its budget):
#   scripts/timed.sh NAME CMD...   run CMD, print and record how long it took
#   scripts/timed.sh --summary     print the parts recorded so far, and the total
# Each part also records the megabytes received from the network meanwhile.
#   scripts/timed.sh --reset       forget the recorded parts
# The record is build/timings.txt (one "NAME SECONDS MB" line per part).
set -uo pipefail
LOG="${TIMINGS_FILE:-$(cd "$(dirname "$0")/.." && pwd)/build/timings.txt}"
mkdir -p "$(dirname "$LOG")"
case "${1:-}" in
  --reset) : >"$LOG"; exit 0 ;;
  --summary)
    [ -s "$LOG" ] || exit 0
    echo "== time per part (seconds) =="
    # Sub-parts (NAME/SUB) are shown, but only top-level parts add up.
    awk '{ printf "   %-28s %7.1f s %6d MB\n", $1, $2, $3; if ($1 !~ /\//) { t += $2; m += $3 } }
         END { printf "   %-28s %7.1f s %6d MB\n", "total", t, m }' "$LOG"
    exit 0 ;;
esac
# Bytes received from outside this machine (every interface but loopback):
# how much of a part is downloads.
rx() { awk -F'[: ]+' 'NR > 2 && $2 != "lo" && $2 !~ /^(veth|td)/ { s += $3 } END { print s + 0 }' /proc/net/dev 2>/dev/null || echo 0; }
name=$1; shift
start=$(date +%s.%N)
rx0=$(rx)
"$@"
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
mb=$(awk -v a="$rx0" -v b="$(rx)" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')
echo "$name $secs $mb" >>"$LOG"
echo "== time: $name ${secs} s, ${mb} MB downloaded$([ $rc = 0 ] || echo " (exit $rc)")"
exit $rc
