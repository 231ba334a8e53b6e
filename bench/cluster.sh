#!/usr/bin/env bash
# Scale-out figures: one node against three nodes of one cluster, on one broker, in the same run.
# Usage: bench/cluster.sh, with (all optional):
#   DURATION=seconds per measurement (default 10)   CONNECTIONS=clients (default 24)
#   QUEUES=queues the load spreads over (default 12) ROUNDS=n (default 1; one-node and three-node
#   runs alternate, so each round's ratio compares neighbours in time on this shared box)
# Rows: put and get-ack (get ack=false, then ack) through every node (clients spread by connection,
# as a round-robin balancer does), get-ack direct (each request to its queue's node) against
# forwarded (each to another node), get-ack alone against get-ack while new queues are created
# (each new queue is a rebalance of the group), and the failover: SIGKILL of a node, then the time until each of
# its queues answers a get on a survivor.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-24}
QUEUES=${QUEUES:-12}
ROUNDS=${ROUNDS:-1}
NEWQUEUES=${NEWQUEUES:-200} # queues created during the churn measurement
WARMUP_MAX=${WARMUP_MAX:-300} # longest warm-up of fresh nodes, seconds (see warm_up)
. bench/common.sh
bench_build kqf-cluster

java -Xmx1g -cp "$CP" io.kqf.bench.BrokerMain "$work/kafka" >"$work/broker.log" 2>&1 & pids+=($!)
await_line "$work/broker.log" BOOTSTRAP
bootstrap=$(grep -o 'BOOTSTRAP .*' "$work/broker.log" | awk '{print $2}')

urls=(); node_pids=()
start_nodes() { # cluster-name count
  urls=(); node_pids=()
  local i
  for i in $(seq 1 "$2"); do
    local port; port=$(free_port)
    KQF_HTTP_PORT=$port KQF_HTTP_HOST=127.0.0.1 KQF_KAFKA_BOOTSTRAP_SERVERS=$bootstrap KQF_TOPIC_PREFIX="$1." \
      KQF_GROUP_ID="kqf-$1" KQF_NODE_ID="$1-n$i" java -Xmx512m -jar "$work/kqf.jar" >"$work/$1-n$i.log" 2>&1 &
    node_pids+=($!); pids+=($!); urls+=("http://127.0.0.1:$port")
  done
  for i in $(seq 1 "$2"); do await_line "$work/$1-n$i.log" "serving HTTP"; done
  # Every node sees the others before the load starts (announcements every second).
  local u
  for u in "${urls[@]}"; do
    for _ in $(seq 1 100); do [ "$(curl -s "$u/do_post_status" | grep -o '"total":[0-9]*' | cut -d: -f2)" = "$((1024 * $2))" ] && break; sleep 0.1; done
  done
}
stop_nodes() { local p; for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
bench() { java -Xmx512m -cp "$CP" io.kqf.bench.ClusterBench "$@"; }
# Fresh nodes compile for a long time (three JVMs on two cores longer than one): put and get-ack
# for 5 s at a time, not recorded, until no node compiles 5 methods a second any more.
warm_up() {
  local started=$SECONDS before after p settled
  while :; do
    before=(); for p in "${node_pids[@]}"; do before+=("$(compiled "$p")"); done
    bench put 5 "$CONNECTIONS" "$QUEUES" "${urls[@]}" >/dev/null
    bench get-ack 5 "$CONNECTIONS" "$QUEUES" "${urls[@]}" >/dev/null
    settled=1; local i=0
    for p in "${node_pids[@]}"; do
      after=$(compiled "$p"); [ $(( (after - before[i]) / 10 )) -ge 5 ] && settled=0; i=$((i + 1))
    done
    [ "$settled" = 1 ] || [ $((SECONDS - started)) -ge "$WARMUP_MAX" ] && break
  done
  echo "  warmed up in $((SECONDS - started)) s"
}

results="$work/results"; : >"$results"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: one node..."
  start_nodes "one-r$round" 1
  warm_up
  bench put "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" | sed "s/^RESULT /RESULT $round 1 /" >>"$results"
  bench get-ack "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" | sed "s/^RESULT /RESULT $round 1 /" >>"$results"
  stop_nodes
  echo "round $round: three nodes..."
  start_nodes "three-r$round" 3
  warm_up
  bench put "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" | sed "s/^RESULT /RESULT $round 3 /" >>"$results"
  bench get-ack "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" | sed "s/^RESULT /RESULT $round 3 /" >>"$results"
  bench put "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" >/dev/null # items for the split
  bench split "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" | sed "s/^RESULT /RESULT $round 3 /" >>"$results"
  bench put "$DURATION" "$CONNECTIONS" "$QUEUES" "${urls[@]}" >/dev/null # items for the churn
  bench churn "$DURATION" "$CONNECTIONS" "$QUEUES" "$NEWQUEUES" "${urls[@]}" | sed "s/^RESULT /RESULT $round 3 /; s/^CHURN /CHURN $round /" >>"$results"
  bench failover "${node_pids[2]}" "${urls[2]}" "$QUEUES" "${urls[@]}" | sed "s/^FAILOVER /FAILOVER $round /" >>"$results"
  stop_nodes
done

echo
echo "| round | scenario | nodes | req/s | p50 ms | p99 ms | errors | ratio |"
echo "|---|---|---|---|---|---|---|---|"
awk '
  $1 == "RESULT" { round=$2; nodes=$3; s=$4; rate=$5 / ($6 / 1e6); key=round " " s " " nodes; rates[key]=rate
                   p99[round " " s]=$8; printf "%s %s %s %.0f %.1f %.1f %s\n", round, s, nodes, rate, $7/1000, $8/1000, $10 >> "/dev/stderr" }
' "$results" 2>"$work/rows"
while read -r round s nodes rate p50 p99 errors; do
  ratio=""
  case "$s-$nodes" in
    put-3|get-ack-3) one=$(awk -v r="$round" -v s="$s" '$1 == r && $2 == s && $3 == 1 {print $4}' "$work/rows")
      ratio=$(awk -v a="$rate" -v b="$one" 'BEGIN { printf "%.2fx one node", a / b }') ;;
    get-ack-while-creating-3) steady=$(awk -v r="$round" '$1 == r && $2 == "get-ack-steady" {print $6}' "$work/rows")
      ratio=$(awk -v a="$p99" -v b="$steady" 'BEGIN { printf "p99 %.2fx steady", a / b }') ;;
    get-ack-forwarded-3) direct=$(awk -v r="$round" '$1 == r && $2 == "get-ack-direct" {print $6}' "$work/rows")
      ratio=$(awk -v a="$p99" -v b="$direct" 'BEGIN { printf "p99 %.2fx direct", a / b }') ;;
  esac
  echo "| $round | $s | $nodes | $rate | $p50 | $p99 | $errors | $ratio |"
done <"$work/rows"
echo
grep '^CHURN' "$results" | while read -r _ round rest; do echo "queues created while get-ack ran, round $round: $rest"; done
grep '^FAILOVER' "$results" | while read -r _ round rest; do echo "failover, round $round: $rest (session timeout 10 s)"; done
echo "(work dir: $work)"
