#!/usr/bin/env bash
# kill -9 matrix for `orbit train predict-accuracy`: kill the training at several points, rerun the
# same command on the same --out, and compare with an uninterrupted run of the same command.
#
# Compared, for every kill point: the final model's parameter file (model/metanet-0000.params,
# byte for byte), metrics.json without its two wall-clock fields (train_seconds,
# train_networks_per_second), and the per-epoch history in checkpoint/progress.json without its
# timing fields (losses, validation tau and RMSE, networks seen).
#
# Usage: tools/kill-matrix/training.sh [WORK_DIR]   (default: target/kill-matrix-training)
# Needs training/target/orbit.jar or $JAR (mvn -o -q -pl training -am package -DskipTests) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-training/target/orbit.jar}
WORK=${1:-target/kill-matrix-training}
EPOCHS=${EPOCHS:-6}
export OMP_NUM_THREADS=1
mkdir -p "$WORK"
orbit() { java -Dai.djl.pytorch.num_threads=1 -jar "$JAR" "$@"; }

echo "zoo: digits-quick recipe, 200 networks (resumed or kept when already there)" >&2
orbit zoo generate --recipe digits-quick --networks 200 --out "$WORK/zoo" > "$WORK/zoo.log" 2>&1
find "$WORK" -mindepth 1 -maxdepth 1 ! -name zoo ! -name zoo.log -exec rm -rf {} +

train() { # OUT (exec: run in the background, the job's pid is the JVM's, so kill -9 reaches it)
    exec java -Dai.djl.pytorch.num_threads=1 -jar "$JAR" train predict-accuracy --zoo "$WORK/zoo" --model nfn-hnp --hidden-channels 8,8 --head-width 64 \
        --epochs "$EPOCHS" --patience 0 --seed 3 --threads 1 --out "$1"
}

echo "reference: uninterrupted run" >&2
(train "$WORK/reference") > "$WORK/reference.log" 2>&1

. tools/kill-matrix/kill-when.sh

compare() { # RUN -> prints one result line
    python3 - "$WORK/reference" "$1" <<'PY'
import json, sys, filecmp, pathlib
ref, run = map(pathlib.Path, sys.argv[1:])
def metrics(p):
    m = json.loads((p / "metrics.json").read_text())
    for k in ("train_seconds", "train_networks_per_second"):
        m.pop(k, None)
    return m
def history(p):
    h = json.loads((p / "checkpoint" / "progress.json").read_text())["history"]
    return [{k: v for k, v in e.items() if k not in ("trainSeconds", "epochSeconds", "networksPerSecond")} for e in h]
same_model = filecmp.cmp(ref / "model" / "metanet-0000.params", run / "model" / "metanet-0000.params", shallow=False)
m_ref, m_run = metrics(ref), metrics(run)
diff = [k for k in m_ref if m_ref[k] != m_run.get(k)]
print("model bytes %s | metrics.json %s | history %s | test tau %.6f vs %.6f" % (
    "identical" if same_model else "DIFFERENT", "identical" if not diff else "DIFFERENT in " + ",".join(diff),
    "identical" if history(ref) == history(run) else "DIFFERENT", m_ref["test_kendall_tau"], m_run["test_kendall_tau"]))
PY
}

run_point() { # NAME CONDITION...
    local name=$1; shift
    local out="$WORK/$name"
    (train "$out") > "$out.log" 2>&1 &
    local pid=$!
    local killed=yes
    kill_when "$pid" "$name" "$@" || killed=no
    wait "$pid" 2>/dev/null || true
    local resumed
    (train "$out") > "$out.rerun.log" 2>&1 || { echo "$name: rerun FAILED: $(tail -1 "$out.rerun.log")"; return; }
    resumed=$(grep -o "resuming after epoch [0-9]*" "$out.rerun.log" || echo "started over")
    echo "$name | killed: $killed | rerun: $resumed | $(compare "$out")"
}

progress_epoch() { # OUT N: progress.json records epoch N
    grep -q "\"epochsCompleted\": $2," "$1/checkpoint/progress.json"
}

mid_epoch() { # OUT N: epoch N-1 is committed; then half a second into epoch N
    progress_epoch "$1" $(($2 - 1)) && sleep 0.5
}

echo "kill point | killed | rerun | comparison with the uninterrupted run"
run_point start-up              test -f "$WORK/start-up/.orbit-run.lock"
run_point after-run-json        test -f "$WORK/after-run-json/split.json"
run_point mid-epoch-3           mid_epoch "$WORK/mid-epoch-3" 3
run_point model-file-written    test -f "$WORK/model-file-written/checkpoint/model-0004.params"
run_point optimiser-file-written test -f "$WORK/optimiser-file-written/checkpoint/adam-0004.ndlist"
run_point final-model-save      test -d "$WORK/final-model-save/model"
run_point metrics-written       test -f "$WORK/metrics-written/metrics.json"
run_point report                test -d "$WORK/report/report"
