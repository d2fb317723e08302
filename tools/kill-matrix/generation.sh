#!/usr/bin/env bash
# kill -9 matrix for `orbit zoo generate`: kill the generation at several points, rerun the same
# command on the same --out, and compare the finished zoo with an uninterrupted run.
#
# Compared, for every kill point: `orbit zoo verify` (must say OK), and the zoo's content exported
# in the Small CNN Zoo layout: every checkpoint's weights (a row of weights.npy) and metrics (a row
# of metrics.csv.gz), byte for byte, matched by network and step. Rows follow the order in which a
# run committed its networks, which a kill changes, so the comparison pairs them by key.
#
# Usage: tools/kill-matrix/generation.sh [WORK_DIR]   (default: target/kill-matrix-generation)
# Needs training/target/orbit.jar or $JAR (mvn -o -q -pl training -am package -DskipTests) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-training/target/orbit.jar}
WORK=${1:-target/kill-matrix-generation}
export OMP_NUM_THREADS=1
rm -rf "$WORK"
mkdir -p "$WORK"

# 96 digits MLPs in groups of 16, committed every 0.6 s into shards of 32 rows: many commits to hit.
generate() { # OUT (exec: the job's pid is the JVM's, so kill -9 reaches it)
    exec java -Dai.djl.pytorch.num_threads=1 -jar "$JAR" zoo generate --recipe digits-quick --networks 96 \
        --group-size 16 --parallel-groups 1 --shard-rows 32 --commit-minutes 0.01 --out "$1"
}
orbit() { java -Dai.djl.pytorch.num_threads=1 -jar "$JAR" "$@"; }

echo "reference: uninterrupted run" >&2
(generate "$WORK/reference") > "$WORK/reference.log" 2>&1
orbit zoo export --format cnn-zoo "$WORK/reference" "$WORK/reference.export" > /dev/null

. tools/kill-matrix/kill-when.sh

committed_rows() { # OUT N: the manifest records at least N rows
    python3 -c "import json,sys; m=json.load(open(sys.argv[1]+'/manifest.json')); sys.exit(0 if sum(s['rows'] for s in m['shards']) >= int(sys.argv[2]) else 1)" "$1" "$2"
}
temp_file() { # OUT: an uncommitted write is in progress
    find "$1" -name '*.tmp' | grep -q .
}
committed_and_writing() { # OUT N: at least N rows committed and the next write under way
    committed_rows "$1" "$2" && temp_file "$1"
}

same_checkpoints() { # EXPORT_A EXPORT_B -> "identical (N checkpoints)" or what differs
    python3 - "$1" "$2" <<'PY'
import ast, csv, gzip, sys
def checkpoints(folder):
    raw = open(folder + "/weights.npy", "rb").read()
    header_len = int.from_bytes(raw[8:10], "little")
    header = ast.literal_eval(raw[10:10 + header_len].decode("latin1"))
    rows, cols = header["shape"]
    data = raw[10 + header_len:]
    with gzip.open(folder + "/metrics.csv.gz", "rt", newline="") as f:
        table = list(csv.reader(f))
    names = table[0]
    key = (names.index("modeldir"), names.index("step"))
    out = {}
    for i, row in enumerate(table[1:]):
        out[(row[key[0]], row[key[1]])] = (data[i * cols * 4:(i + 1) * cols * 4], row)
    return rows, out
na, a = checkpoints(sys.argv[1])
nb, b = checkpoints(sys.argv[2])
if a.keys() != b.keys():
    print("DIFFERENT checkpoints (%d vs %d)" % (len(a), len(b)))
elif any(a[k][0] != b[k][0] for k in a):
    print("DIFFERENT weights in %d checkpoints" % sum(a[k][0] != b[k][0] for k in a))
elif any(a[k][1] != b[k][1] for k in a):
    print("DIFFERENT metrics in %d checkpoints" % sum(a[k][1] != b[k][1] for k in a))
else:
    print("identical (%d checkpoints)" % len(a))
PY
}

run_point() { # NAME CONDITION...
    local name=$1; shift
    local out="$WORK/$name"
    (generate "$out") > "$out.log" 2>&1 &
    local pid=$!
    local killed=yes
    kill_when "$pid" "$name" "$@" || killed=no
    wait "$pid" 2>/dev/null || true
    local left
    left=$( (orbit zoo info "$out" 2>/dev/null || true) | grep -o '[0-9]* of 96 complete' || echo "no manifest")
    (generate "$out") > "$out.rerun.log" 2>&1 || { echo "$name | rerun FAILED: $(tail -1 "$out.rerun.log")"; return; }
    local verify export_cmp
    verify=$(orbit zoo verify "$out" 2>&1 | head -1 | cut -c1-40)
    orbit zoo export --format cnn-zoo "$out" "$out.export" > /dev/null
    export_cmp=$(same_checkpoints "$WORK/reference.export" "$out.export")
    echo "$name | killed: $killed | left: $left | verify: $verify | weights and metrics: $export_cmp"
}

echo "kill point | killed | what the kill left | verify after rerun | comparison with the uninterrupted run"
run_point manifest-created   test -f "$WORK/manifest-created/manifest.json"
run_point first-write        temp_file "$WORK/first-write"
run_point first-commit       committed_rows "$WORK/first-commit" 1
run_point mid-zoo            committed_rows "$WORK/mid-zoo" 192
run_point mid-write-later    committed_and_writing "$WORK/mid-write-later" 288
run_point near-end           committed_rows "$WORK/near-end" 480

# Negative control: another zoo seed must not compare identical.
(exec java -Dai.djl.pytorch.num_threads=1 -jar "$JAR" zoo generate --recipe digits-quick --networks 96 --seed 1 \
    --group-size 16 --parallel-groups 1 --shard-rows 32 --commit-minutes 0.01 --out "$WORK/other-seed") > "$WORK/other-seed.log" 2>&1
orbit zoo export --format cnn-zoo "$WORK/other-seed" "$WORK/other-seed.export" > /dev/null
echo "negative control (--seed 1) | must differ: $(same_checkpoints "$WORK/reference.export" "$WORK/other-seed.export")"
