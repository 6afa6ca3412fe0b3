#!/usr/bin/env bash
# Side-by-side comparison of Carmine and redis-server on this machine:
# throughput with redis-benchmark, and resident memory per key after
# loading the same keys into each. Prints ratios; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}          # requests per throughput test
KEYS=${KEYS:-1000000}    # keyspace size for the memory test
TESTS=${TESTS:-set,get}
PIPELINE=${PIPELINE:-16}
RPORT=${RPORT:-16379}
CPORT=${CPORT:-16380}

command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install -y redis-server redis-tools"; exit 1; }
go build -o bin/carmine ./cmd/carmine

tmp=$(mktemp -d)
redis-server --port "$RPORT" --save '' --appendonly no --dir "$tmp" --daemonize no >"$tmp/redis.log" 2>&1 &
rpid=$!
bin/carmine --port "$CPORT" --dir "$tmp" >"$tmp/carmine.log" 2>&1 &
cpid=$!
trap 'kill $rpid $cpid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for p in $RPORT $CPORT; do
	for _ in $(seq 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

echo "== throughput: redis-benchmark -q -t $TESTS -n $N -P $PIPELINE"
declare -A rres cres
# rps PORT: "name|requests-per-second" lines from redis-benchmark -q.
rps() {
	redis-benchmark -p "$1" -q -t "$TESTS" -n "$N" -P "$PIPELINE" 2>/dev/null | tr '\r' '\n' |
		grep 'requests per second' | sed -E 's/^(.*): ([0-9.]+) requests per second.*/\1|\2/'
}
while IFS='|' read -r name v; do rres[$name]=$v; done < <(rps "$RPORT")
while IFS='|' read -r name v; do cres[$name]=$v; done < <(rps "$CPORT")
printf "%-16s %14s %14s %8s\n" test redis carmine ratio
for k in "${!rres[@]}"; do
	printf "%-16s %14s %14s %8.2f\n" "$k" "${rres[$k]}" "${cres[$k]:-0}" "$(echo "${cres[$k]:-0} / ${rres[$k]}" | bc -l)"
done

echo "== memory: $KEYS random keys via redis-benchmark -t set -r $KEYS -n $((2*KEYS))"
redis-cli -p "$RPORT" flushall >/dev/null; redis-cli -p "$CPORT" flushall >/dev/null
r0=$(rss_kb $rpid); c0=$(rss_kb $cpid)
redis-benchmark -p "$RPORT" -q -t set -r "$KEYS" -n $((2*KEYS)) -P "$PIPELINE" >/dev/null 2>&1
redis-benchmark -p "$CPORT" -q -t set -r "$KEYS" -n $((2*KEYS)) -P "$PIPELINE" >/dev/null 2>&1
sleep 2
rk=$(redis-cli -p "$RPORT" dbsize); ck=$(redis-cli -p "$CPORT" dbsize)
r1=$(rss_kb $rpid); c1=$(rss_kb $cpid)
rb=$(( (r1 - r0) * 1024 / rk )); cb=$(( (c1 - c0) * 1024 / ck ))
printf "redis-server: %d keys, RSS %d KB -> %d KB, %d B/key\n" "$rk" "$r0" "$r1" "$rb"
printf "carmine:      %d keys, RSS %d KB -> %d KB, %d B/key\n" "$ck" "$c0" "$c1" "$cb"
printf "bytes/key ratio carmine/redis: %.2f\n" "$(echo "$cb / $rb" | bc -l)"
