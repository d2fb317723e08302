#!/usr/bin/env python3
"""Builds the hostile files of tools/bad-inputs/run.sh (standard library only).

Each subcommand writes one crafted file; run.sh says which case uses it.
"""
import gzip
import hashlib
import json
import math
import os
import struct
import sys
import zipfile


def npy_header(descr, shape):
    """A format 1.0 .npy header padded so the data starts 64-byte aligned."""
    dims = "(%s)" % (", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else ""))
    text = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, dims)
    pad = (64 - (10 + len(text) + 1) % 64) % 64
    text += " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def npz_zeros(out, floats):
    """A valid .npz of one float32 vector of zeros: deflate shrinks it about a thousandfold."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("0.weight.npy", "w", force_zip64=True) as f:
            f.write(npy_header("<f4", (floats,)))
            chunk = bytes(1 << 20)
            left = floats * 4
            while left > 0:
                f.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)


def safetensors(out, tensors, metadata=None):
    """tensors: list of (name, dtype, shape, bytes); written in order, offsets tiling the data."""
    header, data, offset = {}, bytearray(), 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, payload in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(payload)]}
        data += payload
        offset += len(payload)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(data))


def safetensors_empty(out, megabytes):
    """A header of zero-byte tensors, streamed so building it costs no memory."""
    entry = '"t%09d":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}'
    per = len(entry % 0) + 1
    count = megabytes * (1 << 20) // per
    length = 2 + count * per - 1
    length_padded = length + (8 - length % 8) % 8
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", length_padded) + b"{")
        buf = []
        for i in range(count):
            buf.append(entry % i)
            if len(buf) == 65536:
                f.write((",".join(buf) + ("," if i + 1 < count else "")).encode())
                buf = []
        if buf:
            f.write(",".join(buf).encode())
        f.write(b"}" + b" " * (length_padded - length))


def mlp_state_dict(out, sizes, fill):
    """A state dict of an MLP with the given layer sizes, every value `fill` (float32)."""
    tensors = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        tensors.append(("%d.weight" % i, "F32", (n_out, n_in), struct.pack("<f", fill) * (n_out * n_in)))
        tensors.append(("%d.bias" % i, "F32", (n_out,), struct.pack("<f", fill) * n_out))
    safetensors(out, tensors)


def utf(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def djl_params_30(out):
    """DJL NDArray encoding whose shape claims 2^31-16 dimensions: the decoder's long[] is 16 GiB."""
    b = utf("NDAR") + struct.pack(">i", 3) + b"\x00" + utf("DENSE") + utf("INT8") + struct.pack(">i", 0x7FFFFFF0)
    open(out, "wb").write(b + b"\x00\x00")


def djl_params_53(out):
    """DJL NDArray encoding of a (1,) float32 array whose data length claims 1.34 GB; 5 bytes follow."""
    b = (utf("NDAR") + struct.pack(">i", 3) + b"\x00" + utf("DENSE") + utf("FLOAT32")
         + struct.pack(">iqi", 1, 1, 0) + b"<" + struct.pack(">i", 0x50000000))
    open(out, "wb").write(b + b"\x00" * 5)


def gz_long_line(out, gibibytes):
    """metrics.csv.gz: a header line, then one line of `gibibytes` GiB without a newline."""
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(b"step,test_accuracy\n")
        chunk = b"9" * (1 << 20)
        for _ in range(gibibytes * 1024):
            f.write(chunk)


def layout_end(path, end):
    """Rewrites the last row of a cnn-zoo layout.csv so its end_idx (and size) is `end`."""
    lines = open(path).read().splitlines()
    cells = lines[-1].split(",", 4)
    cells[2] = str(end)
    cells[3] = str(end - int(cells[1]))
    lines[-1] = ",".join(cells)
    open(path, "w").write("\n".join(lines) + "\n")


def shard_tensor_offset(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    return 8 + n + header[name]["data_offsets"][0]


def flip_byte(path):
    """Flips one bit in the middle of a shard's data, leaving the manifest's checksum stale."""
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) - 64)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0x01]))


def nan_row(zoo, value):
    """Writes `value` into row 0's first weight of shard 0 and re-signs the shard in the manifest,
    so only a finiteness check can find it."""
    manifest_path = os.path.join(zoo, "manifest.json")
    manifest = json.load(open(manifest_path))
    shard = manifest["shards"][0]
    path = os.path.join(zoo, shard["file"])
    with open(path, "r+b") as f:
        f.seek(shard_tensor_offset(path, "layer0.weight"))
        f.write(struct.pack("<f", value))
    shard["sha256"] = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)


def metrics_digit(path):
    """Changes one digit of the first test_accuracy in an Orbit zoo's metrics.csv (same length)."""
    lines = open(path).read().split("\n")
    col = lines[0].split(",").index("test_accuracy")
    cells = lines[1].split(",")
    v = cells[col]
    i = v.index(".") + 1
    cells[col] = v[:i] + ("1" if v[i] != "1" else "2") + v[i + 1:]
    lines[1] = ",".join(cells)
    open(path, "w").write("\n".join(lines))


def set_json(path, key, value):
    d = json.load(open(path))
    d[key] = value
    json.dump(d, open(path, "w"), indent=2)


def truncate(path, keep):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(int(size * keep) if keep < 1 else int(keep))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "npz-zeros":
        npz_zeros(args[0], int(args[1]))
    elif cmd == "safetensors-empty":
        safetensors_empty(args[0], int(args[1]))
    elif cmd == "mlp-state-dict":
        mlp_state_dict(args[0], [int(s) for s in args[1].split(",")], float(args[2]))
    elif cmd == "djl-params-30":
        djl_params_30(args[0])
    elif cmd == "djl-params-53":
        djl_params_53(args[0])
    elif cmd == "gz-long-line":
        gz_long_line(args[0], int(args[1]))
    elif cmd == "layout-end":
        layout_end(args[0], int(args[1]))
    elif cmd == "flip-byte":
        flip_byte(args[0])
    elif cmd == "nan-row":
        nan_row(args[0], float(args[1]))
    elif cmd == "metrics-digit":
        metrics_digit(args[0])
    elif cmd == "set-json":
        set_json(args[0], args[1], json.loads(args[2]))
    elif cmd == "truncate":
        truncate(args[0], float(args[1]))
    else:
        sys.exit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main()
