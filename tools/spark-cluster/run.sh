#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Maven artifacts only (no Spark download):
# starts a master and two 1-core workers as separate JVMs on 127.0.0.1 from spark/target/orbit-spark.jar
# (Spark from Maven Central is inside it), submits `orbit-spark zoo generate` through spark-submit's main
# class (client mode: the driver is this script's JVM, each worker starts one executor JVM), checks the zoo
# with `orbit zoo verify`, and stops the cluster, also when something fails.
#
#   mvn -q -pl spark -am package -DskipTests
#   tools/spark-cluster/run.sh OUT_DIR [orbit-spark zoo generate options]   # default: --recipe digits-quick
#
# Environment: ORBIT_SPARK_JAR (default spark/target/orbit-spark.jar), SPARK_MASTER_PORT (default 7077),
# WORKER_CORES (default 1), EXECUTOR_MEMORY (default 1g; libtorch's tensors live outside the heap).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${ORBIT_SPARK_JAR:-$ROOT/spark/target/orbit-spark.jar}
if [ ! -f "$JAR" ]; then
  echo "run.sh: $JAR is missing; build it with: mvn -q -pl spark -am package -DskipTests" >&2
  exit 2
fi
if [ $# -lt 1 ]; then
  echo "usage: run.sh OUT_DIR [orbit-spark zoo generate options]" >&2
  exit 2
fi
OUT=$(realpath -m "$1")
shift
if [ $# -eq 0 ]; then
  set -- --recipe digits-quick
fi
PORT=${SPARK_MASTER_PORT:-7077}
CORES=${WORKER_CORES:-1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/orbit-spark-cluster.XXXXXX")

# The packages Spark opens by reflection on Java 17 (spark/pom.xml, spark.java.options).
OPENS=(-XX:+IgnoreUnrecognizedVMOptions)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS+=("--add-opens=java.base/$p=ALL-UNNAMED")
done

# Workers start executors with SPARK_HOME/jars/* as their class path: a SPARK_HOME whose only jar is ours.
mkdir -p "$WORK/home/jars" "$WORK/logs"
ln -s "$JAR" "$WORK/home/jars/orbit-spark.jar"
export SPARK_HOME="$WORK/home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$WORK/local"

# The master and workers log at INFO (orbit-spark.jar's own configuration shows warnings only), so their
# start-up lines can be awaited.
cat >"$WORK/log4j2-daemons.properties" <<'PROPS'
rootLogger.level = info
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
PROPS
DAEMON_LOG=(-Dlog4j2.configurationFile="$WORK/log4j2-daemons.properties")

PIDS=()
stop() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  echo "cluster stopped; logs in $WORK/logs" >&2
}
trap stop EXIT

await() { # await FILE TEXT SECONDS
  for _ in $(seq 1 "$3"); do
    if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "run.sh: '$2' did not appear in $1 within $3 s:" >&2
  tail -20 "$1" >&2
  exit 1
}

java "${OPENS[@]}" "${DAEMON_LOG[@]}" -Xmx512m -cp "$JAR" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$PORT" --webui-port 0 >"$WORK/logs/master.log" 2>&1 &
PIDS+=($!)
await "$WORK/logs/master.log" "I have been elected leader" 60
for i in 1 2; do
  java "${OPENS[@]}" "${DAEMON_LOG[@]}" -Xmx512m -cp "$JAR" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$CORES" --memory 4g --work-dir "$WORK/worker$i" --webui-port 0 \
    "spark://127.0.0.1:$PORT" >"$WORK/logs/worker$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 1 2; do
  await "$WORK/logs/worker$i.log" "Successfully registered with master" 60
done
echo "master spark://127.0.0.1:$PORT and 2 workers of $CORES core(s) up" >&2

start=$(date +%s.%N)
java "${OPENS[@]}" -Dai.djl.pytorch.num_threads=1 -cp "$JAR" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$PORT" --deploy-mode client \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.executor.cores="$CORES" --conf spark.executor.memory="${EXECUTOR_MEMORY:-1g}" \
  --conf spark.ui.enabled=false \
  --class dev.orbit.spark.OrbitSparkCommand "$JAR" zoo generate "$@" --out "$OUT"
end=$(date +%s.%N)
echo "submission took $(awk "BEGIN{printf \"%.1f\", $end - $start}") s (driver start, executor start, training, commits)" >&2

java -cp "$JAR" dev.orbit.training.cli.OrbitCommand zoo verify "$OUT"
