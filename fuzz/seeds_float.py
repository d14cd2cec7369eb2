"""Float model seeds for the `float` fuzz target (docs/FORMAT.md, "Float model").

A micro preset (8 x 8 frames, one scale step, latent size 3) keeps each model near 2 KB. The
parameter shapes follow FloatModelFile.parameterShapes: for example the micro preset's first
tensor is ("encoder.conv1.kernel", [3, 3, 1, 2]). Used by make_seeds.py.
"""
import struct

MICRO = {
    "name": "micro", "frame_height": 8, "frame_width": 8, "latent_size": 3,
    "encoder_channels": [2], "encoder_hidden": 4, "decoder_expand": 2, "decoder_channels": [2],
    "lstm_layers": 2, "lstm_units": 4, "dropout_percent": 25, "dense_units": 5, "mixtures": 2,
}


def parameter_shapes(p):
    """[(name, shape)] in layer order, as FloatModelFile.parameterShapes."""
    out = []

    def dense(name, i, o):
        out.extend([(name + ".kernel", [i, o]), (name + ".bias", [o])])

    def conv(name, i, o):
        out.extend([(name + ".kernel", [3, 3, i, o]), (name + ".bias", [o])])

    channels = 1
    for i, w in enumerate(p["encoder_channels"]):
        conv("encoder.conv%d" % (i + 1), channels, w)
        channels = w
    steps = len(p["encoder_channels"])
    bottleneck = (p["frame_height"] >> steps) * (p["frame_width"] >> steps) * channels
    dense("encoder.dense", bottleneck, p["encoder_hidden"])
    dense("encoder.z_mean", p["encoder_hidden"], p["latent_size"])
    dense("encoder.z_log_var", p["encoder_hidden"], p["latent_size"])
    dense("decoder.dense", p["latent_size"], bottleneck)
    dense("decoder.expand", channels, p["decoder_expand"])
    channels = p["decoder_expand"]
    for i, w in enumerate(p["decoder_channels"]):
        conv("decoder.conv%d" % (i + 1), channels, w)
        channels = w
    conv("decoder.conv%d" % (len(p["decoder_channels"]) + 1), channels, 1)
    inputs, units = p["latent_size"], p["lstm_units"]
    for i in range(p["lstm_layers"]):
        name = "sequence.lstm%d" % (i + 1)
        out.extend([(name + ".kernel", [inputs, 4 * units]),
                    (name + ".recurrent_kernel", [units, 4 * units]), (name + ".bias", [4 * units])])
        inputs = units
    dense("sequence.dense", units, p["dense_units"])
    k, d = p["mixtures"], p["latent_size"]
    dense("sequence.mdn", p["dense_units"], 2 * k * d + k)
    return out


def count(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def values(n, salt):
    """n small deterministic floats in [-0.5, 0.5)."""
    return [((i * 37 + salt * 11) % 64) / 64.0 - 0.5 for i in range(n)]


def float_seeds(container):
    """{file name: bytes}; `container(kind, tensors, metadata)` is make_seeds.container."""
    p = MICRO
    meta = {"preset." + k: (",".join(map(str, v)) if isinstance(v, list) else str(v))
            for k, v in p.items()}
    meta["provenance.seed"] = "7"
    d = p["latent_size"]
    params = parameter_shapes(p)
    norm = [("sequence.normalizer.mean", "f32", [d], struct.pack("<%df" % d, *values(d, 1))),
            ("sequence.normalizer.std", "f32", [d], struct.pack("<%df" % d, *([1.5] * d)))]

    def tensors(kind):
        out = []
        for j, (name, shape) in enumerate(params):
            v = values(count(shape), j)
            if kind == "f16":
                out.append((name, "f16", shape, struct.pack("<%de" % len(v), *v)))
            else:
                out.append((name, "f32", shape, struct.pack("<%df" % len(v), *v)))
        return out + norm

    # A rotation (a permutation: orthonormal), two start latents with two primers each, and
    # held-out frame ranges.
    rotation = [0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    extras = [
        ("sequence.normalizer.rotation", "f32", [d * d], struct.pack("<9f", *rotation)),
        ("start.latents", "f32", [2, d], struct.pack("<6f", *values(6, 3))),
        ("start.primers", "f32", [2, 2, d], struct.pack("<12f", *values(12, 4))),
        ("heldout.ranges", "i32", [2, 2], struct.pack("<4i", 0, 10, 20, 25)),
    ]
    return {
        "micro-f32.dnm": container(1, tensors("f32"), meta),
        "micro-f16.dnm": container(1, tensors("f16"), meta),
        "micro-extras.dnm": container(1, tensors("f32") + extras, meta),
    }
