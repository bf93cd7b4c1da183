#!/bin/bash
# CPU per node of one 30-publisher room: on one node, or spread over two cluster nodes (15 each),
# as in docs/performance.md "CPU per node" (issue 16). Needs the built project (./sfu builds it)
# and, for "two", redis-server (scripts/install-test-deps.sh installs it).
# Server JVM options (e.g. -Dsfu.congestion-control.enabled=false) go in SERVER_OPTS.
if [ "$1" != one ] && [ "$1" != two ]; then
  echo "usage: scripts/cpu-per-node.sh one|two [REPORT_FILE]"
  echo "  one: a single node; two: redis-server on port 16399 and two nodes taking 15 participants each."
  echo "  Appends each server JVM's CPU (utime+stime, 1/100 s) over the load test to the report."
  exit 2
fi
mode=$1; out=${2:-cpu-$1.txt}
cd "$(dirname "$0")/.."
LT="--rooms 1 --publishers 30 --video-kbps 150 --fps 15 --speakers 2 --duration 30 --warmup 10 --quiet"
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
start() { # http media extra...
  local http=$1 media=$2; shift 2
  JAVA_OPTS="-XX:+UseG1GC -Xms256m $SERVER_OPTS" SFU_MAX_PARTICIPANTS=${MAXP:-100} ./sfu serve --http-port $http --media-port $media --bind 127.0.0.1 "$@" > /tmp/cpu-$http.log 2>&1 &
  for i in $(seq 1 90); do curl -sf http://127.0.0.1:$http/api/stats >/dev/null 2>&1 && break; sleep 1; done
  pgrep -f "java.*--http-port $http" | head -1
}
if [ "$mode" = one ]; then
  p1=$(start 18101 20101); pids="$p1"; urls=http://127.0.0.1:18101
else
  redis-server --port 16399 --save '' --appendonly no --bind 127.0.0.1 > /tmp/cpu-redis.log 2>&1 &
  rpid=$!; sleep 1
  p1=$(MAXP=15 start 18101 20101 --redis redis://127.0.0.1:16399 --node-id a --placement local-first)
  p2=$(MAXP=15 start 18102 20102 --redis redis://127.0.0.1:16399 --node-id b --placement local-first)
  pids="$p1 $p2"; urls=http://127.0.0.1:18101,http://127.0.0.1:18102
fi
declare -A before
for p in $pids; do before[$p]=$(cpu $p); done
t0=$(date +%s.%N)
echo "load test running (about a minute)..." >&2
./sfu loadtest --server $urls $LT > $out 2>&1
t1=$(date +%s.%N)
for p in $pids; do echo "node pid $p: $(( ($(cpu $p) - ${before[$p]}) )) ticks (1/100 s) over $(awk "BEGIN {print $t1 - $t0}") s" >> $out; done
kill $pids 2>/dev/null; sleep 2; kill -9 $pids 2>/dev/null; [ -n "$rpid" ] && kill $rpid
grep -E "^total|node pid" $out
