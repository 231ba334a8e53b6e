#!/usr/bin/env bash
# Every benchmark scenario in one run, with two references measured in the same run on the same
# payloads: the ceiling (kqf's HTTP stack answering a trivial endpoint) and the raw Kafka producer.
# Prints one table. Usage: bench/run.sh, with (all optional):
#   DURATION=seconds per scenario (default 10)
#   SCENARIOS=put-16B,get-ack,...  only these (default all; names below in ALL). The ceiling always
#            runs, and the raw producer of the same payload size when a put or pub scenario runs.
#   PROFILE=1  record JFR in the kqf JVM during each scenario's measured window only; prints per
#            scenario the hottest methods, first io.kqf frames and lock waits after the table
#            (recordings and summaries in the run's work dir, profile/).
#   ROUNDS=n   run the selected scenarios n times in turn (default 1); each round's ratios use that
#            round's ceiling, and the table shows medians with the range (others' load on a shared
#            box moves the absolute figures by 2x within minutes; adjacent measurements move less).
#   WARMUP_MAX=seconds (default 120): longest warm-up of a wrk scenario (see warm_up below)
#   QUEUES / PARKED = size of the capacity trials after the table, default 10000, 0 skips them
#   QUEUE_CONNS=n  connections creating the QUEUES trial's queues (default 8)
#   NEWQUEUES=n  after the table, time n new queues from put to first get on a fresh node whose
#            lease journal holds JOURNALED (default 20000) leases; default 0 (skipped)
#
# Load generators: wrk (Debian package, installed here if missing) for plain request scenarios,
# Java closed-loop clients with HdrHistogram (src/test/java/io/kqf/bench) for the rest.
# The broker runs in its own JVM so the facade's heap is measured alone; put-16B-inproc is the
# exception: a node started as a new user starts it (java -jar, embedded broker in-process).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
QUEUES=${QUEUES:-10000}
QUEUE_CONNS=${QUEUE_CONNS:-8}
NEWQUEUES=${NEWQUEUES:-0}
JOURNALED=${JOURNALED:-20000}
PARKED=${PARKED:-10000}
PROFILE=${PROFILE:-0}
ROUNDS=${ROUNDS:-1}
ALL="ceiling raw-producer-16B raw-producer-1KB put-16B put-16B-inproc put-1KB get-ack get-lease+ack evget-wake pub-16B sub do_get-do_post rest-publish-16B rest-guid-16B rest-consume-ack rest-sse-ack rest-browse first-put"
SCENARIOS=${SCENARIOS:-}
if [ -n "$SCENARIOS" ]; then
  for s in ${SCENARIOS//,/ }; do
    [[ " $ALL " == *" $s "* ]] || { echo "unknown scenario '$s'; known: $ALL"; exit 2; }
  done
  SCENARIOS="ceiling,$SCENARIOS"
  [[ ",$SCENARIOS," =~ ,(put-16B|put-16B-inproc|pub-16B), ]] && SCENARIOS+=",raw-producer-16B"
  [[ ",$SCENARIOS," == *",put-1KB,"* ]] && SCENARIOS+=",raw-producer-1KB"
  # The REST rows' "vs hustmq" reference: put for publishing, get-lease+ack for consuming.
  [[ ",$SCENARIOS," =~ ,rest-(publish|guid)-16B, ]] && [[ ",$SCENARIOS," != *",put-16B,"* ]] && SCENARIOS+=",put-16B,raw-producer-16B"
  [[ ",$SCENARIOS," =~ ,rest-(consume|sse)-ack, ]] && [[ ",$SCENARIOS," != *",get-lease+ack,"* ]] && SCENARIOS+=",get-lease+ack"
fi
want() { [ -z "$SCENARIOS" ] || [[ ",$SCENARIOS," == *",$1,"* ]]; }

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)..."
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else sudo apt-get install -y wrk >/dev/null; fi
fi
. bench/common.sh
bench_build kqf-bench

