#!/usr/bin/env bash
# Runs the built orbit jar on every bad-input case of issue 11 and prints a Markdown table:
# case, command, exit code, first line of stderr, stderr line count, peak RSS and RSS above the JVM
# baseline. Every crafted file is built here (craft.py, Python standard library only).
# Usage: tools/bad-inputs/run.sh [--jar JAR] [--work DIR] [--only REGEX] [--timeout SECONDS]
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/training/target/orbit.jar
WORK=
ONLY=.
LIMIT=300
while [ $# -gt 0 ]; do
    case $1 in
        --jar) JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --timeout) LIMIT=$2; shift 2 ;;
        -h|--help) sed -n 2,5p "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -f "$JAR" ] || { echo "run.sh: $JAR is missing; build it with: mvn -o -q -pl training -am package -DskipTests" >&2; exit 2; }
[ -n "$WORK" ] || WORK=$(mktemp -d "${TMPDIR:-/tmp}/orbit-bad-inputs.XXXXXX")
mkdir -p "$WORK" && cd "$WORK" || exit 2
CRAFT="python3 $ROOT/tools/bad-inputs/craft.py"
export OMP_NUM_THREADS=1
JAVA=(java -Dai.djl.pytorch.num_threads=1 -jar "$JAR")

# Peak RSS: GNU time's %M when it is there, else the highest VmHWM seen while polling /proc.
if /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then HAVE_TIME=1; else HAVE_TIME=0; fi

