"""TF1 initializer and `tf.contrib` regularizer objects -> Keras 3: the one table the rules share.

What it holds
    `TF1_INITIALIZERS`: canonical TF1 initializer name -> (Keras class, TF1 parameters in positional order,
    TF1 defaults that differ from Keras' and must be written out); `KERAS_PARAMS` (Keras 3.15 keyword
    order), `STRING_INITIALIZERS`, `TF2_DEFAULTS` (names TF2 kept with other defaults),
    `CONTRIB_REGULARIZERS`; and `contrib_initializer`, which maps `tf.contrib.layers.xavier_initializer`
    / `variance_scaling_initializer` arguments onto `GlorotUniform` / `VarianceScaling`.
Used by
    TFM109 (`layer_variables`, initializers given to `add_weight`) and TFM235/TFM236 (`contrib_layers`,
    contrib initializers and regularizers anywhere).
Why these numbers
    TF1 contrib's `variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False)` drew from a
    truncated normal with stddev `sqrt(1.3 * factor / n)`; Keras' `VarianceScaling(distribution=
    'truncated_normal')` uses `sqrt(scale / n) / 0.87962566103423978` (the exact truncation constant).
    So `scale = factor * 1.3 * 0.87962566103423978**2` gives TF1's distribution (1.3 is contrib's rounding
    of 1 / 0.8796...^2 = 1.2924). `xavier_initializer(uniform)` was `variance_scaling_initializer(factor=1.0,
    mode='FAN_AVG', uniform=uniform)`: uniform is exactly `GlorotUniform`, the normal form is the
    `VarianceScaling` above (Keras' `GlorotNormal` would be 0.6% narrower). Uniform draws use
    `limit = sqrt(3 * factor / n)` in both.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

TRUNCATION_FIX = "1.3 * 0.87962566103423978**2"  # TF1 contrib's 1.3, in Keras' truncated-normal units

# tf.contrib regularizers: canonical name -> (TF1 parameters, Keras class, {TF1 parameter: Keras keyword}).
CONTRIB_REGULARIZERS: dict[str, tuple[tuple[str, ...], str, dict[str, str]]] = {
    "tf.contrib.layers.l2_regularizer": (("scale", "scope"), "L2", {"scale": "l2"}),
    "tf.contrib.layers.l1_regularizer": (("scale", "scope"), "L1", {"scale": "l1"}),
    "tf.contrib.layers.l1_l2_regularizer": (("scale_l1", "scale_l2", "scope"), "L1L2", {"scale_l1": "l1", "scale_l2": "l2"}),
}
for _name in ("l2_regularizer", "l1_regularizer", "l1_l2_regularizer"):  # slim re-exports contrib.layers' regularizers
    CONTRIB_REGULARIZERS[f"tf.contrib.slim.{_name}"] = CONTRIB_REGULARIZERS[f"tf.contrib.layers.{_name}"]


# TF1 initializer objects: canonical name -> (Keras class, TF1 parameters in order, TF1 defaults that
# differ from Keras's and must be written out).
TF1_INITIALIZERS: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {}
for _names, _spec in (
    (("tf.zeros_initializer", "tf.initializers.zeros"), ("Zeros", ("dtype",), {})),
    (("tf.ones_initializer", "tf.initializers.ones"), ("Ones", ("dtype",), {})),
    (("tf.constant_initializer", "tf.initializers.constant"), ("Constant", ("value", "dtype", "verify_shape"), {})),
    (("tf.random_normal_initializer", "tf.initializers.random_normal"), ("RandomNormal", ("mean", "stddev", "seed", "dtype"), {"mean": "0.0", "stddev": "1.0"})),
    (("tf.truncated_normal_initializer", "tf.initializers.truncated_normal"), ("TruncatedNormal", ("mean", "stddev", "seed", "dtype"), {"mean": "0.0", "stddev": "1.0"})),
    (("tf.random_uniform_initializer", "tf.initializers.random_uniform"), ("RandomUniform", ("minval", "maxval", "seed", "dtype"), {"minval": "0.0", "maxval": "1.0"})),
    (("tf.glorot_uniform_initializer", "tf.initializers.glorot_uniform"), ("GlorotUniform", ("seed", "dtype"), {})),
    (("tf.glorot_normal_initializer", "tf.initializers.glorot_normal"), ("GlorotNormal", ("seed", "dtype"), {})),
    (("tf.initializers.he_normal",), ("HeNormal", ("seed",), {})),
    (("tf.initializers.he_uniform",), ("HeUniform", ("seed",), {})),
    (("tf.initializers.lecun_normal",), ("LecunNormal", ("seed",), {})),
    (("tf.initializers.lecun_uniform",), ("LecunUniform", ("seed",), {})),
    (("tf.orthogonal_initializer", "tf.initializers.orthogonal"), ("Orthogonal", ("gain", "seed", "dtype"), {})),
    (("tf.variance_scaling_initializer", "tf.initializers.variance_scaling"), ("VarianceScaling", ("scale", "mode", "distribution", "seed", "dtype"), {})),
    (("tf.contrib.layers.xavier_initializer", "tf.contrib.layers.xavier_initializer_conv2d", "tf.contrib.slim.xavier_initializer",
      "tf.contrib.slim.xavier_initializer_conv2d"), ("Xavier", ("uniform", "seed", "dtype"), {})),
    (("tf.contrib.layers.variance_scaling_initializer", "tf.contrib.slim.variance_scaling_initializer"), ("ContribVarianceScaling", ("factor", "mode", "uniform", "seed", "dtype"), {})),
):
    for _name in _names:
        TF1_INITIALIZERS[_name] = _spec

# Names TF2 kept with other defaults (TF2's are Keras's): the TF2 defaults, written out.
TF2_DEFAULTS: dict[str, dict[str, str]] = {
    "tf.random_normal_initializer": {"mean": "0.0", "stddev": "0.05"},
    "tf.random_uniform_initializer": {"minval": "-0.05", "maxval": "0.05"},
    "tf.initializers.random_normal": {"mean": "0.0", "stddev": "0.05"},
    "tf.initializers.random_uniform": {"minval": "-0.05", "maxval": "0.05"},
    "tf.initializers.truncated_normal": {"mean": "0.0", "stddev": "0.05"},
}

# Keras 3.15 signatures (keyword names, in order).
KERAS_PARAMS: dict[str, tuple[str, ...]] = {
    "Zeros": (),
    "Ones": (),
    "Constant": ("value",),
    "RandomNormal": ("mean", "stddev", "seed"),
    "TruncatedNormal": ("mean", "stddev", "seed"),
    "RandomUniform": ("minval", "maxval", "seed"),
    "GlorotUniform": ("seed",),
    "GlorotNormal": ("seed",),
    "HeNormal": ("seed",),
    "HeUniform": ("seed",),
    "LecunNormal": ("seed",),
    "LecunUniform": ("seed",),
    "Orthogonal": ("gain", "seed"),
    "VarianceScaling": ("scale", "mode", "distribution", "seed"),
}
STRING_INITIALIZERS = {
    "Zeros": "zeros",
    "Ones": "ones",
    "GlorotUniform": "glorot_uniform",
    "GlorotNormal": "glorot_normal",
    "HeNormal": "he_normal",
    "HeUniform": "he_uniform",
    "LecunNormal": "lecun_normal",
    "LecunUniform": "lecun_uniform",
    "Orthogonal": "orthogonal",
    "VarianceScaling": "variance_scaling",
}


CONTRIB_INITIALIZERS = frozenset({"Xavier", "ContribVarianceScaling"})


def _literal(node: cst.BaseExpression | None) -> object:
    if node is None:
        return None
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return None


def _scaled(factor: cst.BaseExpression | None) -> cst.BaseExpression:
    """`factor * 1.3 * 0.8796...**2` (just the constant for factor 1.0)."""
    if factor is None or (isinstance(factor, (cst.Float, cst.Integer)) and float(factor.value) == 1.0):
        return cst.parse_expression(TRUNCATION_FIX)
    if not isinstance(factor, (cst.Name, cst.Attribute, cst.Float, cst.Integer, cst.Call, cst.Subscript)):
        factor = factor.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.BinaryOperation(left=factor, operator=cst.Multiply(), right=cst.parse_expression(TRUNCATION_FIX))


def contrib_initializer(
    keras_name: str, bound: dict[str, cst.BaseExpression], string: Callable[[str], cst.BaseExpression]
) -> tuple[str, dict[str, cst.BaseExpression]]:
    """The Keras class and keywords for a contrib initializer's bound TF1 arguments (`dtype` already
    dropped); raises ValueError with the reason when an argument that decides the form is not a literal."""
    bound = dict(bound)
    if keras_name == "Xavier":
        uniform = _literal(bound.pop("uniform")) if "uniform" in bound else True
        if not isinstance(uniform, bool):
            raise ValueError("`xavier_initializer(uniform=...)` is not a literal True/False")
        if uniform:
            return "GlorotUniform", bound
        return "VarianceScaling", {"scale": _scaled(None), "mode": string("fan_avg"), "distribution": string("truncated_normal"), **bound}
    if keras_name == "ContribVarianceScaling":
        factor = bound.pop("factor", cst.Float("2.0"))
        mode = _literal(bound.pop("mode")) if "mode" in bound else "FAN_IN"
        uniform = _literal(bound.pop("uniform")) if "uniform" in bound else False
        if not isinstance(mode, str) or mode.upper() not in ("FAN_IN", "FAN_OUT", "FAN_AVG") or not isinstance(uniform, bool):
            raise ValueError("`variance_scaling_initializer` arguments `mode` / `uniform` are not literals")
        scale = factor if uniform else _scaled(factor)
        distribution = "uniform" if uniform else "truncated_normal"
        return "VarianceScaling", {"scale": scale, "mode": string(mode.lower()), "distribution": string(distribution), **bound}
    return keras_name, bound
