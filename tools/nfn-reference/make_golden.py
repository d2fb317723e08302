#!/usr/bin/env python3
"""Generate golden test data for Orbit's NP/HNP weight-space layers from the NFN reference.

NFN (https://github.com/AllanYangZhou/nfn, MIT licence) is NOT vendored into Orbit. This script
imports it at run time from a checkout given by --nfn-src (default $NFN_SRC, else nfn-src beside
the repository), which is put on sys.path. Nothing of NFN's code is copied here.

Usage (see metanet/src/test/resources/golden/nfn/README.md for the full recipe):

    $NFN_PYTHON tools/nfn-reference/make_golden.py --nfn-src $NFN_SRC --out metanet/src/test/resources/golden/nfn

Every case is seeded independently (torch.manual_seed(case seed)), so regenerating one file is
reproducible on its own. Tensors are float32 in NFN's channels-first layout:
    in.weights.{i}  (B, C_in, n_out, n_in[, kh, kw])   in.biases.{i}  (B, C_in, n_out)
    out.weights.{i} (B, C_out, n_out, n_in[, kh, kw])  out.biases.{i} (B, C_out, n_out)
    out.pooled      (B, C_in, K)                      (pool layers only)
    <name>          every entry of the layer's state_dict under its NFN name (e.g. "w0_rpt.weight")
"""
import argparse
import json
import os
import subprocess
import sys

