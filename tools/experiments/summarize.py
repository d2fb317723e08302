"""Prints mean and spread of test Kendall tau per target and model from orbit run folders.

Usage: python3 tools/experiments/summarize.py OUT_DIR   (OUT_DIR/<target>/<model>/seed<S>/metrics.json)
"""
import json
import pathlib
import statistics
import sys

root = pathlib.Path(sys.argv[1])
rows = {}
for path in sorted(root.glob("*/*/seed*/metrics.json")):
    m = json.loads(path.read_text())
    key = (path.parts[-4], path.parts[-3])
    rows.setdefault(key, []).append(m)

print("| target | model | test Kendall tau (mean ± sd) | seeds | test R² | train s | networks/s |")
print("|---|---|---|---|---|---|---|")
for (target, model), ms in sorted(rows.items()):
    taus = [m["test_kendall_tau"] for m in ms]
    sd = statistics.stdev(taus) if len(taus) > 1 else 0.0
    r2 = statistics.mean(m["test_r2"] for m in ms)
    secs = statistics.mean(m["train_seconds"] for m in ms)
    nps = statistics.mean(m.get("train_networks_per_second", float("nan")) for m in ms)
    print(f"| {target} | {model} | {statistics.mean(taus):.3f} ± {sd:.3f} | {len(taus)} | {r2:.3f} | {secs:.0f} | {nps:.0f} |")