# JVM options of the kqf nodes: with PROFILE=1, exact (non-safepoint) stacks, deep enough to reach
# io.kqf frames under the HTTP server's pipeline; recording itself starts per scenario (jcmd).
KQF_JVM=(-Xmx1g)
if [ "$PROFILE" = 1 ]; then
  KQF_JVM+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:FlightRecorderOptions=stackdepth=256)
  mkdir -p "$work/profile"
  # The JDK's "profile" settings (10 ms method sampling, parks from 10 ms), with monitor waits from
  # 1 ms (parks from 1 ms would record every idle pool thread's wait: 3,000 stack traces a second)
  # and each thread's CPU every second (method samples miss time in the kernel).
  jfr configure --input profile --output "$work/profile/bench.jfc" jdk.JavaMonitorEnter#threshold=1ms \
    jdk.ThreadCPULoad#period=1s >/dev/null
fi
profiled=()
# A JVM's first JFR recording compiles JFR's own code (1,000 methods, 3.5 s of JIT on this box), so
# each profiled JVM gets one short discarded recording at start, not inside a measured window.
jfr_prime() { # pid
  [ "$PROFILE" = 1 ] || return 0
  jcmd "$1" JFR.start name=prime settings="$work/profile/bench.jfc" >/dev/null
  jcmd "$1" JFR.stop name=prime >/dev/null
}

java -Xmx1g -cp "$CP" io.kqf.bench.BrokerMain "$work/kafka" >"$work/broker.log" 2>&1 & broker_pid=$!; pids+=($broker_pid)
await_line "$work/broker.log" BOOTSTRAP
bootstrap=$(grep -o 'BOOTSTRAP .*' "$work/broker.log" | awk '{print $2}')
port=$(free_port)
KQF_HTTP_PORT=$port KQF_HTTP_HOST=127.0.0.1 KQF_KAFKA_BOOTSTRAP_SERVERS=$bootstrap KQF_TOPIC_REPLICATION_FACTOR=1 \
  java "${KQF_JVM[@]}" -jar "$work/kqf.jar" >"$work/kqf.log" 2>&1 & kqf_pid=$!; pids+=($kqf_pid)
await_line "$work/kqf.log" "serving HTTP"
jfr_prime "$kqf_pid"
base="http://127.0.0.1:$port"
node_pid=$kqf_pid # the kqf JVM the scenarios load (and PROFILE records)
java -Xmx512m -cp "$CP" io.kqf.bench.CeilingServer >"$work/ceiling.log" 2>&1 & ceiling_pid=$!; pids+=($ceiling_pid)
await_line "$work/ceiling.log" CEILING
ceiling="http://127.0.0.1:$(grep -o 'CEILING .*' "$work/ceiling.log" | awk '{print $2}')"
results="$work/results"; : >"$results"
export KQF_WRK="$PWD/bench/wrk"

