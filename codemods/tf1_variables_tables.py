"""What `tf1_variables` maps TF1 layers and initializers to (TFM230, TFM233, TFM237): tables, no rewriting.

What it holds
    `LAYERS`: each `tf.layers.<fn>` (and, keyed `contrib.layers.<name>`, each `tf.contrib.layers` / slim
    function of codemods/contrib_layer_specs.py) -> its Keras 3 layer (`LayerSpec`: class, TF1 positional
    order, leading Keras arguments, whether it owns variables, defaults TF1 did not share with Keras, the
    arguments that go to the call); `LAYER_CLASSES` for TFM233's `tf.layers.Dense(...)` classes;
    `INITIALIZERS`: each TF1 initializer -> the Keras 3 initializer (`InitSpec`, TF1's defaults written out
    where Keras' differ); the keywords dropped when they change nothing (`_DROP_IF`) and the ones that leave
    a call to a person (`_MANUAL_KEYWORDS`); `graph_unproven`: why a Keras 3 layer is not proven to run as
    TF1's did in a file that stays in graph mode (measured: `GRAPH_FAILS`, `GRAPH_PROVEN_WHEN_NOT_TRAINING`).

Matches and writes nothing itself: codemods/tf1_variables_layers.py builds the Keras calls from these
tables. Kept apart so that what a TF1 name becomes can be read (and checked) in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from .contrib_layer_specs import CONTRIB_LAYER_RULE, CONTRIB_LAYERS, CONTRIB_MODULES, LayerSpec
from .tf1_variables_rules import LAYER_RULE


# ---------------------------------------------------------------------------------------------------------------
# TF1 initializers -> Keras 3 initializers, with TF1's defaults written out where Keras' differ.


@dataclass(frozen=True)
class InitSpec:
    keras: str
    params: tuple[str, ...]  # TF1 positional order
    keep: tuple[str, ...]  # TF1 keywords Keras accepts under the same name
    defaults: tuple[tuple[str, str], ...] = ()  # TF1 default that Keras does not share: written out
    scalar_only: tuple[str, ...] = ()  # keywords that must be a plain number to be carried over


INITIALIZERS: dict[str, InitSpec] = {
    "tf.zeros_initializer": InitSpec("Zeros", ("dtype",), ()),
    "tf.ones_initializer": InitSpec("Ones", ("dtype",), ()),
    "tf.constant_initializer": InitSpec("Constant", ("value", "dtype", "verify_shape"), ("value",), (("value", "0.0"),), ("value",)),
    "tf.truncated_normal_initializer": InitSpec(
        "TruncatedNormal", ("mean", "stddev", "seed", "dtype"), ("mean", "stddev", "seed"), (("stddev", "1.0"),)
    ),
    "tf.random_normal_initializer": InitSpec(
        "RandomNormal", ("mean", "stddev", "seed", "dtype"), ("mean", "stddev", "seed"), (("stddev", "1.0"),)
    ),
    "tf.random_uniform_initializer": InitSpec(
        "RandomUniform", ("minval", "maxval", "seed", "dtype"), ("minval", "maxval", "seed"), (("minval", "0.0"), ("maxval", "1.0"))
    ),
    "tf.glorot_uniform_initializer": InitSpec("GlorotUniform", ("seed", "dtype"), ("seed",)),
    "tf.glorot_normal_initializer": InitSpec("GlorotNormal", ("seed", "dtype"), ("seed",)),
}
for _tf1, _short in (
    ("zeros", "zeros_initializer"),
    ("ones", "ones_initializer"),
    ("constant", "constant_initializer"),
    ("truncated_normal", "truncated_normal_initializer"),
    ("random_normal", "random_normal_initializer"),
    ("random_uniform", "random_uniform_initializer"),
    ("glorot_uniform", "glorot_uniform_initializer"),
    ("glorot_normal", "glorot_normal_initializer"),
):
    INITIALIZERS[f"tf.initializers.{_tf1}"] = INITIALIZERS[f"tf.{_short}"]

_NUMBER = re.compile(r"^-?\s*(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


# ---------------------------------------------------------------------------------------------------------------
# tf.layers functions -> Keras 3 layers.

_CONV_ARGS = (
    "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "kernel_constraint", "bias_constraint", "trainable", "name", "reuse",
)  # fmt: skip


LAYERS: dict[str, LayerSpec] = {
    "dense": LayerSpec("Dense", ("units", *_CONV_ARGS), ("units",), True, base="dense"),
    "conv1d": LayerSpec(
        "Conv1D", ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", *_CONV_ARGS),
        ("filters", "kernel_size"), True, base="conv1d",
    ),
    "conv2d": LayerSpec(
        "Conv2D", ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", *_CONV_ARGS),
        ("filters", "kernel_size"), True, base="conv2d",
    ),
    "conv3d": LayerSpec(
        "Conv3D", ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", *_CONV_ARGS),
        ("filters", "kernel_size"), True, base="conv3d",
    ),
    "conv2d_transpose": LayerSpec(
        "Conv2DTranspose", ("filters", "kernel_size", "strides", "padding", "data_format", *_CONV_ARGS),
        ("filters", "kernel_size"), True, base="conv2d_transpose",
    ),
    "batch_normalization": LayerSpec(
        "BatchNormalization",
        (
            "axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
            "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
            "beta_constraint", "gamma_constraint", "training", "trainable", "name", "reuse", "renorm",
            "renorm_clipping", "renorm_momentum", "fused", "virtual_batch_size", "adjustment",
        ),
        (), True, call_args=(("training", "False"),), base="batch_norm",
    ),  # fmt: skip
    "max_pooling1d": LayerSpec("MaxPooling1D", ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size", "strides"), False),
    "max_pooling2d": LayerSpec("MaxPooling2D", ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size", "strides"), False),
    "max_pooling3d": LayerSpec("MaxPooling3D", ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size", "strides"), False),
    "average_pooling1d": LayerSpec("AveragePooling1D", ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size", "strides"), False),
    "average_pooling2d": LayerSpec("AveragePooling2D", ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size", "strides"), False),
    "average_pooling3d": LayerSpec("AveragePooling3D", ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size", "strides"), False),
    "flatten": LayerSpec("Flatten", ("name", "data_format"), (), False),
    "dropout": LayerSpec(
        "Dropout", ("rate", "noise_shape", "seed", "training", "name"), ("rate",), False,
        defaults=(("rate", "0.5"),), call_args=(("training", "False"),),
    ),  # fmt: skip
}

# TF1 keywords with no Keras counterpart that change nothing when they have these values.
_DROP_IF = {"trainable": ("True",), "reuse": ("None", "False"), "fused": ("None", "True", "False"), "kernel_initializer": ("None",)}
# TF1 keywords whose meaning differs in Keras: the call is left for a person.
_MANUAL_KEYWORDS = {
    "kernel_regularizer": "regularizers add to TF1's REGULARIZATION_LOSSES collection, Keras keeps them in `layer.losses`",
    "bias_regularizer": "regularizers add to TF1's REGULARIZATION_LOSSES collection, Keras keeps them in `layer.losses`",
    "activity_regularizer": "regularizers add to TF1's REGULARIZATION_LOSSES collection, Keras keeps them in `layer.losses`",
    "beta_regularizer": "regularizers add to TF1's REGULARIZATION_LOSSES collection, Keras keeps them in `layer.losses`",
    "gamma_regularizer": "regularizers add to TF1's REGULARIZATION_LOSSES collection, Keras keeps them in `layer.losses`",
    "kernel_constraint": "constraints are applied by TF1 optimizers and Keras optimizers differently",
    "bias_constraint": "constraints are applied by TF1 optimizers and Keras optimizers differently",
    "beta_constraint": "constraints are applied by TF1 optimizers and Keras optimizers differently",
    "gamma_constraint": "constraints are applied by TF1 optimizers and Keras optimizers differently",
    "reuse": "`reuse=` on the layer shares variables by name with another call",
    "virtual_batch_size": "Keras 3 BatchNormalization has no `virtual_batch_size`",
    "adjustment": "Keras 3 BatchNormalization has no `adjustment`",
}
_INITIALIZER_KEYWORDS = frozenset(
    {"kernel_initializer", "bias_initializer", "beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer"}
)

LAYER_CLASSES = {spec.keras: kind for kind, spec in LAYERS.items()}
# tf.contrib.layers / slim functions (TFM237), keyed `contrib.layers.<name>` (`_spelled` gives the TF1 name).
LAYERS.update({f"contrib.layers.{name}": spec for name, spec in CONTRIB_LAYERS.items()})


def _contrib_layer_name(name: str) -> bool:
    """`tf.contrib.layers.conv2d`, `tf.contrib.slim.conv2d`: a contrib layer function TFM237 converts."""
    return name.startswith(CONTRIB_MODULES) and name.count(".") == 3 and name.split(".")[-1] in CONTRIB_LAYERS


def _spelled(kind: str) -> str:
    return f"tf.{kind}" if kind.startswith("contrib.") else f"tf.layers.{kind}"


def _code(kind: str) -> str:
    return CONTRIB_LAYER_RULE.code if kind.startswith("contrib.") else LAYER_RULE.code


# Keras 3 layers measured to compute what the TF1 layer did in v1 graph mode (the graph-mode fallback, TFM260):
# their variables are graph variables, initialised by `tf.global_variables_initializer()` and trained by TF1
# optimizers. Dropout and batch normalization only with `training` left out or literally False: their `call`
# needs a Python bool (a tensor raises OperatorNotAllowedInGraphError), Dropout with `training=True` draws one
# mask for every `session.run`, and BatchNormalization's moving averages are never updated there.
GRAPH_PROVEN_WHEN_NOT_TRAINING = frozenset({"Dropout", "BatchNormalization"})
# Keras 3 layers measured to fail in v1 graph mode (TF 2.21): v1 shapes hand them `Dimension` objects.
GRAPH_FAILS = {"Conv2DTranspose": "its output shape is built from v1 `Dimension` objects: TypeError in `Conv2DBackpropInput`"}


def graph_unproven(spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]], called_later: bool = False) -> str | None:
    """Why the Keras 3 counterpart of a TF1 layer is not proven to run as TF1's did in v1 graph mode, or None."""
    if spec.keras in GRAPH_FAILS:
        return (
            f"this file stays in graph mode (TFM260), where Keras 3 `{spec.keras}` fails ({GRAPH_FAILS[spec.keras]}); port the program to eager TF2"
            + (", or run `tf2migrate fix --legacy-keras-fallback` to keep `tf.layers` on tf_keras" if spec.source == "tf.layers" else "")
        )
    if spec.keras not in GRAPH_PROVEN_WHEN_NOT_TRAINING:
        return None
    training = next((v for k, v in pairs if k == "training"), None)
    if training is None:  # TF1's default: False for tf.layers, True for contrib's dropout
        training = cst.parse_expression(dict(spec.call_args).get("training", "False"))
    if called_later or not (isinstance(training, cst.Name) and training.value == "False"):
        return (
            f"this file stays in graph mode (TFM260), where Keras 3 `{spec.keras}` cannot run TF1's "
            "`training=` (a tensor raises OperatorNotAllowedInGraphError; True does not train as TF1 did); "
            "port the program to eager TF2"
            + (", or run `tf2migrate fix --legacy-keras-fallback` to keep `tf.layers` on tf_keras" if spec.source == "tf.layers" else "")
        )
    return None
