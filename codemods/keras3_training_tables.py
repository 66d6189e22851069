"""What `codemods/keras3_training.py` knows of Keras 1/2's training API (generator methods, optimizer arguments,
Keras 1 layer keywords, removed compile / TensorBoard arguments) and the small helpers its parts share; also
`defined_generator_methods` / `owns_*`, which `legacy_calls` asks so that a call is reported once."""

from __future__ import annotations

import libcst as cst

from .names import last_name


GENERATOR_TARGETS = {"fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict"}
# Keras 2 `compile` keywords Keras 3 rejects -> what to do (TFM539).
COMPILE_REMOVED = {
    "target_tensors": "Keras 3 takes targets only as data: give `fit` a `tf.data.Dataset` (or generator) of `(inputs, targets)` instead of wiring the iterator's tensors into the model",
    "sample_weight_mode": "Keras 3 reads the mode from the shape of `sample_weight` (`(batch, timesteps)` weights are temporal): drop it and pass `sample_weight=` to `fit`",
}
# Keras 2 `TensorBoard` keywords Keras 3 rejects -> what to do (TFM539).
TENSORBOARD_REMOVED = {
    "batch_size": "drop it (tf.keras 2.x ignored it too; Keras 2.2 used it only to batch the histogram data)",
    "write_grads": "drop it (tf.keras 2.x ignored it too); log gradients from a custom `train_step` with `tf.summary.histogram`",
    "embeddings_layer_names": "Keras 3 has no per-layer embedding projector setup: drop it (the projector then shows the `Embedding` layers) or write the projector config with `tensorboard.plugins.projector`",
    "embeddings_data": "Keras 3 has no embeddings of arbitrary layers' outputs: write the vectors and a projector config with `tensorboard.plugins.projector`",
}
# Layers whose Keras 3 constructor still takes `weights=`.
LAYERS_WITH_WEIGHTS = ("Embedding", "Bidirectional")
OWNED_METHODS = (*GENERATOR_TARGETS, "predict_classes")
# Keras 2's `Sequential.predict_classes` body, applied to Keras 3's `predict` (TFM536).
PREDICT_CLASSES_FORM = 'lambda proba: proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32")'
# Keras 2 positional parameters after the generator that Keras 2.2.4, 2.3.1 and tf.keras 2.x agree on.
GENERATOR_POSITIONAL = {
    "fit_generator": ("steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data", "validation_steps"),
    "evaluate_generator": ("steps",),
    "predict_generator": ("steps",),
}
KERAS1_FIT_KEYWORDS = {"nb_epoch": "epochs", "nb_worker": "workers", "pickle_safe": "use_multiprocessing"}
WORKER_KEYWORDS = ("workers", "use_multiprocessing", "max_queue_size")
SAMPLE_COUNTS = {"samples_per_epoch": "steps_per_epoch", "nb_val_samples": "validation_steps"}

# Keras 2.2/2.3 optimizer signatures (positional order) and the default learning rate that Keras 2.2 and tf.keras
# 2.x agree on (None: they differ, e.g. Adagrad 0.01 vs 0.001).
KERAS2_OPTIMIZERS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "SGD": (("lr", "momentum", "decay", "nesterov"), "0.01"),
    "RMSprop": (("lr", "rho", "epsilon", "decay"), "0.001"),
    "Adagrad": (("lr", "epsilon", "decay"), None),
    "Adadelta": (("lr", "rho", "epsilon", "decay"), None),
    "Adam": (("lr", "beta_1", "beta_2", "epsilon", "decay", "amsgrad"), "0.001"),
    "Adamax": (("lr", "beta_1", "beta_2", "epsilon", "decay"), None),
    "Nadam": (("lr", "beta_1", "beta_2", "epsilon", "schedule_decay"), None),
}
OPTIMIZER_ALIASES = {"sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta", "adam": "Adam", "adamax": "Adamax", "nadam": "Nadam"}