round=1
recording() { [ "$ROUNDS" = 1 ] && echo "$1-$2" || echo "$1-$2-r$round"; } # scenario connections
# The recording covers the measured window; for the Java clients (java_run) also their start and
# their 3 s warm-up (ClosedLoop.WARM_UP_SECONDS).
profile_start() { # scenario connections: JFR in the loaded kqf JVM (not for the references)
  [ "$PROFILE" = 1 ] && [[ ! "$1" =~ ^(ceiling|raw-producer) ]] || return 0
  jcmd "$node_pid" JFR.start name="$(recording "$1" "$2")" settings="$work/profile/bench.jfc" >/dev/null
}
profile_stop() { # scenario connections
  [ "$PROFILE" = 1 ] && [[ ! "$1" =~ ^(ceiling|raw-producer) ]] || return 0
  local name; name=$(recording "$1" "$2")
  jcmd "$node_pid" JFR.stop name="$name" filename="$work/profile/$name.jfr" >/dev/null
  profiled+=("$work/profile/$name.jfr")
}
# CPU accounting of a measured window: ticks of the loaded kqf JVM, of the broker JVM and of the
# whole box, so the table can say where each request's CPU went (2 cores are shared by the load
# generator, the facade and the broker: a path's share of the ceiling is bounded by what it costs
# the other two).
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # pid
box_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_start() { cpu0=("$(proc_ticks "$node_pid")" "$(proc_ticks "$broker_pid")" "$(box_ticks)"); }
cpu_stop() { # scenario connections
  local kqf broker box
  kqf=$(( $(proc_ticks "$node_pid") - cpu0[0] )); broker=$(( $(proc_ticks "$broker_pid") - cpu0[1] ))
  box=$(( $(box_ticks) - cpu0[2] ))
  [ "$node_pid" = "${inproc_pid:-}" ] && broker=0 # the in-process broker's CPU is inside kqf's
  echo "CPU $round $1 $2 $kqf $broker $box $(getconf CLK_TCK)" >>"$results"
}
# Warm-up (JIT, connections, fetch position), not recorded: 3 s, then 5 s more at a time while the
# loaded JVM's JIT still compiles over 20 methods a second, WARMUP_MAX seconds at most. A cold JVM
# (the in-process node: broker and facade) needed 50 s on the busy box to reach its steady rate;
# it compiled 3,600 methods in a window that came after 45 s. Warm JVMs stop after the 3 s.
warm_up() { # pid threads connections script url scenario queue
  local pid=$1 spent=0 stretch=3 before after
  while :; do
    before=$(compiled "$pid")
    KQF_SCENARIO="$6" KQF_QUEUE="$7" wrk -t"$2" -c"$3" -d"${stretch}s" -s "bench/wrk/$4" "$5" >/dev/null
    after=$(compiled "$pid"); spent=$(( spent + stretch ))
    if [ $(( after - before )) -le $(( 20 * stretch )) ] || [ "$spent" -ge "${WARMUP_MAX:-120}" ]; then break; fi
    stretch=5
  done
  [ "$spent" = 3 ] || echo "WARMUP $round $6 $3 $spent $(( (after - before) / stretch ))" >>"$results"
}
wrk_run() { # scenario connections url script [queue]
  local threads=$(( $2 < 2 ? 1 : 2 ))
  echo "  $1 ($2 connections)..." >&2
  warm_up "$([ "$1" = ceiling ] && echo "$ceiling_pid" || echo "$node_pid")" "$threads" "$2" "$4" "$3" "$1" "${5:-bench}"
  profile_start "$1" "$2"
  cpu_start
  KQF_SCENARIO="$1" KQF_QUEUE="${5:-bench}" wrk -t"$threads" -c"$2" -d"${DURATION}s" -s "bench/wrk/$4" "$3" \
    | grep -E '^(RESULT|ERRORS)' | sed -E "s/^(RESULT|ERRORS) $1 /\1 $round $1 $2 /" >>"$results"
  cpu_stop "$1" "$2"
  profile_stop "$1" "$2"
}
java_run() { # scenario connections class args...
  local scenario=$1 connections=$2 class=$3; shift 3
  echo "  $scenario ($connections connections)..." >&2
  profile_start "$scenario" "$connections"
  cpu_start
  java -cp "$CP" "io.kqf.bench.$class" "$@" | grep '^RESULT' | sed "s/^RESULT [^ ]* /RESULT $round $scenario $connections /" >>"$results"
  cpu_stop "$scenario" "$connections"
  profile_stop "$scenario" "$connections"
}
put_once() { curl -s -o /dev/null "${2:-$base}/put?queue=$1&item=x"; } # queue [base]

# put-16B-inproc: a node started the way a new user starts it (no bootstrap servers: the embedded
# broker runs in the node's JVM), up only for its scenario (with ROUNDS, from its first round to
# its last; idle in between) so it does not load the others.
# Its JVM starts cold, broker code included: warm_up gives it the time its JIT needs (3 s of
# warm-up measured a third of its steady rate).
inproc_pid=
inproc_run() {
  if [ -z "$inproc_pid" ]; then
    local p; p=$(free_port)
    KQF_HTTP_PORT=$p KQF_HTTP_HOST=127.0.0.1 KQF_DATA_DIR="$work/inproc" KQF_EMBEDDED_KAFKA_PORT=0 \
      java "${KQF_JVM[@]}" -jar "$work/kqf.jar" >"$work/inproc.log" 2>&1 & inproc_pid=$!; pids+=($inproc_pid)
    await_line "$work/inproc.log" "serving HTTP"
    jfr_prime "$inproc_pid"
    inproc_base="http://127.0.0.1:$p"
    put_once put16 "$inproc_base"
  fi
  node_pid=$inproc_pid
  wrk_run put-16B-inproc 16 "$inproc_base" put.lua put16
  node_pid=$kqf_pid
  if [ "$round" = "$ROUNDS" ]; then
    kill "$inproc_pid"; wait "$inproc_pid" 2>/dev/null || true; forget_pid "$inproc_pid"
  fi
}

