#!/usr/bin/env python3
"""Independent NumPy re-implementation of NFN's NPLinear / HNPLinear / NPPool / HNPPool, written
from metanet/src/test/resources/golden/nfn/README.md (not from NFN's code), that reproduces every
golden file's outputs from its saved inputs and parameters.

It does NOT import torch or nfn. It works in ORBIT's layout, channels last:
    W_l: (B, n_out, n_in, C')   with C' = C * kh * kw, channel c' = c*(kh*kw) + h*kw + w
    b_l: (B, n_out, C)
and uses every NFN parameter as a channels-last matrix  A = weight.reshape(out, in).T  (in, out),
so it also checks the parameter mapping that Orbit's implementation needs.
It also checks the documented initialisation bounds against the saved (freshly initialised) params.

    $NFN_PYTHON tools/nfn-reference/check_description.py [golden_dir]
Needs numpy and safetensors only. Exit code 0 iff every file matches to 1e-5 (max abs error).
"""
import glob
import json
import math
import os
import sys

import numpy as np
from safetensors import safe_open

TOL = 1e-5


# ---------------------------------------------------------------- layout conversion (edges only)
def nfn_w_to_orbit(w):
    """(B, C, o, i[, kh, kw]) -> (B, o, i, C*kh*kw), channel c' = c*F + h*kw + w."""
    if w.ndim == 4:
        return w.transpose(0, 2, 3, 1)
    B, C, o, i, kh, kw = w.shape
    return w.transpose(0, 2, 3, 1, 4, 5).reshape(B, o, i, C * kh * kw)


