#!/usr/bin/env python3
"""An independent implementation of docs/INT8.md (and the container of docs/FORMAT.md).

Written from the two documents alone, to check the claim that they specify the int8 model and
the integer generator precisely enough to reproduce `dancenet generate`'s frames bit for bit.

    python3 scripts/int8_reference.py MODEL.dnm --frames N --seed S [--start K]
        [--pi-q16 P] [--sigma-q16 Q] > out.raw

writes N raw 8-bit gray frames (frame_height x frame_width bytes each, rows top to bottom) to
stdout. Errors go to stderr as one line, with exit code 1.

Python 3 standard library + numpy only. Every accumulator is numpy int64 (or a Python int), so
nothing can overflow silently; the accumulator bound the reader checks keeps every sum below
2^31 anyway.
"""

import argparse
import struct
import sys
import zlib
from fractions import Fraction

import numpy as np

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


class ModelError(Exception):
    """A refused file or argument: reported as one line on stderr."""


# ---------------------------------------------------------------------------------------------
# Container (docs/FORMAT.md)
# ---------------------------------------------------------------------------------------------

# docs/FORMAT.md "Element types": code -> (name, numpy little-endian dtype)
ELEMENT_TYPES = {
    1: ("f32", np.dtype("<f4")),
    2: ("f16", np.dtype("<f2")),
    3: ("i8", np.dtype("i1")),
    4: ("i16", np.dtype("<i2")),
    5: ("i32", np.dtype("<i4")),
    6: ("u8", np.dtype("u1")),
}


def align16(x):
    """docs/FORMAT.md "Tensor table entry": align16(x) = (x + 15) & ~15."""
    return (x + 15) & ~15


def printable_name(raw):
    """docs/FORMAT.md "Conventions": names and keys are printable ASCII without space."""
    return len(raw) >= 1 and all(0x21 <= ch <= 0x7E for ch in raw)


def read_prefixed(data, pos, end, length_format, where):
    """docs/FORMAT.md "Tensor table entry" / "Metadata entry": a length-prefixed byte string
    (u16 or u32 length) inside [pos, end); returns (bytes, position after it)."""
    size = struct.calcsize(length_format)
    if pos + size > end:
        raise ModelError(where + ": outside its section")
    (length,) = struct.unpack_from(length_format, data, pos)
    pos += size
    if pos + length > end:
        raise ModelError(where + ": outside its section")
    return data[pos: pos + length], pos + length


def read_container(data):
    """docs/FORMAT.md "Layout" and "What a reader checks, in order".

    Returns (kind, tensors, metadata): tensors maps a name to (type name, numpy array), metadata
    maps a key to its text value. Raises ModelError with the documented messages.
    """
    magic = b"DNCE"
    if len(data) < 4:
        if data == magic[: len(data)]:
            raise ModelError("truncated")
        raise ModelError("not a dancenet model file")
    if data[:4] != magic:
        raise ModelError("not a dancenet model file")
    if len(data) < 64:
        raise ModelError("truncated (have %d of 64 bytes)" % len(data))
    (_, version, kind, tensor_count, meta_count, file_size, table_offset, table_length,
     meta_offset, meta_length, alignment, reserved) = struct.unpack_from("<4sHHIIQQQQQII", data, 0)
    if version != 1:
        raise ModelError("unsupported format version %d" % version)
    if kind not in (1, 2, 3):
        raise ModelError("unknown kind %d" % kind)
    if file_size < 68:
        raise ModelError("damaged header: file size %d" % file_size)
    if file_size > len(data):
        raise ModelError("truncated (have %d of %d bytes)" % (len(data), file_size))
    if file_size < len(data):
        raise ModelError("damaged header: file size %d, %d bytes present" % (file_size, len(data)))
    # Step 4 (16-byte alignment in memory) is a property of the runtime's buffer; numpy copies.
    (stored_crc,) = struct.unpack_from("<I", data, file_size - 4)
    if zlib.crc32(data[: file_size - 4]) & MASK32 != stored_crc:
        raise ModelError("damaged (checksum mismatch)")
    trailer = file_size - 4
    if alignment != 16 or reserved != 0 or table_offset != 64:
        raise ModelError("damaged header")
    if meta_offset != table_offset + table_length or meta_offset + meta_length > trailer:
        raise ModelError("damaged header: sections outside the file")
    if tensor_count > table_length or meta_count > meta_length:
        raise ModelError("damaged header: counts")

    tensors = {}
    pos = table_offset
    table_end = table_offset + table_length
    expected_offset = align16(meta_offset + meta_length)
    previous = None
    for index in range(tensor_count):
        where = "damaged tensor table, entry %d" % index
        raw_name, pos = read_prefixed(data, pos, table_end, "<H", where)
        if not printable_name(raw_name):
            raise ModelError(where + ": name")
        if pos + 2 > table_end:
            raise ModelError(where + ": outside its section")
        type_code, rank = data[pos], data[pos + 1]
        pos += 2
        if type_code not in ELEMENT_TYPES:
            raise ModelError(where + ": unknown element type %d" % type_code)
        if rank > 4:
            raise ModelError(where + ": rank %d" % rank)
        if pos + 4 * rank + 16 > table_end:
            raise ModelError(where + ": outside its section")
        dims = struct.unpack_from("<%dI" % rank, data, pos)
        pos += 4 * rank
        offset, length = struct.unpack_from("<QQ", data, pos)
        pos += 16
        type_name, dtype = ELEMENT_TYPES[type_code]
        count = 1
        for d in dims:
            count *= d
        if count * dtype.itemsize != length:
            raise ModelError(where + ": data length")
        if offset != expected_offset or offset + length > trailer:
            raise ModelError(where + ": data offset")
        if previous is not None and not previous < raw_name:
            raise ModelError(where + ": names not strictly increasing")
        previous = raw_name
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(dims)
        tensors[raw_name.decode("ascii")] = (type_name, array)
        expected_offset = align16(offset + length)
        last_end = offset + length
    if pos != table_end:
        raise ModelError("damaged tensor table: entries do not fill the table")
    end_of_data = last_end if tensor_count else meta_offset + meta_length
    if end_of_data != trailer:
        raise ModelError("damaged tensor table: the last tensor does not end at the trailer")

    metadata = {}
    pos = meta_offset
    meta_end = meta_offset + meta_length
    previous = None
    for index in range(meta_count):
        where = "damaged metadata, entry %d" % index
        raw_key, pos = read_prefixed(data, pos, meta_end, "<I", where)
        if not printable_name(raw_key):
            raise ModelError(where + ": key")
        raw_value, pos = read_prefixed(data, pos, meta_end, "<I", where)
        try:
            value = raw_value.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise ModelError(where + ": value is not UTF-8")
        if previous is not None and not previous < raw_key:
            raise ModelError(where + ": keys not strictly increasing")
        previous = raw_key
        metadata[raw_key.decode("ascii")] = value
    if pos != meta_end:
        raise ModelError("damaged metadata: entries do not fill the section")
    return kind, tensors, metadata


