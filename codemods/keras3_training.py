"""TFM530-TFM539 the Keras 2 training API on Keras 3: generator methods, optimizer arguments, Keras 1 names.

What it matches
    - `model.fit_generator / evaluate_generator / predict_generator(...)` (TFM530);
    - `keras.optimizers.X(lr=..., decay=..., epsilon=None)` and `keras.optimizers.legacy.X(...)` calls (TFM531);
    - `<...>.optimizer.lr` and `opt.lr` for an optimizer made in this file (TFM532);
    - Keras 1 keywords Keras 2 still converted (`output_dim=`, `init=`, `W_regularizer=`, `border_mode=`,
      `subsample=`, `nb_filter=`, `p=`, `dim_ordering=`, ...), `fit(nb_epoch=)`, `Model(input=, output=)` (TFM533);
    - `Convolution2D(nb_filter, nb_row, nb_col)` / `Convolution3D(n, d1, d2, d3)` positional kernel sizes (TFM534);
    - `def get_output_shape_for(self, input_shape)` in a Keras layer (TFM535);
    - what cannot be rewritten exactly: worker and queue arguments that change how batches are produced,
      Keras 1 arguments with no Keras 3 meaning, custom optimizers built on `get_updates` (TFM539, manual).

What it writes
    `fit` / `evaluate` / `predict` with Keras 2's positional arguments passed by keyword, `generator=` -> `x=`,
    `workers=0|1`, `use_multiprocessing=False` and `max_queue_size=` dropped (one worker keeps the batch order:
    only the prefetching goes), and `verbose=0` written for `evaluate` / `predict` (Keras 2's `*_generator`
    default; Keras 3's is a progress bar). `lr=` -> `learning_rate=`; `decay=d` -> `learning_rate=
    keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`, which is Keras 2's
    `lr / (1 + decay * iterations)`; `.lr` -> `.learning_rate`; the Keras 2 names of the Keras 1 keywords;
    `Convolution2D(32, 3, 3)` -> `Convolution2D(32, (3, 3))` (Keras 3 reads the third positional as strides,
    silently); `get_output_shape_for` -> `compute_output_shape`.

Why
    Keras 3 dropped every one of these: `fit_generator` and `optimizer.lr` raise `AttributeError`, `lr=` and the
    Keras 1 keywords raise `ValueError` / `TypeError`, `decay=` is ignored with a warning, and
    `Convolution2D(8, 3, 3)` builds a layer with strides 3 without any error. `keras.backend` functions
    (`K.set_value(model.optimizer.lr, v)`: the call is the backend rules', the `.lr` is this module's) and
    `tf_keras` (Keras 2 on purpose) are left alone.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import imports
from .names import last_name
from .base import Codemod, Rule
from .builders import dotted, source_of, with_commas

# --------------------------------------------------------------------------------------------------
# rules

GENERATOR_METHODS = Rule(
    code="TFM530",
    name="keras-generator-methods",
    fix=FixKind.SAFE,
    summary="`fit_generator` / `evaluate_generator` / `predict_generator` become `fit` / `evaluate` / `predict`.",
    explanation="""
        Keras 3 models have no `*_generator` methods: `fit`, `evaluate` and `predict` take the generator (or
        `keras.utils.Sequence` / `PyDataset`, or `tf.data.Dataset`) directly. Keras 2's positional arguments
        after the generator are passed by keyword (`fit_generator(gen, 100, 5)` -> `fit(gen, steps_per_epoch=100,
        epochs=5)`), `generator=` becomes `x=`, `nb_epoch=` `epochs=`. Keras 3 has no `workers`,
        `use_multiprocessing` or `max_queue_size` arguments: they are dropped when they cannot change the batches
        (`workers` 0 or 1, `use_multiprocessing=False`: one producer keeps the order, only the prefetching goes);
        otherwise the call is reported (TFM539): give the arguments to your `keras.utils.PyDataset` subclass's
        constructor (`super().__init__(workers=4, use_multiprocessing=True)`). `evaluate` and `predict` get
        `verbose=0`, the default of Keras 2's `*_generator` methods. Keras 2 positional arguments past the sixth
        (`fit_generator`) or the second (`evaluate_/predict_generator`) differ between Keras 2.2 and 2.3 and are
        reported.
    """,
    before="""
        model.fit_generator(batches(), 100, 5, callbacks=[lr_drop], workers=1, max_queue_size=10)
        loss = model.evaluate_generator(batches(), steps=10)
    """,
    after="""
        model.fit(batches(), steps_per_epoch=100, epochs=5, callbacks=[lr_drop])
        loss = model.evaluate(batches(), steps=10, verbose=0)
    """,
)

OPTIMIZER_ARGUMENTS = Rule(
    code="TFM531",
    name="keras-optimizer-arguments",
    fix=FixKind.SAFE,
    summary="Keras 2 optimizer arguments: `lr=` -> `learning_rate=`, `decay=` -> an `InverseTimeDecay` schedule.",
    explanation="""
        Keras 3 optimizers reject `lr=` ("Argument(s) not recognized") and ignore `decay=` with a warning, so the
        learning rate no longer decays. `lr=` becomes `learning_rate=`; `decay=d` becomes
        `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`, which
        computes Keras 2's `lr / (1 + d * iterations)` (the step count before the update, as Keras 2 did);
        `decay=0` goes. Without `lr=`, the Keras 2 default is written for `SGD` (0.01), `RMSprop` and `Adam`
        (0.001); for the others Keras 2.2 and tf.keras 2.x had different defaults, so the call is reported.
        `epsilon=None` (Keras 2: the backend epsilon, 1e-7) goes. Positional arguments after the learning rate
        are passed by keyword under their Keras 2 names (Keras 3's order differs: `SGD(0.1, 0.9, 1e-6)` had
        `decay` third). `keras.optimizers.legacy.X` gets the same treatment (TFM520 moves its import).
    """,
    before="""
        opt = keras.optimizers.SGD(lr=0.1, momentum=0.9, decay=1e-4)
        adam = Adam(lr=1e-3, epsilon=None)
    """,
    after="""
        opt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-4), momentum=0.9)
        adam = Adam(learning_rate=1e-3)
    """,
)

LR_ATTRIBUTE = Rule(
    code="TFM532",
    name="keras-optimizer-lr-attribute",
    fix=FixKind.SAFE,
    summary="`model.optimizer.lr` becomes `model.optimizer.learning_rate`.",
    explanation="""
        Keras 3 optimizers have no `lr` attribute (`AttributeError`); `learning_rate` is the same variable (its
        value when the rate is a schedule). Learning-rate callbacks (`K.set_value(self.model.optimizer.lr, v)`,
        `K.get_value(model.optimizer.lr)`) read and write it: the attribute is renamed on any `<...>.optimizer`
        and on a name bound to a Keras optimizer in this file. The `K.get_value` / `K.set_value` calls themselves
        are the backend rules' (`keras.ops` / `Variable.assign`).
    """,
    before="""
        K.set_value(self.model.optimizer.lr, 0.5 * K.get_value(self.model.optimizer.lr))
    """,
    after="""
        K.set_value(self.model.optimizer.learning_rate, 0.5 * K.get_value(self.model.optimizer.learning_rate))
    """,
)

KERAS1_ARGUMENTS = Rule(
    code="TFM533",
    name="keras1-arguments",
    fix=FixKind.SAFE,
    summary="Keras 1 argument names Keras 2 still converted (`output_dim=`, `init=`, `border_mode=`, `nb_epoch=`, `Model(input=)`) get their Keras 2/3 names.",
    explanation="""
        Keras 2 accepted Keras 1 keywords and converted them with a warning (`keras/legacy/interfaces.py`); Keras 3
        raises `ValueError: Unrecognized keyword arguments` or `TypeError`. The keywords are renamed as Keras 2.3.1
        converted them: `output_dim` -> `units` (not on `Embedding`, where `output_dim` is current),
        `init` -> `kernel_initializer` (`embeddings_initializer` on `Embedding`), `W_regularizer` / `b_regularizer` /
        `W_constraint` / `b_constraint` -> `kernel_*` / `bias_*`, `inner_init` -> `recurrent_initializer`,
        `inner_activation` -> `recurrent_activation`, `U_regularizer` -> `recurrent_regularizer`, `dropout_W` /
        `dropout_U` -> `dropout` / `recurrent_dropout`, `border_mode` -> `padding`, `subsample` /
        `subsample_length` / `stride` -> `strides`, `nb_filter` -> `filters`, `filter_length` -> `kernel_size`,
        `pool_length` -> `pool_size`, `atrous_rate` -> `dilation_rate`, `p` -> `rate`, `sigma` -> `stddev`,
        `bias` -> `use_bias`, `beta_init` / `gamma_init` -> `beta_initializer` / `gamma_initializer`,
        `dim_ordering='tf'|'th'` -> `data_format='channels_last'|'channels_first'`, `nb_row=, nb_col=` ->
        `kernel_size=(rows, cols)`; `BatchNormalization(mode=0)` and `consume_less=` (an implementation choice)
        go; `fit(nb_epoch=)` -> `epochs=`; `Model(input=, output=)` -> `Model(inputs=, outputs=)`. Other values
        (`mode=1`, `dim_ordering=variable`, `forget_bias_init=`) are reported (TFM539).
    """,
    before="""
        x = Dense(output_dim=64, init='he_normal', W_regularizer=l2(1e-4))(x)
        model = Model(input=inputs, output=x)
        model.fit(data, labels, nb_epoch=10)
    """,
    after="""
        x = Dense(units=64, kernel_initializer='he_normal', kernel_regularizer=l2(1e-4))(x)
        model = Model(inputs=inputs, outputs=x)
        model.fit(data, labels, epochs=10)
    """,
)

CONV_POSITIONAL = Rule(
    code="TFM534",
    name="keras1-conv-kernel-positional",
    fix=FixKind.SAFE,
    summary="`Convolution2D(nb_filter, nb_row, nb_col)` becomes `Convolution2D(nb_filter, (nb_row, nb_col))`: Keras 3 silently reads the third as strides.",
    explanation="""
        Standalone Keras 2 (up to 2.3.1) read `Convolution2D(32, 3, 3)` and `Conv2D(32, 3, 3)` as Keras 1's
        `(nb_filter, nb_row, nb_col)` when both sizes were ints: a 3x3 kernel, strides 1. Keras 3 (and tf.keras)
        take the third positional argument as `strides`: the same line now builds a 3-wide kernel with strides 3,
        without any error, and the model computes something else. The kernel sizes are joined into a tuple
        (`Convolution3D(n, a, b, c)` likewise). With int literals the fix is safe; with other expressions
        (`kernel[0]`) it is unsafe, since Keras 2 converted only when they were ints at run time. The Keras 2
        name `Conv2D(32, 3, 3)` is reported (TFM539) instead: standalone Keras 2.3 read it as a kernel, Keras
        2.4+ and tf.keras as strides, so the author's Keras decides.
    """,
    before="""
        x = Convolution2D(32, 3, 3, border_mode='same')(x)
    """,
    after="""
        x = Convolution2D(32, (3, 3), padding='same')(x)
    """,
)

OUTPUT_SHAPE_METHOD = Rule(
    code="TFM535",
    name="keras1-output-shape-method",
    fix=FixKind.SAFE,
    summary="A layer's Keras 1 `get_output_shape_for` becomes `compute_output_shape`.",
    explanation="""
        Keras 1 layers declared their output shape in `get_output_shape_for(self, input_shape)`; Keras 2 renamed
        it `compute_output_shape`. Keras 3 never calls the old name, and its `compute_output_shape` raises
        `NotImplementedError` for a custom layer that does not define it. The method (and calls to it on `self`)
        is renamed when the class does not already define `compute_output_shape`.
    """,
    before="""
        class Scale(Layer):
            def get_output_shape_for(self, input_shape):
                return input_shape
    """,
    after="""
        class Scale(Layer):
            def compute_output_shape(self, input_shape):
                return input_shape
    """,
)

PREDICT_CLASSES = Rule(
    code="TFM536",
    name="keras-predict-classes",
    fix=FixKind.SAFE,
    summary="`model.predict_classes(x)` becomes `predict` followed by Keras 2's own argmax / 0.5 threshold.",
    explanation="""
        Keras 3 models (and tf.keras since 2.6) have no `predict_classes`. Keras 2's `Sequential.predict_classes(x,
        batch_size=32, verbose=0)` was `proba = self.predict(x, batch_size, verbose)`, then `proba.argmax(axis=-1)`
        when the last axis has more than one unit, else `(proba > 0.5).astype('int32')`. The call becomes exactly
        that, as one expression (the rule cannot know the output width, so both branches are kept): Keras 3's
        `predict` takes `x, batch_size, verbose` in the same positions (`batch_size=None` is 32), and `verbose=0`
        is written when the call did not set it (Keras 3's default is a progress bar). Left alone: a file that
        defines its own `predict_classes`, and calls with `*args` / `**kwargs` (TFM330 reports those).
    """,
    before="""
        classes = model.predict_classes(x_test, verbose=0)
    """,
    after="""
        classes = (lambda proba: proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32"))(model.predict(x_test, verbose=0))
    """,
)

TRAINING_MANUAL = Rule(
    code="TFM539",
    name="keras-training-manual",
    fix=FixKind.MANUAL,
    summary="Keras 2 training code with no exact Keras 3 rewrite: worker arguments, Keras 1 options, `get_updates` optimizers.",
    explanation="""
        Reported and left as it is:
        - `fit_generator(..., workers=4, use_multiprocessing=True)` and the like: Keras 3's `fit` has no such
          arguments; several producers are configured on the data: subclass `keras.utils.PyDataset` and call
          `super().__init__(workers=4, use_multiprocessing=True, max_queue_size=10)`, or use `tf.data` with
          `num_parallel_calls`. `samples_per_epoch=` / `nb_val_samples=` (Keras 1) counted samples, not
          batches: write `steps_per_epoch=ceil(samples / batch_size)`. Positional arguments whose meaning
          differs between Keras 2.2 and 2.3.
        - Keras 1 keywords with values Keras 2 did not convert either (`BatchNormalization(mode=1)`,
          `dim_ordering=<variable>`, `forget_bias_init=`, `Nadam(schedule_decay=)`), and `decay=` without a
          learning rate on optimizers whose default Keras 2.2 and tf.keras 2.x disagreed on.
        - `Conv2D(32, 3, 3)` in standalone Keras: a 3x3 kernel in Keras 2.3, strides 3 in Keras 2.4+ / Keras 3.
        - Arguments Keras 3 rejects with no exact counterpart: `compile(target_tensors=)` (targets come from
          the data: `fit(dataset)`), `compile(sample_weight_mode=)` (read from the weights' shape), a layer's
          initial `weights=` that TFM537 cannot turn into initializers (`layer.set_weights(...)` once built;
          `Embedding` keeps it), a layer's `batch_size=` / `batch_input_shape=` where TFM538 cannot put a
          `keras.Input(batch_shape=...)` first, `TensorBoard(batch_size=, write_grads=, embeddings_layer_names=,
          embeddings_data=)` that TFM542 does not drop; and `model.add_loss(tensor)` at module
          level (a functional model's symbolic loss: put it in a layer's `call` or in `train_step`).
        - A learning rate set (`K.set_value(model.optimizer.lr, v)`, `.lr.assign(v)`) in a file whose only optimizer gets
          `decay=` (with several optimizers, the TFM532 finding carries the warning): TFM531 makes the rate an `InverseTimeDecay` schedule, whose value cannot be set; Keras 2 changed
          the base rate under the decay. Write the whole policy as a `LearningRateScheduler` or a custom schedule.
        - A custom optimizer built on Keras 2's `get_updates(loss, params)`: Keras 3 calls `build(variables)`
          and `update_step(gradient, variable, learning_rate)` (and `fit` raises `NotImplementedError`
          otherwise); port the update rule to those methods, as `keras.optimizers.SGD`'s source does.
    """,
    before="""
        class MyOptimizer(keras.optimizers.Optimizer):
            def get_updates(self, loss, params):
                ...
    """,
    after="""
        class MyOptimizer(keras.optimizers.Optimizer):
            def build(self, variables):
                ...
            def update_step(self, gradient, variable, learning_rate):
                ...
    """,
)

RULES = (GENERATOR_METHODS, OPTIMIZER_ARGUMENTS, LR_ATTRIBUTE, KERAS1_ARGUMENTS, CONV_POSITIONAL, OUTPUT_SHAPE_METHOD, PREDICT_CLASSES, TRAINING_MANUAL)

# --------------------------------------------------------------------------------------------------
# tables

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


class Keras3Training(Codemod):
    RULES = RULES
    TRIGGERS = ("keras",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source_module: cst.Module | None = None
        self._defined_methods: set[str] = set()
        self._optimizer_names: set[str] = set()
        self._keras_ns: tuple[str, tuple[str, str | None] | None] | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self.source_module = node
        self._defined_methods = defined_generator_methods(node)
        finder = _DecayingOptimizers()
        traversal.visit(node, finder)
        # the file's only optimizer gets a decay schedule (TFM531): a rate set in it is that schedule's; with several
        # optimizers the rule cannot tell which one a callback sets, and says so in the TFM532 message
        self._decays = finder.decaying == finder.optimizers == 1
        self._maybe_decays = finder.decaying > 0 and not self._decays

    # -- helpers ------------------------------------------------------------------------------
    def _raw_keras(self, node: cst.CSTNode) -> str | None:
        """Canonical `keras.*` name of a callee imported from `keras` / `tensorflow.keras` (not `tf_keras`)."""
        func = node.func if isinstance(node, cst.Call) else node
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        if not raw or any(r.startswith("tf_keras") for r in raw):
            return None
        canonical = self.qualified_name(func)
        return canonical if canonical is not None and canonical.startswith("keras.") else None

    def _standalone(self, node: cst.Call) -> bool:
        found = self.get_metadata(QualifiedNameProvider, node.func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        return bool(raw) and all(r == "keras" or r.startswith("keras.") for r in raw)

    def _namespace(self, func: cst.BaseExpression) -> str:
        """How to spell `keras` for a schedule next to this optimizer callee."""
        written = get_full_name_for_node(func) or ""
        parts = written.split(".")
        if "optimizers" in parts[1:]:
            return ".".join(parts[: parts.index("optimizers", 1)])
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        if all(q.name.startswith("keras.") for q in found if q.source is QualifiedNameSource.IMPORT):
            assert self.source_module is not None
            return imports.require_module(self.context, self.source_module, "keras", "keras")  # standalone Keras 2 code
        if self._keras_ns is None:
            assert self.source_module is not None
            self._keras_ns = imports.keras_namespace(self.source_module)
        imports.require_keras_namespace(self.context, self._keras_ns[1])
        return self._keras_ns[0]

    # -- calls ----------------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and (last_name(node.value) or "") in (*KERAS2_OPTIMIZERS, *OPTIMIZER_ALIASES) and self._optimizer_class(node.value) is not None:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._optimizer_names.add(target.target.value)

    @staticmethod
    def _worth_resolving(node: cst.Call) -> bool:
        name = last_name(node) or ""
        if name in KERAS2_OPTIMIZERS or name in OPTIMIZER_ALIASES or name in CONV_KERNEL_ARITY or name in ("Model", "TensorBoard"):
            return True
        return any(a.keyword is not None and (a.keyword.value in LAYER_KEYWORDS or a.keyword.value in REPORTED_LAYER_KEYWORDS) for a in node.args)

    def _optimizer_class(self, node: cst.Call) -> str | None:
        name = self._raw_keras(node)
        if name is None:
            return None
        for prefix in ("keras.optimizers.legacy.", "keras.optimizers."):
            if name.startswith(prefix):
                cls = OPTIMIZER_ALIASES.get(name[len(prefix) :], name[len(prefix) :])
                return cls if cls in KERAS2_OPTIMIZERS else None
        return None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in GENERATOR_TARGETS and method not in self._defined_methods:
                return self._generator_call(original_node, updated_node, method)
            if method in ("fit", "evaluate", "predict"):
                return self._fit_call(original_node, updated_node)
            if method == "compile":
                self._compile_call(original_node)
            if method == "add_loss":
                self._add_loss_call(original_node)
            if method == "predict_classes":
                return self._predict_classes(original_node, updated_node)
        if not self._worth_resolving(original_node):
            return updated_node  # cheap spelling filter: most calls are none of these
        optimizer = self._optimizer_class(original_node)
        if optimizer is not None:
            return self._optimizer_call(original_node, updated_node, optimizer)
        name = self._raw_keras(original_node)
        if name is None:
            return updated_node
        if name in MODEL_CLASSES:
            return self._model_call(original_node, updated_node)
        if name == "keras.callbacks.TensorBoard":
            self._tensorboard_call(original_node)
            return updated_node
        if name.startswith("keras.layers."):
            return self._layer_call(original_node, updated_node, name.rsplit(".", 1)[1])
        return updated_node

    # TFM530
    def _generator_call(self, original: cst.Call, updated: cst.Call, method: str) -> cst.BaseExpression:
        problems: list[str] = []
        positional = [a for a in updated.args if a.keyword is None and not a.star]
        if any(a.star for a in updated.args):
            problems.append("`*args` / `**kwargs` whose Keras 2 meaning cannot be read")
        allowed = GENERATOR_POSITIONAL[method]
        if len(positional) > 1 + len(allowed):
            problems.append(f"more than {1 + len(allowed)} positional arguments (their meaning differs between Keras 2.2, 2.3 and tf.keras): pass them by keyword")
        args: list[cst.Arg] = []
        keywords: dict[str, cst.Arg] = {}
        for index, arg in enumerate(updated.args):
            if arg.star:
                args.append(arg)
                continue
            if arg.keyword is None:
                if index == 0:
                    args.append(arg)
                elif index - 1 < len(allowed):
                    args.append(_kw(allowed[index - 1], arg.value))
                continue
            key = arg.keyword.value
            if key == "generator":
                args.append(_kw("x", arg.value, arg))
                continue
            if key in SAMPLE_COUNTS:
                problems.append(f"`{key}=` counted samples (Keras 1); write `{SAMPLE_COUNTS[key]}=` as a number of batches")
                continue
            key = KERAS1_FIT_KEYWORDS.get(key, key)
            keywords[key] = arg
            args.append(_kw(key, arg.value, arg))
        problems.extend(self._worker_problems(keywords))
        if problems:
            self.flag(original, TRAINING_MANUAL.code, f"`{method}(...)`: Keras 3 has no `{method}` and this call cannot be rewritten exactly: " + "; ".join(problems) + f"; call `{GENERATOR_TARGETS[method]}(...)` with the arguments Keras 3 takes")
            return updated
        args = [a for a in args if a.keyword is None or a.keyword.value not in WORKER_KEYWORDS]
        dropped = [k for k in WORKER_KEYWORDS if k in keywords]
        target = GENERATOR_TARGETS[method]
        if target != "fit" and not any(a.keyword is not None and a.keyword.value == "verbose" for a in args):
            args.append(_kw("verbose", cst.Integer("0")))
        note = f" (dropped {', '.join(f'`{k}=`' for k in dropped)}: one producer, same batches in the same order)" if dropped else ""
        if not self.offer_fix(original, GENERATOR_METHODS.code, f"Keras 3 models have no `{method}`: now `{target}`{note}"):
            return updated
        assert isinstance(updated.func, cst.Attribute)
        return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(target)), args=_rebuild(list(updated.args), args))

    # TFM539: compile arguments Keras 3 rejects
    def _compile_call(self, original: cst.Call) -> None:
        for arg in original.args:
            if arg.keyword is not None and arg.keyword.value in COMPILE_REMOVED:
                self.flag(arg, TRAINING_MANUAL.code, f"`compile(..., {arg.keyword.value}=...)`: Keras 3's `compile` has no `{arg.keyword.value}` (TypeError); {COMPILE_REMOVED[arg.keyword.value]}")

    def _tensorboard_call(self, original: cst.Call) -> None:
        for arg in original.args:
            if arg.keyword is not None and arg.keyword.value in TENSORBOARD_REMOVED:
                self.flag(arg, TRAINING_MANUAL.code, f"`TensorBoard(..., {arg.keyword.value}=...)`: Keras 3's `TensorBoard` has no `{arg.keyword.value}` (TypeError); {TENSORBOARD_REMOVED[arg.keyword.value]}")

    def _add_loss_call(self, original: cst.Call) -> None:
        """`model.add_loss(tensor)` outside a class: a functional model's symbolic loss (Keras 3: NotImplementedError)."""
        func = original.func
        assert isinstance(func, cst.Attribute)
        if not isinstance(func.value, cst.Name) or func.value.value == "self" or not original.args:
            return
        node: cst.CSTNode | None = original
        while node is not None:
            if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
                return  # inside a layer's `call` or a function: the receiver may be a layer; not judged
            node = self.get_metadata(ParentNodeProvider, node, None)
        self.flag(original, TRAINING_MANUAL.code, f"`{func.value.value}.add_loss(...)` at module level: Keras 3 functional models take no symbolic loss tensors (NotImplementedError); compute the loss in a small `keras.layers.Layer` whose `call` does `self.add_loss(...)` and apply it to the tensors, or override `train_step`")

    # TFM536
    def _predict_classes(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`m.predict_classes(x, ...)` -> `(lambda proba: <Keras 2's body>)(m.predict(x, ..., verbose=0))`."""
        if not owns_predict_classes(original, self._defined_methods):
            return updated
        args = list(updated.args)
        positional = [a for a in args if a.keyword is None]
        if len(positional) < 3 and not any(a.keyword is not None and a.keyword.value == "verbose" for a in args):
            args.append(_kw("verbose", cst.Integer("0")))
        if not self.offer_fix(original, PREDICT_CLASSES.code, "Keras 3 models have no `predict_classes`: `predict` + Keras 2's argmax (several units) / 0.5 threshold (one unit)"):
            return updated
        assert isinstance(updated.func, cst.Attribute)
        predict = updated.with_changes(func=updated.func.with_changes(attr=cst.Name("predict")), args=_rebuild(list(updated.args), args))
        form = cst.parse_expression(f"({PREDICT_CLASSES_FORM})(_)")
        assert isinstance(form, cst.Call)
        return form.with_changes(args=[cst.Arg(predict)])

    def _worker_problems(self, keywords: dict[str, cst.Arg]) -> list[str]:
        problems = []
        workers = keywords.get("workers")
        if workers is not None and _literal_value(workers.value) not in (0, 1):
            problems.append(f"`workers={source_of(workers.value)}` (several producers)")
        multi = keywords.get("use_multiprocessing")
        if multi is not None and _literal_value(multi.value) is not False:
            problems.append(f"`use_multiprocessing={source_of(multi.value)}`")
        if problems:
            problems.append("give them to your `keras.utils.PyDataset` subclass (`super().__init__(workers=..., use_multiprocessing=..., max_queue_size=...)`)")
        return problems

    def _fit_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`fit(nb_epoch=)` -> `epochs=`; tf.keras 2.x `fit(..., workers=1, use_multiprocessing=False)` -> dropped."""
        keys = {a.keyword.value for a in original.args if a.keyword is not None}
        renames = {k: v for k, v in KERAS1_FIT_KEYWORDS.items() if k in keys}
        distinctive = keys & {"use_multiprocessing", "max_queue_size", "pickle_safe", "nb_worker"}
        if not renames and not distinctive:
            return updated
        args = []
        keywords: dict[str, cst.Arg] = {}
        for arg in updated.args:
            if arg.keyword is not None and arg.keyword.value in renames:
                arg = _kw(renames[arg.keyword.value], arg.value, arg)
            if arg.keyword is not None:
                keywords[arg.keyword.value] = arg
            args.append(arg)
        if distinctive or "workers" in keywords:
            problems = self._worker_problems(keywords)
            if problems:
                self.flag(original, TRAINING_MANUAL.code, f"Keras 3's `fit` / `evaluate` / `predict` take no worker arguments: " + "; ".join(problems))
                return updated
            args = [a for a in args if a.keyword is None or a.keyword.value not in WORKER_KEYWORDS]
        code = KERAS1_ARGUMENTS.code if renames else GENERATOR_METHODS.code
        message = "Keras 1 `nb_epoch=` is `epochs=`" if renames else "Keras 3's `fit` / `evaluate` / `predict` take no worker arguments: dropped (one producer: same batches)"
        if not self.offer_fix(original, code, message):
            return updated
        return updated.with_changes(args=_rebuild(list(updated.args), args))

    # TFM531
    def _optimizer_call(self, original: cst.Call, updated: cst.Call, cls: str) -> cst.BaseExpression:
        params, default_lr = KERAS2_OPTIMIZERS[cls]
        has_lr = any(a.keyword is not None and a.keyword.value in ("lr", "decay") for a in updated.args)
        if any(a.star for a in updated.args):
            if has_lr:
                self.flag(original, TRAINING_MANUAL.code, f"`{cls}(...)` with `*args` / `**kwargs`: write `learning_rate=` for `lr=` (Keras 3 rejects `lr`; `decay=` is ignored: use `keras.optimizers.schedules.InverseTimeDecay`)")
            return updated
        values: dict[str, cst.Arg] = {}
        order: list[str] = []
        positional_count = 0
        for index, arg in enumerate(updated.args):
            if arg.keyword is None:
                positional_count += 1
                if index >= len(params):
                    self.flag(original, TRAINING_MANUAL.code, f"`{cls}(...)` has more positional arguments than Keras 2's `{cls}` took: pass them by keyword (`learning_rate=`, ...)")
                    return updated
                key = params[index]
            else:
                key = arg.keyword.value
            values[key] = arg
            order.append(key)
        keyword_keys = {a.keyword.value for a in updated.args if a.keyword is not None}
        legacy_keys = {"lr", "decay", "schedule_decay"} | ({"epsilon"} if "epsilon" in values and _literal_value(values["epsilon"].value) is None else set())
        written = get_full_name_for_node(original.func) or ""
        legacy_spelled = ".optimizers.legacy." in written
        alias_spelled = isinstance(original.func, cst.Attribute) and original.func.attr.value in OPTIMIZER_ALIASES
        if not (legacy_keys & keyword_keys) and positional_count <= 1 and not legacy_spelled and not alias_spelled:
            return updated
        if "schedule_decay" in values:
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(schedule_decay=...)`: Keras 3's `Nadam` has no `schedule_decay` (its momentum schedule is fixed); drop it or port the optimizer")
            return updated
        decay = values.get("decay")
        decay_value = _literal_value(decay.value) if decay is not None else None
        decays = decay is not None and decay_value not in (0, 0.0)
        lr_arg = values.get("lr") or values.get("learning_rate")
        if decays and lr_arg is None and default_lr is None:
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(decay=...)` without a learning rate: Keras 2.2 and tf.keras 2.x had different default rates for `{cls}`; write `learning_rate=keras.optimizers.schedules.InverseTimeDecay(<rate>, decay_steps=1, decay_rate=<decay>)`")
            return updated
        args: list[cst.Arg] = []
        written_lr = False
        notes = []
        for position, key in enumerate(order):
            arg = values[key]
            if key == "decay":
                continue
            if key == "epsilon" and _literal_value(arg.value) is None:
                notes.append("`epsilon=None` dropped (Keras 2 used 1e-7, Keras 3's default)")
                continue
            if key in ("lr", "learning_rate"):
                value = arg.value
                if decays:
                    value = self._schedule(original, value, decay.value)  # type: ignore[union-attr]
                if position == 0 and arg.keyword is None and not decays:
                    args.append(arg)
                else:
                    args.append(_kw("learning_rate", value, arg))
                written_lr = True
                continue
            args.append(arg if arg.keyword is not None else _kw(key, arg.value))
        if decays and not written_lr:
            args.insert(0, _kw("learning_rate", self._schedule(original, cst.Float(default_lr) if "." in default_lr else cst.Integer(default_lr), decay.value)))  # type: ignore[arg-type,union-attr]
        what = []
        if "lr" in keyword_keys:
            what.append("`lr=` is `learning_rate=`")
        if decays:
            what.append("`decay=` is an `InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)` schedule (Keras 2's `lr / (1 + decay * iterations)`)")
        elif decay is not None:
            what.append("`decay=0` dropped")
        if positional_count > 1:
            what.append("Keras 2 positional arguments passed by keyword (Keras 3's order differs)")
        what.extend(notes)
        func = updated.func
        if legacy_spelled:
            what.insert(0, "`optimizers.legacy` is not supported in Keras 3: `optimizers`")
            func = dotted(written.replace(".optimizers.legacy.", ".optimizers."))
        if alias_spelled and isinstance(func, cst.Attribute):
            what.insert(0, f"Keras 3 has no lowercase alias `{func.attr.value}`: `{cls}`")
            func = func.with_changes(attr=cst.Name(cls))
        if not self.offer_fix(original, OPTIMIZER_ARGUMENTS.code, f"Keras 3 `{cls}`: " + "; ".join(what)):
            return updated
        return updated.with_changes(func=func, args=_rebuild(list(updated.args), args) if args or updated.args else [])

    def _schedule(self, original: cst.Call, lr: cst.BaseExpression, decay: cst.BaseExpression) -> cst.Call:
        namespace = self._namespace(original.func)
        return cst.Call(
            func=dotted(f"{namespace}.optimizers.schedules.InverseTimeDecay"),
            args=with_commas([cst.Arg(lr.with_changes() if hasattr(lr, "with_changes") else lr), _kw("decay_steps", cst.Integer("1")), _kw("decay_rate", decay)]),
        )

    # TFM533: Model(input=, output=)
    def _model_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        renames = {"input": "inputs", "output": "outputs"}
        keys = {a.keyword.value for a in original.args if a.keyword is not None}
        if not (keys & set(renames)) or (keys & set(renames.values())):
            return updated
        if not self.offer_fix(original, KERAS1_ARGUMENTS.code, "Keras 3 `Model` takes `inputs=` / `outputs=` (Keras 1 `input=` / `output=`)"):
            return updated
        args = [_kw(renames[a.keyword.value], a.value, a) if a.keyword is not None and a.keyword.value in renames else a for a in updated.args]
        return updated.with_changes(args=args)

    # TFM533 / TFM534: layers
    def _layer_call(self, original: cst.Call, updated: cst.Call, cls: str) -> cst.BaseExpression:
        updated = self._conv_positional(original, updated, cls)
        for arg in original.args:
            if cls[:1].isupper() and cls not in ("Input", "InputLayer") and arg.keyword is not None and arg.keyword.value in ("batch_size", "batch_input_shape"):
                self.flag(arg, TRAINING_MANUAL.code, f"`{cls}(..., {arg.keyword.value}=...)`: Keras 3 layers take no `{arg.keyword.value}` (\"Unrecognized keyword arguments\"); start the model with `keras.Input(batch_shape=(batch_size, *input_shape))` (stateful RNNs need it) and drop the layer's `batch_size=` / `batch_input_shape=` / `input_shape=`")
        if cls[:1].isupper() and cls not in LAYERS_WITH_WEIGHTS and any(a.keyword is not None and a.keyword.value == "weights" for a in original.args):
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(..., weights=...)`: Keras 3 layers take no initial `weights=` (\"Unrecognized keyword arguments\"); drop it and call `layer.set_weights(...)` once the layer is built (after `model.add(layer)` / the first call)")
        table: dict[str, str | None] = {**KERAS1_KEYWORDS, **KERAS1_CLASS_KEYWORDS.get(cls, {})}
        keys = [a.keyword.value for a in original.args if a.keyword is not None]
        hits = [k for k in keys if table.get(k) is not None or k in SPECIAL_KEYWORDS]
        if not hits:
            return updated
        if cls != "BatchNormalization" and "mode" in hits:
            hits.remove("mode")
        if not hits:
            return updated
        problems = []
        args: list[cst.Arg] = []
        notes = []
        by_key = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        current = {a.keyword.value for a in updated.args if a.keyword is not None}
        for arg in updated.args:
            key = arg.keyword.value if arg.keyword is not None else None
            if key is None or key not in hits:
                args.append(arg)
                continue
            if key == "dim_ordering":
                value = _literal_value(arg.value)
                if value not in DIM_ORDERING:
                    problems.append(f"`dim_ordering={source_of(arg.value)}`: write `data_format='channels_last'` ('tf') or `'channels_first'` ('th')")
                    continue
                quote = arg.value.value[0] if isinstance(arg.value, cst.SimpleString) else "'"  # type: ignore[union-attr]
                args.append(_kw("data_format", cst.SimpleString(f"{quote}{DIM_ORDERING[value]}{quote}"), arg))  # type: ignore[index]
                continue
            if key in ("nb_row", "nb_col"):
                if "nb_row" in by_key and "nb_col" in by_key and "kernel_size" not in current:
                    if key == "nb_row":
                        pair = cst.Tuple([cst.Element(by_key["nb_row"].value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(by_key["nb_col"].value)])
                        args.append(_kw("kernel_size", pair, arg))
                    continue
                problems.append("`nb_row=` / `nb_col=` without each other: write `kernel_size=(rows, cols)`")
                continue
            if key == "mode":
                if _literal_value(arg.value) == 0:
                    notes.append("`mode=0` dropped (the only mode Keras 2 kept)")
                    continue
                problems.append(f"`BatchNormalization(mode={source_of(arg.value)})`: Keras 2 already rejected modes other than 0; normalise per sample with `LayerNormalization` or by hand")
                continue
            if key == "consume_less":
                notes.append("`consume_less=` dropped (it chose an implementation, not a result)")
                continue
            if key == "forget_bias_init":
                problems.append("`forget_bias_init=`: Keras 2/3 have `unit_forget_bias=True` (forget-gate bias 1.0); choose it explicitly")
                continue
            new = table[key]
            if new in current:
                problems.append(f"`{key}=` and `{new}=` both given")
                continue
            args.append(_kw(new, arg.value, arg))  # type: ignore[arg-type]
        if problems:
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(...)` has Keras 1 arguments Keras 3 rejects: " + "; ".join(problems))
            return updated
        renamed = [f"`{k}=` -> `{table[k]}=`" for k in hits if table.get(k) is not None]
        renamed += [f"`{k}=` -> `{new}=`" for k, new in (("dim_ordering", "data_format"), ("nb_row", "kernel_size"), ("nb_col", "kernel_size")) if k in hits]
        message = f"Keras 1 arguments of `{cls}` that Keras 3 rejects: " + "; ".join([", ".join(renamed)] if renamed else [] + notes)
        if renamed and notes:
            message += "; " + "; ".join(notes)
        if not self.offer_fix(original, KERAS1_ARGUMENTS.code, message):
            return updated
        return updated.with_changes(args=_rebuild(list(updated.args), args))

    def _conv_positional(self, original: cst.Call, updated: cst.Call, cls: str) -> cst.Call:
        arity = CONV_KERNEL_ARITY.get(cls)
        if arity is None or not self._standalone(original):
            return updated
        positional = [a for a in original.args if a.keyword is None]
        if any(a.star for a in original.args) or len(positional) != 1 + arity:
            return updated
        sizes = [a.value for a in positional[1:]]
        if any(isinstance(s, (cst.Tuple, cst.List)) for s in sizes):
            return updated
        if not cls.startswith("Convolution"):
            if all(_int_literal(s) for s in sizes):
                self.flag(original, TRAINING_MANUAL.code, f"`{cls}({', '.join(source_of(a.value) for a in positional)})`: standalone Keras 2.3 read this as a {'x'.join(source_of(s) for s in sizes)} kernel (Keras 1 `nb_row, nb_col`), Keras 2.4+ / tf.keras and Keras 3 as kernel {source_of(sizes[0])} with strides {source_of(sizes[-1])}; write `{cls}({source_of(positional[0].value)}, ({', '.join(source_of(s) for s in sizes)}))` or `strides=` explicitly")
            return updated
        exact = all(_int_literal(s) for s in sizes)
        reason = "" if exact else "; unsafe: Keras 2 joined them only when they were ints at run time"
        if not self.offer_fix(original, CONV_POSITIONAL.code, f"Keras 1 `{cls}(nb_filter, {', '.join(['size'] * arity)})`: Keras 3 would read the third argument as strides; the kernel sizes are now one tuple{reason}", unsafe=not exact):
            return updated
        kept = [a for a in updated.args if a.keyword is None]
        elements = [cst.Element(a.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < arity - 1 else cst.MaybeSentinel.DEFAULT) for i, a in enumerate(kept[1:])]
        kernel = kept[1].with_changes(value=cst.Tuple(elements), comma=kept[-1].comma)
        rest = [a for a in updated.args if a.keyword is not None]
        return updated.with_changes(args=[kept[0], kernel, *rest])

    # -- TFM532: optimizer.lr -----------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value == "lr":
            value = original_node.value
            owner = (isinstance(value, cst.Attribute) and value.attr.value == "optimizer") or (isinstance(value, cst.Name) and value.value in self._optimizer_names)
            if owner and self._decays and self._written(original_node):
                self.flag(original_node, TRAINING_MANUAL.code, "the learning rate is set here, and this file gives an optimizer `decay=`, which becomes a Keras 3 `InverseTimeDecay` schedule: a schedule's rate cannot be set (Keras 2 changed the base rate under the decay); write the whole policy as a `keras.callbacks.LearningRateScheduler` or a custom schedule, then use `learning_rate`")
                return updated_node
            caveat = ""
            if owner and self._maybe_decays and self._written(original_node):
                caveat = "; if this is the optimizer given `decay=` in this file, its rate is now a schedule, which cannot be set: use a `LearningRateScheduler` there"
            if owner and self.offer_fix(original_node, LR_ATTRIBUTE.code, "Keras 3 optimizers have no `lr`: now `learning_rate`" + caveat):
                return updated_node.with_changes(attr=cst.Name("learning_rate"))
            return updated_node
        if original_node.attr.value == "get_output_shape_for" and isinstance(original_node.value, cst.Name) and original_node.value.value == "self":
            klass = self._enclosing_class(original_node)
            if klass is not None and self._renames_output_shape(klass) and self.enabled(OUTPUT_SHAPE_METHOD.code):
                return updated_node.with_changes(attr=cst.Name("compute_output_shape"))
        return updated_node

    def _written(self, node: cst.Attribute) -> bool:
        """`K.set_value(<node>, v)`, `<node>.assign(v)`, `<node> = v`: the rate is set, not read."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.AugAssign) and parent.target is node):
            return True
        if isinstance(parent, cst.Attribute) and parent.attr.value in ("assign", "assign_add", "assign_sub"):
            return True
        if isinstance(parent, cst.Arg):
            call = self.get_metadata(ParentNodeProvider, parent, None)
            return isinstance(call, cst.Call) and last_name(call) == "set_value" and bool(call.args) and call.args[0] is parent
        return False

    # -- TFM535 / TFM539: classes -------------------------------------------------------------------
    def _enclosing_class(self, node: cst.CSTNode) -> cst.ClassDef | None:
        current = self.get_metadata(ParentNodeProvider, node, None)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.get_metadata(ParentNodeProvider, current, None)
        return current

    def _keras_bases(self, klass: cst.ClassDef) -> list[str]:
        found = []
        for base in klass.bases:
            name = self.qualified_name(base.value)
            if name is not None and name.startswith("keras."):
                found.append(name)
        return found

    def _methods(self, klass: cst.ClassDef) -> dict[str, cst.FunctionDef]:
        return {s.name.value: s for s in klass.body.body if isinstance(s, cst.FunctionDef)}

    def _renames_output_shape(self, klass: cst.ClassDef) -> bool:
        methods = self._methods(klass)
        return "get_output_shape_for" in methods and "compute_output_shape" not in methods and bool(self._keras_bases(klass))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        # the method first: resolving the bases asks for the module's scope analysis, which no other class needs
        if "get_updates" in self._methods(node) and any(b.startswith("keras.optimizers") for b in self._keras_bases(node)):
            self.flag(node, TRAINING_MANUAL.code, f"`{node.name.value}` is a Keras 2 optimizer built on `get_updates(loss, params)`: Keras 3 never calls it (`fit` raises `NotImplementedError` from `update_step`); port the update rule to `build(self, variables)` and `update_step(self, gradient, variable, learning_rate)`")

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if original_node.name.value != "get_output_shape_for":
            return updated_node
        klass = self._enclosing_class(original_node)
        if klass is None or not self._renames_output_shape(klass) or self._methods(klass).get("get_output_shape_for") is not original_node:
            return updated_node
        if self.offer_fix(original_node, OUTPUT_SHAPE_METHOD.code, "Keras 1 `get_output_shape_for` is never called by Keras 3: now `compute_output_shape`"):
            return updated_node.with_changes(name=cst.Name("compute_output_shape"))
        return updated_node


CODEMOD = Keras3Training

# The identifiers every finding and rewrite of this module starts from (`Codemod.IDENTIFIERS`): the methods
# `leave_Call` dispatches on, the callee names and keywords `_worth_resolving` lets through, `.lr`, and the
# method names of TFM535 / TFM539's class checks. A file that spells none of them has nothing for it.
Keras3Training.IDENTIFIERS = frozenset(
    {*GENERATOR_TARGETS, "fit", "evaluate", "predict", "compile", "add_loss", "predict_classes"}
    | {*KERAS2_OPTIMIZERS, *OPTIMIZER_ALIASES, *CONV_KERNEL_ARITY, "Model", "TensorBoard"}
    | LAYER_KEYWORDS
    | REPORTED_LAYER_KEYWORDS
    | {"lr", "get_output_shape_for", "get_updates"}
)
