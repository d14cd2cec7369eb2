"""PNG seeds for the `png` fuzz target: one small image per colour type and bit depth the
loader converts (docs in Sources/ImageIO/PNGReader.swift), plus an interlaced one and one with
a gamma chunk. For example png_seeds()["gray8.png"] is a 12 x 8 8-bit gray gradient.
Used by make_seeds.py.
"""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_WORDS = ["\\x89PNG\\x0d\\x0a\\x1a\\x0a", "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA",
             "sRGB", "iCCP", "cHRM", "sBIT", "bKGD", "pHYs", "tEXt", "zTXt", "iTXt", "acTL"]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, depth):
    """Samples (ints) of one row at `depth` bits, most significant first, as bytes."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc, bits = (acc << depth) | s, bits + depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def png(width, height, color_type, depth, channels, pixel, extra=b"", interlaced=False):
    """`pixel(x, y)` gives a tuple of `channels` samples; filter type 0 (None) on every row."""
    def rows(xs, ys):
        return b"".join(b"\0" + pack_row([s for x in xs for s in pixel(x, y)], depth) for y in ys)

    if interlaced:  # Adam7: seven passes (start x, start y, step x, step y)
        raw = b""
        for sx, sy, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                               (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
            xs, ys = range(sx, width, dx), range(sy, height, dy)
            if len(xs) and len(ys):
                raw += rows(xs, ys)
    else:
        raw = rows(range(width), range(height))
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, int(interlaced))
    return (SIGNATURE + chunk(b"IHDR", header) + extra + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def png_seeds():
    w, h = 12, 8
    palette = chunk(b"PLTE", bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 255, 255, 255]))
    return {
        "gray8.png": png(w, h, 0, 8, 1, lambda x, y: (x * 20 + y,)),
        "gray16.png": png(w, h, 0, 16, 1, lambda x, y: (x * 5000 + y * 7,)),
        "gray1.png": png(w, h, 0, 1, 1, lambda x, y: ((x + y) % 2,)),
        "gray4-trns.png": png(w, h, 0, 4, 1, lambda x, y: (x % 16,),
                              extra=chunk(b"tRNS", struct.pack(">H", 3))),
        "gray-alpha.png": png(w, h, 4, 8, 2, lambda x, y: (x * 20, y * 30)),
        "rgb.png": png(w, h, 2, 8, 3, lambda x, y: (x * 20, y * 30, 128)),
        "rgba16.png": png(w, h, 6, 16, 4, lambda x, y: (x * 5000, y * 8000, 300, 40000)),
        "palette-trns.png": png(w, h, 3, 2, 1, lambda x, y: ((x + y) % 4,),
                                extra=palette + chunk(b"tRNS", bytes([0, 128]))),
        "interlaced.png": png(w, h, 0, 8, 1, lambda x, y: (x * y,), interlaced=True),
        "gamma.png": png(w, h, 2, 8, 3, lambda x, y: (x * 20, 100, y * 30),
                         extra=chunk(b"gAMA", struct.pack(">I", 100000))),
    }