one_round() {
wrk_run ceiling 16 "$ceiling" put.lua
want raw-producer-16B && java_run raw-producer-16B 64 RawProducerBench "$bootstrap" 16 "$DURATION" 64
want raw-producer-1KB && java_run raw-producer-1KB 64 RawProducerBench "$bootstrap" 1024 "$DURATION" 64
if want put-16B; then
  put_once put1; put_once put16; put_once put64
  wrk_run put-16B 1 "$base" put.lua put1
  wrk_run put-16B 16 "$base" put.lua put16
  wrk_run put-16B 64 "$base" put.lua put64
fi
want put-16B-inproc && inproc_run
if want put-1KB; then
  put_once put1k
  wrk_run put-1KB 16 "$base" put1k.lua put1k
fi
if want get-ack; then
  put_once getq; curl -s -o /dev/null "$base/get?queue=getq&worker=bench-worker"
  java -cp "$CP" io.kqf.bench.Fill "$bootstrap" getq $(( (DURATION + 3) * 40000 )) 16 >/dev/null
  WARMUP_MAX=3 wrk_run get-ack 16 "$base" get.lua getq # the fill lasts 3 s of warm-up + DURATION
fi
if want get-lease+ack; then
  put_once leaseq; curl -s -o /dev/null "$base/get?queue=leaseq&worker=bench-worker"
  java -cp "$CP" io.kqf.bench.Fill "$bootstrap" leaseq $(( DURATION * 20000 )) 16 >/dev/null
  java_run get-lease+ack 16 LeaseAckBench "$base" leaseq 16 "$DURATION"
fi
want evget-wake && java_run evget-wake 1 EvgetWakeBench "$base" 1000
want pub-16B && wrk_run pub-16B 16 "$base" pub.lua benchpush
if want sub; then
  # sub reads indices 1..100 of benchpush, which pub-16B fills; alone, publish them here.
  want pub-16B || for _ in $(seq 1 100); do curl -s -o /dev/null "$base/pub?queue=benchpush&item=0123456789abcdef"; done
  KQF_INDICES=100 wrk_run sub 16 "$base" sub.lua benchpush
fi
want do_get-do_post && java_run do_get-do_post 16 RpcBench "$base" 16 16 "$DURATION"
# The REST API on the same node and queue engine. Consumers own one subscription per connection
# (prefetch 100) on a queue a plain producer filled; one operation = one acked message.
if want rest-publish-16B; then
  put_once restpub
  wrk_run rest-publish-16B 16 "$base" rest-publish.lua restpub
fi
if want rest-guid-16B; then
  put_once restguid
  wrk_run rest-guid-16B 16 "$base" rest-guid.lua restguid
fi
if want rest-consume-ack; then
  put_once restconsume
  java -cp "$CP" io.kqf.bench.Fill "$bootstrap" restconsume $(( (DURATION + 3) * 30000 )) 16 >/dev/null
  java_run rest-consume-ack 16 RestConsumeBench "$base" restconsume 16 "$DURATION"
fi
if want rest-sse-ack; then
  put_once restsse
  java -cp "$CP" io.kqf.bench.Fill "$bootstrap" restsse $(( (DURATION + 3) * 30000 )) 16 >/dev/null
  java_run rest-sse-ack 16 RestStreamBench "$base" restsse 16 "$DURATION"
fi
if want rest-browse; then
  put_once restbrowse
  java -cp "$CP" io.kqf.bench.Fill "$bootstrap" restbrowse 10000 16 >/dev/null
  java_run rest-browse 16 RestBrowseBench "$base" restbrowse 16 "$DURATION"
fi
return 0
}

