#!/usr/bin/env python3
"""NFN's accuracy-prediction experiment (experiments/predict_gen.py) on a zoo in the Small CNN Zoo
layout, on CPU, without hydra/wandb: our own driver around NFN's own modules.

Imported from the NFN checkout at run time (nothing of NFN is copied into Orbit):
  experiments.data_utils.ZooDataset  - the data loader, unchanged (weights.npy, layout.csv,
                                       metrics.csv.gz; rows with step == 86; idcs_file order;
                                       second half = test, first half shuffled by random.Random(0)
                                       and split 80/20 into train/val)
  experiments.models.InvariantNFN / MlpHead / StatNet, nfn.common - the models
  experiments.data_utils.compute_mean_std - input statistics (only the "np" model normalises)

Models (experiments/predict_gen_configs/nfnet/*.yaml + head_cls/mlp.yaml):
  hnp   hnp_inv.yaml: InvariantNFN(mode HNP, hchannels [16,16,5], feature_dropout 0, normalize False,
        lnorm None, append_stats False), head MlpHead(sigmoid, num_out 1, lnorm False,
        pool_mode HNP, dropout 0, h_size 1000)
  np    np_inv.yaml: hnp_inv with mode NP-PosEmb and normalize True
  stat  stat.yaml: StatNet(h_size 1000, dropout 0, sigmoid True, normalize False)

Training as predict_gen.py (main.yaml): Adam(lr 1e-3), batch 8, shuffled, BCE loss, no warm-up,
`--epochs` (default 50); after each epoch evaluate on val; keep the state of the epoch with the
best val Kendall tau (strictly greater, as predict_gen's best_tau.pt); test that state.
Differences: CPU instead of CUDA, DataLoader num_workers 0 (NFN: 8), explicit seeds (predict_gen
sets none), the best state is kept in memory instead of in best_tau.pt, no wandb logging.

    $NFN_PYTHON tools/nfn-reference/train_predict_gen.py --nfn-src $NFN_SRC \\
        --data zoos/fmnist-2k-cnnzoo --model hnp --seed 0 --out zoos/nfn-ref/hnp-seed0

Needs torch, einops, numpy, pandas, scipy, scikit-learn (see README.md). torchvision is imported
by data_utils at module level but not used by ZooDataset; if it is missing a stub is inserted.
"""
import argparse
import copy
import functools
import json
import os
import random
import sys
import time
import types

from nfn_paths import DEFAULT_NFN_SRC, NFN_SRC_HELP, import_nfn

NFN_COMMIT = "ce783221fd7c511596220d805c7a5beccd764ee8"


