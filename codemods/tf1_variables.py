"""TFM230-TFM249 tf1-variables: variables made by TF1 helpers are created once, then reused.

What it matches
    TF1 code whose variables are made as a side effect of a call, by name, while the graph is built:

        def model(x):
            h = tf.layers.dense(x, 16, activation=tf.nn.relu)                    # TFM230
            return tf.layers.dense(h, 1)

        def dense(x, n_in, n_out, name):
            with tf.variable_scope(name):
                w = tf.get_variable("w", [n_in, n_out])                           # TFM231
                ...

    In graph mode such a function ran once. In eager TensorFlow 2 it runs on every step, so each call
    would make fresh variables; and `tf.layers`, `tf.get_variable` and `tf.variable_scope` are gone from
    TF 2.21 (no `tf.compat.v1.layers`, no `track_tf1_style_variables` to wrap the code with).

What it writes
    TFM230 tf1-layer-call: each `tf.layers.<fn>(inputs, ...)` call site that owns variables (dense, conv*,
    batch normalization) becomes one Keras layer object, created once at module level (just before the
    function that uses it, or just before the module-level statement) and called where the old call was:

        model_dense = tf.keras.layers.Dense(16, activation=tf.nn.relu)
        model_dense_1 = tf.keras.layers.Dense(1)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)

    Layers without variables (pooling, flatten, dropout) are created once the same way, with no call
    counting (sharing them changes nothing), unless their arguments differ between calls: then they are
    built inline where the call was. TF1 defaults that differ from Keras are written out (dropout `rate=0.5`, `training=False`, initializer standard deviations), TF1
    initializers become `tf.keras.initializers.*`, a `tf.variable_scope` left holding only converted layers
    is removed, and a layer argument that is a parameter of the function takes the value every call passes.

    TFM231 tf1-get-variable: a small `VariableStore(tf.Module)` is written into the file once;
    `with tf.variable_scope(name):` becomes `with variable_store.scope(name):` and `tf.get_variable(name,
    shape, initializer=...)` becomes `variable_store.get(...)`, which returns the variable of that full
    scope/name, creating it the first time (TF1's own semantics for every program that ran).

    TFM233 tf1-layer-class: `tf.layers.Dense(...)` and the other TF1 layer classes become the Keras class,
    where the object is created once (module level, `__init__`, `build`).

    TFM234 keras-layer-built-per-call: `tf.keras.layers.Dense(64)(x)` built where it is called, inside the
    graph-building code of a TF1 program (placeholders, Session) or an eager GradientTape program, is
    created once the same way as TFM230 (every call counts: variable-scope reuse never shared Keras layers).

    TFM232 tf1-variable-collection (manual): `tf.trainable_variables()`, `tf.get_collection(...)` in a file
    whose variables moved are reported, naming the layer objects / store that now hold them.

Why it can be proven
    One call site = one layer is TF1's semantics when the graph-building function runs once: the rule
    counts the calls of the function in the file (through the functions that call it) and converts only
    when exactly one call creates the variables, the others reusing them through a `reuse` parameter passed
    to `tf.variable_scope(name, reuse=reuse)` (or an `AUTO_REUSE` scope). In an eager file (one that uses
    `tf.GradientTape` and no Session or placeholder), TF1's helpers made new variables on every call, the
    bug this fixes: the function is one model, however often it is called. For `tf.get_variable`, TF1 raised
    on a second creation without reuse, so a store that returns the existing variable does what TF1 did in
    every run that succeeded. Anything else (calls in loops of a graph program, a function never called in
    the file, arguments that differ between calls, regularizers, `reuse=` on a layer, `default_name`
    scopes, `as scope`, variables inside classes) is reported for a person, with what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider
from libcst.metadata.scope_provider import GlobalScope

from tf2migrate import traversal
from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import legacy_keras
from . import arg_scopes, collection_var_lists, graph_layers, graph_rnn_cells, graph_shared_layers
from .contrib_layer_specs import ARG_SCOPES, CONTRIB_LAYER_RULE, contrib_bessel, CONTRIB_LAYERS, CONTRIB_MODULES, LayerSpec, translate
from .base import Codemod, Rule
from .builders import with_commas
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name
from .names import dotted, last_name

LAYER_RULE = Rule(
    code="TFM230",
    name="tf1-layer-call",
    fix=FixKind.SAFE,
    summary="`tf.layers.dense/conv2d/...` calls become Keras layers created once and called where the old call was.",
    explanation="""
        `tf.layers` is gone from TensorFlow 2.21 (there is no `tf.compat.v1.layers` any more). In TF1, a call
        like `tf.layers.dense(x, 16)` made the layer's variables while the graph was built, once; in eager
        TensorFlow 2 the function that contains it runs on every step, so the layer must be created once and
        only called there. Each call site that owns variables (dense, conv1d/2d/3d, conv2d_transpose,
        batch_normalization) becomes a `tf.keras.layers.*` object at module level, named after the function
        and the layer. Pooling, flatten and dropout have no variables: they are created once the same way
        whatever the call count, or built inline when their arguments differ between calls. Arguments are
        mapped to Keras 3 names; TF1 defaults that Keras does not share are written out.

        The rule proves that one call site means one layer: the function must be called once in the file
        (counted through the functions that call it), or every other call must reuse the variables through
        a `reuse` parameter given to `tf.variable_scope(name, reuse=reuse)` or an `AUTO_REUSE` scope; in an
        eager file (one using `tf.GradientTape`, no Session or placeholder) TF1's helpers made new variables
        on every call, the bug this fixes, and the function is taken to be one model however often it runs.
        Otherwise the call is reported: create the layers yourself (in `__init__` of a `tf.Module` or Keras
        model, or at module level) and call them, one object per set of weights you want.
    """,
    before="""
        def model(x):
            h = tf.layers.dense(x, 16, activation=tf.nn.relu)
            return tf.layers.dense(h, 1)
    """,
    after="""
        model_dense = tf.keras.layers.Dense(16, activation=tf.nn.relu)
        model_dense_1 = tf.keras.layers.Dense(1)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)
    """,
)

CLASS_RULE = Rule(
    code="TFM233",
    name="tf1-layer-class",
    fix=FixKind.SAFE,
    summary="`tf.layers.Dense(...)` and the other TF1 layer classes become their `tf.keras.layers` counterparts.",
    explanation="""
        TF1's layer classes (`tf.layers.Dense`, `Conv2D`, `MaxPooling2D`, `Dropout`, `BatchNormalization`,
        ...) are gone from TensorFlow 2.21. An object built from one already holds its variables, so it only
        needs the Keras class: the arguments are mapped as for the `tf.layers.*` functions (TFM230), with TF1
        defaults that Keras does not share written out. The object is rewritten where it is created when that
        is at module level or in a class's `__init__`/`build`; created in any other function, which eager code
        runs on every step, it is reported: create it once and call it there.
    """,
    before="""
        self.hidden = tf.layers.Dense(256, activation=tf.nn.relu)
        self.drop = tf.layers.Dropout()
    """,
    after="""
        self.hidden = tf.keras.layers.Dense(256, activation=tf.nn.relu)
        self.drop = tf.keras.layers.Dropout(0.5)
    """,
)

KERAS_RULE = Rule(
    code="TFM234",
    name="keras-layer-built-per-call",
    fix=FixKind.SAFE,
    summary="A Keras layer built and called in one expression (`tf.keras.layers.Dense(10)(x)`) inside graph-building code is created once.",
    explanation="""
        TF1-era code often used Keras layers like `tf.layers` functions: `h = tf.keras.layers.Dense(64)(x)`
        inside the function that builds the model. In graph mode that function ran once. In eager TF2 code
        (and after the Session rewrite, TFM201) it runs on every step, and each run builds a new layer with
        new variables, so nothing is trained. In a TF1 graph program (placeholders or a Session) or an eager
        program using `tf.GradientTape`, such a layer is created once at module level, named after the
        function and the layer, and called where it was built, under the same proof as TFM230: the
        function's calls in the file are counted (TF1 variable-scope reuse does not share Keras layers, so
        every call counts). Layers without variables (pooling, flatten, dropout, activations, ...) are moved
        only when their arguments allow. Functions that build a Keras functional model (`keras.Input`,
        `keras.Model`, `Sequential`) and code in classes are left alone.
    """,
    before="""
        def model(x):
            h = tf.keras.layers.Dense(64, activation="relu")(x)
            return tf.keras.layers.Dense(1)(h)
    """,
    after="""
        model_dense = tf.keras.layers.Dense(64, activation="relu")
        model_dense_1 = tf.keras.layers.Dense(1)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)
    """,
)
KERAS_STATELESS = frozenset(
    {"Flatten", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
     "AlphaDropout", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
     "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D",
     "GlobalMaxPooling2D", "GlobalMaxPooling3D", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Reshape", "Permute",
     "RepeatVector", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
     "Cropping1D", "Cropping2D", "Cropping3D", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}
)  # fmt: skip
KERAS_MODEL_BUILDERS = frozenset({"keras.Input", "keras.layers.Input", "keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"})

STORE_RULE = Rule(
    code="TFM231",
    name="tf1-get-variable",
    fix=FixKind.SAFE,
    summary="`tf.get_variable` in `tf.variable_scope` helpers: variables created once in a store keyed by scope/name, then reused.",
    explanation="""
        `tf.get_variable` and `tf.variable_scope` are gone from TensorFlow 2.21. In TF1 they looked variables
        up by their full name (`scope/name`) in the graph's variable store: helper functions made them while
        the graph was built and found them again when a scope was reused. In eager TensorFlow 2 the helpers
        run on every step, so the variables must be created once and found again. The rule writes a small
        `tf.Module` into the file that keeps TF1's semantics: `variable_store.scope(name)` stands for
        `tf.variable_scope(name)` and `variable_store.get(name, shape, initializer=...)` returns the variable
        of that full name, creating it (with TF1's default, Glorot uniform, or the Keras counterpart of the
        TF1 initializer) the first time. Its variables are `variable_store.trainable_variables`.

        A TF1 program that ran never asked for an existing name without reuse (TF1 raised `ValueError`), so
        returning the existing variable is what TF1 did whenever it did not fail; `reuse=` therefore needs
        no counterpart. The file is converted as a whole or not at all: scopes opened with `default_name`,
        `as scope`, `tf.get_variable_scope()`, regularizers, partitioners, custom getters, collections, calls
        inside classes (Keras layers: see TFM102) are reported, and nothing in the file is changed.
    """,
    before="""
        def dense(x, n_in, n_out, name):
            with tf.variable_scope(name):
                w = tf.get_variable("w", [n_in, n_out], initializer=tf.truncated_normal_initializer(stddev=0.1))
                b = tf.get_variable("b", [n_out], initializer=tf.zeros_initializer())
                return tf.matmul(x, w) + b
    """,
    after="""
        class VariableStore(tf.Module):
            ...  # written once into the file: scope(name), get(name, shape, dtype, initializer, trainable)


        variable_store = VariableStore()


        def dense(x, n_in, n_out, name):
            with variable_store.scope(name):
                w = variable_store.get("w", [n_in, n_out], initializer=tf.keras.initializers.TruncatedNormal(stddev=0.1))
                b = variable_store.get("b", [n_out], initializer=tf.keras.initializers.Zeros())
                return tf.matmul(x, w) + b
    """,
)

COLLECTION_RULE = Rule(
    code="TFM232",
    name="tf1-variable-collection",
    fix=FixKind.MANUAL,
    summary="`tf.trainable_variables()` / `tf.get_collection(...)` in a file whose TF1 variables were moved to Keras layers or the variable store.",
    explanation="""
        TF1 put every variable in graph collections; `tf.trainable_variables(scope)` and
        `tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope)` listed them, often to give each of two
        optimizers its own variables (GANs). TensorFlow 2 has no collections. Once TFM230/TFM231 have moved a
        file's variables into Keras layer objects or the variable store, these lists come from those objects:
        each layer's `trainable_variables` (filled when the layer is first called) and
        `variable_store.trainable_variables`; for `GLOBAL_VARIABLES` / `tf.global_variables()`, which also
        listed non-trainable variables (a DQN's target network made with `trainable=False`), `variables`.
        The rule names, at each call, the objects that held the variables of the scope asked for, and what
        else TF1's list held: TF1 matched the scope as a name prefix (`scope="q"` also selected `q_next/...`)
        and all-variable lists held the optimizer's slot variables. Taking them from there (after the model
        has run once), or from `tape.watched_variables()` inside the training step, is left to a person.
    """,
    before="""
        gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")
    """,
    after="""
        gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")  # reported: use generator_dense.trainable_variables + ...
    """,
)
COLLECTION_LOOKUPS = frozenset(
    {"tf.trainable_variables", "tf.global_variables", "tf.all_variables", "tf.model_variables", "tf.local_variables",
     "tf.get_collection", "tf.get_collection_ref", "tf.moving_average_variables"}
)  # fmt: skip

GLOBAL_KEYS = ("GLOBAL_VARIABLES", "VARIABLES")  # `tf.GraphKeys.<key>`: every variable, trainable or not


def _lists_all_variables(name: str, call: cst.Call) -> bool:
    """`tf.global_variables()` / `tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, ...)`: TF1 listed the
    non-trainable variables too (a target network made with `trainable=False`, optimizer slots)."""
    if name in ("tf.global_variables", "tf.all_variables"):
        return True
    if name not in ("tf.get_collection", "tf.get_collection_ref") or not call.args:
        return False
    key = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "key"), call.args[0].value if call.args[0].keyword is None else None)
    if isinstance(key, cst.Attribute):
        return key.attr.value in GLOBAL_KEYS
    return isinstance(key, cst.SimpleString) and key.evaluated_value == "variables"


def _prefix_caveat(scopes: list[str], scope_layers: dict[str, list[str]], everything: bool) -> str:
    """TF1 filtered a collection with `re.match(scope, name)`: a name prefix with no `/` boundary, so
    `scope="q"` also selected `q_next/...` (and, for all variables, the optimizer slots `q/.../Adam`)."""
    wider = sorted({other for scope in scopes for other in scope_layers if other != scope and other.startswith(scope) and not other.startswith(scope + "/")})
    notes = []
    if wider:
        layers = ", ".join(f"`{obj}`" for other in wider for obj in scope_layers[other])
        notes.append(f"the {'' if everything else 'trainable '}variables of scope(s) {', '.join(f'`{w}`' for w in wider)} ({layers}), the scope matching as a name prefix")
    if everything and scopes:
        notes.append(f"any optimizer slot variables made under `{scopes[0]}/` (Adam's, Momentum's), which Keras optimizers keep to themselves")
    return "; TF1's list also held " + " and ".join(notes) if notes else ""


STORE_CLASS = '''
class VariableStore(TF.Module):
    """The variables this file made with TF1's `tf.get_variable`: created once, found again by scope/name."""

    def __init__(self):
        super().__init__(name="variable_store")
        self._by_name = {}
        self._scopes = []

    @contextlib.contextmanager
    def scope(self, name):
        """What `tf.variable_scope(name)` was: names made inside are prefixed with `name/`."""
        self._scopes.append(name)
        try:
            yield
        finally:
            self._scopes.pop()

    def get(self, name, shape=None, dtype=None, initializer=None, trainable=True):
        """What `tf.get_variable` was: the variable of this full name, created the first time."""
        full_name = "/".join([*self._scopes, name])
        if full_name not in self._by_name:
            if initializer is None:  # TF1's default: Glorot uniform for floats, zeros for the rest
                floating = TF.as_dtype(dtype or TF.float32).is_floating
                initializer = TF.keras.initializers.GlorotUniform() if floating else TF.keras.initializers.Zeros()
            with TF.init_scope():  # created eagerly, also when first called inside a tf.function
                if callable(initializer):
                    value = initializer(shape, dtype=dtype or TF.float32)
                else:
                    value = TF.convert_to_tensor(initializer, dtype=dtype)
                self._by_name[full_name] = TF.Variable(value, name=full_name, trainable=trainable)
        return self._by_name[full_name]


