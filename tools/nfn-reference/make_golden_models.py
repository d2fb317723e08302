#!/usr/bin/env python3
"""Golden data for whole NFN predictors: forward and gradients of one training step of NFN's own
InvariantNFN (NP-PosEmb = np_inv.yaml, HNP = hnp_inv.yaml, with MlpHead) and the StatNN features.

NFN (https://github.com/AllanYangZhou/nfn, MIT licence) is NOT vendored into Orbit: the script
imports it at run time from the checkout given by --nfn-src (default $NFN_SRC, else nfn-src beside
the repository), with `experiments/perceiver-pytorch` on the path because experiments.models
imports it. Usage, from the repository root:

    $NFN_PYTHON tools/nfn-reference/make_golden_models.py --nfn-src $NFN_SRC

Writes metanet/src/test/resources/golden/nfn/model_*.safetensors and stat_features_*.safetensors
(format: that folder's README.md, section 9). Tensors in NFN's channels-first layout:
    in.weights.{i}, in.biases.{i}     the raw batch (B networks), as predict_gen.py feeds it
    target                            (B,) in (0, 1)
    <name>                            every state_dict entry before the step (parameters and,
                                      with normalize, the buffers mean_weights_{i}, std_weights_{i}, ...)
    grad.<name>                       d loss / d parameter, loss = BCELoss(model(x).squeeze(-1), target);
                                      they fix the first Adam step too: p - lr * g / (|g| + eps)
    out.pooled                        the head's input, (B, C * K) after Flatten
    out.pred (B,), out.loss ()        sigmoid output and loss
    out.stats                         (B, 14 L) StatFeaturizer output (stat_features_* files)
"""
import argparse
import json
import os
import sys