# measure OUT_PREFIX cmd...: runs cmd with a time limit; leaves $OUT_PREFIX.{err,out,rc,rss} (rss in KiB).
measure() {
    local p=$1; shift
    if [ $HAVE_TIME = 1 ]; then
        /usr/bin/time -f %M -o "$p.rss" timeout -k 5 "$LIMIT" "$@" >"$p.out" 2>"$p.err" </dev/null
        echo $? >"$p.rc"
        tail -n 1 "$p.rss" | tr -dc 0-9 >"$p.rss.n"; mv "$p.rss.n" "$p.rss"
    else
        "$@" >"$p.out" 2>"$p.err" </dev/null &
        local pid=$! hwm=0 waited=0 v
        while kill -0 $pid 2>/dev/null; do
            v=$(awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null)
            [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
            sleep 0.1; waited=$((waited + 1))
            if [ $waited -gt $((LIMIT * 10)) ]; then kill -9 $pid 2>/dev/null; fi
        done
        wait $pid; echo $? >"$p.rc"; echo $hwm >"$p.rss"
    fi
}

mb() { echo $(( ($1 + 512) / 1024 )); }
md() { sed 's/|/\\|/g; s/`/'"'"'/g'; }

measure baseline "${JAVA[@]}" --version
BASE=$(cat baseline.rss)

ROWS=()
# case NAME CHECK -- orbit-args...: runs orbit and adds a table row. CHECK is a shell command whose
# output goes into the table's last column (empty string for none); it runs after orbit.
N=0
case_() {
    local name=$1 check=$2; shift 3
    echo "$name" | grep -Eq -- "$ONLY" || return 0
    N=$((N + 1))
    local p=case$N
    echo "[$N] $name: orbit $*" >&2
    measure "$p" "${JAVA[@]}" "$@"
    local rc rss first lines note=
    rc=$(cat "$p.rc"); [ "$rc" = 124 ] || [ "$rc" = 137 ] && rc="$rc (killed after ${LIMIT} s)"
    rss=$(cat "$p.rss"); [ -n "$rss" ] || rss=0
    grep -v '^SLF4J(' "$p.err" >"$p.err.main"
    first=$(head -n 1 "$p.err.main" | cut -c1-300)
    [ -n "$first" ] || first="(stdout) $(head -n 1 "$p.out" | cut -c1-200)"
    lines=$(wc -l <"$p.err.main")
    [ -z "$check" ] || note=$(eval "$check" 2>&1 | head -n 1)
    ROWS+=("| $name | \`orbit $(echo "$*" | md)\` | $rc | $(echo "$first" | md) | $lines | $(mb "$rss") | $(mb $((rss - BASE))) | $(echo "$note" | md) |")
}

# --- fixtures: a 12-network MLP zoo on the bundled digits, a 1-epoch run, a cnn-zoo export -------
echo "setting up in $WORK" >&2
"${JAVA[@]}" zoo generate --dataset digits --arch mlp:8,10 --networks 12 --epochs 1 --group-size 12 --out zoo >setup.log 2>&1 \
    && "${JAVA[@]}" train predict-accuracy --zoo zoo --model statnn --epochs 1 --out run >>setup.log 2>&1 \
    && "${JAVA[@]}" zoo export --format cnn-zoo zoo cz >>setup.log 2>&1 \
    || { echo "run.sh: setting up the fixtures failed; see $WORK/setup.log" >&2; exit 1; }
TRAIN=(train predict-accuracy --model statnn)
copy() { rm -rf "$2"; cp -r "$1" "$2"; rm -f "$2/.orbit-zoo.lock"; }
$CRAFT mlp-state-dict good.safetensors 64,8,10 0.01
measure engine "${JAVA[@]}" predict --run run --weights good.safetensors
ENGINE=$(cat engine.rss)

# --- data loss ----------------------------------------------------------------------------------
mkdir -p other/checkpoint other/model && echo keep >other/checkpoint/keep.txt && echo keep >other/model/keep.txt && echo notes >other/notes.txt
case_ "train --out on a folder holding other files" "ls other/checkpoint/keep.txt other/model/keep.txt >/dev/null 2>&1 && echo 'other files kept' || echo 'OTHER FILES DELETED'" -- \
    "${TRAIN[@]}" --epochs 1 --zoo zoo --out other
rm -rf race
( "${JAVA[@]}" "${TRAIN[@]}" --epochs 3 --zoo zoo --out race >race-first.log 2>&1 & echo $! >race.pid )
sleep 2
case_ "two trainings into one --out (second while the first runs)" "wait_first() { while kill -0 \$(cat race.pid) 2>/dev/null; do sleep 1; done; }; wait_first; echo \"first run: \$(grep -v SLF4J race-first.log | tail -n 1)\"" -- \
    "${TRAIN[@]}" --epochs 3 --zoo zoo --out race
mkdir -p export-killed && head -c 1000 cz/weights.npy >export-killed/.weights.npy.tmp
case_ "zoo export after a killed export left a .tmp" "ls -a export-killed | grep -c tmp | sed 's/^/temporary files left: /'" -- \
    zoo export --format cnn-zoo zoo export-killed

# --- silent wrong results -----------------------------------------------------------------------
copy zoo zoo-flip && $CRAFT flip-byte zoo-flip/shards/shard-00000.safetensors
case_ "train on a shard with one flipped bit" "" -- "${TRAIN[@]}" --epochs 1 --zoo zoo-flip --out run-flip
copy zoo zoo-metrics && $CRAFT metrics-digit zoo-metrics/metrics.csv
case_ "zoo verify after a test_accuracy digit changed" "" -- zoo verify zoo-metrics
for v in nan inf 3.4e38; do
    $CRAFT mlp-state-dict "weights-$v.safetensors" 64,8,10 "$v"
    case_ "predict on weights that are all $v" "" -- predict --run run --weights "weights-$v.safetensors"
done
rm -rf zoo-incomplete
( "${JAVA[@]}" zoo generate --dataset digits --arch mlp:8,10 --networks 24 --epochs 1 --group-size 24 --out zoo-incomplete >incomplete.log 2>&1 & echo $! >incomplete.pid )
for _ in $(seq 1 600); do [ -f zoo-incomplete/manifest.json ] && break; sleep 0.1; done
kill -9 "$(cat incomplete.pid)" 2>/dev/null; sleep 1; rm -f zoo-incomplete/.orbit-zoo.lock
case_ "zoo verify on a zoo killed before its first network" "python3 -c \"import json;print('rows in manifest:', json.load(open('zoo-incomplete/manifest.json')).get('rows'))\"" -- \
    zoo verify zoo-incomplete
copy zoo zoo-nan && $CRAFT nan-row zoo-nan nan
case_ "zoo verify on a shard row holding NaN (checksum re-signed)" "" -- zoo verify zoo-nan
case_ "train on a shard row holding NaN (checksum re-signed)" "" -- "${TRAIN[@]}" --epochs 1 --zoo zoo-nan --out run-nan

# --- memory bombs -------------------------------------------------------------------------------
$CRAFT djl-params-30 bomb30.params
case_ "predict on a 30-byte DJL .params (2^31 dimensions)" "" -- predict --run run --weights bomb30.params
$CRAFT djl-params-53 bomb53.params
case_ "predict on a 53-byte DJL .params (1.3 GB data length)" "" -- predict --run run --weights bomb53.params
$CRAFT npz-zeros bomb.npz 160000000
case_ "predict on a $(( $(stat -c %s bomb.npz) / 1024 )) KB .npz of 640 MB of zeros" "" -- predict --run run --weights bomb.npz
copy cz cz-longline && $CRAFT gz-long-line cz-longline/metrics.csv.gz 1
case_ "train on a cnn-zoo whose $(( $(stat -c %s cz-longline/metrics.csv.gz) / 1024 )) KB metrics.csv.gz holds a 1 GiB line" "" -- \
    "${TRAIN[@]}" --epochs 1 --zoo cz-longline --out run-longline
copy cz cz-layout && $CRAFT layout-end cz-layout/layout.csv 2000000000
case_ "train on a cnn-zoo whose layout.csv has end_idx 2e9" "" -- "${TRAIN[@]}" --epochs 1 --zoo cz-layout --out run-layout
$CRAFT safetensors-empty empty.safetensors 90
case_ "predict on a 90 MB safetensors header of empty tensors" "" -- predict --run run --weights empty.safetensors
case_ "zoo generate --networks 2000000000" "" -- \
    zoo generate --dataset digits --arch mlp:8,10 --networks 2000000000 --epochs 1 --out zoo-huge

# --- paths and files ----------------------------------------------------------------------------
# Eleven networks inside the folder and one outside it, so the split works if the path is accepted.
state_dict_zoo() {
    mkdir -p "$1" && echo file,test_accuracy >"$1/labels.csv"
    for i in $(seq 1 11); do
        cp good.safetensors "$1/net$i.safetensors" && echo "net$i.safetensors,0.$i" >>"$1/labels.csv"
    done
    echo "$2,0.55" >>"$1/labels.csv"
}
cp good.safetensors outside.safetensors
rm -rf sd sd-abs && state_dict_zoo sd ../outside.safetensors && state_dict_zoo sd-abs "$WORK/outside.safetensors"
case_ "state-dict zoo whose labels.csv names ../outside.safetensors" "" -- "${TRAIN[@]}" --epochs 1 --zoo sd --format state-dicts --out run-sd
case_ "state-dict zoo whose labels.csv names an absolute path" "" -- "${TRAIN[@]}" --epochs 1 --zoo sd-abs --format state-dicts --out run-sd-abs
copy run run-escape && cp run/checkpoint/model-0001.params escaped.params \
    && $CRAFT set-json run-escape/checkpoint/progress.json modelFile '"../../escaped.params"'
case_ "resume a run whose progress.json names ../../escaped.params" "" -- "${TRAIN[@]}" --epochs 2 --zoo zoo --out run-escape
copy run run-json-cut && $CRAFT truncate run-json-cut/run.json 0.5
case_ "resume a run whose run.json is truncated" "" -- "${TRAIN[@]}" --epochs 2 --zoo zoo --out run-json-cut
copy run run-json-empty && : >run-json-empty/run.json
case_ "resume a run whose run.json is empty" "" -- "${TRAIN[@]}" --epochs 2 --zoo zoo --out run-json-empty
case_ "predict with an empty run.json" "" -- predict --run run-json-empty --weights good.safetensors
copy run run-model-cut && for f in run-model-cut/model/*.params; do $CRAFT truncate "$f" 0.5; done
case_ "predict with a truncated model .params" "" -- predict --run run-model-cut --weights good.safetensors
copy run run-ckpt-cut && $CRAFT truncate run-ckpt-cut/checkpoint/model-0001.params 0.5
case_ "resume a run whose checkpoint .params is truncated" "" -- "${TRAIN[@]}" --epochs 2 --zoo zoo --out run-ckpt-cut

# --- smaller messages ---------------------------------------------------------------------------
case_ "train --zoo on a folder that does not exist" "" -- "${TRAIN[@]}" --epochs 1 --zoo no-such-zoo --out run-x
case_ "predict --run on a folder that does not exist" "" -- predict --run no-such-run --weights good.safetensors
case_ "train --zoo on a file that exists" "" -- "${TRAIN[@]}" --epochs 1 --zoo good.safetensors --out run-y
echo file >out-file
case_ "train --out on an existing file" "" -- "${TRAIN[@]}" --epochs 1 --zoo zoo --out out-file
case_ "zoo generate --commit-minutes NaN" "" -- \
    zoo generate --dataset digits --arch mlp:8,10 --networks 2 --epochs 1 --commit-minutes NaN --out zoo-nan-minutes
case_ "zoo generate --dataset digits --data-dir on a missing folder" "" -- \
    zoo generate --dataset digits --arch mlp:8,10 --networks 2 --epochs 1 --data-dir no-such-dir --out zoo-digits-dir

# --- table --------------------------------------------------------------------------------------
echo "$("${JAVA[@]}" --version 2>/dev/null | head -n 1); $(date -u +%Y-%m-%d); JVM baseline (\`orbit --version\`) $(mb "$BASE") MB peak RSS;"
echo "a valid \`orbit predict\` (PyTorch engine loaded) $(mb "$ENGINE") MB. RSS measured with $([ $HAVE_TIME = 1 ] && echo 'GNU time (%M)' || echo '/proc VmHWM polling')."
echo
echo "| case | command | exit | first line of stderr | stderr lines | peak RSS MB | above baseline MB | check |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Work folder (paths above are relative to it): $WORK" >&2