# ---------------------------------------------------------------------------------------------
# The int8 model (docs/INT8.md "Metadata", "Tensors", "What the reader checks")
# ---------------------------------------------------------------------------------------------


def parse_decimal_q16(text):
    """docs/INT8.md "The quantizer's side" (DecimalQ16) and docs/FORMAT.md "Metadata": digits, an
    optional '.' and digits, at most 16 characters; Q16 = round(value * 65536), half up, exact."""
    if not (1 <= len(text) <= 16):
        return None
    whole, dot, frac = text.partition(".")
    if not whole or not whole.isdigit() or not all(c in "0123456789" for c in whole):
        return None
    if dot and (not frac or not all(c in "0123456789" for c in frac)):
        return None
    value = Fraction(int(whole)) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    q16 = (value * 65536 + Fraction(1, 2)).__floor__()
    return value, q16


def decimal(text):
    """docs/FORMAT.md "Metadata entry": ASCII digits, no sign, no leading zero ("0" itself is one)."""
    return text != "" and all(c in "0123456789" for c in text) and (text == "0" or text[0] != "0")


def read_preset(metadata):
    """docs/FORMAT.md "Float model (kind 1)", Metadata: the preset.* keys (sizes 1...16384)."""

    def number(key):
        text = metadata.get(key)
        if text is None:
            raise ModelError("missing metadata %s" % key)
        if not decimal(text) or not (1 <= int(text) <= 16384):
            raise ModelError("metadata %s is '%s', not a size in 1...16384" % (key, text))
        return int(text)

    def number_list(key):
        text = metadata.get(key)
        if text is None:
            raise ModelError("missing metadata %s" % key)
        parts = text.split(",")
        if not (1 <= len(parts) <= 8) or not all(decimal(p) and 1 <= int(p) <= 16384 for p in parts):
            raise ModelError("metadata %s is '%s', not a list of sizes" % (key, text))
        return [int(p) for p in parts]

    preset = {
        "frame_height": number("preset.frame_height"),
        "frame_width": number("preset.frame_width"),
        "latent_size": number("preset.latent_size"),
        "encoder_channels": number_list("preset.encoder_channels"),
        "decoder_channels": number_list("preset.decoder_channels"),
        "encoder_hidden": number("preset.encoder_hidden"),
        "decoder_expand": number("preset.decoder_expand"),
        "lstm_layers": number("preset.lstm_layers"),
        "lstm_units": number("preset.lstm_units"),
        "dense_units": number("preset.dense_units"),
        "mixtures": number("preset.mixtures"),
    }
    if preset["mixtures"] > 255:
        raise ModelError("preset.mixtures %d is above 255 (the int8 softmax bound)" % preset["mixtures"])
    # docs/INT8.md "Tensors": the bottleneck is the frame divided by 2^m (m encoder convs, each
    # followed by a 2x max-pool); the decoder's m upsamples restore the frame.
    pools = len(preset["encoder_channels"])
    ups = len(preset["decoder_channels"])
    height, width = preset["frame_height"], preset["frame_width"]
    if pools != ups:
        raise ModelError("invalid preset in metadata: encoder and decoder need the same number of scale steps")
    if height % (1 << pools) or width % (1 << pools):
        raise ModelError("invalid preset in metadata: frame size %dx%d is not divisible by %d"
                         % (width, height, 1 << pools))
    preset["bottleneck"] = (height >> pools, width >> pools, preset["encoder_channels"][-1])
    return preset


