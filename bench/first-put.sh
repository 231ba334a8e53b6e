#!/usr/bin/env bash
# Time from `java -jar` to the first put answered 200, on a fresh embedded broker (cold data dir).
# Usage: bench/first-put.sh [runs]   (builds target/kqf.jar if it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
[ -f target/kqf.jar ] || mvn -q -B -DskipTests package
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for run in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  KQF_HTTP_PORT=$port KQF_DATA_DIR="$dir" KQF_EMBEDDED_KAFKA_PORT=0 java -jar target/kqf.jar >"$dir/kqf.log" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/put?queue=first&item=x" 2>/dev/null)" = 200 ]; do
    kill -0 $pid 2>/dev/null || { echo "kqf exited:"; cat "$dir/kqf.log"; exit 1; }
    sleep 0.02
  done
  end=$(date +%s%N)
  echo "run $run: first put answered 200 after $(( (end - start) / 1000000 )) ms"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
done