from nfn_paths import DEFAULT_NFN_SRC, NFN_SRC_HELP, REPO, import_nfn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfn-src", default=DEFAULT_NFN_SRC, help=NFN_SRC_HELP)
    ap.add_argument("--out", default=os.path.join(REPO, "metanet", "src", "test", "resources", "golden", "nfn"))
    args = ap.parse_args()
    src = import_nfn(args.nfn_src, experiments=True)

    from functools import partial
    import numpy as np
    import torch
    from safetensors.numpy import save_file
    from nfn.common import WeightSpaceFeatures, network_spec_from_wsfeat
    from nfn.layers import StatFeaturizer
    from experiments.models import InvariantNFN, MlpHead
    from make_golden import _nfn_commit

    torch.set_default_dtype(torch.float32)
    os.makedirs(args.out, exist_ok=True)

    cnn = [(16, 1, (3, 3)), (16, 16, (3, 3)), (16, 16, (3, 3)), (10, 16, None)]  # Small CNN Zoo
    tinycnn = [(3, 2, (2, 3)), (4, 3, (1, 2)), (3, 4, None)]  # n_in = 2, non-square kernels

    def sample(arch, n, g):
        """n networks with per-entry offsets and scales, so per-entry and per-tensor statistics differ."""
        ws, bs = [], []
        for layer, (o, i, k) in enumerate(arch):
            shape = (1, o, i) + (tuple(k) if k else ())
            g_entry = torch.Generator().manual_seed(1000 + layer)  # fixed per-entry offsets / scales
            mean = torch.randn(shape, generator=g_entry) * 0.5
            scale = torch.rand(shape, generator=g_entry) * 1.5 + 0.25
            ws.append(mean + scale * torch.randn((n,) + shape, generator=g))
            bmean = torch.randn((1, o), generator=g_entry) * 0.5
            bs.append(bmean + 0.3 * torch.randn((n, 1, o), generator=g))
        return WeightSpaceFeatures(ws, bs)

    def per_entry_stats(x):
        """compute_mean_std of experiments/data_utils.py on one batch: population mean/std per entry."""
        w = [(t.mean(0), torch.sqrt((t ** 2).mean(0) - t.mean(0) ** 2)) for t in x.weights]
        b = [(t.mean(0), torch.sqrt((t ** 2).mean(0) - t.mean(0) ** 2)) for t in x.biases]
        return w, b

    B, TRAIN = 2, 32
    cases = [
        # name, arch, mode, normalize (np_inv: true), hchannels, h_size, seed
        ("model_np_posemb", cnn, "NP-PosEmb", True, [2, 2], 8, 401),
        ("model_hnp", cnn, "HNP", False, [2, 2], 8, 402),
        ("model_tinycnn_np_posemb", tinycnn, "NP-PosEmb", True, [3, 2], 8, 403),
    ]
    commit = _nfn_commit(src)
    for name, arch, mode, normalize, hchannels, h_size, seed in cases:
        g = torch.Generator().manual_seed(seed + 10_000)
        train = sample(arch, TRAIN, g)
        x = sample(arch, B, g)
        target = torch.rand(B, generator=g) * 0.8 + 0.1
        spec = network_spec_from_wsfeat(x)
        torch.manual_seed(seed)
        head = partial(MlpHead, num_out=1, h_size=h_size, dropout=0.0, lnorm=False, pool_mode="HNP", sigmoid=True)
        model = InvariantNFN(spec, hchannels=hchannels, head_cls=head, mode=mode, normalize=normalize)
        if normalize:
            model.set_stats(per_entry_stats(train))
        pooled = {}
        model.head.head[1].register_forward_hook(lambda m, i, o: pooled.__setitem__("x", o.detach().clone()))
        before = {k: v.detach().clone() for k, v in model.state_dict().items()}
        pred = model(x).squeeze(-1)
        loss = torch.nn.BCELoss()(pred, target)
        loss.backward()
        t = dict(before)
        for k, p in model.named_parameters():
            t["grad." + k] = p.grad.detach().clone()
        for i, (w, b) in enumerate(x):
            t[f"in.weights.{i}"] = w
            t[f"in.biases.{i}"] = b
        t["target"] = target
        t["out.pooled"] = pooled["x"]
        t["out.pred"] = pred.detach()
        t["out.loss"] = loss.detach()
        meta = {
            "model": "InvariantNFN", "mode": mode, "normalize": str(normalize), "hchannels": json.dumps(hchannels),
            "h_size": str(h_size), "pool_mode": "HNP", "loss": "BCELoss",
            "arch": json.dumps([[o, i, list(k) if k else None] for o, i, k in arch]),
            "B": str(B), "seed": str(seed), "repr": repr(model),
            "parameters": json.dumps([k for k, _ in model.named_parameters()]),
        }
        write(save_file, np, args.out, name, t, meta, commit, torch.__version__)

    for name, arch, seed in [("stat_features", cnn, 501), ("stat_features_tinycnn", tinycnn, 502)]:
        g = torch.Generator().manual_seed(seed)
        x = sample(arch, B, g)
        x = WeightSpaceFeatures([torch.cat([w, 2 * w + 1], 1) for w in x.weights],  # C = 2 channels
                                [torch.cat([b, -b], 1) for b in x.biases])
        t = {f"in.weights.{i}": w for i, (w, _) in enumerate(x)}
        t.update({f"in.biases.{i}": b for i, (_, b) in enumerate(x)})
        t["out.stats"] = torch.flatten(StatFeaturizer()(x), start_dim=-2)
        meta = {"model": "StatFeaturizer + Flatten(start_dim=-2)", "B": str(B), "C": "2", "seed": str(seed),
                "arch": json.dumps([[o, i, list(k) if k else None] for o, i, k in arch])}
        write(save_file, np, args.out, name, t, meta, commit, torch.__version__)


def write(save_file, np, out, name, tensors, meta, commit, torch_version):
    tensors = {k: np.ascontiguousarray(v.detach().cpu().numpy().astype(np.float32)) for k, v in tensors.items()}
    meta.update({"nfn_commit": commit, "torch_version": torch_version,
                 "generator": "tools/nfn-reference/make_golden_models.py"})
    path = os.path.join(out, name + ".safetensors")
    save_file(tensors, path, metadata=meta)
    print(f"{name:26s} tensors={len(tensors):3d} size={os.path.getsize(path) / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
