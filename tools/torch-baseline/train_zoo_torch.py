#!/usr/bin/env python3
"""Plain-PyTorch baseline for Orbit's zoo generation speed.

Trains the first N networks of an Orbit zoo (default 16) one after another with an ordinary PyTorch
loop -- a torch.nn.Sequential model, a torch.optim optimizer, one mini-batch at a time -- using each
network's hyperparameters from the zoo's metrics.csv and the zoo's budget and evaluation from its
manifest.json, and prints networks/minute (wall time including evaluation) and the mean final test
accuracy next to Orbit's for the same networks.

Setup (torch 2.13.0+cpu, numpy, Python 3.11; README.md): a venv whose interpreter is $NFN_PYTHON.

Command (from the repository root; the zoo folder is only read -- point it at a copy if another
process is still writing it):

    $NFN_PYTHON tools/torch-baseline/train_zoo_torch.py --zoo zoos/fmnist-2k --networks 16 --threads 2

--data-dir defaults to $ORBIT_DATA_DIR/fashion-mnist when ORBIT_DATA_DIR is set (as Orbit), else to
the folder Debian's dataset-fashion-mnist package installs.

What is mirrored from Orbit (zoo/src/main/java/dev/orbit/zoo/train: GroupTrainer, StackedOptimizer,
DataStream, InitialWeights, DropoutMasks, TrainingOptions):

* model: the manifest's network_spec (fmnist-2k: three 3x3 stride-2 valid convs 1->16->16->16, each
  followed by the member's activation and dropout, global average pooling, dense 16->10);
* data: pool = first train_pool_size training images, pixels / 127.5 - 1; the member's subset is
  round(train_fraction * pool) pool images; every member takes epochs * max(1, pool // batch) steps,
  its batches cut from an endless stream of reshuffled passes over its subset (batches may straddle
  passes);
* loss: mean cross-entropy of the batch; L2 lambda as weight_decay = 2*lambda on weights only (the
  gradient of Keras' l2(lambda)); biases undecayed;
* optimizers: torch.optim.SGD (no momentum), Adam (0.9, 0.999, eps 1e-8), RMSprop (alpha 0.99,
  eps 1e-8) -- the constants OptimizerKind/StackedOptimizer copy from torch.optim;
* init: Keras semantics as InitialWeights: normal N(0, std^2), truncated_normal cut at 2 std,
  glorot_normal / he_normal truncated with std sqrt(2/(fan_in+fan_out))/0.8796 and sqrt(2/fan_in)/0.8796,
  orthogonal (gain 1) on the (out, in*kh*kw) matrix, constant bias b_init;
* dropout: inverted dropout with the member's rate after every hidden activation, training only;
* divergence: once a batch loss is non-finite the network stops updating and is flagged;
* evaluation at the zoo's checkpoint epochs (0 = initialisation): train metrics on the first
  eval_train_limit images of the member's subset (in subset order), test metrics on the first
  eval_test_limit test images, eval mode, no dropout.

--rng torch (default) draws init, subset, batch order and dropout from torch's generator seeded with
the member's seed: the ordinary PyTorch loop the speed comparison is about. --rng orbit instead
replays Orbit's own streams (java.util.SplittableRandom ported to Python/NumPy for the subset, the
batch order and the dropout masks; initial weights read from the zoo's epoch-0 checkpoint), so each
network should reach Orbit's metrics up to float rounding: a check that the semantics above match.
Timing: data loading and a short warm-up are outside the clock (as in `orbit speed`); the clock
covers building, initialising, training and evaluating every network.
"""

import argparse
import csv
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------------
# Orbit's random streams (only for --rng orbit)

M64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
SUBSET_STREAM = 0x5B5E7  # DataStream
ORDER_STREAM = 0x0D0E7  # DataStream
DROPOUT_STREAM = 0xD809  # DropoutMasks


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def _mix32(z):
    z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
    return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32  # unsigned 32 bits


def seeds_mix(parent, label):
    """dev.orbit.zoo.space.Seeds.mix on unsigned 64-bit ints."""
    return _mix64(_mix64(parent & M64) ^ _mix64((label + GOLDEN_GAMMA) & M64))


