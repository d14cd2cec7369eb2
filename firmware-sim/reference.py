#!/usr/bin/env python3
"""An independent re-implementation of the firmware's proof stream (ProofStream.swift), written
from docs/FORMAT.md (container header, metadata section, CRC-32 trailer) and DanceRandom's
documentation (SplitMix64 seeding, xoshiro128**), for firmware-sim/test.sh.

usage: reference.py MODEL.dnm FRAMES SEED raw|y4m   (the stream goes to stdout)
       reference.py make-container OUT.dnm BYTES WIDTH HEIGHT
           writes a float-model container with one u8 tensor of BYTES pseudo-random bytes and
           the metadata preset.frame_width / preset.frame_height (a stand-in for a big model)
"""
import struct
import sys
import zlib

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


def fail(message):
    sys.stderr.write("reference.py: " + message + "\n")
    sys.exit(1)


def read_report(data):
    if len(data) < 68 or data[:4] != b"DNCE":
        fail("not a dancenet container")
    version, kind, tensors, metadata, size = struct.unpack_from("<HHIIQ", data, 4)
    if version != 1 or size != len(data):
        fail("unsupported version or wrong size")
    (stored,) = struct.unpack_from("<I", data, len(data) - 4)
    if zlib.crc32(data[:-4]) & MASK32 != stored:
        fail("checksum mismatch")
    table_offset, table_length, meta_offset, meta_length = struct.unpack_from("<QQQQ", data, 24)
    values = {}
    cursor, end = meta_offset, meta_offset + meta_length
    while cursor < end:
        (key_length,) = struct.unpack_from("<I", data, cursor)
        key = data[cursor + 4 : cursor + 4 + key_length].decode("ascii")
        cursor += 4 + key_length
        (value_length,) = struct.unpack_from("<I", data, cursor)
        values[key] = data[cursor + 4 : cursor + 4 + value_length].decode("utf-8")
        cursor += 4 + value_length
    if len(values) != metadata:
        fail("metadata count does not match")
    return kind, tensors, metadata, stored, int(values["preset.frame_width"]), int(values["preset.frame_height"])


class Xoshiro128StarStar:
    def __init__(self, seed):
        x = seed & MASK64
        words = []
        for _ in range(2):  # SplitMix64, two outputs, low half first
            x = (x + 0x9E3779B97F4A7C15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            z ^= z >> 31
            words += [z & MASK32, z >> 32]
        if words == [0, 0, 0, 0]:
            words[0] = 1
        self.s = words

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (32 - k))) & MASK32

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK32, 7) * 9) & MASK32
        t = (s[1] << 9) & MASK32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 11)
        return result


def make_container(path, data_bytes, width, height):
    """Encodes a container exactly as docs/FORMAT.md lays it out."""
    name = b"blob"
    metadata = [(b"preset.frame_height", str(height).encode()), (b"preset.frame_width", str(width).encode())]
    table_length = 2 + len(name) + 2 + 4 + 16
    meta = b"".join(struct.pack("<I", len(k)) + k + struct.pack("<I", len(v)) + v for k, v in metadata)
    data_offset = (64 + table_length + len(meta) + 15) & ~15
    size = data_offset + data_bytes + 4
    header = b"DNCE" + struct.pack("<HHIIQQQQQII", 1, 1, 1, len(metadata), size, 64, table_length,
                                   64 + table_length, len(meta), 16, 0)
    table = struct.pack("<H", len(name)) + name + struct.pack("<BBIQQ", 6, 1, data_bytes, data_offset, data_bytes)
    body = header + table + meta
    body += bytes(data_offset - len(body))
    rng = Xoshiro128StarStar(data_bytes)
    words = (data_bytes + 3) // 4
    body += b"".join(rng.next().to_bytes(4, "little") for _ in range(words))[:data_bytes]
    body += struct.pack("<I", zlib.crc32(body) & MASK32)
    assert len(body) == size
    with open(path, "wb") as f:
        f.write(body)


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "make-container":
        make_container(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        return
    if len(sys.argv) != 5 or sys.argv[4] not in ("raw", "y4m"):
        fail("usage: reference.py MODEL.dnm FRAMES SEED raw|y4m")
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    frames, seed, form = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    kind, tensors, metadata, crc, width, height = read_report(data)
    out = bytearray()
    if form == "raw":
        out += (
            f"dancenet-firmware kind={kind} tensors={tensors} metadata={metadata} crc32={crc:08x} "
            f"width={width} height={height} frames={frames} seed={seed}\n"
        ).encode()
    else:
        out += (
            f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 Cmono XDNCE={kind}:{tensors}:{metadata}:{crc:08x}\n"
        ).encode()
    rng = Xoshiro128StarStar(seed)
    for _ in range(frames):
        if form == "y4m":
            out += b"FRAME\n"
        remaining = width * height
        while remaining > 0:
            word = rng.next()
            take = min(4, remaining)
            out += word.to_bytes(4, "little")[:take]
            remaining -= take
    sys.stdout.buffer.write(out)


main()