STORE = VariableStore()
'''

# tf.get_variable's TF1 positional order; keywords carried over, and keywords accepted only with these values.
GET_VARIABLE_PARAMS = (
    "name", "shape", "dtype", "initializer", "regularizer", "trainable", "collections", "caching_device",
    "partitioner", "validate_shape", "use_resource", "custom_getter", "constraint", "synchronization", "aggregation",
)  # fmt: skip
GET_VARIABLE_KEEP = ("name", "shape", "dtype", "initializer", "trainable")
GET_VARIABLE_NEUTRAL = {"regularizer": ("None",), "collections": ("None",), "caching_device": ("None",), "partitioner": ("None",),
                        "validate_shape": ("True",), "use_resource": ("None", "True"), "custom_getter": ("None",), "constraint": ("None",)}  # fmt: skip
SCOPE_TF1_ONLY = frozenset({"tf.get_variable_scope", "tf.variable_op_scope", "tf.get_local_variable", "tf.VariableScope", "tf.make_template"})


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

_LOOPS = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Lambda)


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


class Unsupported(Exception):
    """Raised while planning a rewrite: the message says what a person has to do."""


@dataclass
class LayerSite:
    call: cst.Call
    kind: str
    statement: cst.SimpleStatementLine
    function: cst.FunctionDef | None  # module-level def containing it, or None at module level
    constructor: cst.Call | None = None
    invocation: cst.Call | None = None
    inputs_index: int = 0  # which argument of the old call is `inputs`
    in_loop: bool = False
    hoisted: bool = False  # created once before the function or statement (always, for layers with variables)
    object_name: str = ""
    graph_inline: bool = False  # graph-mode fallback: built in the call, as TF1 built it (`graph_layers`)


@dataclass
class Plan:
    sites: dict[cst.Call, LayerSite] = field(default_factory=dict)  # original call -> site converted
    before: dict[cst.CSTNode, list[LayerSite]] = field(default_factory=dict)  # statement -> layers created before it
    unwrap: set[cst.With] = field(default_factory=set)  # `with tf.variable_scope(...)` removed (body kept)
    store_calls: dict[cst.Call, cst.Call] = field(default_factory=dict)  # get_variable / variable_scope -> store call
    store_name: str = ""
    store_class: str = ""
    scope_layers: dict[str, list[str]] = field(default_factory=dict)  # removed variable_scope name -> layer objects


def _source(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`, spaced as PEP 8 wants."""
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))


def _is_preamble(statement: cst.BaseStatement, index: int) -> bool:
    """Module docstring, imports: what the variable store is written after."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            continue
        if index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            continue
        return False
    return True


def _words(class_name: str) -> str:
    """`BatchNormalization` -> `batch_normalization`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", class_name).lower()


def _snake(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z_]", "_", text).strip("_").lower()
    if not name or name[0].isdigit():
        name = "layer_" + name
    return name


class Tf1Variables(Codemod):
    RULES = (LAYER_RULE, STORE_RULE, COLLECTION_RULE, CLASS_RULE, KERAS_RULE, CONTRIB_LAYER_RULE, collection_var_lists.RULE)
    TRIGGERS = ("layers", "get_variable", "contrib")
    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    def __init__(self, context, run) -> None:
        super().__init__(context, run)
        self.plan = Plan()
        self.var_lists = collection_var_lists.Rewrites()  # TFM271
        self.tf = "tf"
        self._shares: bool | None = None

    # -- analysis ------------------------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node
        # `tf.keras` is the same Keras 3 under `tensorflow` and `tensorflow.compat.v1`: use the file's alias.
        self.alias = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or module_alias(node, "tensorflow.compat.v2")
        self.tf = self.alias or "tf"
        collected = _collect(node)
        # In a file left in graph mode, `--legacy-keras-fallback` keeps `tf.layers` (it runs on tf_keras there).
        self.legacy = self.run.selection.legacy_keras_fallback or legacy_keras.opted_in(node)
        self.taken = set(collected.names)
        self.written = graph_shared_layers.written_names(node)
        self.withs = collected.withs
        # Only calls spelled like something this module handles are resolved (resolution is the slow part).
        self.resolved: dict[cst.CSTNode, str | None] = {}
        self.candidates = [
            c for c in collected.calls
            if _tail(c) in _INTERESTING_TAILS or ".layers." in (dotted(c.func) or "")
            or (isinstance(c.func, cst.Name) and c.func.value in collected.from_imported)
        ]  # fmt: skip
        # `SomeLayer(...)(x)`: the inner call is resolved when it is spelled like a class.
        self.keras_calls = [c for c in collected.calls if isinstance(c.func, cst.Call) and _tail(c.func)[:1].isupper()]
        for call in self.keras_calls:
            self.resolved[call.func] = self.qualified_name(call.func)
        for call in self.candidates:
            self.resolved[call] = self.qualified_name(call)
        self.scope_references = [n for n in collected.dotted if _tail(n) == "variable_scope"]
        self.app_runs = [c for c in collected.calls if (dotted(c.func) or "").endswith("app.run") and self.qualified_name(c) in ("tf.app.run", "absl.app.run")]
        # An eager program (GradientTape, no Session or placeholder): TF1 helpers made new variables on every
        # call there, which is the bug being fixed; a model function is one model however often it is called.
        called = {self.resolved[call] for call in self.candidates}
        self.eager = "tf.GradientTape" in called and not called & {"tf.Session", "tf.InteractiveSession", "tf.placeholder"}
        self.sessions = bool(called & {"tf.Session", "tf.InteractiveSession"})
        self.call_counts: dict[tuple[cst.FunctionDef, bool], int | str] = {}
        self.classes: dict[cst.Call, LayerSite] = {}
        self.keras_builders: dict[cst.FunctionDef | None, bool] = {}
        sites: list[LayerSite] = []
        arg_scope = any(self.resolved[c] in ARG_SCOPES for c in self.candidates)
        self.scope_defaults: dict[cst.Call, list[tuple[str, cst.BaseExpression]]] = {}
        expansion = None
        if arg_scope:
            local_functions = {f.name.value for f in find(node, cst.FunctionDef)}  # type: ignore[attr-defined]
            expansion = arg_scopes.expand(node, self.qualified_name, ARG_SCOPES, _contrib_layer_name, local_functions)
            if expansion is not None:
                self.scope_defaults = expansion.defaults
                arg_scope = False
        for call in self.candidates:
            name = self.resolved[call]
            if name is not None and _contrib_layer_name(name):
                kind = "contrib.layers." + name.split(".")[-1]
                if not self.enabled(CONTRIB_LAYER_RULE.code):
                    continue
                if arg_scope:
                    self.flag(call, CONTRIB_LAYER_RULE.code, f"`{name}` left as it is: this file uses `arg_scope`, whose defaults the Keras layer would not get; write them into the calls, remove the scope, and run the tool again")
                    continue
                try:
                    site = self._site(call, kind)
                    self._build(site)
                except Unsupported as reason:
                    site = self._graph_inline(call, kind)
                    if site is None:
                        self.flag(call, CONTRIB_LAYER_RULE.code, f"`{name}` left as it is: {reason}")
                        continue
                sites.append(site)
                continue
            if name is None or not name.startswith("tf.layers.") or name.count(".") != 2:
                continue
            kind = name.split(".")[-1]
            if kind in LAYER_CLASSES:
                self._layer_class(call, kind)
                continue
            if kind not in LAYERS:
                if kind[:1].islower() and self.enabled(LAYER_RULE.code):
                    self.flag(call, LAYER_RULE.code, f"`tf.layers.{kind}` is gone in TF 2.21 and has no automatic rewrite: create the matching `tf.keras.layers` object once and call it here")
                continue
            if not self.enabled(LAYER_RULE.code):
                continue
            try:
                site = self._site(call, kind)
                self._build(site)
            except Unsupported as reason:
                site = self._graph_inline(call, kind)
                if site is None:
                    self.flag(call, LAYER_RULE.code, f"`tf.layers.{kind}` left as it is: {reason}")
                    continue
            sites.append(site)
        for site in sites:
            if self.run.graph_mode and self.legacy and not site.kind.startswith("contrib."):
                continue  # the fallback runs `tf.layers` itself on tf_keras (TFM260)
            if self.run.graph_mode and LAYERS[site.kind].keras == "Dropout":
                try:
                    self._graph_dropout(site)
                except Unsupported as reason:
                    self.flag(site.call, _code(site.kind), f"`{_spelled(site.kind)}` left as it is: {reason}")
                    continue
            unproven = None if site.graph_inline else graph_unproven(LAYERS[site.kind], self._pairs(site.call, site.kind))
            if self.run.graph_mode and unproven is not None:
                self.flag(site.call, _code(site.kind), f"`{_spelled(site.kind)}` left as it is: {unproven}")
                continue
            bessel = contrib_bessel(LAYERS[site.kind], self._arguments(site.call, LAYERS[site.kind], site.kind)[1])
            if not self.offer_fix(site.call, _code(site.kind), self._message(site) + (bessel or ""), unsafe=bessel is not None):
                continue
            if unproven is not None or self.legacy:
                self.run.graph_unproven += 1
            self.plan.sites[site.call] = site
            schedule_removal_of_imports_used_by(self.context, site.call.func)
            if site.hoisted:
                anchor = site.function if site.function is not None else site.statement
                self.plan.before.setdefault(anchor, []).append(site)
        if expansion is not None:
            for block, covered in expansion.blocks.items():
                if all(call in self.plan.sites for call in covered) and isinstance(block.body, cst.IndentedBlock):
                    self.plan.unwrap.add(block)  # its defaults are in the calls now
                    schedule_removal_of_imports_used_by(self.context, block.items[0].item.func)  # type: ignore[attr-defined]
        self.plan.sites.update(self.classes)
        graph_or_tape = bool(called & {"tf.Session", "tf.InteractiveSession", "tf.placeholder", "tf.GradientTape"})
        if self.enabled(KERAS_RULE.code) and graph_or_tape:
            self._keras_layers()
        if self.plan.sites:
            self._plan_scope_removal(node)
        if self.enabled(STORE_RULE.code):
            self._plan_store(node)
        # With TFM293's functions, variables made by get_variable stay in TF1's collections: only a Keras layer with
        # variables (or the store) would be missing from them.
        kept_in_collections = bool(self.written) and not self.plan.store_calls and not any(
            site.kind not in LAYERS or LAYERS[site.kind].stateful for site in self.plan.sites.values())
        if (self.plan.sites or self.plan.store_calls) and (self.enabled(COLLECTION_RULE.code) or self.enabled(collection_var_lists.RULE.code)) and not kept_in_collections:
            self._flag_collections(node)
        if (self.plan.sites or self.plan.store_calls) and self.alias is None:
            self.tf = tensorflow_name(self.context, node)
        for created in self.plan.before.values():
            created.sort(key=lambda site: self.position(site.call))  # in the order the old calls were written

    def _message(self, site: LayerSite) -> str:
        spec = LAYERS[site.kind]
        if site.graph_inline:
            made = "`tf.nn.dropout` (TF1's dropout as graph ops: Keras 3 `Dropout` cannot take TF1's `training` there)" if spec.keras == "Dropout" else f"`tf.keras.layers.{spec.keras}` built in the call, a new layer each time it runs, as TF1 made one"
            return f"`{_spelled(site.kind)}` is gone in TF 2.21; this file stays in graph mode (TFM260): now {made}"
        where = f"before `{site.function.name.value}`" if site.function is not None else "at module level"
        if spec.stateful:
            return f"`{_spelled(site.kind)}` (gone in TF 2.21) makes variables on every eager call: now `tf.keras.layers.{spec.keras}` created once ({site.object_name}, {where})"
        if site.hoisted:
            return f"`{_spelled(site.kind)}` is gone in TF 2.21: now `tf.keras.layers.{spec.keras}` created once ({site.object_name}, {where})"
        return f"`{_spelled(site.kind)}` is gone in TF 2.21: now `tf.keras.layers.{spec.keras}` (no variables, built inline: its arguments change between calls)"

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _site(self, call: cst.Call, kind: str) -> LayerSite:
        ancestors: list[cst.CSTNode] = []
        node: cst.CSTNode | None = self._parent(call)
        while node is not None:
            ancestors.append(node)
            node = self._parent(node)
        if any(isinstance(a, cst.ClassDef) for a in ancestors):
            raise Unsupported("inside a class: create the Keras layer once in `__init__` and call it here")
        functions = [a for a in ancestors if isinstance(a, (cst.FunctionDef, cst.Lambda))]
        if len(functions) > 1 or (functions and not isinstance(self._parent(functions[0]), cst.Module)):
            raise Unsupported("inside a nested function: create the Keras layer once, outside it, and call it here")
        function = functions[0] if functions else None
        statement = next((a for a in ancestors if isinstance(a, cst.SimpleStatementLine)), None)
        in_loop = any(isinstance(a, _LOOPS) for a in ancestors)
        if statement is None:
            raise Unsupported("not in a simple statement: create the Keras layer once before it and call it here")
        spec = LAYERS[kind]
        site = LayerSite(call=call, kind=kind, statement=statement, function=function, in_loop=in_loop)
        if not spec.stateful:
            return site
        if in_loop:
            raise Unsupported("called in a loop, which makes a new layer (new variables) each time in TF1: create one Keras layer per layer you want, once, and call them in the loop")
        if function is not None:
            self._check_function_called_once(function)
        return site

    def _graph_inline(self, call: cst.Call, kind: str) -> LayerSite | None:
        """A layer whose call count cannot be proven, in a file that stays in graph mode and shares no variables
        by name: built in the call (TF1 made a new layer on every call too). On the first pass it only asks
        for the graph-mode pass (`graph_unproven`), since the file may yet become eager."""
        if self.legacy and not kind.startswith("contrib."):
            return None
        if self._shares is None:
            self._shares = graph_layers.shares_variables(self.tree.code)
        if self._shares:
            return None
        spec = LAYERS[kind]
        site = LayerSite(call=call, kind=kind, statement=None, function=None, in_loop=True, graph_inline=True)  # type: ignore[arg-type]
        try:
            if spec.keras == "Dropout":
                self._graph_dropout(site)
            else:
                inputs, pairs = self._arguments(call, spec, kind)
                site.inputs_index = self._inputs_index
                site.constructor, call_keywords = self._constructor(spec, self._translated(spec, pairs), None)
                site.invocation = cst.Call(func=site.constructor, args=with_commas([cst.Arg(value=inputs), *call_keywords]))
        except Unsupported:
            return None
        if not self.run.graph_mode:
            self.run.graph_unproven += 1  # would run in graph mode: ask for that pass
            return None
        return site

    def _graph_dropout(self, site: LayerSite) -> None:
        """TF1's dropout as `tf.nn.dropout` in a graph-mode file (`graph_layers.graph_dropout`)."""
        spec = LAYERS[site.kind]
        inputs, pairs = self._arguments(site.call, spec, site.kind)
        site.inputs_index = self._inputs_index
        if spec.source != "tf.layers":  # contrib: keep_prob may be a tensor here (`tf.nn.dropout` takes one)
            pairs = [("rate", cst.parse_expression(f"1 - {_source(v) if isinstance(v, (cst.Name, cst.Attribute, cst.Integer, cst.Float)) else '(' + _source(v) + ')'}"))
                     if k == "keep_prob" and _NUMBER.match(_source(v)) is None else (k, v) for k, v in pairs]  # fmt: skip
        pairs = [(k, v) for k, v in self._translated(spec, pairs) if not (k in _DROP_IF and _source(v) in _DROP_IF[k])]
        try:
            site.invocation = graph_layers.graph_dropout(self.tf, inputs, pairs, dict(spec.call_args)["training"])
        except ValueError as reason:
            raise Unsupported(str(reason)) from None
        site.hoisted, site.constructor, site.graph_inline = False, None, True

    # How many times a module-level function builds its variables: 1, or the reason it cannot be told.
    def _check_function_called_once(self, function: cst.FunctionDef, honour_reuse: bool = True) -> None:
        count = self._creating_calls(function, set(), honour_reuse)
        if count != 1:
            raise Unsupported(count if isinstance(count, str) else f"`{function.name.value}` builds its layers {count} times in this file")

    def _creating_calls(self, function: cst.FunctionDef, seen: set[cst.FunctionDef], honour_reuse: bool = True) -> int | str:
        """How many times `function` builds its variables. `honour_reuse`: TF1 variable-scope reuse shares
        them (true for `tf.layers`; Keras layers built in the call make new variables whatever the scope)."""
        if (function, honour_reuse) in self.call_counts:
            return self.call_counts[(function, honour_reuse)]
        if function in seen:
            return f"`{function.name.value}` is recursive"
        seen = seen | {function}
        name = function.name.value
        scope = self.get_metadata(ScopeProvider, function, None)
        if not isinstance(scope, GlobalScope):
            return f"`{name}` is not a module-level function"
        assignments = scope.assignments[name]
        if len(assignments) != 1:
            return f"`{name}` is bound more than once in the module"
        references = list(next(iter(assignments)).references)
        # `tf.app.run()` / `absl.app.run(main)` call the script's `main` once.
        implicit = [c for c in self.app_runs if name == "main" and not any(a.keyword is None or a.keyword.value == "main" for a in c.args)]
        if not references and not implicit:
            return f"`{name}` is not called in this file, so how many models it builds cannot be told: create its layers once where it is used"
        reuse = self._reuse_parameter(function) if honour_reuse else None
        total = 0
        for run_call in implicit:
            times = self._times(run_call, seen, honour_reuse)
            if isinstance(times, str):
                return times
            total += times
        for access in references:
            reference = access.node
            parent = self._parent(reference)
            if isinstance(parent, cst.Arg) and self._parent(parent) in self.app_runs and parent.value is reference:
                times = self._times(self._parent(parent), seen, honour_reuse)  # type: ignore[arg-type]
                if isinstance(times, str):
                    return times
                total += times
                continue
            if not (isinstance(parent, cst.Call) and parent.func is reference):
                return f"`{name}` is used other than by a direct call (line {self.position(reference)[0]}), so how many models it builds cannot be told"
            if reuse == "auto" or self.eager:
                continue
            if reuse is not None and self._passes_reuse_true(parent, function, reuse):
                continue
            times = self._times(parent, seen, honour_reuse)
            if isinstance(times, str):
                return times
            total += times
        if reuse == "auto" or self.eager:
            total = 1
        self.call_counts[(function, honour_reuse)] = total
        return total

    def _times(self, call: cst.Call, seen: set[cst.FunctionDef], honour_reuse: bool = True) -> int | str:
        """How many times a call site runs while the graph is built."""
        node: cst.CSTNode | None = call
        loop = False
        while True:
            parent = self._parent(node)  # type: ignore[arg-type]
            if parent is None or isinstance(parent, cst.Module):
                break
            if isinstance(parent, _LOOPS):
                loop = True
            if isinstance(parent, cst.ClassDef):
                return f"called from class `{parent.name.value}` (line {self.position(call)[0]}): create the layers once in its `__init__`"
            if isinstance(parent, cst.FunctionDef):
                if loop:
                    return f"called in a loop (line {self.run.linemap.to_original(self.position(call)[0])}), which builds new variables on each pass in TF1"
                if not isinstance(self._parent(parent), cst.Module):
                    return f"called from a nested function (line {self.position(call)[0]})"
                return self._creating_calls(parent, seen, honour_reuse)
            node = parent
        if loop:
            return f"called in a loop (line {self.run.linemap.to_original(self.position(call)[0])}), which builds new variables on each pass in TF1"
        return 1

    def _reuse_parameter(self, function: cst.FunctionDef) -> str | None:
        """'auto' when every layer of `function` sits in `tf.variable_scope(<str>, reuse=tf.AUTO_REUSE)`;
        the parameter name when they sit in `tf.variable_scope(<str>, reuse=<parameter>)`; else None."""
        scopes = [w for w in find(function, cst.With) if self._variable_scope(w) is not None]
        if len(scopes) != 1:
            return None
        scope_call = self._variable_scope(scopes[0])
        assert scope_call is not None
        reuse = next((a.value for a in scope_call.args if a.keyword is not None and a.keyword.value == "reuse"), None)
        if reuse is None:
            return None
        inside = set(find(scopes[0].body, cst.Call))
        in_function = set(_collect(function).calls)
        layers = [c for c in self.candidates if c in in_function and (self.resolved[c] or "").startswith("tf.layers.")]
        if any(c not in inside for c in layers):
            return None
        if self.qualified_name(reuse) == "tf.AUTO_REUSE":
            return "auto"
        params = [p.name.value for p in function.params.params]
        if isinstance(reuse, cst.Name) and reuse.value in params:
            return reuse.value
        return None

    def _passes_reuse_true(self, call: cst.Call, function: cst.FunctionDef, parameter: str) -> bool:
        params = [p.name.value for p in function.params.params]
        index = params.index(parameter)
        value = None
        for position, arg in enumerate(call.args):
            if arg.star:
                return False
            if arg.keyword is None and position == index:
                value = arg.value
            elif arg.keyword is not None and arg.keyword.value == parameter:
                value = arg.value
        return isinstance(value, cst.Name) and value.value == "True"

    def _variable_scope(self, node: cst.With) -> cst.Call | None:
        if len(node.items) != 1 or node.items[0].asname is not None:
            return None
        item = node.items[0].item
        if isinstance(item, cst.Call) and self.qualified_name(item) == "tf.variable_scope":
            return item
        return None

    # -- building the new calls -----------------------------------------------------------------------------------
    def _arguments(self, call: cst.Call, spec: LayerSpec, kind: str) -> tuple[cst.BaseExpression, list[tuple[str, cst.BaseExpression]]]:
        inputs: cst.BaseExpression | None = None
        pairs: list[tuple[str, cst.BaseExpression]] = []
        positional = 0
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unsupported("`*args` / `**kwargs` in the call: write the arguments out")
            if arg.keyword is None:
                if positional == 0:
                    inputs, self._inputs_index = arg.value, index
                elif positional - 1 < len(spec.params):
                    pairs.append((spec.params[positional - 1], arg.value))
                else:
                    raise Unsupported("more positional arguments than TF1 accepted")
                positional += 1
                continue
            keyword = arg.keyword.value
            if keyword in ("inputs", spec.inputs):
                inputs, self._inputs_index = arg.value, index
            elif keyword in spec.params:
                pairs.append((keyword, arg.value))
            else:
                raise Unsupported(f"unknown argument `{keyword}` for `{_spelled(kind)}`")
        if inputs is None:
            raise Unsupported("no `inputs` argument")
        given = {keyword for keyword, _ in pairs}
        for keyword, value in getattr(self, "scope_defaults", {}).get(call, []):  # `arg_scope` defaults (`arg_scopes`)
            if keyword not in spec.params:
                raise Unsupported(f"`arg_scope` sets `{keyword}=`, which `{_spelled(kind)}` does not take")
            if keyword not in given:
                pairs.append((keyword, value))
        return inputs, pairs

    @staticmethod
    def _translated(spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]]) -> list[tuple[str, cst.BaseExpression]]:
        """contrib keywords as the tf.layers / Keras ones (TFM237); tf.layers pairs unchanged."""
        if spec.source == "tf.layers":
            return pairs
        try:
            return translate(spec, pairs)
        except ValueError as reason:
            raise Unsupported(str(reason)) from None

    def _pairs(self, call: cst.Call, kind: str) -> list[tuple[str, cst.BaseExpression]]:
        spec = LAYERS[kind]
        return self._translated(spec, self._arguments(call, spec, kind)[1])

    def _build(self, site: LayerSite) -> None:
        spec = LAYERS[site.kind]
        inputs, pairs = self._arguments(site.call, spec, site.kind)
        site.inputs_index = self._inputs_index
        pairs = self._translated(spec, pairs)
        given = dict(pairs)
        if spec.stateful:
            site.constructor, call_keywords = self._constructor(spec, pairs, site.function)
            site.hoisted = True
        else:
            # No variables: sharing one object is always right, so it is created once when its arguments
            # allow (Keras' Dropout keeps a seed state: one per call would grow a tf.function); else inline.
            try:
                if site.in_loop:
                    raise Unsupported("in a loop")
                site.constructor, call_keywords = self._constructor(spec, pairs, site.function)
                site.hoisted = True
            except Unsupported:
                site.constructor, call_keywords = self._constructor(spec, pairs, None)
        if site.hoisted:
            site.object_name = self._object_name(site, given.get("name"), spec.base or site.kind)
            callee: cst.BaseExpression = cst.Name(site.object_name)
        else:
            callee = site.constructor
        site.invocation = cst.Call(func=callee, args=with_commas([cst.Arg(value=inputs), *call_keywords]))

    def _constructor(
        self, spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]], hoist: cst.FunctionDef | None
    ) -> tuple[cst.Call, list[cst.Arg]]:
        """The Keras constructor call for TF1 (keyword, value) pairs, and the keywords that go to the call."""
        given = dict(pairs)
        constructor: list[tuple[str, cst.BaseExpression]] = []
        call_keywords: list[cst.Arg] = []
        call_names = {name for name, _ in spec.call_args}
        for keyword, value in pairs:
            text = _source(value)
            if keyword in _DROP_IF and text in _DROP_IF[keyword]:
                continue
            if keyword in _MANUAL_KEYWORDS:
                raise Unsupported(f"`{keyword}=`: {_MANUAL_KEYWORDS[keyword]}; create the Keras layer yourself")
            if keyword in call_names:
                call_keywords.append(_kw(keyword, value))
                continue
            if keyword in _INITIALIZER_KEYWORDS:
                value = self._initializer(value)
            constructor.append((keyword, value))
        for keyword, default in spec.call_args:
            if keyword not in given:
                call_keywords.append(_kw(keyword, cst.parse_expression(default)))
        for keyword, default in spec.defaults:
            if keyword not in given:
                constructor.append((keyword, cst.parse_expression(default)))
        if hoist is not None:
            constructor = [(keyword, self._hoisted(value, hoist)) for keyword, value in constructor]
        # Keras' leading arguments positionally (a leading run in Keras' order: `strides` cannot follow a
        # missing `pool_size`), the rest as keywords in TF1's order.
        values = dict(constructor)
        run = []
        for name in spec.positional:
            if name not in values:
                break
            run.append(name)
        first = [cst.Arg(value=values[name]) for name in run]
        rest = [_kw(k, v) for k, v in constructor if k not in run]
        keras_class = cst.parse_expression(f"{self.tf}.keras.layers.{spec.keras}")
        return cst.Call(func=keras_class, args=with_commas([*first, *rest])), call_keywords

    def _initializer(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """A TF1 initializer call as the Keras 3 initializer (TF1 defaults written out); others unchanged."""
        if not isinstance(value, cst.Call):
            name = self.qualified_name(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            if name is not None and name.startswith("tf.") and "initializer" in name:
                raise Unsupported(f"initializer `{name}` given as a class: pass an initializer object (`{name}()`)")
            return value
        name = self.qualified_name(value)
        spec = INITIALIZERS.get(name or "")
        if spec is None:
            if name is not None and name.startswith("tf.") and "initializer" in name:
                raise Unsupported(f"initializer `{name}` has no automatic Keras counterpart here: pass a `tf.keras.initializers` object")
            return value
        pairs: list[tuple[str, cst.BaseExpression]] = []
        for index, arg in enumerate(value.args):
            if arg.star:
                raise Unsupported(f"`*args` in `{name}(...)`")
            keyword = arg.keyword.value if arg.keyword is not None else (spec.params[index] if index < len(spec.params) else None)
            if keyword is None:
                raise Unsupported(f"too many arguments to `{name}`")
            if keyword == "dtype":
                continue  # the variable's dtype decides, in Keras as with get_variable
            if keyword not in spec.keep:
                raise Unsupported(f"`{keyword}=` of `{name}` has no Keras counterpart")
            if keyword in spec.scalar_only and not _NUMBER.match(_source(arg.value)):
                raise Unsupported(f"`{name}` with a non-scalar `{keyword}`: Keras `{spec.keras}` only broadcasts; pass a `tf.keras.initializers.Constant` of the right shape")
            pairs.append((keyword, arg.value))
        present = {k for k, _ in pairs}
        for keyword, default in spec.defaults:
            if keyword not in present:
                pairs.append((keyword, cst.parse_expression(default)))
        order = {k: i for i, k in enumerate(spec.params)}
        pairs.sort(key=lambda pair: order[pair[0]])
        return cst.Call(
            func=cst.parse_expression(f"{self.tf}.keras.initializers.{spec.keras}"),
            args=with_commas([_kw(k, v) for k, v in pairs]),
        )

    def _hoisted(self, value: cst.BaseExpression, function: cst.FunctionDef) -> cst.BaseExpression:
        """`value` as it can be written at module level just before `function`.

        Names must mean the same there. A parameter of `function` is replaced by the argument every call in
        the file passes for it, when that is one and the same module-level expression (`conv_net(x,
        N_CLASSES)`): one layer per call site is already proven, so it was built with that value.
        """
        substitutions: dict[cst.Name, cst.BaseExpression] = {}
        for name in find(value, cst.Name):
            assert isinstance(name, cst.Name)
            scope = self.get_metadata(ScopeProvider, name, None)
            if scope is None:
                continue  # a name the rule wrote, or not a variable
            parent = self._parent(name)
            if isinstance(parent, cst.Attribute) and parent.attr is name:
                continue
            if isinstance(parent, cst.Arg) and parent.keyword is name:
                continue
            if not isinstance(scope, GlobalScope):
                local = [a for a in scope.assignments[name.value] if a.scope is scope]
                if local:
                    substitutions[name] = self._argument_for(name.value, local, function)
                    continue
            self._check_module_level(name, scope, function)
        if not substitutions:
            return value
        return value.visit(_Substitute(substitutions))  # type: ignore[return-value]

    def _check_module_level(self, name: cst.Name, scope, function: cst.FunctionDef) -> None:
        """`name`, read in `scope`, must be a module-level name bound before `function`'s `def`."""
        if isinstance(scope, GlobalScope):
            assignments = scope.assignments[name.value]
        else:
            if any(a.scope is scope for a in scope.assignments[name.value]):
                raise Unsupported(f"the layer's arguments use `{name.value}`, local to the caller of `{function.name.value}`: create the Keras layer once where `{name.value}` is known and call it here")
            assignments = scope.globals.assignments[name.value] if name.value in scope.globals.assignments else []
        def_line = self.position(function)[0]
        for assignment in assignments:
            node = getattr(assignment, "node", None)
            if node is not None and self.position(node)[0] >= def_line:
                raise Unsupported(f"the layer's arguments use `{name.value}`, assigned after `{function.name.value}`: create the Keras layer once after it")

    def _argument_for(self, parameter: str, assignments, function: cst.FunctionDef) -> cst.BaseExpression:
        unknown = Unsupported(
            f"the layer's arguments use `{parameter}`, local to `{function.name.value}`: create the Keras layer once where `{parameter}` is known and call it here"
        )
        params = list(function.params.params)
        names = [p.name.value for p in params]
        if len(assignments) != 1 or parameter not in names or function.params.star_arg not in (cst.MaybeSentinel.DEFAULT, None):
            raise unknown  # assigned in the body too, or not a plain parameter
        index = names.index(parameter)
        scope = self.get_metadata(ScopeProvider, function, None)
        if not isinstance(scope, GlobalScope):
            raise unknown
        values: list[cst.BaseExpression] = []
        for access in next(iter(scope.assignments[function.name.value])).references:
            call = self._parent(access.node)
            if not isinstance(call, cst.Call):
                raise unknown
            found: cst.BaseExpression | None = None
            for position, arg in enumerate(call.args):
                if arg.star:
                    raise unknown
                if (arg.keyword is None and position == index) or (arg.keyword is not None and arg.keyword.value == parameter):
                    found = arg.value
            if found is None:
                found = params[index].default
            if found is None:
                raise unknown
            values.append(found)
        if not values or len({_source(v) for v in values}) != 1:
            raise Unsupported(
                f"the layer's arguments use `{parameter}`, which the calls of `{function.name.value}` set differently: create one Keras layer per value, once, and call the right one"
            )
        for name in [values[0], *find(values[0], cst.Name)]:
            if isinstance(name, cst.Name):
                parent = self._parent(name)
                if isinstance(parent, cst.Attribute) and parent.attr is name:
                    continue
                name_scope = self.get_metadata(ScopeProvider, name, None)
                if name_scope is not None:
                    self._check_module_level(name, name_scope, function)
        if not isinstance(values[0], (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.SimpleString, cst.UnaryOperation, cst.BinaryOperation, cst.Tuple, cst.List)):
            raise unknown
        return values[0]

    def _object_name(self, site: LayerSite, name: cst.BaseExpression | None, default_base: str) -> str:
        """A fresh name for the layer object a site creates: from its TF1 `name=` if given, else
        `default_base`, prefixed with the enclosing function's name."""
        base = default_base
        if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
            base = _snake(name.evaluated_value)
            if site.function is None and base in self.taken:
                base += "_layer"
        if site.function is not None:
            base = f"{site.function.name.value}_{base}"
        return self._fresh(base)

    def _plan_scope_removal(self, module: cst.Module) -> None:
        """`with tf.variable_scope(<name>[, reuse=...]):` whose layers are all converted and that holds nothing
        else variable-related: the block is kept, the `with` goes (Keras layers ignore variable scopes)."""
        for node in self.withs:
            scope_call = self._variable_scope(node)
            if scope_call is None:
                continue
            if any(a.keyword is not None and a.keyword.value not in ("reuse", "name_or_scope") for a in scope_call.args):
                continue
            inside = _collect(node.body)
            if any(isinstance(c.func, cst.Name) and c.func.value in self.written for c in inside.calls):
                continue  # TFM293's functions make their variables with get_variable in this scope
            calls = set(inside.calls)
            layer_calls = [c for c in self.candidates if c in calls and (self.resolved[c] or "").startswith("tf.layers.")]
            keras_converted = [c for c in self.keras_calls if c in calls and c in self.plan.sites]
            if not (layer_calls or keras_converted) or any(c not in self.plan.sites for c in layer_calls):
                continue
            if any((self.qualified_name(n) or "").startswith("tf.summary.") for n in inside.dotted):
                continue  # the scope names the summaries in it (TF1's tag `Net/pred`): kept for the Session rewrite
            other = {"tf.get_variable", "tf.get_variable_scope", "tf.get_local_variable", "tf.variable_scope", "tf.Variable"}
            other_tails = {name.split(".")[-1] for name in other}
            named = [self.qualified_name(n) for n in inside.dotted if _tail(n) in other_tails or _tail(n).endswith("_variables")]
            if any(n in other or (n or "").endswith("_variables") for n in named):
                continue
            if not isinstance(node.body, cst.IndentedBlock):
                continue
            self.plan.unwrap.add(node)
            name = scope_call.args[0].value if scope_call.args else None
            if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
                held = [self.plan.sites[c].object_name for c in layer_calls if self.plan.sites[c].object_name]
                self.plan.scope_layers.setdefault(name.evaluated_value, []).extend(held)

    # -- TF1 layer classes (TFM233) -------------------------------------------------------------------------------
    def _layer_class(self, call: cst.Call, class_name: str) -> None:
        if not self.enabled(CLASS_RULE.code):
            return
        kind = LAYER_CLASSES[class_name]
        spec = LAYERS[kind]
        try:
            functions = [a for a in self._ancestors(call) if isinstance(a, (cst.FunctionDef, cst.Lambda))]
            if functions and not (isinstance(functions[0], cst.FunctionDef) and functions[0].name.value in ("__init__", "build") and self._in_class(functions[0])):
                where = functions[0].name.value if isinstance(functions[0], cst.FunctionDef) else "a lambda"
                raise Unsupported(f"created inside `{where}`, which eager code may run on every step (a new layer, new variables, each time): create it once (module level or `__init__`) and call it there")
            params = tuple(p for p in spec.params if p not in {n for n, _ in spec.call_args} and p != "reuse")
            pairs: list[tuple[str, cst.BaseExpression]] = []
            for index, arg in enumerate(call.args):
                if arg.star:
                    raise Unsupported("`*args` / `**kwargs` in the call: write the arguments out")
                keyword = arg.keyword.value if arg.keyword is not None else (params[index] if index < len(params) else None)
                if keyword not in params:
                    raise Unsupported(f"argument `{keyword}` not understood for `tf.layers.{class_name}`")
                pairs.append((keyword, arg.value))
            constructor, _ = self._constructor(spec, pairs, None)
        except Unsupported as reason:
            self.flag(call, CLASS_RULE.code, f"`tf.layers.{class_name}` left as it is: {reason}")
            return
        message = f"`tf.layers.{class_name}` is gone in TF 2.21: now `tf.keras.layers.{spec.keras}`"
        unproven = graph_unproven(spec, pairs, called_later=True)
        if self.run.graph_mode and self.legacy:
            return  # the fallback runs `tf.layers` itself on tf_keras (TFM260)
        if self.run.graph_mode and unproven is not None:
            self.flag(call, CLASS_RULE.code, f"`tf.layers.{class_name}` left as it is: {unproven}")
            return
        if self.offer_fix(call, CLASS_RULE.code, message):
            self.run.graph_unproven += unproven is not None or self.legacy
            self.classes[call] = LayerSite(call=call, kind=kind, statement=None, function=None, constructor=constructor)  # type: ignore[arg-type]

    def _ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        result = []
        parent = self._parent(node)
        while parent is not None:
            result.append(parent)
            parent = self._parent(parent)
        return result

    def _in_class(self, function: cst.FunctionDef) -> bool:
        block = self._parent(function)
        return isinstance(block, cst.IndentedBlock) and isinstance(self._parent(block), cst.ClassDef)

    # -- Keras layers built in the call (TFM234) ------------------------------------------------------------------
    def _keras_layers(self) -> None:
        for outer in self.keras_calls:
            inner = outer.func
            assert isinstance(inner, cst.Call)
            name = self.resolved.get(inner) or ""
            if not name.startswith("keras.layers.") or name.count(".") != 2 or name in KERAS_MODEL_BUILDERS:
                continue
            class_name = name.split(".")[-1]
            ancestors = self._ancestors(outer)
            if any(isinstance(a, (cst.ClassDef, cst.Lambda)) for a in ancestors):
                continue  # a Keras model's own code, or a lambda: not graph-building code this rule knows
            functions = [a for a in ancestors if isinstance(a, cst.FunctionDef)]
            function = functions[0] if functions else None
            if self._builds_keras_model(function):
                continue
            stateless = class_name in KERAS_STATELESS
            statement = next((a for a in ancestors if isinstance(a, cst.SimpleStatementLine)), None)
            in_loop = any(isinstance(a, _LOOPS) for a in ancestors)
            site = LayerSite(call=outer, kind="", statement=statement, function=function, in_loop=in_loop)  # type: ignore[arg-type]
            try:
                if len(functions) > 1 or (function is not None and not isinstance(self._parent(function), cst.Module)):
                    raise Unsupported("built inside a nested function: create the layer once, outside it, and call it here")
                if statement is None:
                    raise Unsupported("not in a simple statement: create the layer once before it and call it here")
                if in_loop:
                    raise Unsupported("built in a loop, a new layer (new variables) on each pass: create one layer per layer you want, once, and call them in the loop")
                if function is not None and not stateless:
                    self._check_function_called_once(function, honour_reuse=False)
                hoist = function
                args = [a.with_changes(value=self._hoisted(a.value, hoist)) if hoist is not None else a for a in inner.args]
            except Unsupported as reason:
                if not stateless:
                    self.flag(outer, KERAS_RULE.code, f"`{name}(...)(...)` left as it is: {reason}")
                continue
            site.constructor = inner.with_changes(args=args)
            layer_name = next((a.value for a in inner.args if a.keyword is not None and a.keyword.value == "name"), None)
            site.object_name = self._object_name(site, layer_name, _words(class_name))
            site.invocation = outer.with_changes(func=cst.Name(site.object_name))
            site.hoisted = True
            site.inputs_index = -1
            where = f"before `{function.name.value}`" if function is not None else "at module level"
            again = "built again" if stateless else "built again, with new variables,"
            if self.offer_fix(outer, KERAS_RULE.code, f"`{name}` built inside graph-building code would be {again} on every eager call: now created once ({site.object_name}, {where})"):
                self.plan.sites[outer] = site
                anchor = function if function is not None else statement
                self.plan.before.setdefault(anchor, []).append(site)  # type: ignore[arg-type]

    def _builds_keras_model(self, function: cst.FunctionDef | None) -> bool:
        """Does `function` (None: the module's top-level code) build a Keras functional or Sequential model?"""
        if function in self.keras_builders:
            return self.keras_builders[function]
        calls = _collect(function if function is not None else self.tree).calls
        found = False
        for call in calls:
            if (dotted(call.func) or "").split(".")[-1] not in ("Input", "Model", "Sequential"):
                continue
            if function is None and any(isinstance(a, cst.FunctionDef) for a in self._ancestors(call)):
                continue
            if self.qualified_name(call) in KERAS_MODEL_BUILDERS:
                found = True
                break
        self.keras_builders[function] = found
        return found

    # -- collections (TFM232) -------------------------------------------------------------------------------------
    def _flag_collections(self, module: cst.Module) -> None:
        layers = [site.object_name for site in self.plan.sites.values() if site.object_name]
        for call in self.candidates:
            name = self.resolved[call]
            if name not in COLLECTION_LOOKUPS:
                continue
            if any(isinstance(n, cst.Name) and n.value == "UPDATE_OPS" for n in find(call, cst.Name)):
                self.flag(call, COLLECTION_RULE.code, "`UPDATE_OPS` is empty in TF2 (no collections): Keras `BatchNormalization` updates its moving statistics itself when called with `training=True`; drop the control dependency on these ops")
                continue
            if self.sessions and not self.run.graph_mode and not self.plan.store_calls and collection_var_lists.plan(self, module, call, name, self.plan.sites, lambda site: site.kind not in LAYERS or LAYERS[site.kind].stateful, self.plan.unwrap, self.withs, self.var_lists):
                self.run.graph_unproven += 1  # the list is right in the eager program only: a file left in graph mode keeps the collection
                continue
            scopes = [a.value.evaluated_value for a in call.args if isinstance(a.value, cst.SimpleString) and isinstance(a.value.evaluated_value, str)]
            held = [obj for scope in scopes for obj in self.plan.scope_layers.get(scope, [])] if scopes else layers
            everything = _lists_all_variables(name, call)
            attribute = "variables" if everything else "trainable_variables"
            where = []
            if held:
                where.append(", ".join(f"`{obj}.{attribute}`" for obj in held))
            if self.plan.store_calls:
                prefix = f" (names starting with `{scopes[0]}/`)" if scopes else ""
                where.append(f"`{self.plan.store_name}.{attribute}`{prefix}")
            found = " and ".join(where) if where else "the Keras layers and variables this file now creates"
            if everything and where:
                found += " (trainable or not: a layer made with `trainable=False` has no trainable variables)"
            found += _prefix_caveat(scopes, self.plan.scope_layers, everything)
            self.flag(call, COLLECTION_RULE.code, f"`{name}(...)` lists nothing in TF2 (no collections): the variables it meant are now in {found}; take them from there once the model has run, or use `tape.watched_variables()`")

    # -- the variable store (TFM231) ------------------------------------------------------------------------------
    def _plan_store(self, module: cst.Module) -> None:
        calls = self.candidates
        get_variables = [c for c in calls if self.resolved[c] == "tf.get_variable"]
        if not get_variables or self.written:
            return  # with TFM293's functions the file keeps TF1's variable scopes, which they share names through
        self.plan.store_name = self._fresh("variable_store")
        store = cst.Name(self.plan.store_name)
        problems: list[tuple[cst.CSTNode, str]] = []
        planned: dict[cst.Call, cst.Call] = {}
        for call in calls:
            name = self.resolved[call]
            if name in SCOPE_TF1_ONLY:
                problems.append((call, f"`{name}` has no counterpart in a create-once variable store"))
            elif name == "tf.variable_scope":
                try:
                    replacement = self._store_scope(call, store)
                except Unsupported as reason:
                    problems.append((call, str(reason)))
                    continue
                if replacement is not None:
                    planned[call] = replacement
        for name_node in self.scope_references:
            if self.qualified_name(name_node) == "tf.variable_scope" and not isinstance(self._parent(name_node), cst.Call):
                problems.append((name_node, "`tf.variable_scope` used other than in `with tf.variable_scope(name):`"))
        gets: list[cst.Call] = []
        for call in get_variables:
            try:
                planned[call] = self._store_get(call, store)
                gets.append(call)
            except Unsupported as reason:
                problems.append((call, str(reason)))
        if problems:
            for node, reason in problems:
                self.flag(node, STORE_RULE.code, f"{reason}; no `tf.get_variable` in this file was converted: create the variables once yourself (a `tf.Module` or Keras layer holding them) and reuse them")
            first = self.position(problems[0][0])[0]
            for call in gets:
                self.flag(call, STORE_RULE.code, f"`tf.get_variable` (gone in TF 2.21) left as it is, with every other one in this file, because of line {self.run.linemap.to_original(first)}")
            return
        applied = [call for call in gets if self.offer_fix(call, STORE_RULE.code, "`tf.get_variable` (gone in TF 2.21) would make a new variable on every eager call: now `{0}.get(...)`, created once and found again by scope/name".format(self.plan.store_name))]
        if not applied:
            return
        for call, replacement in planned.items():
            if call in get_variables and call not in applied:
                continue
            self.plan.store_calls[call] = replacement
        self.plan.store_class = self._fresh("VariableStore")
        AddImportsVisitor.add_needed_import(self.context, "contextlib")

    def _fresh(self, base: str) -> str:
        candidate, index = base, 0
        while candidate in self.taken:
            index += 1
            candidate = f"{base}_{index}"
        self.taken.add(candidate)
        return candidate

    def _store_scope(self, call: cst.Call, store: cst.Name) -> cst.Call | None:
        item = self._parent(call)
        if not isinstance(item, cst.WithItem) or item.item is not call:
            raise Unsupported("`tf.variable_scope(...)` used other than as `with tf.variable_scope(name):`")
        if item.asname is not None and not self._unread_as_name(item):
            raise Unsupported("`with tf.variable_scope(...) as scope`: the scope object has no counterpart")
        # (`as scope` with `scope` never read: the store's scope binds it to None, which nothing sees)
        if self._parent(item) in self.plan.unwrap:
            return None  # only converted layers inside: the block loses its `with` (TFM230)
        name: cst.BaseExpression | None = None
        for index, arg in enumerate(call.args):
            keyword = arg.keyword.value if arg.keyword is not None else ("name_or_scope" if index == 0 else None)
            if arg.star or keyword is None:
                raise Unsupported("`tf.variable_scope` with `default_name`/`values` given by position: unique scope names have no counterpart")
            if keyword == "name_or_scope":
                name = arg.value
            elif keyword != "reuse":
                raise Unsupported(f"`tf.variable_scope(..., {keyword}=...)` has no counterpart in the store")
        if name is None or (isinstance(name, cst.Name) and name.value == "None"):
            raise Unsupported("`tf.variable_scope` without a name (`default_name` makes unique names)")
        return cst.Call(func=cst.Attribute(value=store, attr=cst.Name("scope")), args=[cst.Arg(value=name)])

    def _unread_as_name(self, item: cst.WithItem) -> bool:
        """`with ... as scope:` where the plain name `scope` is never read in its scope (tutorials copy it)."""
        target = item.asname.name if item.asname is not None else None
        if not isinstance(target, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return False
        return all(not a.references for a in scope.assignments[target.value]) and not scope.accesses[target.value]

    def _store_get(self, call: cst.Call, store: cst.Name) -> cst.Call:
        node: cst.CSTNode | None = self._parent(call)
        while node is not None:
            if isinstance(node, cst.ClassDef):
                raise Unsupported(f"`tf.get_variable` inside class `{node.name.value}`: in a Keras layer use `self.add_weight` (TFM102); elsewhere create it once in `__init__`")
            node = self._parent(node)
        pairs: list[tuple[str, cst.BaseExpression]] = []
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unsupported("`*args` / `**kwargs` in `tf.get_variable`: write the arguments out")
            keyword = arg.keyword.value if arg.keyword is not None else (GET_VARIABLE_PARAMS[index] if index < len(GET_VARIABLE_PARAMS) else None)
            if keyword not in GET_VARIABLE_PARAMS:
                raise Unsupported(f"`tf.get_variable` argument `{keyword}` not understood")
            if keyword in GET_VARIABLE_NEUTRAL:
                if _source(arg.value) not in GET_VARIABLE_NEUTRAL[keyword]:
                    raise Unsupported(f"`tf.get_variable(..., {keyword}=...)` has no counterpart in the store")
                continue
            if keyword not in GET_VARIABLE_KEEP:
                raise Unsupported(f"`tf.get_variable(..., {keyword}=...)` has no counterpart in the store")
            if keyword == "initializer":
                value = self._initializer(arg.value)
            else:
                value = arg.value
            pairs.append((keyword, value))
        given = dict(pairs)
        if "name" not in given:
            raise Unsupported("`tf.get_variable` without a name")
        args = [cst.Arg(value=given["name"])]
        if "shape" in given:
            args.append(cst.Arg(value=given["shape"]))
        args.extend(_kw(k, v) for k, v in pairs if k not in ("name", "shape"))
        return cst.Call(func=cst.Attribute(value=store, attr=cst.Name("get")), args=with_commas(args))

    def _store_statements(self) -> list[cst.BaseStatement]:
        text = STORE_CLASS.replace("TF.", f"{self.tf}.").replace("VariableStore", self.plan.store_class).replace("STORE", self.plan.store_name)
        body = list(cst.parse_module(text.lstrip("\n"), config=self.tree.config_for_parsing).body)
        body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        return body

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.plan.store_calls:
            return updated_node
        body = list(updated_node.body)
        index = 0
        while index < len(body) and _is_preamble(body[index], index):
            index += 1
        statements = self._store_statements()
        if index < len(body):
            following = body[index]
            comments = [line for line in following.leading_lines if line.comment is not None]
            body[index] = following.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *comments])
        else:
            statements[-1] = statements[-1]
        return updated_node.with_changes(body=[*body[:index], *statements, *body[index:]])

    # -- rewriting ------------------------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self.plan.store_calls:
            return self.plan.store_calls[original_node]
        site = self.plan.sites.get(original_node)
        if site is not None and site.invocation is None and site.constructor is not None:
            return site.constructor  # a TF1 layer class: the Keras class, where it was
        if site is None or site.invocation is None:
            return updated_node
        if site.inputs_index < 0:  # a Keras layer built in the call: the call's own (rewritten) arguments
            return updated_node.with_changes(func=site.invocation.func)
        # The inputs as rewritten (they may hold a converted call themselves).
        inputs = updated_node.args[site.inputs_index].value
        args = [site.invocation.args[0].with_changes(value=inputs), *site.invocation.args[1:]]
        return site.invocation.with_changes(args=args)  # type: ignore[return-value]

    def _creation_lines(self, anchor: cst.CSTNode) -> list[cst.SimpleStatementLine]:
        lines = []
        for site in self.plan.before.get(anchor, []):
            assert site.constructor is not None
            assign = cst.Assign(targets=[cst.AssignTarget(target=cst.Name(site.object_name))], value=site.constructor)  # type: ignore[arg-type]
            lines.append(cst.SimpleStatementLine(body=[assign]))
        return lines

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        listed = self.var_lists.var_lists.get(original_node)
        return updated_node if listed is None else updated_node.with_changes(value=listed)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        lines = self._creation_lines(original_node)
        if original_node in self.var_lists.removed:  # TFM271: the collection is written where `minimize` uses it
            if not lines:
                return cst.RemoveFromParent()
            lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
            return cst.FlattenSentinel(lines)
        if not lines:
            return updated_node
        lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([*lines, updated_node.with_changes(leading_lines=())])

    def leave_FunctionDef(self, original_node, updated_node):
        lines = self._creation_lines(original_node)
        if not lines:
            return updated_node
        leading = list(updated_node.leading_lines)
        blank = []
        while leading and leading[0].comment is None:
            blank.append(leading.pop(0))
        lines[0] = lines[0].with_changes(leading_lines=blank)
        separation = [cst.EmptyLine(), cst.EmptyLine()]
        return cst.FlattenSentinel([*lines, updated_node.with_changes(leading_lines=[*separation, *leading])])

    def leave_With(self, original_node: cst.With, updated_node: cst.With):
        if original_node not in self.plan.unwrap:
            return updated_node
        body = list(updated_node.body.body)  # type: ignore[union-attr]
        if body:
            first = body[0]
            own = list(first.leading_lines)
            while own and own[0].comment is None:
                own.pop(0)  # the blank line under the `with` would open the block
            body[0] = first.with_changes(leading_lines=[*updated_node.leading_lines, *own])
        return cst.FlattenSentinel(body)


class _Collect(cst.CSTVisitor):
    """One walk over a tree: its calls, `with` statements, dotted names, and the variable names it uses."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []
        self.withs: list[cst.With] = []
        self.dotted: list[cst.Name | cst.Attribute] = []
        self.names: set[str] = set()
        self.from_imported: set[str] = set()  # names bound by `from ... import`

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(bound, cst.Name):
                    self.from_imported.add(bound.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if graph_shared_layers.written(node):  # TF1's layer on get_variable, kept for the graph-mode fallback (TFM293)
            self.names.add(node.name.value)
            return False
        return True

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if graph_rnn_cells.written(node):  # TF1's RNN cell on get_variable, kept for the graph-mode fallback (TFM294)
            self.names.add(node.name.value)
            return False
        return True

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_With(self, node: cst.With) -> None:
        self.withs.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.dotted.append(node)
        traversal.visit(node.value, self)  # the attribute's own name is not a variable
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        traversal.visit(node.value, self)  # a keyword is not a variable
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)
        self.dotted.append(node)


def _collect(node: cst.CSTNode) -> _Collect:
    collector = _Collect()
    traversal.visit(node, collector)
    return collector


def _tail(node: cst.CSTNode) -> str:
    """Last part of a dotted name (`tf.layers.dense` -> 'dense'); '' for anything else."""
    return last_name(node) or ""


# Last parts of the names this module looks at: only calls spelled with one of them are resolved.
_INTERESTING_TAILS = frozenset(
    {*LAYERS, *LAYER_CLASSES, *CONTRIB_LAYERS, "arg_scope", "get_variable", "variable_scope", "GradientTape", "Session", "InteractiveSession", "placeholder",
     "get_variable_scope", "variable_op_scope", "get_local_variable", "VariableScope", "make_template",
     "trainable_variables", "global_variables", "all_variables", "model_variables", "local_variables", "get_collection",
     "get_collection_ref", "moving_average_variables"}
)  # fmt: skip


class _Substitute(cst.CSTTransformer):
    """Replace given Name nodes (by identity) with expressions."""

    def __init__(self, substitutions: dict[cst.Name, cst.BaseExpression]) -> None:
        super().__init__()
        self.substitutions = substitutions

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.substitutions.get(original_node, updated_node)


CODEMOD = Tf1Variables