def expected_tensors(preset, starts, primers):
    """docs/INT8.md "Tensors": name -> (dtype, shape) of every tensor; primers = P or None."""
    d, k = preset["latent_size"], preset["mixtures"]
    u, layers, h = preset["lstm_units"], preset["lstm_layers"], preset["dense_units"]
    o = 2 * k * d + k
    r0, c0, c = preset["bottleneck"]
    b = r0 * c0 * c
    e = preset["decoder_expand"]
    widths = preset["decoder_channels"]
    t = {
        "latent.fraction_bits": ("i32", ()),
        "start.latents": ("i16", (starts, d)),
        "sequence.sigmoid_table": ("i16", (513,)),
        "sequence.tanh_table": ("i16", (513,)),
        "sequence.dense.weights": ("i8", (h, u)),
        "sequence.mdn.weights": ("i8", (o, h)),
        "sequence.mdn.sigma_exp_high": ("i32", (225,)),
        "sequence.mdn.sigma_exp_low": ("i32", (128,)),
        "sequence.mdn.softmax_exp_high": ("i32", (256,)),
        "sequence.mdn.softmax_exp_low": ("i32", (256,)),
        "decoder.dense.weights": ("i8", (b, d)),
        "decoder.dense.output_zero_point": ("i32", ()),
        "decoder.expand.weights": ("i8", (e, c)),
        "decoder.expand.output_zero_point": ("i32", ()),
    }
    if primers is not None:
        t["start.primers"] = ("i16", (starts, primers, d))

    def requant(prefix, rows):
        t[prefix + ".bias"] = ("i32", (rows,))
        t[prefix + ".multiplier"] = ("i32", (rows,))
        t[prefix + ".shift"] = ("i8", (rows,))

    for layer in range(1, layers + 1):
        p = "sequence.lstm%d" % layer
        t[p + ".weights"] = ("i8", (4 * u, d if layer == 1 else u))
        t[p + ".recurrent_weights"] = ("i8", (4 * u, u))
        t[p + ".bias"] = ("i32", (4 * u,))
        t[p + ".input_multiplier"] = ("i32", (4 * u,))
        t[p + ".input_shift"] = ("i8", (4 * u,))
        t[p + ".recurrent_multiplier"] = ("i32", (4 * u,))
        t[p + ".recurrent_shift"] = ("i8", (4 * u,))
        t[p + ".cell_fraction_bits"] = ("i32", ())
    requant("sequence.dense", h)
    requant("sequence.mdn", o)
    requant("decoder.dense", b)
    requant("decoder.expand", e)
    n = len(widths)
    for i in range(1, n + 1):
        p = "decoder.conv%d" % i
        cin = e if i == 1 else widths[i - 2]
        t[p + ".weights"] = ("i8", (widths[i - 1], 3, 3, cin))
        requant(p, widths[i - 1])
        t[p + ".output_zero_point"] = ("i32", ())
    p = "decoder.conv%d" % (n + 1)
    t[p + ".weights"] = ("i8", (1, 3, 3, widths[-1]))
    t[p + ".bias"] = ("i32", (1,))
    t[p + ".pixel_thresholds"] = ("i32", (255,))
    return t


def sub_pixel_phase_weights(w):
    """docs/INT8.md "Sub-pixel form": P[2py+px, o, 2ty+tx, i] = sums of 3x3 taps.

    w is [out, 3, 3, in]; returns the file's pair layout [4, 2*in, out, 2] (int64): phase p's
    taps t = (2ty+tx)*in + i of channel o at [p, t // 2, o, t % 2]."""
    taps = {(0, 0): (0,), (0, 1): (1, 2), (1, 0): (0, 1), (1, 1): (2,)}
    w = w.astype(np.int64)
    out = np.zeros((4, w.shape[0], 4, w.shape[3]), dtype=np.int64)
    for py in (0, 1):
        for px in (0, 1):
            for ty in (0, 1):
                for tx in (0, 1):
                    s = 0
                    for ky in taps[(py, ty)]:
                        for kx in taps[(px, tx)]:
                            s = s + w[:, ky, kx, :]
                    out[2 * py + px, :, 2 * ty + tx, :] = s
    cout, cin = w.shape[0], w.shape[3]
    return out.reshape(4, cout, 2 * cin, 2).transpose(0, 2, 1, 3)


