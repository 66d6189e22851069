"""TFM237: the `tf.contrib.layers` / slim layer functions that `tf1_variables` converts, and how.

What it matches
    `tf.contrib.layers.fully_connected`, `conv2d` (`convolution2d`), `max_pool2d`, `avg_pool2d`, `flatten`,
    `dropout`, `embed_sequence`, `batch_norm`, also through `import tensorflow.contrib.slim as slim` (`slim.conv2d`).
What it writes
    A Keras layer created once and called where the old call was, exactly as TFM230 does for `tf.layers`
    (same proof that one call site is one layer, same hoisting; `tf1_variables` does the work), with
    contrib's defaults written out where Keras' differ: `fully_connected` and `conv2d` apply ReLU unless
    `activation_fn` says otherwise, `conv2d` pads "SAME", `max_pool2d` / `avg_pool2d` stride 2 with
    "VALID" padding, `dropout` keeps `keep_prob=0.5` (Keras `rate = 1 - keep_prob`) and is training
    unless `is_training=False`, `embed_sequence` draws Glorot-uniform embeddings (TF1's get_variable
    default), `batch_norm` is `BatchNormalization(momentum=decay (0.999), scale=False)` called with
    `training=is_training` (True by default; center, epsilon 0.001 are Keras' own defaults). `biases_initializer=None`
    is `use_bias=False`; contrib's initializer defaults (xavier = Glorot uniform, zeros) are Keras' own.
Left alone and reported
    `normalizer_fn` / `normalizer_params`, `weights_regularizer` / `biases_regularizer` (TF1 collections),
    `reuse`, collections other than None, `data_format` that is not a literal, `embed_sequence(unique=True)`,
    `batch_norm` without `updates_collections=None` (its moving averages were updated only when the program ran
    UPDATE_OPS; Keras updates them on every training call), its `param_initializers` / `activation_fn` /
    renorm arguments. `arg_scope` blocks are expanded (their defaults written into the calls they cover, the
    `with` removed; `arg_scopes.py`) when every call that can run in them is written in them; otherwise every
    contrib layer of the file is reported: expand the scope by hand first.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tf2migrate.findings import FixKind

from .base import Rule

CONTRIB_LAYER_RULE = Rule(
    code="TFM237",
    name="contrib-layer-call",
    fix=FixKind.SAFE,
    summary="`tf.contrib.layers` / slim `fully_connected`, `conv2d`, pooling, `flatten`, `dropout`, `embed_sequence`, `batch_norm` become Keras layers created once, with contrib's defaults.",
    explanation="""
        `tf.contrib` is gone from TensorFlow 2 (also from `tf.compat.v1`). Its layer functions made their
        variables while the graph was built, like `tf.layers` (TFM230): each call site that owns variables
        becomes one Keras layer object created once at module level and called where the old call was,
        under the same proof (the function that builds it runs once in the file, or reuses through a
        `reuse` parameter). contrib's defaults differ from Keras' and are written out: ReLU activation for
        `fully_connected` and `conv2d`, "SAME" padding for `conv2d`, stride 2 for `max_pool2d` /
        `avg_pool2d`, `keep_prob=0.5` and training on by default for `dropout` (Keras `rate=1 - keep_prob`),
        Glorot-uniform embeddings for `embed_sequence`, `momentum=decay` (0.999), `scale=False` and
        `training=is_training` (True) for `batch_norm`, which is converted only with `updates_collections=None`
        (in-place moving-average updates, as Keras does). Arguments with TF1-only semantics (normalizer
        functions, regularizers added to collections, `reuse`, collections) are reported. `with arg_scope([...],
        **defaults):` is expanded: the defaults go into each listed call written in the block (its own arguments
        win) and the `with` goes, when every call that can run in the block is written there (no call to a
        function of the file, no nested scopes); otherwise every contrib layer of the file is reported.
    """,
    before="""
        def model(x):
            h = tf.contrib.layers.fully_connected(x, 64)
            return tf.contrib.layers.fully_connected(h, 10, activation_fn=None)
    """,
    after="""
        model_dense = tf.keras.layers.Dense(64, activation="relu")
        model_dense_1 = tf.keras.layers.Dense(10, activation=None)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)
    """,
)


@dataclass(frozen=True)
class LayerSpec:
    keras: str  # class in tf.keras.layers
    params: tuple[str, ...]  # TF1 positional order after `inputs`
    positional: tuple[str, ...]  # written positionally in the Keras constructor, in this order
    stateful: bool  # owns variables: must be created once
    defaults: tuple[tuple[str, str], ...] = ()  # TF1 defaults Keras does not share (constructor)
    call_args: tuple[tuple[str, str], ...] = ()  # keywords passed at call time, with TF1's default
    base: str = ""  # stem of the generated object's name
    renames: tuple[tuple[str, str], ...] = ()  # TF1 keyword -> the tf.layers / Keras keyword it stands for
    inputs: str = "inputs"  # keyword of the input tensor
    source: str = "tf.layers"  # the TF1 module, for messages


_COLLECTIONS = ("variables_collections", "outputs_collections")
_WEIGHTS = ("activation_fn", "normalizer_fn", "normalizer_params", "weights_initializer", "weights_regularizer",
            "biases_initializer", "biases_regularizer", "reuse", "variables_collections", "outputs_collections", "trainable", "scope")  # fmt: skip
_WEIGHT_RENAMES = (("activation_fn", "activation"), ("weights_initializer", "kernel_initializer"), ("biases_initializer", "bias_initializer"),
                   ("weights_regularizer", "kernel_regularizer"), ("biases_regularizer", "bias_regularizer"), ("scope", "name"))  # fmt: skip
_CONV = LayerSpec(
    "Conv2D", ("num_outputs", "kernel_size", "stride", "padding", "data_format", "rate", *_WEIGHTS), ("filters", "kernel_size"), True,
    defaults=(("padding", '"same"'), ("activation", '"relu"')), base="conv2d", source="tf.contrib.layers",
    renames=(("num_outputs", "filters"), ("stride", "strides"), ("rate", "dilation_rate"), *_WEIGHT_RENAMES),
)  # fmt: skip
_POOL = ("kernel_size", "stride", "padding", "data_format", "outputs_collections", "scope")
_POOL_RENAMES = (("kernel_size", "pool_size"), ("stride", "strides"), ("scope", "name"))

CONTRIB_LAYERS: dict[str, LayerSpec] = {
    "fully_connected": LayerSpec(
        "Dense", ("num_outputs", *_WEIGHTS), ("units",), True, defaults=(("activation", '"relu"'),), base="dense",
        source="tf.contrib.layers", renames=(("num_outputs", "units"), *_WEIGHT_RENAMES),
    ),
    "conv2d": _CONV,
    "convolution2d": _CONV,
    "max_pool2d": LayerSpec("MaxPooling2D", _POOL, ("pool_size", "strides"), False, defaults=(("strides", "2"),), renames=_POOL_RENAMES, base="max_pool2d", source="tf.contrib.layers"),
    "avg_pool2d": LayerSpec("AveragePooling2D", _POOL, ("pool_size", "strides"), False, defaults=(("strides", "2"),), renames=_POOL_RENAMES, base="avg_pool2d", source="tf.contrib.layers"),
    "flatten": LayerSpec("Flatten", ("outputs_collections", "scope"), (), False, renames=(("scope", "name"),), base="flatten", source="tf.contrib.layers"),
    "dropout": LayerSpec(
        "Dropout", ("keep_prob", "noise_shape", "is_training", "outputs_collections", "scope", "seed"), ("rate",), False,
        defaults=(("rate", "0.5"),), call_args=(("training", "True"),), base="dropout", source="tf.contrib.layers",
        renames=(("keep_prob", "rate"), ("is_training", "training"), ("scope", "name")),
    ),
    # TF1 defaults written out: decay 0.999 (Keras momentum 0.99), scale=False (Keras True), training on.
    "batch_norm": LayerSpec(
        "BatchNormalization",
        ("decay", "center", "scale", "epsilon", "activation_fn", "param_initializers", "param_regularizers", "updates_collections",
         "is_training", "reuse", "variables_collections", "outputs_collections", "trainable", "batch_weights", "fused", "data_format",
         "zero_debias_moving_mean", "scope", "renorm", "renorm_clipping", "renorm_decay", "adjustment"),
        (), True, defaults=(("momentum", "0.999"), ("scale", "False")), call_args=(("training", "True"),), base="batch_norm",
        source="tf.contrib.layers", renames=(("decay", "momentum"), ("is_training", "training"), ("scope", "name")),
    ),  # fmt: skip
    "embed_sequence": LayerSpec(
        "Embedding", ("vocab_size", "embed_dim", "unique", "initializer", "regularizer", "trainable", "scope", "reuse"),
        ("input_dim", "output_dim"), True, defaults=(("embeddings_initializer", '"glorot_uniform"'),), base="embedding", inputs="ids",
        source="tf.contrib.layers", renames=(("vocab_size", "input_dim"), ("embed_dim", "output_dim"), ("initializer", "embeddings_initializer"),
                                             ("regularizer", "embeddings_regularizer"), ("scope", "name")),
    ),  # fmt: skip
}
CONTRIB_MODULES = ("tf.contrib.layers.", "tf.contrib.slim.")
ARG_SCOPES = frozenset({"tf.contrib.framework.arg_scope", "tf.contrib.slim.arg_scope", "tf.contrib.layers.arg_scope"})
_DATA_FORMATS = {"NHWC": "channels_last", "NCHW": "channels_first"}
_MANUAL = {
    "param_initializers": "batch_norm's initializers are given as a dict (`beta`, `gamma`, `moving_mean`, `moving_variance`)",
    "param_regularizers": "batch_norm's regularizers add to TF1's REGULARIZATION_LOSSES collection",
    "batch_weights": "Keras BatchNormalization has no per-example weights",
    "zero_debias_moving_mean": "Keras BatchNormalization does not debias its moving mean",
    "renorm": "batch renormalization: pass Keras' `renorm=` arguments by hand",
    "renorm_clipping": "batch renormalization: pass Keras' `renorm=` arguments by hand",
    "adjustment": "Keras 3 BatchNormalization has no `adjustment`",
    "normalizer_fn": "contrib applied a normalizer function between the layer and its activation",
    "normalizer_params": "contrib applied a normalizer function between the layer and its activation",
    "unique": "`unique=True` looked up each distinct id once",
}


def _source(node: cst.BaseExpression) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _number(node: cst.BaseExpression) -> float | None:
    if isinstance(node, (cst.Integer, cst.Float)):
        return float(node.evaluated_value)
    return None


def contrib_bessel(spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]]) -> str | None:
    """Why contrib's `batch_norm` is not exactly Keras' (a message suffix), or None. With `updates_collections=None`
    TF1 ran the fused kernel (unless `fused=False`), whose moving variance is updated with the unbiased batch
    variance (times n / (n - 1)); Keras 3 updates it with the biased one: training outputs are the same,
    inference after training slightly differs. Applied only with --unsafe-fixes."""
    if spec.keras != "BatchNormalization" or spec.source == "tf.layers":
        return None
    if _source(dict(pairs).get("fused", cst.Name("None"))) == "False":
        return None
    return (
        "; not exact: TF1's fused kernel updated the moving variance with the unbiased batch variance (n / (n - 1) "
        "times the biased one Keras 3 uses), so inference after training differs slightly (`fused=False` was exact)"
    )


def translate(spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]]) -> list[tuple[str, cst.BaseExpression]]:
    """contrib (keyword, value) pairs as the tf.layers / Keras keywords `tf1_variables` maps; raises ValueError."""
    renames = dict(spec.renames)
    out: list[tuple[str, cst.BaseExpression]] = []
    if spec.keras == "BatchNormalization" and "updates_collections" not in dict(pairs):
        raise ValueError(
            "its moving averages were updated only when the program ran the UPDATE_OPS collection, Keras updates them on "
            "every training call: pass `updates_collections=None` (TF1's in-place updates, what Keras does) if that is meant"
        )
    for keyword, value in pairs:
        text = _source(value)
        if keyword in _COLLECTIONS:
            if text != "None":
                raise ValueError(f"`{keyword}=` adds to TF1 graph collections, which TF2 does not have")
            continue
        if keyword in _MANUAL and text not in ("None", "False"):
            raise ValueError(f"`{keyword}=`: {_MANUAL[keyword]}; write the Keras layers by hand")
        if keyword in _MANUAL:
            continue
        if keyword == "biases_initializer" and text == "None":
            out.append(("use_bias", cst.Name("False")))
            continue
        if keyword == "data_format":
            literal = value.evaluated_value if isinstance(value, cst.SimpleString) else None
            if text == "None":
                continue
            if literal not in _DATA_FORMATS:
                raise ValueError("`data_format=` is not a literal 'NHWC' / 'NCHW'")
            out.append(("data_format", cst.SimpleString(f'"{_DATA_FORMATS[literal]}"')))
            continue
        if spec.keras == "BatchNormalization" and keyword == "activation_fn":
            if text != "None":
                raise ValueError("`activation_fn=`: Keras BatchNormalization has no activation; apply it after the layer")
            continue
        if spec.keras == "BatchNormalization" and keyword == "updates_collections":
            if text != "None":
                raise ValueError("`updates_collections=` other than None: the moving averages were updated only when the program ran those ops")
            continue
        if spec.keras == "BatchNormalization" and keyword in ("fused", "renorm_decay"):
            continue  # an implementation choice / unused without renorm
        if spec.keras == "BatchNormalization" and keyword == "data_format":
            literal = value.evaluated_value if isinstance(value, cst.SimpleString) else None
            if literal not in _DATA_FORMATS and text != "None":
                raise ValueError("`data_format=` is not a literal 'NHWC' / 'NCHW'")
            if literal == "NCHW":
                out.append(("axis", cst.Integer("1")))
            continue
        if keyword == "keep_prob":
            number = _number(value)
            if number is None:
                raise ValueError("`keep_prob` is not a number (Keras `Dropout` takes a Python float `rate`, often fed as a placeholder in TF1)")
            value = cst.parse_expression(repr(round(1.0 - number, 12)))
        out.append((renames.get(keyword, keyword), value))
    return out
