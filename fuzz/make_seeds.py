#!/usr/bin/env python3
"""Writes the synthetic seeds of fuzz/corpus/{container,float,png}/ and the dictionaries
fuzz/dancenet.dict and fuzz/png.dict.

The containers follow docs/FORMAT.md byte for byte (CRC included, although the fuzz targets skip
it or rewrite it). The dictionary holds the magic and every tensor name and metadata key of the
tiny int8 model (docs/INT8.md) and of a float model. The float seeds are complete float models
of a micro preset (8 x 8 frames, a few hundred parameters); the PNG seeds are small images of
every colour type plus three frames of data/synth4k. Run from the repository root:
python3 fuzz/make_seeds.py
"""
import shutil
import struct
import zlib

from seeds_float import float_seeds
from seeds_png import PNG_WORDS, png_seeds

TYPES = {"f32": (1, 4), "f16": (2, 2), "i8": (3, 1), "i16": (4, 2), "i32": (5, 4), "u8": (6, 1)}


def align16(x):
    return (x + 15) & ~15


def container(kind, tensors, metadata):
    """tensors: [(name, type, dims, data bytes)]; metadata: {key: value}, both written sorted."""
    tensors = sorted(tensors, key=lambda t: t[0].encode())
    table = b""
    for name, type_name, dims, _ in tensors:
        table += struct.pack("<H", len(name)) + name.encode()
        table += bytes([TYPES[type_name][0], len(dims)]) + struct.pack("<%dI" % len(dims), *dims)
        table += b"\0" * 16  # offset and length, patched below
    meta = b""
    for key in sorted(metadata, key=str.encode):
        value = metadata[key].encode()
        meta += struct.pack("<I", len(key)) + key.encode() + struct.pack("<I", len(value)) + value
    meta_offset = 64 + len(table)
    pos = meta_offset + len(meta)
    body = b""
    patched = bytearray(table)
    cursor = 0
    end = pos
    for name, type_name, dims, data in tensors:
        count = 1
        for d in dims:
            count *= d
        assert len(data) == count * TYPES[type_name][1], name
        offset = align16(end)
        body += b"\0" * (offset - end) + data
        end = offset + len(data)
        cursor += 2 + len(name) + 2 + 4 * len(dims)
        patched[cursor : cursor + 16] = struct.pack("<QQ", offset, len(data))
        cursor += 16
    size = end + 4
    header = struct.pack(
        "<4sHHIIQQQQQII", b"DNCE", 1, kind, len(tensors), len(metadata), size, 64, len(table),
        meta_offset, len(meta), 16, 0)
    out = header + bytes(patched) + meta + body
    return out + struct.pack("<I", zlib.crc32(out) & 0xFFFFFFFF)


def read_names(data):
    """Tensor names and metadata keys of a valid container."""
    tensor_count, meta_count = struct.unpack_from("<II", data, 8)
    (meta_offset,) = struct.unpack_from("<Q", data, 40)
    pos, names, keys = 64, [], []
    for _ in range(tensor_count):
        (n,) = struct.unpack_from("<H", data, pos)
        names.append(data[pos + 2 : pos + 2 + n].decode())
        rank = data[pos + 3 + n]
        pos += 2 + n + 2 + 4 * rank + 16
    pos = meta_offset
    for _ in range(meta_count):
        (k,) = struct.unpack_from("<I", data, pos)
        keys.append(data[pos + 4 : pos + 4 + k].decode())
        (v,) = struct.unpack_from("<I", data, pos + 4 + k)
        pos += 8 + k + v
    return names, keys


def main():
    seeds = {
        # docs/FORMAT.md's worked example (156 bytes).
        "worked-example.dnm": container(
            1, [("sequence.normalizer.mean", "f32", [2], struct.pack("<ff", 0.5, -1.0))],
            {"provenance.seed": "7"}),
        # No tensors, no metadata: the smallest valid file (68 bytes).
        "empty.dnm": container(3, [], {}),
        # One scalar tensor and one metadata key.
        "scalar.dnm": container(3, [("a", "i32", [], struct.pack("<i", -5))], {"k": "v"}),
        # Every element type, ranks 0 to 4, an empty tensor, a multi-byte UTF-8 value.
        "all-types.dnm": container(
            2,
            [("f16", "f16", [3], b"\x00\x3c" * 3), ("i16", "i16", [2, 2], b"\xff\x7f" * 4),
             ("i8", "i8", [1, 2, 2], bytes(range(4))), ("u8", "u8", [1, 1, 1, 3], b"\xff" * 3),
             ("empty", "f32", [4, 0], b""), ("f32", "f32", [], struct.pack("<f", 1.0))],
            {"a": "", "a.b": "128,64,32", "z": "\u00e9\u4e2d\U0001F600"}),
    }
    tiny = open("models/tiny/model-int8.dnm", "rb").read()
    names, keys = read_names(tiny)
    for name, data in seeds.items():
        open("fuzz/corpus/container/" + name, "wb").write(data)
    floats = float_seeds(container)
    for name, data in floats.items():
        open("fuzz/corpus/float/" + name, "wb").write(data)
    float_names, float_keys = read_names(floats["micro-extras.dnm"])
    words = ["DNCE"] + keys + names
    words += [w for w in float_keys + float_names if w not in words]
    with open("fuzz/dancenet.dict", "w") as f:
        f.write("# libFuzzer dictionary: the container magic (docs/FORMAT.md), then every metadata\n")
        f.write("# key and tensor name of the tiny int8 model (docs/INT8.md). fuzz/make_seeds.py.\n")
        for i, w in enumerate(words):
            f.write('w%d="%s"\n' % (i, w))
    pngs = png_seeds()
    for name, data in pngs.items():
        open("fuzz/corpus/png/" + name, "wb").write(data)
    for n in (1, 2, 3):  # real training frames (208 x 120 gray, about 1.6 KB each)
        shutil.copy("data/synth4k/%d.png" % n, "fuzz/corpus/png/synth-%d.png" % n)
    with open("fuzz/png.dict", "w") as f:
        f.write("# libFuzzer dictionary for the PNG target: the signature and chunk names.\n")
        f.write("# fuzz/make_seeds.py.\n")
        for i, w in enumerate(PNG_WORDS):
            f.write('p%d="%s"\n' % (i, w))
    print("%d container, %d float, %d png seeds; %d + %d dictionary words"
          % (len(seeds), len(floats), len(pngs) + 3, len(words), len(PNG_WORDS)))


if __name__ == "__main__":
    main()