def wide_layers(preset):
    """docs/INT8.md "12-bit activations": the layers that may carry `<layer>.output_bits`,
    decoder.expand and the relu convs decoder.conv1 ... conv n (not decoder.dense, not the pixel
    conv n+1)."""
    return ["decoder.expand"] + ["decoder.conv%d" % i for i in range(1, len(preset["decoder_channels"]) + 1)]


def activation_range(bits):
    """docs/INT8.md "12-bit activations": a B-bit activation q lies in lo...hi with
    lo = -2^(B-1), hi = 2^(B-1) - 1 (8 bits: -128...127; 12 bits: -2048...2047)."""
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def input_magnitude(bits):
    """docs/INT8.md "12-bit activations": the X of the accumulator bound for a B-bit input,
    2^B - 1 (255 for 8 bits, 4095 for 12 bits), the largest |q - zero point|."""
    return (1 << bits) - 1


def check_int8_model(kind, tensors, metadata):
    """docs/INT8.md "Metadata" and "What the reader checks": returns (preset, arrays), with every
    tensor widened to int64."""
    if kind != 3:
        raise ModelError("not an int8 model (the file is a %s)" % {1: "float model", 2: "checkpoint"}[kind])
    if metadata.get("quant.scheme") != "1":
        raise ModelError("metadata quant.scheme is '%s', not 1" % metadata.get("quant.scheme"))
    target = metadata.get("sequence.target")
    if target is not None and target != "latent":
        raise ModelError("metadata sequence.target is '%s', not latent" % target)
    mode = metadata.get("sequence.mode", "stateful")
    if mode not in ("stateful", "stateless"):
        raise ModelError("metadata sequence.mode is '%s', not stateful or stateless" % mode)
    preset = read_preset(metadata)
    preset["stateless"] = mode == "stateless"

    if "start.latents" not in tensors:
        raise ModelError("missing tensor start.latents")
    starts_shape = tensors["start.latents"][1].shape
    starts = starts_shape[0] if len(starts_shape) == 2 else 0
    primers = None
    if "start.primers" in tensors:
        shape = tensors["start.primers"][1].shape
        primers = shape[1] if len(shape) == 3 else -1
    expected = expected_tensors(preset, starts, primers)
    if starts < 1:
        raise ModelError("tensor start.latents has no start latent")
    widths = preset["decoder_channels"]
    for i in range(2, len(widths) + 2):
        name = "decoder.conv%d.phase_weights" % i
        if name in tensors:
            cin = preset["decoder_expand"] if i == 1 else widths[i - 2]
            cout = widths[i - 1] if i <= len(widths) else 1
            expected[name] = ("i16", (4, 2 * cin, cout, 2))
    # docs/INT8.md "Decoder" and "12-bit activations": the optional i32 scalars <layer>.output_bits.
    for layer in wide_layers(preset):
        if layer + ".output_bits" in tensors:
            expected[layer + ".output_bits"] = ("i32", ())
    a = {}
    for name, (dtype, shape) in sorted(expected.items()):
        if name not in tensors:
            raise ModelError("missing tensor %s" % name)
        have_type, array = tensors[name]
        if have_type != dtype or tuple(array.shape) != tuple(shape):
            raise ModelError("tensor %s is %s %s, expected %s %s"
                             % (name, have_type, list(array.shape), dtype, list(shape)))
        a[name] = array.astype(np.int64)

    def in_range(name, lo, hi, what):
        bad = np.nonzero((a[name] < lo) | (a[name] > hi))[0] if a[name].ndim else (
            [0] if not lo <= int(a[name]) <= hi else [])
        if len(bad):
            flat = a[name].reshape(-1)
            j = int(bad[0]) if a[name].ndim <= 1 else int(np.nonzero((flat < lo) | (flat > hi))[0][0])
            raise ModelError("tensor %s element %d is %d, outside %s" % (name, j, int(flat[j]), what))

    # docs/INT8.md "12-bit activations": output_bits is 8 or 12 (absent: 8); a layer's output zero
    # point lies in its width's lo...hi (decoder.dense's output is always 8-bit).
    bits = {}
    for layer in wide_layers(preset):
        name = layer + ".output_bits"
        bits[layer] = int(a[name]) if name in a else 8
        if bits[layer] not in (8, 12):
            raise ModelError("tensor %s element 0 is %d, outside 8 or 12" % (name, bits[layer]))
    preset["decoder_bits"] = bits
    for name in expected:
        if name.endswith("output_zero_point"):
            lo, hi = activation_range(bits.get(name[: -len(".output_zero_point")], 8))
            in_range(name, lo, hi, "%d...%d" % (lo, hi))
        elif name.endswith("weights") and not name.endswith("phase_weights"):
            in_range(name, -127, 127, "-127...127")
        elif name.endswith("multiplier"):
            in_range(name, 0, 2**31 - 1, "0...2147483647")
        elif name.endswith("shift"):
            in_range(name, 1, 62, "1...62")
        elif name.endswith("fraction_bits"):
            in_range(name, 0, 15, "0...15")
    for name in ("sequence.sigmoid_table", "sequence.tanh_table"):
        lo = 0 if "sigmoid" in name else -32767
        in_range(name, lo, 32767, "%d...32767" % lo)
    for name in ("sequence.mdn.sigma_exp_high", "sequence.mdn.sigma_exp_low",
                 "sequence.mdn.softmax_exp_high", "sequence.mdn.softmax_exp_low"):
        in_range(name, 0, 2**31 - 1, "0...2147483647")
    for name in ("sequence.sigmoid_table", "sequence.tanh_table", "sequence.mdn.sigma_exp_high",
                 "sequence.mdn.sigma_exp_low", "decoder.conv%d.pixel_thresholds" % (len(widths) + 1)):
        down = np.nonzero(np.diff(a[name]) < 0)[0]
        if len(down):
            raise ModelError("table %s decreases at entry %d" % (name, int(down[0]) + 1))
    for name in ("sequence.mdn.softmax_exp_high", "sequence.mdn.softmax_exp_low"):
        if int(a[name][0]) != 2**30:
            raise ModelError("table %s entry 0 is %d, not 2^30" % (name, int(a[name][0])))
        in_range(name, 0, 2**30, "0...2^30")

    # Phase weights, when present, equal the sums of their 3x3 taps.
    for i in range(2, len(widths) + 2):
        name = "decoder.conv%d.phase_weights" % i
        if name in a:
            want = sub_pixel_phase_weights(a["decoder.conv%d.weights" % i])
            diff = np.argwhere(want != a[name])
            if len(diff):
                raise ModelError("tensor %s entry %s is not the sum of its 3x3 taps" % (name, list(diff[0])))

    # The accumulator bound: |bias| + sum |w| * X < 2^31 for every output row.
    def bound(weights, bias, x_max):
        w = np.abs(a[weights]).reshape(a[weights].shape[0], -1).sum(axis=1) * x_max
        if bias is not None:
            w = w + np.abs(a[bias])
        bad = np.nonzero(w >= 2**31)[0]
        if len(bad):
            raise ModelError("tensor %s row %d can overflow a 32-bit accumulator (|bias| + sum|w|*x = %d)"
                             % (weights, int(bad[0]), int(w[bad[0]])))

    for layer in range(1, preset["lstm_layers"] + 1):
        p = "sequence.lstm%d" % layer
        bound(p + ".weights", p + ".bias", 32768)
        bound(p + ".recurrent_weights", None, 32768)
    bound("sequence.dense.weights", "sequence.dense.bias", 32768)
    bound("sequence.mdn.weights", "sequence.mdn.bias", 32768)
    bound("decoder.dense.weights", "decoder.dense.bias", 32768)
    # docs/INT8.md "12-bit activations": X = 2^B - 1 for a B-bit input. decoder.expand reads
    # decoder.dense's 8-bit output; conv1 reads decoder.expand's; conv i reads conv i-1's
    # (upsampled); the pixel conv n+1 reads conv n's.
    bound("decoder.expand.weights", "decoder.expand.bias", input_magnitude(8))
    layers_before = wide_layers(preset)
    for i in range(1, len(widths) + 2):
        p = "decoder.conv%d" % i
        bound(p + ".weights", p + ".bias", input_magnitude(bits[layers_before[i - 1]]))

    defaults = {}
    for key, lo, hi, text in (("generation.pi_temperature", Fraction(1, 100), 10, "0.01...10"),
                              ("generation.sigma_temperature", 0, 10, "0...10")):
        if key in metadata:
            parsed = parse_decimal_q16(metadata[key])
            if parsed is None or not lo <= parsed[0] <= hi:
                raise ModelError("metadata %s is '%s', not a decimal in %s" % (key, metadata[key], text))
            defaults[key] = parsed[1]
        else:
            defaults[key] = 65536
    preset["pi_q16"] = defaults["generation.pi_temperature"]
    preset["sigma_q16"] = defaults["generation.sigma_temperature"]
    preset["fraction_bits"] = int(a["latent.fraction_bits"])
    return preset, a