def orbit_w_to_nfn(w, kernel):
    """Inverse of nfn_w_to_orbit; kernel = (kh, kw) or None."""
    if kernel is None:
        return w.transpose(0, 3, 1, 2)
    B, o, i, Cf = w.shape
    kh, kw = kernel
    return w.reshape(B, o, i, Cf // (kh * kw), kh, kw).transpose(0, 3, 1, 2, 4, 5)


def nfn_b_to_orbit(b):
    return b.transpose(0, 2, 1)  # (B, C, n) -> (B, n, C)


# ---------------------------------------------------------------- helpers
class Params:
    def __init__(self, d):
        self.d = d

    def A(self, name):
        """NFN Conv1d/Conv2d(1x1)/Linear weight (out, in[,1[,1]]) -> channels-last matrix (in, out)."""
        w = self.d[name + ".weight"]
        return w.reshape(w.shape[0], -1).T

    def lin(self, name, x):
        """Apply NFN module `name` to channels-last x (..., in) -> (..., out)."""
        return x @ self.A(name) + self.d[name + ".bias"]


def cat(xs):
    return np.concatenate(xs, axis=-1)


def flat_cn(x):
    """(B, n, Cc) -> (B, Cc*n), channel-major, neuron index fastest (NFN's flatten of (B, Cc, n))."""
    return x.transpose(0, 2, 1).reshape(x.shape[0], -1)


def row_unfold(W):
    """W (B, n_out, n_in, Cc) -> (B, n_out, Cc*n_in): each row's n_in entries folded into channels,
    index c'*n_in + j."""
    B, o, i, Cc = W.shape
    return W.transpose(0, 1, 3, 2).reshape(B, o, Cc * i)


def col_unfold(W):
    """W (B, n_out, n_in, Cc) -> (B, n_in, Cc*n_out): each column's n_out entries folded into
    channels, index c'*n_out + r."""
    B, o, i, Cc = W.shape
    return W.transpose(0, 2, 3, 1).reshape(B, i, Cc * o)


def means(Ws, bs):
    R = [W.mean(axis=1) for W in Ws]        # (B, n_in, C')   mean over rows (output neurons)
    K = [W.mean(axis=2) for W in Ws]        # (B, n_out, C')  mean over columns (input neurons)
    M = [W.mean(axis=(1, 2)) for W in Ws]   # (B, C')
    m = [b.mean(axis=1) for b in bs]        # (B, C)
    return R, K, M, m


# ---------------------------------------------------------------- the layers (Orbit layout)
def np_linear(P, Ws, bs, io_embed=False):
    L = len(Ws)
    if io_embed:
        Ws = list(Ws); bs = list(bs)
        Ws[0] = Ws[0] + P.d["in_embed"].transpose(0, 2, 3, 1)        # (1,F0*C,1,n_in) -> (1,1,n_in,F0*C)
        Ws[-1] = Ws[-1] + P.d["out_embed"].transpose(0, 2, 3, 1)     # (1,F*C,n_out,1) -> (1,n_out,1,F*C)
        bs[-1] = bs[-1] + P.d["out_bias_embed"].transpose(0, 2, 1)   # (1,C,n_out)     -> (1,n_out,C)
    R, K, M, m = means(Ws, bs)
    g = cat(M + m)  # (B, C*(sum F_i + L))
    outW, outb = [], []
    for i in range(L):
        row = [R[i]] + ([K[i - 1], bs[i - 1]] if i > 0 else [])      # indexed by n_{i-1} (columns)
        col = [K[i], bs[i]] + ([R[i + 1]] if i < L - 1 else [])       # indexed by n_i (rows)
        row, col = cat(row), cat(col)
        z = (P.lin(f"layer_{i}", Ws[i])
             + P.lin(f"layer_{i}_rc", g)[:, None, None, :]
             + P.lin(f"layer_{i}_r", row)[:, None, :, :]
             + P.lin(f"layer_{i}_c", col)[:, :, None, :])
        u = P.lin(f"bias_{i}", col) + P.lin(f"bias_{i}_rc", g)[:, None, :]
        outW.append(z); outb.append(u)
    return outW, outb


def hnp_linear(P, Ws, bs):
    L = len(Ws)
    assert L >= 2, "NFN's HNPLinear does not support single-layer networks"
    R, K, M, m = means(Ws, bs)
    g = cat(M + m + [flat_cn(R[0]), flat_cn(K[-1]), flat_cn(bs[-1])])
    outW, outb = [], []
    for i in range(L):
        if i == 0:
            n_in = Ws[0].shape[2]
            rpt = [row_unfold(Ws[0]), R[1], bs[0]] + ([col_unfold(Ws[1])] if L == 2 else [])
            rpt = cat(rpt)                                             # (B, n_1, .)
            z = P.lin("w0_rpt", rpt) + P.lin("w0_rbdcst", g)[:, None, :]   # (B, n_1, F0*Cout*n_in)
            B, n1, _ = z.shape
            z = z.reshape(B, n1, -1, n_in).transpose(0, 1, 3, 2)        # index o'*n_in + j -> (B,n_1,n_in,o')
            u = P.lin("bias_0", rpt) + P.lin("bias_0_rc", g)[:, None, :]
        elif i == L - 1:
            n_out = Ws[-1].shape[1]
            cpt = [col_unfold(Ws[-1]), K[-2]] + ([row_unfold(Ws[0])] if L == 2 else [])
            cpt = cat(cpt)                                             # (B, n_{L-1}, .)
            z = P.lin("wfin_cpt", cpt) + P.lin("wfin_cbdcst", g)[:, None, :]  # (B, n_{L-1}, F*Cout*n_out)
            B, nl, _ = z.shape
            z = z.reshape(B, nl, -1, n_out).transpose(0, 3, 1, 2)      # index o'*n_out + r -> (B,n_out,n_{L-1},o')
            u = P.lin("bias_fin_rc", g)                                # (B, Cout*n_out), index c*n_out + r
            u = u.reshape(B, -1, n_out).transpose(0, 2, 1)
        else:
            row = [R[i], K[i - 1], bs[i - 1]] + ([row_unfold(Ws[0])] if i == 1 else [])
            col = [K[i], bs[i], R[i + 1]] + ([col_unfold(Ws[-1])] if i == L - 2 else [])
            row, col = cat(row), cat(col)
            z = (P.lin(f"layer_{i}", Ws[i])
                 + P.lin(f"layer_{i}_rc", g)[:, None, None, :]
                 + P.lin(f"layer_{i}_r", row)[:, None, :, :]
                 + P.lin(f"layer_{i}_c", col)[:, :, None, :])
            u = P.lin(f"bias_{i}", col) + P.lin(f"bias_{i}_rc", g)[:, None, :]
        outW.append(z); outb.append(u)
    return outW, outb


def np_pool(Ws, bs, C):
    out = []
    for W, b in zip(Ws, bs):
        B = W.shape[0]
        out.append(W.mean(axis=(1, 2)).reshape(B, C, -1))   # (B, C, F): per channel, filter (h, w) order
        out.append(b.mean(axis=1)[:, :, None])              # (B, C, 1)
    return np.concatenate(out, axis=-1)                     # (B, C, sum(F_i + 1))


def hnp_pool(Ws, bs, C):
    L = len(Ws)
    out = []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        B = W.shape[0]
        if i == 0:      # mean over rows, keep n_in: per channel c, index j*F + p
            x = W.mean(axis=1)
            out.append(x.reshape(B, x.shape[1], C, -1).transpose(0, 2, 1, 3).reshape(B, C, -1))
        elif i == L - 1:  # mean over columns, keep n_out: per channel c, index r*F + p
            x = W.mean(axis=2)
            out.append(x.reshape(B, x.shape[1], C, -1).transpose(0, 2, 1, 3).reshape(B, C, -1))
        else:
            out.append(W.mean(axis=(1, 2)).reshape(B, C, -1))
        out.append(b.transpose(0, 2, 1) if i == L - 1 else b.mean(axis=1)[:, :, None])
    return np.concatenate(out, axis=-1)


# ---------------------------------------------------------------- documented init bounds
def init_groups(layer, L, io_embed):
    """Yield (list of module names sharing one uniform bound, fan_in-owner modules)."""
    if layer == "NPLinear":
        for i in range(L):
            yield [f"layer_{i}", f"layer_{i}_rc", f"layer_{i}_r", f"layer_{i}_c"]
            yield [f"bias_{i}", f"bias_{i}_rc"]
    else:
        for i in range(L):
            if i == 0:
                yield ["w0_rpt"]; yield ["w0_rbdcst"]          # PyTorch default, separately
                yield ["bias_0", "bias_0_rc"]
            elif i == L - 1:
                yield ["wfin_cpt", "wfin_cbdcst"]
                yield ["bias_fin_rc"]                          # PyTorch default
            else:
                yield [f"layer_{i}", f"layer_{i}_rc", f"layer_{i}_r", f"layer_{i}_c"]
                yield [f"bias_{i}", f"bias_{i}_rc"]


def check_init(P, layer, L, io_embed):
    msgs = []
    for group in init_groups(layer, L, io_embed):
        fan_in = sum(P.d[n + ".weight"].reshape(P.d[n + ".weight"].shape[0], -1).shape[1] for n in group)
        bd = 1.0 / math.sqrt(fan_in)
        vals = np.concatenate([np.abs(P.d[n + s]).ravel() for n in group for s in (".weight", ".bias")])
        mx = vals.max()
        ok = mx <= bd * (1 + 1e-6) and (vals.size < 50 or mx >= 0.9 * bd)
        if not ok:
            msgs.append(f"init {group}: max|p|={mx:.4g}, documented bound {bd:.4g}")
    return msgs


# ---------------------------------------------------------------- driver
def check_file(path):
    with safe_open(path, "np") as f:
        meta = f.metadata()
        d = {k: f.get_tensor(k).astype(np.float64) for k in f.keys()}
    layer = meta["layer"]
    arch = json.loads(meta["arch"])
    L = len(arch)
    C = int(meta["C_in"])
    io_embed = meta.get("io_embed") == "True"
    kernels = [tuple(k) if k else None for _, _, k in arch]
    Ws = [nfn_w_to_orbit(d[f"in.weights.{i}"]) for i in range(L)]
    bs = [nfn_b_to_orbit(d[f"in.biases.{i}"]) for i in range(L)]
    P = Params(d)
    errs, msgs = [], []
    if layer in ("NPPool", "HNPPool"):
        got = (np_pool if layer == "NPPool" else hnp_pool)(Ws, bs, C)
        errs.append(np.abs(got - d["out.pooled"]).max())
    else:
        if layer == "NPLinear":
            oW, ob = np_linear(P, Ws, bs, io_embed)
        else:
            oW, ob = hnp_linear(P, Ws, bs)
        for i in range(L):
            errs.append(np.abs(orbit_w_to_nfn(oW[i], kernels[i]) - d[f"out.weights.{i}"]).max())
            errs.append(np.abs(ob[i].transpose(0, 2, 1) - d[f"out.biases.{i}"]).max())
        msgs += check_init(P, layer, L, io_embed)
    err = max(errs)
    ok = err <= TOL and not msgs
    print(f"{'OK  ' if ok else 'FAIL'} {os.path.basename(path):34s} {layer:9s} L={L} max|err|={err:.2e}"
          + "".join("\n     " + s for s in msgs))
    return ok


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    gdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..",
                                                              "metanet/src/test/resources/golden/nfn")
    # the single layers and pools (make_golden.py); whole models (make_golden_models.py) are checked by Orbit's tests
    files = sorted(f for f in glob.glob(os.path.join(gdir, "*.safetensors"))
                   if not os.path.basename(f).startswith(("model_", "stat_features")))
    assert files, f"no golden files in {gdir}"
    results = [check_file(p) for p in files]
    print(f"{sum(results)}/{len(results)} files reproduced to {TOL}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