def stub_torchvision():
    """data_utils does `from torchvision import transforms` and
    `from torchvision.datasets import MNIST, CIFAR10, FashionMNIST` and builds DEF_TFM at import;
    ZooDataset uses none of it. Insert inert stand-ins only if torchvision is not installed."""
    try:
        import torchvision  # noqa: F401
        return False
    except ImportError:
        pass

    class _Inert:
        def __init__(self, *a, **k):
            raise RuntimeError("torchvision stub: not available in this driver")

    tv = types.ModuleType("torchvision")
    tf = types.ModuleType("torchvision.transforms")
    ds = types.ModuleType("torchvision.datasets")
    tf.Compose = lambda *a, **k: None
    tf.ToTensor = lambda *a, **k: None
    tf.Normalize = lambda *a, **k: None
    ds.MNIST = ds.CIFAR10 = ds.FashionMNIST = _Inert
    tv.transforms, tv.datasets = tf, ds
    sys.modules.update({"torchvision": tv, "torchvision.transforms": tf, "torchvision.datasets": ds})
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nfn-src", default=DEFAULT_NFN_SRC, help=NFN_SRC_HELP)
    ap.add_argument("--data", required=True, help="folder with weights.npy, layout.csv, metrics.csv.gz")
    ap.add_argument("--idcs-file", default=None, help="default: <data>/split.csv")
    ap.add_argument("--model", choices=["hnp", "np", "stat"], default="hnp")
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--loss", choices=["bce", "mse"], default="bce")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True, help="output folder (metrics.json, per-epoch log)")
    args = ap.parse_args()

    src = import_nfn(args.nfn_src, experiments=True)
    stubbed = stub_torchvision()

    import numpy as np
    import torch
    from torch import nn
    from torch.utils.data import DataLoader
    import pandas
    import scipy
    import sklearn
    from scipy.stats import kendalltau
    from sklearn.metrics import r2_score
    from nfn.common import network_spec_from_wsfeat, WeightSpaceFeatures
    from experiments.data_utils import ZooDataset, compute_mean_std
    from experiments.models import InvariantNFN, MlpHead, StatNet

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    idcs_file = args.idcs_file or os.path.join(args.data, "split.csv")

    t_load = time.perf_counter()
    sets = {m: ZooDataset(args.data, mode=m, idcs_file=idcs_file) for m in ("train", "val", "test")}
    load_seconds = time.perf_counter() - t_load
    sizes = {m: len(s) for m, s in sets.items()}
    print(f"data {args.data}: train {sizes['train']}, val {sizes['val']}, test {sizes['test']} "
          f"(loaded in {load_seconds:.1f} s; torchvision stubbed: {stubbed})", flush=True)

    # which networks landed where (the zoo's network_id column if it has one, else row numbers)
    with open(os.path.join(args.out, "split_network_ids.json"), "w") as f:
        json.dump({m: [int(x) for x in (s.metrics["network_id"] if "network_id" in s.metrics
                                        else s.metrics.index)] for m, s in sets.items()}, f)

    trainloader = DataLoader(sets["train"], batch_size=args.batch, shuffle=True, num_workers=0)
    valloader = DataLoader(sets["val"], batch_size=args.batch, shuffle=False, num_workers=0)
    testloader = DataLoader(sets["test"], batch_size=args.batch, shuffle=False, num_workers=0)
    # as predict_gen.py: the spec comes from one (shuffled) training batch
    spec = network_spec_from_wsfeat(WeightSpaceFeatures(*next(iter(trainloader))[0]).to("cpu"))

    if args.model == "stat":
        model = StatNet(spec, h_size=1000, dropout=0.0, sigmoid=True, normalize=False)
    else:
        head = functools.partial(MlpHead, sigmoid=True, num_out=1, lnorm=False, pool_mode="HNP",
                                 dropout=0)
        mode = "HNP" if args.model == "hnp" else "NP-PosEmb"
        model = InvariantNFN(spec, hchannels=[16, 16, 5], head_cls=head, mode=mode,
                             feature_dropout=0.0, normalize=(args.model == "np"), lnorm=None,
                             append_stats=False)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model {args.model}: {n_params} parameters", flush=True)
    if model.normalize:
        model.set_stats(compute_mean_std(trainloader))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = {"mse": nn.MSELoss(), "bce": nn.BCELoss()}[args.loss]

    @torch.no_grad()
    def evaluate(loader):
        model.eval()
        pred, actual, losses = [], [], []
        for wts_and_bs, acc in loader:
            acc, params = acc.float(), WeightSpaceFeatures(*wts_and_bs)
            p = model(params).squeeze(-1)
            losses.append(loss_fn(p, acc).item())
            pred.append(p.numpy())
            actual.append(acc.numpy())
        actual, pred = np.concatenate(actual), np.concatenate(pred)
        res = {
            "kendall_tau": float(kendalltau(actual, pred).statistic),  # tau-b
            "r2": float(r2_score(actual, pred)),
            "rmse": float(np.sqrt(np.mean((pred - actual) ** 2))),
            "l1": float(np.mean(np.abs(pred - actual))),
            "loss": float(np.mean(losses)),
        }
        return res

    history = []
    best_tau, best_epoch, best_state = -float("inf"), None, None
    train_seconds = 0.0  # epoch loop wall time, training steps only
    eval_seconds = 0.0
    for epoch in range(args.epochs):
        model.train()
        t0 = time.perf_counter()
        ep_losses = []
        for wts_and_bs, acc in trainloader:
            acc, params = acc.float(), WeightSpaceFeatures(*wts_and_bs)
            opt.zero_grad()
            pred = model(params).squeeze(-1)
            loss = loss_fn(pred, acc)
            loss.backward()
            opt.step()
            ep_losses.append(loss.item())
        t1 = time.perf_counter()
        val = evaluate(valloader)
        t2 = time.perf_counter()
        train_seconds += t1 - t0
        eval_seconds += t2 - t1
        improved = val["kendall_tau"] > best_tau  # NaN never improves, as in predict_gen
        if improved:
            best_tau, best_epoch = val["kendall_tau"], epoch
            best_state = copy.deepcopy(model.state_dict())
        rec = {"epoch": epoch, "train_loss": float(np.mean(ep_losses)), "epoch_train_seconds": t1 - t0,
               **{f"val_{k}": v for k, v in val.items()}}
        history.append(rec)
        print(f"epoch {epoch:3d}  train loss {rec['train_loss']:.4f}  val loss {val['loss']:.4f}  "
              f"val tau {val['kendall_tau']:.4f}  val R2 {val['r2']:.4f}  val RMSE {val['rmse']:.4f}  "
              f"{t1 - t0:6.1f} s train + {t2 - t1:4.1f} s val{'  *best' if improved else ''}", flush=True)

    last_val = history[-1]
    if best_state is not None:
        model.load_state_dict(best_state)
    test = evaluate(testloader)
    best_val = history[best_epoch] if best_epoch is not None else {}
    n_train_seen = sizes["train"] * args.epochs
    out = {
        "model": args.model,
        "nfn_config": {"hnp": "nfnet/hnp_inv.yaml", "np": "nfnet/np_inv.yaml",
                       "stat": "nfnet/stat.yaml"}[args.model],
        "metanet_params": n_params,
        "data": os.path.abspath(args.data),
        "idcs_file": os.path.abspath(idcs_file),
        "n_train": sizes["train"], "n_val": sizes["val"], "n_test": sizes["test"],
        "test_kendall_tau": test["kendall_tau"],
        "test_r2": test["r2"],
        "test_rmse": test["rmse"],
        "test_l1": test["l1"],
        "test_loss": test["loss"],
        "val_kendall_tau": best_val.get("val_kendall_tau"),
        "val_r2": best_val.get("val_r2"),
        "val_rmse": best_val.get("val_rmse"),
        "best_epoch": best_epoch,
        "last_epoch_val_kendall_tau": last_val["val_kendall_tau"],
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "loss": args.loss,
        "train_seconds": train_seconds,
        "eval_seconds": eval_seconds,
        "data_load_seconds": load_seconds,
        "train_networks_per_second": n_train_seen / train_seconds if train_seconds > 0 else None,
        "seed": args.seed,
        "threads": args.threads,
        "nfn_commit": NFN_COMMIT,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "python": sys.version.split()[0],
        "torchvision_stubbed": stubbed,
        "loadavg_end": os.getloadavg(),
        "history": history,
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(f"best epoch {best_epoch} (val tau {out['val_kendall_tau']:.4f}); test tau {test['kendall_tau']:.4f}, "
          f"test R2 {test['r2']:.4f}, test RMSE {test['rmse']:.4f}; train {train_seconds:.1f} s, "
          f"{out['train_networks_per_second']:.1f} networks/s ({args.threads} threads)", flush=True)


if __name__ == "__main__":
    main()