# ---------------------------------------------------------------------------------------------
# Integer operations (docs/INT8.md "Integer operations")
# ---------------------------------------------------------------------------------------------


def scaled(acc, multiplier, shift):
    """docs/INT8.md "Requantisation": scaled(acc, M, r) = (acc * M + 2^(r-1)) >> r, exact in 64 bits."""
    acc = np.asarray(acc, dtype=np.int64)
    return (acc * multiplier + (np.int64(1) << (shift - 1))) >> shift


def requantise(acc, multiplier, shift, zero_point, lo, hi):
    """docs/INT8.md "Requantisation": clamp(scaled(acc, M, r) + zp, lo, hi)."""
    return np.clip(scaled(acc, multiplier, shift) + zero_point, lo, hi)


def dense(a, prefix, x, zx=0):
    """docs/INT8.md "Dense layers": acc[o] = b[o] + sum_i w[o, i] * (x[i] - zx) (before requantisation)."""
    return a[prefix + ".bias"] + a[prefix + ".weights"] @ (np.asarray(x, dtype=np.int64) - zx)


def decoder_dense(a, latent):
    """docs/INT8.md "Dense layers", decoder.dense: int16 latent -> int8 relu bottleneck (row, column, channel)."""
    zy = int(a["decoder.dense.output_zero_point"])
    acc = dense(a, "decoder.dense", latent)
    return requantise(acc, a["decoder.dense.multiplier"], a["decoder.dense.shift"], zy, max(zy, -128), 127)


