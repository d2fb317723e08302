#!/usr/bin/env bash
# Trains every metanet on one zoo for both targets and several seeds, then prints the table that
# README.md quotes.
#
# Usage: tools/experiments/predict-accuracy.sh ZOO_DIR OUT_DIR [EPOCHS] [SEEDS...] [-- EXTRA ORBIT ARGS]
#   e.g. tools/experiments/predict-accuracy.sh zoos/fmnist-2k-cnnzoo runs 20 0 1 2 -- \
#          --split-file zoos/fmnist-2k-cnnzoo/split.csv --patience 6 --threads 1
# Environment: MODELS (default "nfn-hnp statnn nfn-hnp-stat nfn-np flat-mlp"), TARGETS (default
# "test_accuracy gen_gap"), ORBIT_JAR (default training/target/orbit.jar).
#
# Each run claims its folder with mkdir before it starts, so two copies of this script (one per
# core, each with --threads 1) share the work without running anything twice. A run that finished
# has metrics.json and is skipped; a killed run is resumed by orbit itself when its claim is
# removed (rm OUT_DIR/<target>/<model>/seed<S>.claim) and the script is started again.
set -euo pipefail
zoo=$1
out=$2
shift 2
epochs=30
if [ $# -gt 0 ] && [ "$1" != "--" ]; then epochs=$1; shift; fi
seeds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds+=("$1"); shift; done
[ $# -gt 0 ] && shift # the --
extra=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
jar=${ORBIT_JAR:-training/target/orbit.jar}
read -r -a models <<< "${MODELS:-nfn-hnp statnn nfn-hnp-stat nfn-np flat-mlp}"
read -r -a targets <<< "${TARGETS:-test_accuracy gen_gap}"
for target in "${targets[@]}"; do
  for seed in "${seeds[@]}"; do
    for model in "${models[@]}"; do
      run="$out/$target/$model/seed$seed"
      if [ -f "$run/metrics.json" ]; then continue; fi
      mkdir -p "$(dirname "$run")"
      mkdir "$run.claim" 2>/dev/null || continue
      echo "== $target $model seed $seed ($(date +%H:%M:%S))"
      java -jar "$jar" train predict-accuracy --zoo "$zoo" --model "$model" --target "$target" \
        --epochs "$epochs" --seed "$seed" --out "$run" ${extra[@]+"${extra[@]}"} > "$run.log" 2>&1 \
        || echo "   failed: see $run.log"
      tail -n 2 "$run.log"
    done
  done
done
python3 "$(dirname "$0")/summarize.py" "$out"