# Keras 1 keyword -> Keras 2/3 keyword, for every layer; per-class exceptions below.
KERAS1_KEYWORDS: dict[str, str] = {
    "output_dim": "units",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "U_regularizer": "recurrent_regularizer",
    "U_constraint": "recurrent_constraint",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "pool_length": "pool_size",
    "atrous_rate": "dilation_rate",
    "bias": "use_bias",
    "beta_init": "beta_initializer",
    "gamma_init": "gamma_initializer",
    "input_dtype": "dtype",
}
KERAS1_CLASS_KEYWORDS: dict[str, dict[str, str | None]] = {
    "Embedding": {"output_dim": None, "init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer", "W_constraint": "embeddings_constraint"},
    "Dropout": {"p": "rate"},
    "SpatialDropout1D": {"p": "rate"},
    "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"},
    "GaussianDropout": {"p": "rate"},
    "GaussianNoise": {"sigma": "stddev"},
    "PReLU": {"init": "alpha_initializer"},
    "MaxPooling1D": {"stride": "strides"},
    "AveragePooling1D": {"stride": "strides"},
    "AvgPool1D": {"stride": "strides"},
    "MaxPool1D": {"stride": "strides"},
}
DIM_ORDERING = {"tf": "channels_last", "th": "channels_first"}
SPECIAL_KEYWORDS = frozenset({"dim_ordering", "nb_row", "nb_col", "mode", "consume_less", "forget_bias_init"})
LAYER_KEYWORDS = frozenset(KERAS1_KEYWORDS) | {k for table in KERAS1_CLASS_KEYWORDS.values() for k in table} | SPECIAL_KEYWORDS
# Layer keywords Keras 3 rejects that TFM539 reports (`_layer_call`).
REPORTED_LAYER_KEYWORDS = frozenset({"weights", "batch_size", "batch_input_shape"})
CONV_KERNEL_ARITY = {"Convolution2D": 2, "Conv2D": 2, "Convolution3D": 3, "Conv3D": 3}
MODEL_CLASSES = ("keras.Model", "keras.models.Model", "keras.engine.training.Model", "keras.engine.Model")
# Keras callbacks that set the optimizer's rate as training runs (and, in Keras 2, logged it as `lr`)
RATE_CALLBACKS = ("LearningRateScheduler", "ReduceLROnPlateau")


def _int_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Integer)


UNKNOWN = object()  # a value `_literal_value` cannot read


def _literal_value(node: cst.BaseExpression) -> object:
    """The Python value of a literal (int, float, bool, None, plain string), else `UNKNOWN`."""
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Float):
        return float(node.value)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return UNKNOWN


def _kw(name: str, value: cst.BaseExpression, like: cst.Arg | None = None) -> cst.Arg:
    if like is not None and like.keyword is not None:
        return like.with_changes(keyword=cst.Name(name), value=value)
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def _rebuild(original: list[cst.Arg], new: list[cst.Arg]) -> list[cst.Arg]:
    """`new` with the separators of `original` position by position (', ' where there is none); the last
    argument keeps the original last argument's trailing comma, if any."""
    result = []
    for index, arg in enumerate(new):
        if index < len(new) - 1:
            template = original[index].comma if index < len(original) - 1 else cst.MaybeSentinel.DEFAULT
            comma = template if isinstance(template, cst.Comma) else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        else:
            comma = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
        result.append(arg.with_changes(comma=comma))
    return result


def defined_generator_methods(module: cst.Module) -> set[str]:
    """`fit_generator` & co. (and `predict_classes`) defined by a class of this file (their calls are not Keras's)."""
    found = set()
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            found.update(s.name.value for s in statement.body.body if isinstance(s, cst.FunctionDef) and s.name.value in OWNED_METHODS)
        elif isinstance(statement, cst.FunctionDef) and statement.name.value in OWNED_METHODS:
            found.add(statement.name.value)
    return found


def owns_generator_call(method: str, defined: set[str]) -> bool:
    """TFM530/TFM539 judge `x.<method>(...)` (legacy_calls' TFM330 then stays quiet)."""
    return method in GENERATOR_TARGETS and method not in defined


def owns_predict_classes(call: cst.Call, defined: set[str]) -> bool:
    """TFM536 rewrites this `x.predict_classes(...)` (legacy_calls' TFM330 then stays quiet)."""
    return "predict_classes" not in defined and not any(a.star for a in call.args) and len(call.args) <= 3
class _DecayingOptimizers(cst.CSTVisitor):
    """Does the file build an optimizer with a non-zero `decay=` (by spelling: `SGD(..., decay=1e-4)`)?"""

    def __init__(self) -> None:
        self.optimizers = 0
        self.decaying = 0

    def visit_Call(self, node: cst.Call) -> None:
        if (last_name(node) or "") in (*KERAS2_OPTIMIZERS, *OPTIMIZER_ALIASES):
            self.optimizers += 1
            if any(
                a.keyword is not None
                and (
                    (a.keyword.value == "decay" and _literal_value(a.value) not in (0, 0.0))
                    or (a.keyword.value == "learning_rate" and isinstance(a.value, cst.Call) and last_name(a.value) == "InverseTimeDecay")
                )
                for a in node.args
            ):
                self.decaying += 1  # `decay=`, or the schedule TFM531 made of it