from nfn_paths import DEFAULT_NFN_SRC, NFN_SRC_HELP, REPO, import_nfn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfn-src", default=DEFAULT_NFN_SRC, help=NFN_SRC_HELP)
    ap.add_argument("--out", default=os.path.join(REPO, "metanet", "src", "test", "resources", "golden", "nfn"))
    args = ap.parse_args()
    import_nfn(args.nfn_src)

    import numpy as np
    import torch
    from safetensors.numpy import save_file
    # Import the layer modules directly (nfn/__init__ only pulls in torch + einops, but keep the
    # dependency surface minimal and explicit).
    from nfn.common.data import WeightSpaceFeatures, network_spec_from_wsfeat
    from nfn.layers.layers import NPLinear, HNPLinear, NPPool, HNPPool

    torch.set_default_dtype(torch.float32)
    nfn_commit = _nfn_commit(args.nfn_src)
    os.makedirs(args.out, exist_ok=True)

    B, C_IN, C_OUT = 2, 2, 3

    def sample(arch, c, gen_seed):
        """arch: list of (n_out, n_in, kernel or None). Returns WeightSpaceFeatures."""
        g = torch.Generator().manual_seed(gen_seed)
        ws, bs = [], []
        for n_out, n_in, k in arch:
            shape = (B, c, n_out, n_in) + (tuple(k) if k else ())
            ws.append(torch.randn(shape, generator=g))
            bs.append(torch.randn((B, c, n_out), generator=g))
        return WeightSpaceFeatures(ws, bs)

    # Small CNN Zoo (Unterthiner et al. 2020): conv3x3 1->16->16->16, GAP, dense 16->10 = 4,970 params.
    CNN = [(16, 1, (3, 3)), (16, 16, (3, 3)), (16, 16, (3, 3)), (10, 16, None)]
    # Tiny CNN with non-square kernels, per-layer filter sizes and n_in > 1: catches (c,kh,kw,n_in)
    # fold-order mistakes that the Small CNN Zoo (n_in = 1, square 3x3 everywhere) cannot.
    TINYCNN = [(3, 2, (2, 3)), (4, 3, (1, 2)), (3, 4, None)]
    MLP3 = [(4, 2, None), (5, 4, None), (3, 5, None)]   # 2->4->5->3
    MLP2 = [(4, 2, None), (3, 4, None)]                 # 2->4->3
    MLP1 = [(3, 2, None)]                               # 2->3 (single layer, NP only)

    cases = [
        # name, arch, layer factory, is_pool, seed
        ("np_linear", CNN, lambda s: NPLinear(s, C_IN, C_OUT), False, 101),
        ("hnp_linear", CNN, lambda s: HNPLinear(s, C_IN, C_OUT), False, 102),
        ("np_pool", CNN, lambda s: NPPool(s), True, 103),
        ("hnp_pool", CNN, lambda s: HNPPool(s), True, 104),
        ("mlp_np_linear", MLP3, lambda s: NPLinear(s, C_IN, C_OUT), False, 201),
        ("mlp_hnp_linear", MLP3, lambda s: HNPLinear(s, C_IN, C_OUT), False, 202),
        ("mlp2_np_linear", MLP2, lambda s: NPLinear(s, C_IN, C_OUT), False, 203),
        ("mlp2_hnp_linear", MLP2, lambda s: HNPLinear(s, C_IN, C_OUT), False, 204),
        ("mlp1_np_linear", MLP1, lambda s: NPLinear(s, C_IN, C_OUT), False, 205),
        ("mlp_np_linear_ioembed", MLP3, lambda s: NPLinear(s, C_IN, C_OUT, io_embed=True), False, 206),
        ("tinycnn_np_linear", TINYCNN, lambda s: NPLinear(s, C_IN, C_OUT), False, 301),
        ("tinycnn_hnp_linear", TINYCNN, lambda s: HNPLinear(s, C_IN, C_OUT), False, 302),
        ("tinycnn_np_pool", TINYCNN, lambda s: NPPool(s), True, 303),
        ("tinycnn_hnp_pool", TINYCNN, lambda s: HNPPool(s), True, 304),
    ]

    total = 0
    for name, arch, make, is_pool, seed in cases:
        torch.manual_seed(seed)  # drives the layer's parameter init
        x = sample(arch, C_IN, gen_seed=seed + 10_000)
        # Exactly what NFN's experiments do: spec derived from a batch (hidden dims are -1).
        spec = network_spec_from_wsfeat(x)
        layer = make(spec)
        with torch.no_grad():
            y = layer(x)
        t = {}
        for i, (w, b) in enumerate(x):
            t[f"in.weights.{i}"] = w
            t[f"in.biases.{i}"] = b
        for k, v in layer.state_dict().items():
            t[k] = v
        if is_pool:
            t["out.pooled"] = y
        else:
            for i, (w, b) in enumerate(y):
                t[f"out.weights.{i}"] = w
                t[f"out.biases.{i}"] = b
        t = {k: np.ascontiguousarray(v.detach().cpu().numpy().astype(np.float32)) for k, v in t.items()}
        meta = {
            "layer": type(layer).__name__,
            "repr": repr(layer),
            "arch": json.dumps([[o, i, list(k) if k else None] for o, i, k in arch]),
            "weight_spec": json.dumps([list(s.shape) for s in spec.weight_spec]),
            "bias_spec": json.dumps([list(s.shape) for s in spec.bias_spec]),
            "B": str(B), "C_in": str(C_IN), "C_out": "" if is_pool else str(C_OUT),
            "io_embed": str(bool(getattr(layer, "io_embed", False))),
            "seed": str(seed),
            "state_dict_keys": json.dumps(list(layer.state_dict().keys())),
            "nfn_commit": nfn_commit,
            "torch_version": torch.__version__,
            "generator": "tools/nfn-reference/make_golden.py",
        }
        path = os.path.join(args.out, f"{name}.safetensors")
        save_file(t, path, metadata=meta)
        sz = os.path.getsize(path)
        total += sz
        print(f"{name:24s} {type(layer).__name__:9s} tensors={len(t):3d} size={sz/1024:7.1f} KiB")
    print(f"total {total/1024:.1f} KiB")

    # Documented limitation (README): HNPLinear cannot be built for a single-layer network.
    try:
        HNPLinear(network_spec_from_wsfeat(sample(MLP1, C_IN, 0)), C_IN, C_OUT)
        print("note: HNPLinear accepted L=1")
    except Exception as e:  # IndexError: list index out of range (filter_facs[i+1])
        print(f"note: HNPLinear(L=1) fails as expected: {type(e).__name__}: {e}")


def _nfn_commit(src):
    """Commit of the NFN checkout: `git rev-parse HEAD` if it is a work tree, else the file
    .nfn_commit that the README's `git archive` recipe writes, else $NFN_COMMIT, else 'unknown'."""
    try:
        return subprocess.check_output(["git", "-C", src, "rev-parse", "HEAD"], text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except Exception:
        pass
    f = os.path.join(src, ".nfn_commit")
    if os.path.exists(f):
        return open(f).read().strip()
    return os.environ.get("NFN_COMMIT", "unknown")


if __name__ == "__main__":
    main()