def sequence_dense(a, h):
    """docs/INT8.md "Dense layers", sequence.dense: h (Q15) -> int16 relu, zero point 0."""
    acc = dense(a, "sequence.dense", h)
    return requantise(acc, a["sequence.dense.multiplier"], a["sequence.dense.shift"], 0, 0, 32767)


def per_pixel_dense(preset, a, image):
    """docs/INT8.md "Per-pixel dense (decoder.expand)": [R0, C0, C] -> [R0, C0, E], linear, clamped
    to lo...hi of decoder.expand's width ("12-bit activations"; 8 bits: -128...127)."""
    zx = int(a["decoder.dense.output_zero_point"])
    zy = int(a["decoder.expand.output_zero_point"])
    lo, hi = activation_range(preset["decoder_bits"]["decoder.expand"])
    acc = (image - zx) @ a["decoder.expand.weights"].T + a["decoder.expand.bias"]
    return requantise(acc, a["decoder.expand.multiplier"], a["decoder.expand.shift"], zy, lo, hi)


def conv3x3_accumulators(image, zx, weights, bias):
    """docs/INT8.md "3x3 convolutions": acc[r, c, o] = b[o] + sum over the 3x3 taps and input
    channels of w[o, ky, kx, i] * (x[r+ky-1, c+kx-1, i] - zx), positions outside contributing
    nothing ("same" padding with real zeros). Vectorised as im2col: one int64 matrix product."""
    rows, cols, cin = image.shape
    padded = np.zeros((rows + 2, cols + 2, cin), dtype=np.int64)
    padded[1:-1, 1:-1, :] = image - zx
    patches = np.empty((rows, cols, 3, 3, cin), dtype=np.int64)
    for ky in range(3):
        for kx in range(3):
            patches[:, :, ky, kx, :] = padded[ky: ky + rows, kx: kx + cols, :]
    cout = weights.shape[0]
    acc = patches.reshape(rows * cols, 9 * cin) @ weights.reshape(cout, 9 * cin).T
    return acc.reshape(rows, cols, cout) + bias


def conv3x3(preset, a, index, image, zx):
    """docs/INT8.md "3x3 convolutions (decoder.conv1 ... conv n)": relu output clamped to
    max(zy, lo)...hi of the conv's width ("12-bit activations"; 8 bits: max(zy, -128)...127)."""
    p = "decoder.conv%d" % index
    zy = int(a[p + ".output_zero_point"])
    lo, hi = activation_range(preset["decoder_bits"][p])
    acc = conv3x3_accumulators(image, zx, a[p + ".weights"], a[p + ".bias"])
    return requantise(acc, a[p + ".multiplier"], a[p + ".shift"], zy, max(zy, lo), hi), zy


def upsample2(image):
    """docs/INT8.md "Nearest 2x upsampling": out[r, c, ch] = in[r/2, c/2, ch]."""
    return image.repeat(2, axis=0).repeat(2, axis=1)


def pixels(acc, thresholds):
    """docs/INT8.md "Pixels": pixel = the number of j in 1...255 with acc >= t_j."""
    return np.searchsorted(thresholds, acc, side="right").astype(np.uint8)