class JavaSplittableRandom:
    """java.util.SplittableRandom(seed) as of JDK 17: nextLong, nextInt(bound)."""

    def __init__(self, seed):
        self.seed = seed & M64

    def _next_seed(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & M64
        return self.seed

    def next_long(self):
        return _mix64(self._next_seed())

    def next_int(self, bound):  # RandomSupport.boundedNextInt
        r = _mix32(self._next_seed())
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1
        while True:
            r = u % bound
            if u + m - r < 2 ** 31:  # Java: u + m - r does not overflow int
                return r
            u = _mix32(self._next_seed()) >> 1


def java_round(x):
    return math.floor(x + 0.5)


def _shuffle_prefix(a, rng, prefix):
    """DataStream.shuffle: Fisher-Yates stopping once the first prefix positions are final."""
    n = len(a)
    i = 0
    while i < prefix and i < n - 1:
        j = i + rng.next_int(n - i)
        a[i], a[j] = a[j], a[i]
        i += 1


class OrbitDataStream:
    """dev.orbit.zoo.train.DataStream: the member's subset and its endless reshuffled batch stream."""

    def __init__(self, seed, fraction, pool):
        size = int(max(1, min(pool, java_round(fraction * pool))))
        perm = list(range(pool))
        _shuffle_prefix(perm, JavaSplittableRandom(seeds_mix(seed, SUBSET_STREAM)), size)
        self.subset = perm[:size]
        self.pass_ = list(self.subset)
        self.order = JavaSplittableRandom(seeds_mix(seed, ORDER_STREAM))
        self.cursor = size

    def take(self, count):
        out = []
        for _ in range(count):
            if self.cursor == len(self.pass_):
                _shuffle_prefix(self.pass_, self.order, len(self.pass_))
                self.cursor = 0
            out.append(self.pass_[self.cursor])
            self.cursor += 1
        return out


def _np_mix64(z):
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def orbit_dropout_mask(seed, step, layer, rate, count):
    """DropoutMasks for one member (M = 1): count scaled keep values, in storage order."""
    s0 = seeds_mix(seeds_mix(seed, DROPOUT_STREAM), (step << 8) | layer)
    longs = (count + 3) // 4
    k = np.arange(1, longs + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(s0) + k * np.uint64(GOLDEN_GAMMA)
    draws = _np_mix64(z)
    chunks = (draws[:, None] >> np.array([0, 16, 32, 48], dtype=np.uint64)) & np.uint64(0xFFFF)
    keep = java_round((1.0 - rate) * 65536.0)
    scale = np.float32(1.0 / (1.0 - rate))
    return np.where(chunks.reshape(-1)[:count] < np.uint64(keep), scale, np.float32(0))


# ---------------------------------------------------------------------------------------------------
# Zoo and data


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    pixels = images.astype(np.float32) / np.float32(127.5) - np.float32(1.0)  # as ImageDatasets
    return torch.from_numpy(pixels[:, None, :, :].copy()), torch.from_numpy(labels.astype(np.int64))


def read_zoo(zoo):
    with open(os.path.join(zoo, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(zoo, "metrics.csv"), "rb") as f:
        committed = f.read(manifest["metrics_bytes"]).decode("utf-8")  # bytes past it are uncommitted
    rows = list(csv.DictReader(committed.splitlines()))
    networks = {}
    for row in rows:
        networks.setdefault(int(row["network_id"]), {})[int(row["epoch"])] = row
    return manifest, networks


def read_safetensors_row(path, names, row):
    """Row `row` of each F32 tensor in `names` from a safetensors file, without the safetensors package."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        base = 8 + length
        out = {}
        for name in names:
            entry = header[name]
            if entry["dtype"] != "F32":
                raise SystemExit(f"{path}: {name} is {entry['dtype']}, expected F32")
            shape = entry["shape"]
            per_row = int(np.prod(shape[1:]))
            f.seek(base + entry["data_offsets"][0] + 4 * per_row * row)
            out[name] = np.frombuffer(f.read(4 * per_row), dtype="<f4").reshape(shape[1:]).copy()
    return out


# ---------------------------------------------------------------------------------------------------
# Model


class MaskDropout(nn.Module):
    """nn.Dropout, or (for --rng orbit) multiplication by the mask the loop sets for this step."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate
        self.mask = None

    def forward(self, x):
        if not self.training or self.rate <= 0:
            return x
        if self.mask is not None:
            return x * self.mask
        return F.dropout(x, self.rate, True)


def build_model(spec, activation, dropout):
    act = {"relu": nn.ReLU, "tanh": nn.Tanh}[activation]
    layers, weights, biases, drops = [], [], [], []
    n = len(spec["layers"])
    size = spec["inputShape"][-1]
    sizes = []
    for i, layer in enumerate(spec["layers"]):
        if layer["kind"] == "CONV2D":
            m = nn.Conv2d(layer["inNeurons"], layer["outNeurons"], (layer["kernelHeight"], layer["kernelWidth"]),
                          stride=layer["stride"], padding=layer["padding"])
            size = (size + 2 * layer["padding"] - layer["kernelHeight"]) // layer["stride"] + 1
        else:
            if i == 0:
                layers.append(nn.Flatten())
            elif spec["layers"][i - 1]["kind"] == "CONV2D":
                layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]  # global average pooling
            m = nn.Linear(layer["inNeurons"], layer["outNeurons"])
        layers.append(m)
        weights.append(m.weight)
        biases.append(m.bias)
        if i + 1 < n:  # hidden: the member's activation, then dropout
            d = MaskDropout(dropout)
            layers += [act(), d]
            drops.append(d)
            sizes.append((layer["kind"], layer["outNeurons"], size))
    return nn.Sequential(*layers), weights, biases, drops, sizes


TRUNCATED_STD = 0.87962566103423978


@torch.no_grad()
def init_torch(weights, biases, hp):
    """InitialWeights' Keras semantics with torch's generator."""
    init, std = hp["w_init"], float(hp["init_std"])
    for w, b in zip(weights, biases):
        receptive = w[0, 0].numel() if w.dim() == 4 else 1
        fan_in, fan_out = w.shape[1] * receptive, w.shape[0] * receptive
        if init == "normal":
            nn.init.normal_(w, 0.0, std)
        elif init == "truncated_normal":
            nn.init.trunc_normal_(w, 0.0, std, -2 * std, 2 * std)
        elif init in ("glorot_normal", "he_normal"):
            s = math.sqrt(2.0 / (fan_in + fan_out) if init == "glorot_normal" else 2.0 / fan_in) / TRUNCATED_STD
            nn.init.trunc_normal_(w, 0.0, s, -2 * s, 2 * s)
        elif init == "orthogonal":
            nn.init.orthogonal_(w)  # flattens to (out, in*kh*kw), as Orbit
        else:
            raise SystemExit(f"unknown w_init {init}")
        nn.init.constant_(b, float(hp["b_init"]))


@torch.no_grad()
def init_from_zoo(weights, biases, zoo, row0):
    names = [f"layer{i}.{k}" for i in range(len(weights)) for k in ("weight", "bias")]
    shard = os.path.join(zoo, "shards", f"shard-{int(row0['shard']):05d}.safetensors")
    values = read_safetensors_row(shard, names, int(row0["row"]))
    for i, (w, b) in enumerate(zip(weights, biases)):
        w.copy_(torch.from_numpy(values[f"layer{i}.weight"]).reshape(w.shape))
        b.copy_(torch.from_numpy(values[f"layer{i}.bias"]))


def make_optimizer(name, weights, biases, lr, l2):
    groups = [{"params": weights, "weight_decay": 2.0 * l2}, {"params": biases, "weight_decay": 0.0}]
    if name == "sgd":
        return torch.optim.SGD(groups, lr=lr)
    if name == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    if name == "rmsprop":
        return torch.optim.RMSprop(groups, lr=lr, alpha=0.99, eps=1e-8)
    raise SystemExit(f"unknown optimizer {name}")


@torch.inference_mode()
def evaluate(model, images, labels, batch):
    model.eval()
    loss, hits = 0.0, 0
    for start in range(0, len(labels), batch):
        logits = model(images[start:start + batch])
        y = labels[start:start + batch]
        loss += F.cross_entropy(logits, y, reduction="sum").item()
        hits += (logits.argmax(1) == y).sum().item()
    model.train()
    return loss / len(labels), hits / len(labels)


# ---------------------------------------------------------------------------------------------------
# One network


def train_network(nid, hp, rows, setup, args, steps_limit=None):
    spec, pool_x, pool_y, test_x, test_y = setup["spec"], setup["pool_x"], setup["pool_y"], setup["test_x"], setup["test_y"]
    pool, epochs, checkpoints = setup["pool"], setup["epochs"], setup["checkpoints"]
    batch = int(hp["batch_size"])
    steps_per_epoch = max(1, pool // batch)
    seed = int(hp["seed"])
    rate = float(hp["dropout"])
    fraction = float(hp["train_fraction"])
    model, weights, biases, drops, sizes = build_model(spec, hp["activation"], rate)
    total = epochs * steps_per_epoch if steps_limit is None else steps_limit
    if args.rng == "orbit":
        init_from_zoo(weights, biases, args.zoo, rows[0])
        stream = OrbitDataStream(seed, fraction, pool)
        subset = torch.tensor(stream.subset)
        order = torch.tensor(stream.take(total * batch)).view(total, batch)
    else:
        torch.manual_seed(seed)
        init_torch(weights, biases, hp)
        size = int(max(1, min(pool, java_round(fraction * pool))))
        subset = torch.randperm(pool)[:size]
        passes = [subset[torch.randperm(size)] for _ in range(-(-total * batch // size))]
        order = torch.cat(passes)[:total * batch].view(total, batch)
    limit = setup["eval_train_limit"]
    eval_idx = subset if limit == 0 else subset[:limit]
    train_eval_x, train_eval_y = pool_x[eval_idx], pool_y[eval_idx]
    optimizer = make_optimizer(hp["optimizer"].lower(), weights, biases, float(hp["learning_rate"]), float(hp["l2reg"]))
    alive = True
    metrics = {}

    def checkpoint(epoch):
        train_loss, train_acc = evaluate(model, train_eval_x, train_eval_y, args.eval_batch)
        test_loss, test_acc = evaluate(model, test_x, test_y, args.eval_batch)
        finite = all(torch.isfinite(p).all().item() for p in model.parameters())
        metrics[epoch] = dict(train_accuracy=train_acc, train_loss=train_loss, test_accuracy=test_acc,
                              test_loss=test_loss, diverged=not (alive and finite))

    model.train()
    step = 0
    for epoch in range(epochs + 1):
        if epoch in checkpoints and steps_limit is None:
            checkpoint(epoch)
        if epoch == epochs:
            break
        for _ in range(steps_per_epoch):
            if step == total:
                break
            idx = order[step]
            step += 1
            if args.rng == "orbit" and rate > 0:
                for layer, (d, (kind, channels, side)) in enumerate(zip(drops, sizes)):
                    if kind == "CONV2D":  # drawn in (N, H', W', C) order, applied as (N, C, H', W')
                        m = orbit_dropout_mask(seed, step, layer, rate, batch * side * side * channels)
                        d.mask = torch.from_numpy(m).view(batch, side, side, channels).permute(0, 3, 1, 2)
                    else:
                        m = orbit_dropout_mask(seed, step, layer, rate, batch * channels)
                        d.mask = torch.from_numpy(m).view(batch, channels)
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(pool_x[idx]), pool_y[idx])
            if alive and not torch.isfinite(loss).item():
                alive = False  # Orbit masks this and every later update of the member
            loss.backward()
            if alive:
                optimizer.step()
    return metrics


def default_data_dir():
    """Orbit's convention: $ORBIT_DATA_DIR/fashion-mnist, else where Debian's dataset-fashion-mnist puts the files."""
    root = os.environ.get("ORBIT_DATA_DIR")
    return os.path.join(root, "fashion-mnist") if root else os.path.join(os.sep, "usr", "share", "datasets", "fashion-mnist")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zoo", required=True, help="Orbit zoo folder (manifest.json, metrics.csv, shards/)")
    parser.add_argument("--data-dir", default=default_data_dir(),
                        help="folder with the gzipped IDX files (default: $ORBIT_DATA_DIR/fashion-mnist, else %(default)s)")
    parser.add_argument("--networks", type=int, default=16, help="train networks 0..N-1 (default 16)")
    parser.add_argument("--lowest-present", action="store_true",
                        help="if some of ids 0..N-1 are not in the zoo yet, take the N lowest ids it holds instead")
    parser.add_argument("--threads", type=int, default=2, choices=[1, 2], help="torch intra-op threads (default 2)")
    parser.add_argument("--rng", choices=["torch", "orbit"], default="torch",
                        help="torch: ordinary torch RNG (default, the speed baseline); orbit: replay Orbit's streams")
    parser.add_argument("--eval-batch", type=int, default=500, help="images per evaluation forward pass (default 500)")
    parser.add_argument("--warmup-steps", type=int, default=20, help="untimed warm-up steps before the clock (default 20)")
    parser.add_argument("--out", help="write per-checkpoint metrics to this CSV")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    manifest, networks = read_zoo(args.zoo)
    options = manifest["options"]
    spec = manifest["network_spec"]
    if manifest["dataset"] not in ("fashion-mnist", "mnist"):
        raise SystemExit(f"dataset {manifest['dataset']} is not an IDX dataset this script reads")
    wanted = list(range(args.networks))
    missing = [i for i in wanted if len(networks.get(i, {})) != manifest["checkpoints_per_network"]]
    if missing:
        if not args.lowest_present:
            raise SystemExit(f"networks {missing} are not (yet) committed in {args.zoo}; wait, or pass --lowest-present")
        wanted = sorted(i for i in networks if len(networks[i]) == manifest["checkpoints_per_network"])[:args.networks]
        print(f"note: ids {missing} not in the zoo; training ids {wanted}", file=sys.stderr)

    train_x, train_y = load_split(args.data_dir, "train")
    test_x, test_y = load_split(args.data_dir, "t10k")
    pool = options["train_pool_size"] or len(train_y)
    tests = options["eval_test_limit"] or len(test_y)
    setup = dict(spec=spec, pool=pool, pool_x=train_x[:pool].contiguous(), pool_y=train_y[:pool].contiguous(),
                 test_x=test_x[:tests].contiguous(), test_y=test_y[:tests].contiguous(), epochs=manifest["epochs"],
                 checkpoints=set(manifest["checkpoint_epochs"]), eval_train_limit=options["eval_train_limit"])
    if spec["layers"][0]["kind"] == "DENSE":
        for k in ("pool_x", "test_x"):
            setup[k] = setup[k].flatten(1)

    first = networks[wanted[0]][0]
    steps = manifest["epochs"] * max(1, pool // int(first["batch_size"]))
    print(f"{manifest['recipe']}: {len(wanted)} networks, {steps} steps of {first['batch_size']}, pool {pool}, "
          f"checkpoints {manifest['checkpoint_epochs']}, eval train {options['eval_train_limit']} / test {tests}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), rng {args.rng}", flush=True)

    if args.warmup_steps > 0:  # allocator, kernels and optimizer code paths, outside the clock
        train_network(wanted[0], first, networks[wanted[0]], setup, args, steps_limit=args.warmup_steps)
        evaluate(build_model(spec, first["activation"], 0.0)[0], setup["test_x"], setup["test_y"], args.eval_batch)

    load_before = os.getloadavg()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    results = {}
    for nid in wanted:
        t0 = time.perf_counter()
        hp = networks[nid][0]
        results[nid] = train_network(nid, hp, networks[nid], setup, args)
        last = max(results[nid])
        zoo_acc = float(networks[nid][last]["test_accuracy"])
        print(f"  network {nid:4d} {hp['activation']:4s} {hp['optimizer']:7s} lr {float(hp['learning_rate']):.2e} "
              f"drop {float(hp['dropout']):.2f} frac {float(hp['train_fraction']):.2f} {hp['w_init']:16s} "
              f"test acc torch {results[nid][last]['test_accuracy']:.4f} orbit {zoo_acc:.4f}"
              f"{' diverged' if results[nid][last]['diverged'] else ''}  {time.perf_counter() - t0:5.1f} s", flush=True)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    load_after = os.getloadavg()

    last = max(manifest["checkpoint_epochs"])
    ours = np.array([results[i][last]["test_accuracy"] for i in wanted])
    theirs = np.array([float(networks[i][last]["test_accuracy"]) for i in wanted])
    n = len(wanted)
    print(f"pytorch one at a time: {n} networks in {wall:.1f} s = {n / wall * 60:.1f} networks/min "
          f"({cpu / n:.2f} CPU s/network); load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"mean test accuracy at epoch {last}: pytorch {ours.mean():.4f}, orbit zoo {theirs.mean():.4f} "
          f"(same {n} networks; mean |difference| {np.abs(ours - theirs).mean():.4f}, max {np.abs(ours - theirs).max():.4f})")
    if args.out:
        with open(args.out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["network_id", "epoch", "train_accuracy", "train_loss", "test_accuracy", "test_loss", "diverged",
                        "orbit_test_accuracy"])
            for i in wanted:
                for e, m in sorted(results[i].items()):
                    w.writerow([i, e, m["train_accuracy"], m["train_loss"], m["test_accuracy"], m["test_loss"],
                                str(m["diverged"]).lower(), networks[i][e]["test_accuracy"]])


if __name__ == "__main__":
    main()
