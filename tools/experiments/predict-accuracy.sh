#!/usr/bin/env bash
# Trains every metanet on one zoo for both targets and several seeds, then prints the table that
# README.md quotes. Usage: tools/experiments/predict-accuracy.sh ZOO_DIR OUT_DIR [EPOCHS] [SEEDS...]
set -euo pipefail
zoo=$1
out=$2
epochs=${3:-30}
shift $(( $# >= 3 ? 3 : $# ))
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
jar=${ORBIT_JAR:-training/target/orbit.jar}
for target in test_accuracy gen_gap; do
  for model in nfn-hnp nfn-np statnn flat-mlp; do
    for seed in "${seeds[@]}"; do
      run="$out/$target/$model/seed$seed"
      if [ -f "$run/metrics.json" ]; then continue; fi
      echo "== $target $model seed $seed"
      java -jar "$jar" train predict-accuracy --zoo "$zoo" --model "$model" --target "$target" \
        --epochs "$epochs" --seed "$seed" --out "$run"
    done
  done
done
python3 "$(dirname "$0")/summarize.py" "$out"