def decode(preset, a, latent):
    """docs/INT8.md "Nearest 2x upsampling" (the decoder's order): decoder.dense -> decoder.expand
    -> (conv i -> upsample) for i = 1..n -> conv n+1 -> pixels. Returns [H, W] uint8."""
    r0, c0, c = preset["bottleneck"]
    image = decoder_dense(a, latent).reshape(r0, c0, c)
    image = per_pixel_dense(preset, a, image)
    zx = int(a["decoder.expand.output_zero_point"])
    n = len(preset["decoder_channels"])
    for i in range(1, n + 1):
        image, zx = conv3x3(preset, a, i, image, zx)
        image = upsample2(image)
    p = "decoder.conv%d" % (n + 1)
    acc = conv3x3_accumulators(image, zx, a[p + ".weights"], a[p + ".bias"])[:, :, 0]
    return pixels(acc, a[p + ".pixel_thresholds"])


def gate(table, pre):
    """docs/INT8.md "LSTM cell", the gate tables: Q12 pre-activation -> Q15 by interpolation."""
    u = pre + 32768
    j = u >> 7
    t = u & 127
    return table[j] + (((table[j + 1] - table[j]) * t + 64) >> 7)


def lstm_layer_step(a, layer, x, h, c):
    """docs/INT8.md "LSTM cell": one step of sequence.lstm<layer>; returns (h', c')."""
    p = "sequence.lstm%d" % layer
    units = h.shape[0]
    cf = int(a[p + ".cell_fraction_bits"])
    acc_x = a[p + ".bias"] + a[p + ".weights"] @ x
    acc_h = a[p + ".recurrent_weights"] @ h
    pre = np.clip(scaled(acc_x, a[p + ".input_multiplier"], a[p + ".input_shift"])
                  + scaled(acc_h, a[p + ".recurrent_multiplier"], a[p + ".recurrent_shift"]),
                  -32768, 32767)
    sig, tanh = a["sequence.sigmoid_table"], a["sequence.tanh_table"]
    i = gate(sig, pre[0:units])
    f = gate(sig, pre[units: 2 * units])
    g = gate(tanh, pre[2 * units: 3 * units])
    o = gate(sig, pre[3 * units: 4 * units])
    c_new = np.clip(((f * c + (1 << 14)) >> 15) + ((i * g + (1 << (29 - cf))) >> (30 - cf)), -32768, 32767)
    if cf > 12:
        c12 = (c_new + (1 << (cf - 13))) >> (cf - 12)
    else:
        c12 = np.clip(c_new * (1 << (12 - cf)), -32768, 32767)
    h_new = (o * gate(tanh, c12) + (1 << 14)) >> 15
    return h_new, c_new


def sequence_step(preset, a, state, x):
    """docs/INT8.md "LSTM cell" (last paragraph): layers 1 ... L in order, then sequence.dense on
    h of layer L. state is a list of [h, c] per layer, updated in place; returns the dense output."""
    for layer in range(1, preset["lstm_layers"] + 1):
        h, c = state[layer - 1]
        h, c = lstm_layer_step(a, layer, x, h, c)
        state[layer - 1] = [h, c]
        x = h
    return sequence_dense(a, x)


def mdn_head(a, d):
    """docs/INT8.md "MDN head": every row scaled by its own multiplier, zero point 0 (the caller
    clamps each block to its format: means and log-sigmas int16, logits int32)."""
    acc = dense(a, "sequence.mdn", d)
    return scaled(acc, a["sequence.mdn.multiplier"], a["sequence.mdn.shift"])


# ---------------------------------------------------------------------------------------------
# DanceRandom (docs/INT8.md "DanceRandom": xoshiro128** seeded by SplitMix64)
# ---------------------------------------------------------------------------------------------


class DanceRandom:
    """docs/INT8.md "DanceRandom": xoshiro128** whose four 32-bit state words are filled by
    SplitMix64 from the 64-bit seed; next() returns a UInt32; gaussianQ12() the sum of twelve
    12-bit uniforms minus their mean."""

    def __init__(self, seed):
        state = seed & MASK64

        def splitmix64():
            nonlocal state
            state = (state + 0x9E3779B97F4A7C15) & MASK64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            return z ^ (z >> 31)

        first, second = splitmix64(), splitmix64()
        self.s = [first & MASK32, first >> 32, second & MASK32, second >> 32]

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (32 - k))) & MASK32

    def next(self):
        """xoshiro128** step: one UInt32."""
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK32, 7) * 9) & MASK32
        t = (s[1] << 9) & MASK32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 11)
        return result

    def gaussian_q12(self):
        """docs/INT8.md "Sampling" step 2: sum of (next() >> 20) over 12 calls, minus 24570."""
        return sum(self.next() >> 20 for _ in range(12)) - 24570