load_at_start=$(cut -d' ' -f1 /proc/loadavg)
echo "running scenarios, ${DURATION}s each$([ "$ROUNDS" = 1 ] || echo ", $ROUNDS rounds"):"
for round in $(seq 1 "$ROUNDS"); do
  [ "$ROUNDS" = 1 ] || echo " round $round:"
  one_round
done

table() {
python3 - "$results" "$DURATION" <<'PY'
import sys
from statistics import median
lines = open(sys.argv[1]).read().splitlines()
DURATION = int(sys.argv[2])
rows = [l.split() for l in lines if l.startswith("RESULT")]
runs = {}  # (name, conns) -> {round: (rate, p50, p99, p999, errors)}
for _, rnd, name, conns, reqs, dur_us, p50, p99, p999, errors in rows:
    rate = int(reqs) / (int(dur_us) / 1e6) if int(dur_us) else 0
    runs.setdefault((name, conns), {})[rnd] = (rate, int(p50), int(p99), int(p999), int(errors))
def rate(name, conns, rnd):
    return runs.get((name, conns), {}).get(rnd, (0,))[0]
def ratio(values):  # median over rounds, with the range when there is more than one round
    if not values:
        return ""
    shown = f"{median(values):.0%}"
    return shown if len(values) == 1 else f"{shown} ({min(values):.0%}-{max(values):.0%})"
# The REST rows against their hustmq counterpart in the same round (per message).
HUSTMQ = {"rest-publish-16B": ("put-16B", "16"), "rest-guid-16B": ("put-16B", "16"),
          "rest-consume-ack": ("get-lease+ack", "16"), "rest-sse-ack": ("get-lease+ack", "16")}
print("| scenario | conns | req/s | p50 ms | p99 ms | p99.9 ms | errors | vs ceiling | vs raw producer | vs hustmq |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (name, conns), by_round in runs.items():
    reference = name == "ceiling" or name.startswith("raw-producer")
    raw = "raw-producer-1KB" if "1KB" in name else "raw-producer-16B"
    vs_c, vs_r, vs_h = [], [], []
    for rnd, (r, *_) in by_round.items():
        if name in HUSTMQ and rate(*HUSTMQ[name], rnd):
            vs_h.append(r / rate(*HUSTMQ[name], rnd))
        if not reference and name != "evget-wake" and rate("ceiling", "16", rnd):
            vs_c.append(r / rate("ceiling", "16", rnd))
        if name.startswith(("put", "pub", "rest-publish", "rest-guid")) and rate(raw, "64", rnd):
            vs_r.append(r / rate(raw, "64", rnd))
    m = [median(v[i] for v in by_round.values()) for i in range(4)]
    errors = sum(v[4] for v in by_round.values())
    shown = "1,000 rounds" if name == "evget-wake" else f"{m[0]:,.0f}"
    print(f"| {name} | {conns} | {shown} | {m[1]/1000:.2f} | {m[2]/1000:.2f} | {m[3]/1000:.2f} | {errors} | {ratio(vs_c)} | {ratio(vs_r)} | {ratio(vs_h)} |")
# Where the CPU went: microseconds of CPU per request (the box's cores are shared by the load
# generator, the facade and the broker), medians over rounds. "other" is the load generator and
# everything else on the box. Java clients' windows include their start and warm-up, so their
# per-request figures are upper bounds.
cpu = {}
for l in lines:
    if l.startswith("CPU"):
        _, rnd, name, conns, kqf, broker, box, hz = l.split()
        r = rate(name, conns, rnd)
        dur = runs.get((name, conns), {}).get(rnd)
        if not r or not dur:
            continue
        requests = r * DURATION
        per = lambda ticks: int(ticks) / int(hz) * 1e6 / requests
        cpu.setdefault((name, conns), []).append((per(kqf), per(broker), per(box) - per(kqf) - per(broker), int(box) / int(hz) / DURATION))
if cpu:
    print()
    print("| scenario | conns | CPU µs/req: kqf | broker | other | total | box cores busy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (name, conns), samples in cpu.items():
        m = [median(s[i] for s in samples) for i in range(4)]
        print(f"| {name} | {conns} | {m[0]:.0f} | {m[1]:.0f} | {m[2]:.0f} | {m[0]+m[1]+m[2]:.0f} | {m[3]:.2f} |")
for l in lines:
    if l.startswith("WARMUP"):
        _, rnd, name, conns, seconds, rate = l.split()
        in_round = f" (round {rnd})" if len({r[1] for r in rows}) > 1 else ""
        print(f"warm-up of {name}/{conns}{in_round}: {seconds} s (JIT still compiling {rate} methods/s at the end)")
    if l.startswith("ERRORS"):
        _, rnd, name, conns, *kinds = l.split()
        in_round = f" (round {rnd})" if len({r[1] for r in rows}) > 1 else ""
        print(f"errors in {name}/{conns}{in_round}: " + " ".join(kinds))
PY
}
table
echo "(1-minute load average: $load_at_start before the scenarios, $(cut -d' ' -f1 /proc/loadavg) after; $(nproc) cores)"

if [ "${#profiled[@]}" -gt 0 ]; then
  echo
  echo "profiles (JFR, kqf JVM, measured window only; in $work/profile):"
  java -cp "$CP" io.kqf.bench.JfrTop 12 "${profiled[@]}"
fi
if want first-put; then
  echo
  echo "startup to first put (cold embedded broker):"
  bench/first-put.sh 1
fi
# The capacity trials run on their own fresh node each, after the table (they take minutes).
fresh_node() { # prints the base URL; sets node_pid
  local p; p=$(free_port)
  KQF_HTTP_PORT=$p KQF_HTTP_HOST=127.0.0.1 KQF_KAFKA_BOOTSTRAP_SERVERS=$bootstrap KQF_TOPIC_PREFIX="$1." \
    KQF_GROUP_ID="kqf-$1" KQF_NODE_ID="$1" java "${KQF_JVM[@]}" -jar "$work/kqf.jar" >"$work/$1.log" 2>&1 & node_pid=$!; pids+=($node_pid)
  await_line "$work/$1.log" "serving HTTP"
  node_base="http://127.0.0.1:$p"
}
if [ "$PARKED" -gt 0 ]; then
  echo "$PARKED parked evgets (fresh node):"
  fresh_node parked
  java -Xss256k -cp "$CP" io.kqf.bench.ParkedBench "$node_base" "$PARKED" "$node_pid" | grep '^PARKED' || echo "parked trial failed"
fi
if [ "$QUEUES" -gt 0 ]; then
  # The reference: a broker of its own (the main one would hold both sets of topics: 20,000 logs
  # ran it out of file descriptors) creating as many one-partition topics through the Admin
  # client alone, 64 per request (its best; one per request it does ~30/s here), leaders awaited.
  echo "$QUEUES topics created by the Admin client alone, on a broker of their own (reference):"
  java -Xmx1g -cp "$CP" io.kqf.bench.BrokerMain "$work/kafka-ref" >"$work/broker-ref.log" 2>&1 & ref_pid=$!; pids+=($ref_pid)
  await_line "$work/broker-ref.log" BOOTSTRAP
  java -cp "$CP" io.kqf.bench.TopicCreationBench "$(grep -o 'BOOTSTRAP .*' "$work/broker-ref.log" | awk '{print $2}')" \
    "$QUEUES" 64 1 "rawtopics." 2>/dev/null | grep '^TOPICS' || echo "topic creation reference failed"
  kill "$ref_pid"; wait "$ref_pid" 2>/dev/null || true; forget_pid "$ref_pid"
  echo "$QUEUES queues (fresh node), $QUEUE_CONNS connections:"
  fresh_node queues
  java -cp "$CP" io.kqf.bench.QueuesHeapBench "$node_base" "$QUEUES" "$node_pid" "$QUEUE_CONNS" | grep '^QUEUES' || echo "queues trial failed"
fi
if [ "$NEWQUEUES" -gt 0 ]; then
  echo "$NEWQUEUES new queues with $JOURNALED journaled leases (fresh node):"
  fresh_node newqueues
  java -cp "$CP" io.kqf.bench.NewQueueBench "$node_base" "$JOURNALED" "$NEWQUEUES" | grep '^NEWQUEUE' || echo "new-queue trial failed"
fi
echo "(logs in $work)"
