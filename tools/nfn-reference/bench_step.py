#!/usr/bin/env python3
"""Reference timing of one NFN training step on Small CNN Zoo-shaped inputs (CPU).

Builds NFN's own predictor, experiments.models.InvariantNFN, exactly as
experiments/predict_gen_configs/nfnet/{hnp_inv,np_inv}.yaml + head_cls/mlp.yaml configure it
(instantiated from the NFN checkout at run time; nothing of NFN is copied into Orbit), and times
    opt.zero_grad(); pred = model(params).squeeze(-1); loss = MSE(pred, target);
    loss.backward(); opt.step()
with Adam(lr=1e-3) on a batch of random Small CNN Zoo networks (conv3x3 1->16->16->16, dense 16->10).

    $NFN_PYTHON tools/nfn-reference/bench_step.py --nfn-src $NFN_SRC

(`experiments.models` imports perceiver_pytorch, which ships inside NFN's experiments folder.)
"""
import argparse
import json
import os
import statistics
import sys
import time


from nfn_paths import DEFAULT_NFN_SRC, NFN_SRC_HELP, import_nfn

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfn-src", default=DEFAULT_NFN_SRC, help=NFN_SRC_HELP)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=5, help="untimed steps before each round")
    ap.add_argument("--steps", type=int, default=20, help="timed steps per round and mode")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--modes", default="HNP,NP-PosEmb,NP",
                    help="HNP = hnp_inv.yaml; NP-PosEmb = np_inv.yaml (NFN's 'NP' predictor); "
                         "NP = plain NPLinear (io_embed=False), NPPool head (not an NFN config)")
    ap.add_argument("--json", default=None, help="also write results here")
    ap.add_argument("--print-model", action="store_true")
    args = ap.parse_args()
    import_nfn(args.nfn_src, experiments=True)

    import torch
    from torch import nn
    from nfn.common import WeightSpaceFeatures, network_spec_from_wsfeat
    from experiments.models import InvariantNFN, MlpHead
    from functools import partial

    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()
    print(f"load average before run: {load_before}")
    torch.manual_seed(0)
    B = args.batch
    arch = [(16, 1, (3, 3)), (16, 16, (3, 3)), (16, 16, (3, 3)), (10, 16, None)]

    def sample_batch(n):
        ws, bs = [], []
        for o, i, k in arch:
            fan_in = i * (k[0] * k[1] if k else 1)
            ws.append(torch.randn((n, 1, o, i) + (tuple(k) if k else ())) / fan_in ** 0.5)
            bs.append(0.1 * torch.randn(n, 1, o))
        return WeightSpaceFeatures(ws, bs)

    params = sample_batch(B)
    target = torch.rand(B)  # "test accuracy" in [0, 1]
    spec = network_spec_from_wsfeat(params)  # as predict_gen.py does
    assert sum(w[0].numel() + b[0].numel() for w, b in params) == 4970

    def build(mode):
        # experiments/predict_gen_configs/nfnet/head_cls/mlp.yaml (h_size default 1000)
        pool = "NP" if mode == "NP" else "HNP"
        head = partial(MlpHead, sigmoid=True, num_out=1, lnorm=False, pool_mode=pool, dropout=0)
        # nfnet/hnp_inv.yaml; np_inv.yaml = hnp_inv + {mode: NP-PosEmb, normalize: true}
        model = InvariantNFN(spec, hchannels=[16, 16, 5], head_cls=head, mode=mode,
                             feature_dropout=0.0, normalize=(mode == "NP-PosEmb"), lnorm=None,
                             append_stats=False)
        if model.normalize:
            # predict_gen.py: nfnet.set_stats(compute_mean_std(trainloader)); per-entry mean/std.
            ref = sample_batch(256)
            w_stats = [(w.mean(0), w.std(0, unbiased=False)) for w in ref.weights]
            b_stats = [(b.mean(0), b.std(0, unbiased=False)) for b in ref.biases]
            model.set_stats((w_stats, b_stats))
        return model

    # Build every model first, then interleave the modes round by round (the machine is shared;
    # interleaving spreads background load evenly), and report the median over all timed steps.
    runs = {}
    for mode in args.modes.split(","):
        torch.manual_seed(1)
        model = build(mode)
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        runs[mode] = (model, opt, [], [], [])
    loss_fn = nn.MSELoss()

    def step(model, opt):
        opt.zero_grad()
        pred = model(params).squeeze(-1)
        loss = loss_fn(pred, target)
        loss.backward()
        opt.step()
        return loss

    for rnd in range(args.rounds):
        for mode, (model, opt, times, round_medians, cpu) in runs.items():
            for _ in range(args.warmup):
                step(model, opt)
            rt = []
            for _ in range(args.steps):
                t0, c0 = time.perf_counter(), time.process_time()
                step(model, opt)
                rt.append((time.perf_counter() - t0) * 1e3)
                cpu.append((time.process_time() - c0) * 1e3)
            times.extend(rt)
            round_medians.append(statistics.median(rt))

    results = {}
    for mode, (model, opt, times, round_medians, cpu) in runs.items():
        times = sorted(times)
        n_params = sum(p.numel() for p in model.parameters())
        r = {
            "median_ms": statistics.median(times),
            "round_medians_ms": [round(x, 1) for x in round_medians],
            "p10_ms": times[int(0.1 * len(times))],
            "p90_ms": times[int(0.9 * len(times)) - 1],
            "min_ms": times[0],
            "timed_steps": len(times),
            "median_cpu_ms": statistics.median(cpu),  # process CPU time (all threads) per step
            "metanet_params": n_params,
        }
        results[mode] = r
        print(f"{mode:10s} params={n_params:8d}  median {r['median_ms']:6.1f} ms/step over {len(times)} steps"
              f"  (round medians {r['round_medians_ms']}, p10 {r['p10_ms']:.1f}, p90 {r['p90_ms']:.1f},"
              f" min {r['min_ms']:.1f}; CPU {r['median_cpu_ms']:.0f} ms/step; B={B}, {args.threads} threads)")
    meta = {"torch": torch.__version__, "loadavg_before": load_before, "batch": B, "threads": args.threads, "rounds": args.rounds,
            "steps_per_round": args.steps, "warmup_per_round": args.warmup,
            "loadavg_after": os.getloadavg(), "results": results}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(meta, f, indent=1)
    print(f"load average after run: {os.getloadavg()}")
    if args.print_model:
        print(repr(runs.get("HNP", next(iter(runs.values())))[0]))


if __name__ == "__main__":
    main()