# ---------------------------------------------------------------------------------------------
# Sampling and generation (docs/INT8.md "Sampling", "Generation")
# ---------------------------------------------------------------------------------------------


def choose_component(u, logits, pi_q16, exp_high, exp_low):
    """docs/INT8.md "Sampling" step 1: the component k for the uniform u (UInt32)."""
    logits = [int(v) for v in logits]
    if pi_q16 == 0:
        return logits.index(max(logits))
    m = max(logits)
    weights = []
    for l in logits:
        e = ((m - l) * 4096 + pi_q16 // 2) // pi_q16
        if e >= 65536:
            weights.append(0)
        else:
            weights.append((int(exp_high[e >> 8]) * int(exp_low[e & 255]) + (1 << 35)) >> 36)
    total = sum(weights)
    running = 0
    for k, w in enumerate(weights):
        running += w
        if u < (running << 32) // total:
            return k
    raise AssertionError("no component chosen")


def sample(preset, a, rng, d, pi_q16, sigma_q16):
    """docs/INT8.md "Sampling": the MDN head on the sequence.dense output d, then the component
    and the noise; exactly 1 + 12 D calls of next(). Returns the next latent (int64 [D])."""
    dims, k_count = preset["latent_size"], preset["mixtures"]
    f = preset["fraction_bits"]
    out = mdn_head(a, d)
    kd = k_count * dims
    means = np.clip(out[:kd], -32768, 32767).reshape(k_count, dims)
    log_sigmas = np.clip(out[kd: 2 * kd], -32768, 32767).reshape(k_count, dims)
    logits = np.clip(out[2 * kd:], -2**31, 2**31 - 1)
    u = rng.next()
    k = choose_component(u, logits, pi_q16, a["sequence.mdn.softmax_exp_high"], a["sequence.mdn.softmax_exp_low"])
    high, low = a["sequence.mdn.sigma_exp_high"], a["sequence.mdn.sigma_exp_low"]
    z = np.zeros(dims, dtype=np.int64)
    for di in range(dims):
        g = rng.gaussian_q12()
        s = min(max(int(log_sigmas[k, di]), -14336), 14336) + 14336
        sigma = (int(high[s >> 7]) * int(low[s & 127]) + (1 << 29)) >> 30
        n = (sigma * sigma_q16 * g + (1 << (43 - f))) >> (44 - f)
        z[di] = min(max(int(means[k, di]) + n, -32768), 32767)
    return z


def generate(preset, a, frames, seed, start, pi_q16, sigma_q16, write):
    """docs/INT8.md "Generation": prime on start.primers[K], then per frame (reset when stateless)
    a sequence step on the current latent, a sample, and the decoded frame passed to write."""
    starts = a["start.latents"].shape[0]
    if not 0 <= start < starts:
        raise ModelError("start %d is outside 0...%d" % (start, starts - 1))
    units = preset["lstm_units"]
    zero = lambda: [[np.zeros(units, dtype=np.int64), np.zeros(units, dtype=np.int64)]
                    for _ in range(preset["lstm_layers"])]
    rng = DanceRandom(seed)
    state = zero()
    if "start.primers" in a:
        for primer in a["start.primers"][start]:
            sequence_step(preset, a, state, primer)
    current = a["start.latents"][start]
    for _ in range(frames):
        if preset["stateless"]:
            state = zero()
        d = sequence_step(preset, a, state, current)
        current = sample(preset, a, rng, d, pi_q16, sigma_q16)
        write(decode(preset, a, current).tobytes())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--pi-q16", type=int, default=None)
    parser.add_argument("--sigma-q16", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        try:
            with open(args.model, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise ModelError("%s: %s" % (args.model, (error.strerror or str(error)).lower()))
        try:
            kind, tensors, metadata = read_container(data)
            preset, arrays = check_int8_model(kind, tensors, metadata)
        except ModelError as error:
            raise ModelError("%s: %s" % (args.model, error))
        if args.frames < 0:
            raise ModelError("--frames must be at least 0")
        if not 0 <= args.seed <= MASK64:
            raise ModelError("--seed must be in 0...2^64-1")
        pi_q16 = preset["pi_q16"] if args.pi_q16 is None else args.pi_q16
        sigma_q16 = preset["sigma_q16"] if args.sigma_q16 is None else args.sigma_q16
        if not 0 <= pi_q16 <= MASK32:
            raise ModelError("--pi-q16 must be in 0...4294967295")
        if not 0 <= sigma_q16 < 2**20:
            raise ModelError("--sigma-q16 must be in 0...1048575")
        out = sys.stdout.buffer
        generate(preset, arrays, args.frames, args.seed, args.start, pi_q16, sigma_q16, out.write)
        out.flush()
    except ModelError as error:
        sys.stderr.write("int8_reference.py: %s\n" % error)
        return 1
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
