# Shared by bench/run.sh and bench/cluster.sh (sourced, after `cd` to the repo): builds once, runs
# from copies in a work dir, starts JVMs that are killed when the script exits.
# Sets: work (the run's directory, prefix $1), CP (classpath of the bench classes), pids (to kill).
bench_build() { # work-dir-prefix
  echo "building..."
  mvn -q -B -DskipTests package
  mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
  work=$(mktemp -d "/tmp/$1.XXXX")
  # Run copies: a rebuild during the run must not pull classes from under running JVMs.
  cp target/kqf.jar "$work/kqf.jar"
  mkdir -p "$work/classes" && cp -r target/classes target/test-classes "$work/classes/"
  CP="$work/classes/test-classes:$work/classes/classes:$(cat target/bench.classpath)"
}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
forget_pid() { local keep=() p; for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_line() { # file pattern
  for _ in $(seq 1 1800); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done # 3 min: a busy box
  echo "timed out waiting for '$2' in $1"; cat "$1"; exit 1
}
compiled() { jstat -compiler "$1" | awk 'NR == 2 {print $1}'; } # pid: methods JIT-compiled so far
