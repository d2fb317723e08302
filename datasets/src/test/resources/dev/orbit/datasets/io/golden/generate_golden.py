#!/usr/bin/env python3
"""Writes the golden files Orbit's io tests read, using NumPy as the reference writer.

Run from this directory:  python3 generate_golden.py
Values are closed-form (no randomness) so the Java tests restate them exactly.
The safetensors file is written by hand from the format spec (8-byte little-endian header length,
JSON header, raw little-endian data), independently of Orbit's writer.
"""
import json
import struct

import numpy as np

f4 = (np.arange(6, dtype="<f4").reshape(2, 3) * 0.25 - 0.5).astype("<f4")
np.save("f4_2x3.npy", f4)
np.save("f8_3.npy", np.array([1.5, -2.25, 1e300], dtype="<f8"))
np.save("i4_2x2.npy", np.array([[1, -2], [2**31 - 1, -(2**31)]], dtype="<i4"))
np.save("i8_2.npy", np.array([2**40, -3], dtype="<i8"))
np.save("u1_2x2x2.npy", np.array([0, 1, 2, 127, 128, 200, 254, 255], dtype="u1").reshape(2, 2, 2))
np.save("f4_scalar.npy", np.array(3.5, dtype="<f4"))
with open("f4_2x3_v2.npy", "wb") as f:
    np.lib.format.write_array(f, f4, version=(2, 0))
np.save("f4_2x3_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save("f4_3_bigendian.npy", np.array([1, 2, 3], dtype=">f4"))

np.savez("arrays.npz", weights=f4, steps=np.array([1, 2, 3], dtype="<i8"))
np.savez_compressed("arrays_compressed.npz", weights=f4, steps=np.array([1, 2, 3], dtype="<i8"))

tensors = {
    "conv.weight": np.arange(12, dtype="<f4").reshape(2, 1, 2, 3) / 8,
    "conv.bias": np.array([-1.0, 1.0], dtype="<f4"),
    "step": np.array([7], dtype="<i8"),
    "mask": np.array([[0, 255], [1, 128]], dtype="u1"),
}
dtype_names = {"float32": "F32", "int64": "I64", "uint8": "U8"}
header = {"__metadata__": {"format": "pt", "source": "generate_golden.py"}}
data = b""
for name in sorted(tensors):
    a = np.ascontiguousarray(tensors[name])
    raw = a.tobytes()
    header[name] = {"dtype": dtype_names[a.dtype.name], "shape": list(a.shape),
                    "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
header_bytes += b" " * (-len(header_bytes) % 8)
with open("tensors.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header_bytes)) + header_bytes + data)
