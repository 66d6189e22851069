"""TFM101-TFM110 layer variables: variables kept by Keras layers and models become `self.add_weight(...)`.

What it matches
    Classes that subclass a Keras `Layer` or `Model` by any import path (`tf.keras.layers.Layer`,
    `keras.layers.Layer`, `keras.engine.topology.Layer`, `tensorflow.python.keras...`,
    `tf.keras.Model`, any `keras.layers.X` class), and classes subclassing such a class defined in the
    same file. In their methods, a variable created by `tf.Variable` / `tf.compat.v1.Variable`
    (TFM101), `tf.get_variable` / `tf.contrib.framework.model_variable` (TFM102), or `K.variable`,
    `K.zeros`, `K.ones` (TFM103) and stored on the object: assigned to `self.<attr>` (or an item of
    it), alone or inside a tuple, list, dict or comprehension, or appended to `self.<list>`.

What it writes
    `self.add_weight(name=..., shape=..., initializer=..., trainable=..., dtype=..., regularizer=...,
    constraint=...)`, always with keywords (Keras 2 and Keras 3 order the positional arguments
    differently). The initial value becomes a shape and a Keras initializer:

        tf.Variable(0.0, name='my_var')                 -> self.add_weight(name='my_var', initializer='zeros')
        tf.Variable(tf.random_normal([3, 4], stddev=.1)) -> shape=[3, 4], initializer=RandomNormal(mean=0.0, stddev=.1)
        tf.get_variable('w', [3], initializer=tf.zeros_initializer()) -> name='w', shape=[3], initializer='zeros'

    Literals (Python, NumPy), `tf.zeros/ones/fill/constant`, `np.zeros/ones/full/array`,
    `tf.random.normal/uniform/truncated_normal` (and their TF1 names) and the TF1 initializer objects
    (`tf.random_normal_initializer`, `tf.glorot_uniform_initializer`, `tf.contrib.layers.xavier_initializer`,
    ...) are mapped with their TF1 defaults spelled out where Keras's defaults differ (TF1's
    `stddev=1.0`, Keras's `0.05`). The variable's dtype is kept (`np.zeros(3)` is float64).
    Any other initial value gets a generic form: the value is computed once into a local and the
    weight is created with its shape, dtype and a `Constant` initializer holding it (TFM104, an
    unsafe fix). What cannot be rewritten exactly is reported (TFM105, manual).

    Graph plumbing that only served the variables goes too (TFM106): `with g.as_default():` and
    `with tf.variable_scope(...):` blocks around them are unwrapped, `sess.run(<initializer>)` calls
    removed, and the `g = K.get_graph()` / `sess = K.get_session()` handles they used; other uses of
    a graph or session are left to the graph rules (TFM25x) and reported by TFM330. Keras 2 positional
    calls of `self.add_weight('name', shape, ...)` and `self.add_variable(...)` get keywords (TFM108),
    and TF1 initializer or `tf.contrib` regularizer objects handed to it become Keras ones (TFM109).
    A class built on TF1's `tf.layers.Layer` is built on the Keras `Layer` (TFM110).

Why
    On TensorFlow 2.16+ (Keras 3) a layer does not track a raw `tf.Variable` kept in an attribute:
    it is missing from `trainable_weights`, and `fit()` runs and silently trains nothing.
    `tf.get_variable`, `K.get_graph` and `K.get_session` do not exist any more. `self.add_weight` is
    the one way to create a weight that Keras tracks, saves and trains. Variables created outside
    Keras classes are left to the session and graph rules (TFM2xx).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import imports
from .base import Codemod, Rule
from .builders import dotted, with_commas
from .names import last_name, only_assign, only_binding
from .source_text import module_text
from .tf1_initializers import CONTRIB_INITIALIZERS, CONTRIB_REGULARIZERS, KERAS_PARAMS, STRING_INITIALIZERS, TF1_INITIALIZERS, TF2_DEFAULTS, contrib_initializer


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`, without spaces around '='."""
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))

# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

VARIABLE = Rule(
    code="TFM101",
    name="layer-variable",
    fix=FixKind.SAFE,
    summary="`tf.Variable` kept by a Keras layer or model becomes `self.add_weight(...)`.",
    explanation="""
        Keras 3 (TensorFlow 2.16+) does not track a raw `tf.Variable` stored on a layer: the layer
        reports no weights, `fit()` trains nothing and saving drops the value, without any error.
        The variable is created with `self.add_weight` instead, with keyword arguments only. The
        initial value is turned into `shape=` and a Keras initializer (literals, `tf.zeros/ones/fill/
        constant`, `np.zeros/ones/full/array`, `tf.random.*`), keeping TF1's defaults and the
        variable's dtype; `name`, `trainable`, `dtype` and `constraint` are carried over. Random
        initial values keep their distribution and seed, but Keras draws different numbers.
        In a class built on the standalone `keras` package the weight is trainable, as Keras 2.3.1
        (`Layer.__setattr__`) and tf.keras 2.x tracked a variable set as a layer attribute, trainable per
        the variable's own flag; the finding names the Keras 2.2 difference (2.2 and earlier ignored such a
        variable unless it was listed in `trainable_weights`): add `trainable=False` if it is a constant.
        Integer and boolean variables are reported unless `trainable=False` is given.
    """,
    before="""
        class MyCustomLayer(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super(MyCustomLayer, self).__init__(**kwargs)
                self.my_variable = tf.Variable(0.0, name='my_var')
    """,
    after="""
        class MyCustomLayer(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super(MyCustomLayer, self).__init__(**kwargs)
                self.my_variable = self.add_weight(name='my_var', initializer='zeros')
    """,
)

GET_VARIABLE = Rule(
    code="TFM102",
    name="layer-get-variable",
    fix=FixKind.SAFE,
    summary="`tf.get_variable` / `model_variable` in a Keras layer or model becomes `self.add_weight(...)`.",
    explanation="""
        `tf.get_variable` and `tf.contrib.framework.model_variable` are gone from TensorFlow 2, and
        Keras 3 would not track their variables anyway. Inside a Keras class they become
        `self.add_weight` with keywords: `name`, `shape`, `dtype`, `trainable`, `constraint` are
        carried over, and the TF1 initializer object becomes the Keras initializer with the same
        distribution and arguments (`tf.random_normal_initializer(stddev=0.1)` ->
        `keras.initializers.RandomNormal(mean=0.0, stddev=0.1)`; TF1's default initializer,
        Glorot uniform, is written out). A `regularizer` makes the fix unsafe: Keras adds the
        penalty to the layer's losses, so `fit()` now includes it, where TF1 only collected it.
    """,
    before="""
        class Dense(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = tf.get_variable('w', [int(input_shape[-1]), 4],
                                         initializer=tf.truncated_normal_initializer(stddev=0.1))
    """,
    after="""
        class Dense(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(
                    name='w',
                    shape=[int(input_shape[-1]), 4],
                    initializer=tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.1),
                )
    """,
)

BACKEND_VARIABLE = Rule(
    code="TFM103",
    name="layer-backend-variable",
    fix=FixKind.SAFE,
    summary="`K.variable` / `K.zeros` / `K.ones` kept by a Keras layer becomes `self.add_weight(...)`.",
    explanation="""
        Keras 2's backend functions `K.variable`, `K.zeros`, `K.ones`, `K.eye`,
        `K.random_normal_variable` and `K.random_uniform_variable` created a variable; Keras 3 has no
        `backend.variable` and does not track such variables. Stored on a layer they become
        `self.add_weight` with the same shape, initial value (distribution), name and constraint.
        `K.zeros`/`K.ones`/`K.eye` not stored on the layer are taken for constants and left alone. `K.variable`
        casts its value to the float type (`floatx`), which is also `add_weight`'s default dtype.
    """,
    before="""
        class Scale(Layer):
            def build(self, input_shape):
                self.gamma = K.variable(np.ones(input_shape[-1]), name='gamma')
    """,
    after="""
        class Scale(Layer):
            def build(self, input_shape):
                self.gamma = self.add_weight(name='gamma', shape=(input_shape[-1],), initializer='ones')
    """,
)

GENERIC_VALUE = Rule(
    code="TFM104",
    name="layer-variable-generic-value",
    fix=FixKind.UNSAFE,
    summary="A layer variable whose initial value is not a known form becomes `add_weight` with a `Constant` holding it.",
    explanation="""
        The initial value is an expression the rule cannot map to a Keras initializer (a function
        call, a name, an arithmetic expression). The value is computed once, as before, into a local,
        and the weight is created with that value's shape and dtype and a `Constant` initializer
        holding it. It is unsafe because the value is now converted to a tensor up front (a Python
        list of ints gives an int32 weight), and because the initializer keeps a reference to it.
        Prefer replacing it by a shape and a Keras initializer by hand.
    """,
    before="""
        class Embed(tf.keras.layers.Layer):
            def __init__(self, table, **kwargs):
                super().__init__(**kwargs)
                self.table = tf.Variable(load_table(table), name='table')
    """,
    after="""
        class Embed(tf.keras.layers.Layer):
            def __init__(self, table, **kwargs):
                super().__init__(**kwargs)
                initial_table = tf.keras.ops.convert_to_tensor(load_table(table))
                self.table = self.add_weight(name='table', shape=initial_table.shape, initializer=tf.keras.initializers.Constant(value=initial_table), dtype=initial_table.dtype)
    """,
)

MANUAL_VARIABLE = Rule(
    code="TFM105",
    name="layer-variable-manual",
    fix=FixKind.MANUAL,
    summary="A variable in a Keras layer that cannot be rewritten exactly: create it with `self.add_weight` by hand.",
    explanation="""
        The rule found a variable created inside a Keras layer or model that it cannot move onto
        `self.add_weight` without guessing: it is not stored on the layer (a local, or created in
        `call`), it uses TF1-only arguments (`collections`, `partitioner`, `caching_device`,
        `custom_getter`, `validate_shape=False`), it is an integer variable that would become
        trainable, it is created before `super().__init__()`, or its name contains '/', which Keras 3
        rejects. Create the weight with `self.add_weight(shape=..., initializer=..., ...)`, usually
        in `build()`, and keep it as an attribute.
    """,
    before="""
        class Counter(tf.keras.layers.Layer):
            def call(self, inputs):
                steps = tf.Variable(0)
    """,
    after="""
        class Counter(tf.keras.layers.Layer):
            def call(self, inputs):
                steps = tf.Variable(0)
    """,
)

GRAPH_PLUMBING = Rule(
    code="TFM106",
    name="layer-graph-plumbing",
    fix=FixKind.SAFE,
    summary="Graph handles, `as_default`/`variable_scope` blocks and initializer runs that only served a layer's variables are removed.",
    explanation="""
        In TF1 a layer sometimes fetched the graph or session to create and initialize its variables:
        `with K.get_graph().as_default():`, `with tf.variable_scope(...):`, `K.get_session().run(
        tf.variables_initializer(...))`. Once the variables are created with `self.add_weight`
        (TFM101-TFM103), Keras creates, names and initializes them, and `K.get_graph`/`K.get_session`
        no longer exist. A block whose body only creates weights is unwrapped, an initializer run is
        removed, and a graph or session handle used only by those is removed too. Keras 1/2's
        `self.trainable_weights = [self.w, self.b]` (read-only in Keras 3) is removed when it lists
        exactly the weights the method creates; otherwise it is reported (TFM105).
    """,
    before="""
        class Bias(tf.keras.layers.Layer):
            def build(self, input_shape):
                g = K.get_graph()
                with g.as_default():
                    self.b = tf.Variable(tf.zeros([4]), name='b')
    """,
    after="""
        class Bias(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.b = self.add_weight(name='b', shape=[4], initializer='zeros')
    """,
)

ADD_WEIGHT_POSITIONAL = Rule(
    code="TFM108",
    name="add-weight-positional",
    fix=FixKind.SAFE,
    summary="Keras 2 `self.add_weight('name', shape, ...)` / `self.add_variable(...)` get keyword arguments.",
    explanation="""
        Keras 2's `add_weight(name, shape, dtype, initializer, regularizer, trainable, constraint)` and
        Keras 3's `add_weight(shape, initializer, dtype, trainable, autocast, regularizer, constraint,
        ...)` take their positional arguments in a different order, so a Keras 2 positional call
        passes the name as the shape in Keras 3. Calls whose first argument is a string (the name,
        which only Keras 2 takes first) are rewritten with keywords; `add_variable`, Keras 2's alias,
        becomes `add_weight`. Other positional calls are reported.
    """,
    before="""
        self.kernel = self.add_weight('kernel', (input_dim, units), initializer='uniform')
    """,
    after="""
        self.kernel = self.add_weight(name='kernel', shape=(input_dim, units), initializer='uniform')
    """,
)

ADD_WEIGHT_ARGUMENTS = Rule(
    code="TFM109",
    name="add-weight-tf1-arguments",
    fix=FixKind.SAFE,
    summary="TF1 initializer / `tf.contrib` regularizer objects passed to `add_weight` become their Keras equivalents.",
    explanation="""
        `self.add_weight(initializer=tf.random_normal_initializer(...), regularizer=tf.contrib.layers.
        l2_regularizer(...))` worked in TF1's Keras. `tf.contrib` is gone from TensorFlow 2, and the TF1
        initializer classes live on only in `tf.compat.v1`. They become the Keras initializer with the
        same distribution (TF1's defaults written out where Keras's differ) and the Keras regularizer
        with the same penalty: TF1's `l2_regularizer(scale)` was `scale * tf.nn.l2_loss(w)`, half the sum
        of squares, so it becomes `L2(l2=scale / 2)`.
    """,
    before="""
        self.kernel = self.add_weight(name='kernel', shape=(4, 4), initializer=tf.truncated_normal_initializer(stddev=0.02), regularizer=tf.contrib.layers.l2_regularizer(0.01))
    """,
    after="""
        self.kernel = self.add_weight(name='kernel', shape=(4, 4), initializer=tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.02), regularizer=tf.keras.regularizers.L2(l2=0.005))
    """,
)

TF1_LAYER_BASE = Rule(
    code="TFM110",
    name="tf1-layer-base",
    fix=FixKind.SAFE,
    summary="A class built on TF1's `tf.layers.Layer` is built on `tf.keras.layers.Layer`.",
    explanation="""
        `tf.layers.Layer`, TF1's base class for layers, was a thin subclass of the Keras `Layer` (it
        added variable-scope naming); it is gone from TensorFlow 2, even from `tf.compat.v1`. The class
        now subclasses the Keras `Layer` directly, and its variables, `add_variable` and `add_weight`
        calls are migrated by TFM101-TFM109 like those of any Keras layer.
    """,
    before="""
        class Scale(tf.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_variable('scale', shape=(1,), initializer=tf.ones_initializer())
    """,
    after="""
        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(name='scale', shape=(1,), initializer='ones')
    """,
)

RULES = (VARIABLE, GET_VARIABLE, BACKEND_VARIABLE, GENERIC_VALUE, MANUAL_VARIABLE, GRAPH_PLUMBING, ADD_WEIGHT_POSITIONAL, ADD_WEIGHT_ARGUMENTS, TF1_LAYER_BASE)

# ---------------------------------------------------------------------------------------------
# What is matched
# ---------------------------------------------------------------------------------------------

# canonical name -> (kind, parameters in positional order)
FACTORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # TF1 and TF2 agree on the first two positionals only (TF2 has no `collections`).
    "tf.Variable": ("variable", ("initial_value", "trainable")),
    "tf.get_variable": ("get_variable", ("name", "shape", "dtype", "initializer", "regularizer", "trainable")),
    "tf.contrib.framework.model_variable": ("get_variable", ("name", "shape", "dtype", "initializer", "regularizer", "trainable")),
    "tf.contrib.framework.variable": ("get_variable", ("name", "shape", "dtype", "initializer", "regularizer", "trainable")),
    "keras.backend.variable": ("k_variable", ("value", "dtype", "name", "constraint")),
    "keras.backend.zeros": ("k_zeros", ("shape", "dtype", "name")),
    "keras.backend.ones": ("k_ones", ("shape", "dtype", "name")),
    "keras.backend.random_normal_variable": ("k_random_normal", ("shape", "mean", "scale", "dtype", "name", "seed")),
    "keras.backend.random_uniform_variable": ("k_random_uniform", ("shape", "low", "high", "dtype", "name", "seed")),
    "keras.backend.eye": ("k_eye", ("size", "dtype", "name")),
}
CODE_FOR_KIND = {
    "variable": VARIABLE.code,
    "get_variable": GET_VARIABLE.code,
    **{kind: BACKEND_VARIABLE.code for kind in ("k_variable", "k_zeros", "k_ones", "k_random_normal", "k_random_uniform", "k_eye")},
}

# Arguments that change nothing when they have exactly this (source) value, and may be dropped.
HARMLESS = {
    "validate_shape": {"True"},
    "use_resource": {"True", "None"},
    "partitioner": {"None"},
    "custom_getter": {"None"},
    "caching_device": {"None"},
    "collections": {"None"},
    "synchronization": {"None", "tf.VariableSynchronization.AUTO"},
    "aggregation": {"None", "tf.VariableAggregation.NONE"},
    "expected_shape": {"None"},
    "import_scope": {"None"},
    "variable_def": {"None"},
    "device": {"None"},
}

LAYER_CLASS_NAMES = frozenset({"Layer", "Model", "Sequential", "Network", "Wrapper", "Functional"})

GRAPH_HANDLES = frozenset({"tf.get_default_graph", "keras.backend.get_graph", "keras.backend.get_session"})
SESSION_HANDLES = frozenset({"keras.backend.get_session"})
INITIALIZER_OPS = frozenset({"tf.global_variables_initializer", "tf.variables_initializer", "tf.initialize_all_variables", "tf.initialize_variables", "tf.local_variables_initializer"})
SCOPES = frozenset({"tf.variable_scope", "tf.variable_op_scope"})

FLOAT_DTYPES = {"float16", "float32", "float64", "bfloat16", "half", "float", "double"}
INT_DTYPES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}


TF1_LAYER_BASES = frozenset({"tf.layers.Layer", "tf.layers.base.Layer"})


def is_layer_base(name: str | None) -> bool:
    if name in TF1_LAYER_BASES:
        return True
    if not name or not name.startswith("keras."):
        return False
    last = name.rsplit(".", 1)[-1]
    if last in LAYER_CLASS_NAMES:
        return True
    return name.startswith("keras.layers.") and last[:1].isupper() and name.count(".") == 2


FACTORY_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in FACTORIES)
HANDLE_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in GRAPH_HANDLES)


class Unmappable(Exception):
    """The rule cannot rewrite this exactly; the message says why (and what to do)."""


@dataclass
class Target:
    """What an add_weight call gets, as source nodes; None = not passed."""

    shape: cst.BaseExpression | None = None
    initializer: cst.BaseExpression | None = None
    dtype: cst.BaseExpression | None = None
    unsafe_reason: str | None = None
    ints_usual: bool = False  # the shape came from a function that takes a bare int for 1-D


@dataclass
class Plan:
    code: str
    message: str
    replacement: cst.BaseExpression
    unsafe: bool = False
    pre_statement: cst.SimpleStatementLine | None = None


@dataclass
class MethodInfo:
    node: cst.FunctionDef
    self_name: str
    klass: cst.ClassDef


@dataclass
class Edits:
    calls: dict[cst.Call, cst.BaseExpression] = field(default_factory=dict)
    before_statement: dict[cst.SimpleStatementLine, cst.SimpleStatementLine] = field(default_factory=dict)
    remove_small: set[cst.CSTNode] = field(default_factory=set)
    unwrap: set[cst.With] = field(default_factory=set)
    comments: dict[cst.SimpleStatementLine, list[cst.Comment]] = field(default_factory=dict)


def _source(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


_LITERAL_NODES = (cst.Integer, cst.Float, cst.UnaryOperation, cst.List, cst.Tuple, cst.SimpleString, cst.ConcatenatedString, cst.Name)


def _literal(node: cst.BaseExpression):
    """The Python value of a literal expression (numbers, lists, tuples, strings), or raise ValueError."""
    if not isinstance(node, _LITERAL_NODES) or (isinstance(node, cst.Name) and node.value not in ("True", "False", "None")):
        raise ValueError("not a literal")
    return ast.literal_eval(_source(node).strip())


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _array_shape(value) -> tuple[int, ...] | None:
    """Shape of a rectangular nested list/tuple of numbers (not bools), () for a number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return ()
    if isinstance(value, (list, tuple)) and value:
        shapes = {_array_shape(v) for v in value}
        if len(shapes) != 1 or None in shapes:
            return None
        return (len(value), *shapes.pop())
    return None


def _shape(node: cst.BaseExpression, ints_usual: bool) -> tuple[cst.BaseExpression, str | None]:
    """A shape argument as `add_weight` takes it (a tuple or list; Keras 3 rejects a bare int).

    `ints_usual`: the source function takes a bare int for a 1-D shape (NumPy, `tf.zeros`, `K.zeros`),
    so a name whose value the rule cannot see may be one: the fix is then unsafe.
    """
    if isinstance(node, (cst.Tuple, cst.List)):
        return node, None
    one = lambda expr: cst.Tuple([cst.Element(expr, comma=cst.Comma())])  # noqa: E731
    if isinstance(node, cst.Integer):
        return one(node), None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return one(node), None  # input_shape[-1]: one dimension
    if isinstance(node, cst.BinaryOperation) or (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("int", "len")):
        return one(node), None
    if ints_usual and not isinstance(node, cst.Subscript):
        return node, f"`add_weight` needs the shape `{_source(node).strip()}` as a tuple or list: if it is an int, write `({_source(node).strip()},)`"
    return node, None


def _flat(value) -> list:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    return [value]


def _dtype_name(node: cst.BaseExpression | None, codemod: "LayerVariables") -> str | None:
    """'float32' for tf.float32, np.float32, 'float32', float (Python); None when unknown."""
    if node is None:
        return None
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    if isinstance(node, cst.Name) and node.value in ("float", "int"):
        return {"float": "float64", "int": "int64"}[node.value]
    name = codemod.qualified_name(node)
    if name and (name.startswith("tf.") or name.startswith("numpy.")):
        last = name.rsplit(".", 1)[-1]
        if last in FLOAT_DTYPES or last in INT_DTYPES or last == "bool":
            return {"half": "float16", "float": "float32", "double": "float64"}.get(last, last)
    return None


class LayerVariables(Codemod):
    RULES = RULES
    TRIGGERS = ("Variable", "variable", "keras", "Layer", "add_weight", "zeros", "ones")
    METADATA_DEPENDENCIES = Codemod.METADATA_DEPENDENCIES

    @classmethod
    def wanted(cls, text: str, selection) -> bool:
        # Every rule of this module acts inside a class body: a file with no class has nothing for it.
        return "class" in text and super().wanted(text, selection)

    def __init__(self, context, run) -> None:
        super().__init__(context, run)
        self.source_module: cst.Module | None = None
        self.layer_classes: set[cst.ClassDef] = set()
        # Layer classes built on the standalone `keras` package (Keras 2.x before it moved into
        # TensorFlow, or Keras 3): whether it tracked a raw variable kept on a layer depends on the version.
        self.standalone_classes: set[cst.ClassDef] = set()
        self.listed_trainable: set[str] = set()  # `self.x` named in a `self.trainable_weights = [...]`
        self.frozen_unlisted: set[tuple[int, str]] = set()  # (class, `self.x`) made `trainable=False` as not listed there
        self.edits = Edits()
        self._keras: str | None = None
        self._keras_import: tuple[str, str | None] | None = None  # scheduled only when a fix uses the spelling
        self._tf1_file: bool | None = None
        self._current: MethodInfo | None = None
        self._lines: list[str] | None = None
        self._listed_cache: dict[cst.ClassDef, set[str]] = {}
        self._quotes: dict[cst.CSTNode, str] = {}
        self._super_init_at: dict[cst.FunctionDef, tuple[int, int] | None] = {}
        self._import_roots: dict[str, cst.CSTNode] = {}  # name -> one original use, for unused-import removal

    # -- set-up ------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.source_module = node
        classes: list[cst.ClassDef] = []

        class Collect(cst.CSTVisitor):
            def visit_ClassDef(self, klass: cst.ClassDef) -> None:
                classes.append(klass)

        traversal.visit(node, Collect())
        local = {}
        for klass in classes:
            local.setdefault(klass.name.value, []).append(klass)
        changed = True
        while changed:
            changed = False
            for klass in classes:
                if klass in self.layer_classes:
                    continue
                for base in klass.bases:
                    if base.keyword is not None:
                        continue
                    parents = [k for k in local.get(base.value.value, ()) if k in self.layer_classes] if isinstance(base.value, cst.Name) else []
                    if is_layer_base(self.qualified_name(base.value)) or parents:
                        self.layer_classes.add(klass)
                        if self._standalone_keras(base.value) or any(k in self.standalone_classes for k in parents):
                            self.standalone_classes.add(klass)
                        changed = True
                        break

    def _standalone_keras(self, node: cst.CSTNode) -> bool:
        """`node` names an object of the standalone `keras` package (not TensorFlow's Keras)."""
        names = self.get_metadata(QualifiedNameProvider, node, None) or set()
        raw = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
        return bool(raw) and all(n == "keras" or n.startswith("keras.") for n in raw)

    @staticmethod
    def _quote_style(scope: cst.CSTNode) -> str:
        found: list[str] = []

        class Strings(cst.CSTVisitor):
            def on_visit(self, node: cst.CSTNode) -> bool:
                if found:
                    return False
                if isinstance(node, cst.SimpleString) and node.prefix == "" and not node.value.startswith(('"""', "'''")):
                    found.append(node.value[0])
                return True

        traversal.visit(scope, Strings())
        return found[0] if found else '"'

    def keras(self) -> str:
        if self._keras is None:
            assert self.source_module is not None
            self._keras, self._keras_import = imports.keras_namespace(self.source_module)
        return self._keras

    def string(self, text: str) -> cst.SimpleString:
        """A string literal in the quotes the class already uses (the first plain string in it)."""
        klass = self._current.klass if self._current is not None else self.source_module
        if klass not in self._quotes:
            self._quotes[klass] = self._quote_style(klass) if klass is not None else '"'  # type: ignore[arg-type]
        quote = self._quotes[klass]
        return cst.SimpleString(f"{quote}{text}{quote}")

    def initializer(self, class_name: str, **kwargs: cst.BaseExpression) -> cst.Call:
        args = [keyword(k, v) for k, v in kwargs.items() if v is not None]
        return cst.Call(func=dotted(f"{self.keras()}.initializers.{class_name}"), args=with_commas(args))

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        """TFM110: `class X(tf.layers.Layer)` -> `class X(tf.keras.layers.Layer)`."""
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if not isinstance(parent, cst.ClassDef) or original_node.keyword is not None or original_node not in parent.bases:
            return updated_node
        if last_name(original_node.value) != "Layer" or self.qualified_name(original_node.value) not in TF1_LAYER_BASES:
            return updated_node
        if self.offer_fix(original_node, TF1_LAYER_BASE.code, "`tf.layers.Layer` is gone from TF 2.x: the class now subclasses the Keras `Layer` it was built on"):
            self.keras()
            imports.require_keras_namespace(self.context, self._keras_import)
            return updated_node.with_changes(value=dotted(f"{self._keras}.layers.Layer"))
        return updated_node

    # -- finding the methods -----------------------------------------------------------------
    def _method(self, node: cst.FunctionDef) -> MethodInfo | None:
        block = self.get_metadata(ParentNodeProvider, node, None)
        klass = self.get_metadata(ParentNodeProvider, block, None) if block is not None else None
        if not isinstance(klass, cst.ClassDef) or klass not in self.layer_classes:
            return None
        for decorator in node.decorators:
            if isinstance(decorator.decorator, cst.Name) and decorator.decorator.value in ("staticmethod", "classmethod"):
                return None
        params = node.params.params or node.params.posonly_params
        if not params:
            return None
        return MethodInfo(node, params[0].name.value, klass)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        method = self._method(node)
        if method is not None:
            self._plan_method(method)

    # -- the plan for one method -------------------------------------------------------------
    def _plan_method(self, method: MethodInfo) -> None:
        self._current = method
        calls: list[cst.Call] = []
        withs: list[cst.With] = []
        statements: list[cst.SimpleStatementLine] = []

        class Collect(cst.CSTVisitor):
            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return node is method.node

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                return False

            def visit_Lambda(self, node: cst.Lambda) -> bool:
                return False

            def visit_Call(self, node: cst.Call) -> None:
                calls.append(node)

            def visit_With(self, node: cst.With) -> None:
                withs.append(node)

            def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
                statements.append(node)

        traversal.visit(method.node, Collect())
        if method.klass not in self._listed_cache:
            self._listed_cache[method.klass] = self._listed_trainable(method.klass)
        self.listed_trainable = self._listed_cache[method.klass]
        fixed: set[cst.Call] = set()
        for call in calls:
            name = self.qualified_name(call) if last_name(call) in FACTORY_NAMES else None
            if name in FACTORIES:
                if self._plan_variable(call, name, method):
                    fixed.add(call)
            elif self._is_add_weight(call, method):
                self._plan_add_weight(call, method)
        self._plan_plumbing(method, calls, withs, statements, fixed)

    @staticmethod
    def _listed_trainable(klass: cst.ClassDef, attribute: str = "trainable_weights") -> set[str]:
        listed: set[str] = set()

        class Find(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    if isinstance(target.target, cst.Attribute) and target.target.attr.value == attribute:
                        if isinstance(node.value, (cst.List, cst.Tuple)):
                            listed.update(_source(e.value).strip() for e in node.value.elements)

        traversal.visit(klass, Find())
        return listed

    def _is_add_weight(self, call: cst.Call, method: MethodInfo) -> bool:
        func = call.func
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == method.self_name
            and func.attr.value in ("add_weight", "add_variable")
        )

    def _stored_on_self(self, call: cst.Call, method: MethodInfo) -> cst.SimpleStatementLine | bool:
        """Whether the call's value ends up on the object; the statement when it is the whole value of `self.x = ...`."""
        node: cst.CSTNode = call
        direct = True
        while True:
            parent = self.get_metadata(ParentNodeProvider, node, None)
            if parent is None:
                return False
            if isinstance(parent, (cst.Element, cst.StarredElement)) and parent.value is node:
                pass
            elif isinstance(parent, cst.DictElement) and parent.value is node:
                pass
            elif isinstance(parent, (cst.Tuple, cst.List, cst.Set, cst.Dict)):
                pass
            elif isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp)) and parent.elt is node:
                pass
            elif isinstance(parent, cst.DictComp) and parent.value is node:
                pass
            elif isinstance(parent, cst.Arg) and parent.value is node:
                outer = self.get_metadata(ParentNodeProvider, parent, None)
                if not isinstance(outer, cst.Call):
                    return False
                func = outer.func
                if isinstance(func, cst.Attribute) and func.attr.value in ("append", "extend", "insert") and self._self_based(func.value, method):
                    return True
                if isinstance(func, cst.Name) and func.value == "setattr" and outer.args and self._self_based(outer.args[0].value, method, bare=True):
                    return True
                return False
            elif isinstance(parent, cst.Assign) and parent.value is node:
                if not all(self._self_based(t.target, method) for t in parent.targets):
                    return False
                line = self.get_metadata(ParentNodeProvider, parent, None)
                if direct and len(parent.targets) == 1 and isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                    return line
                return True
            elif isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.value is node:
                return self._self_based(parent.target, method)
            else:
                return False
            direct = False
            node = parent

    def _self_based(self, node: cst.BaseExpression, method: MethodInfo, bare: bool = False) -> bool:
        if isinstance(node, (cst.Tuple, cst.List)):
            return bool(node.elements) and all(self._self_based(e.value, method) for e in node.elements)
        if isinstance(node, cst.StarredElement):
            return self._self_based(node.value, method)
        seen_attribute = bare
        while isinstance(node, (cst.Attribute, cst.Subscript)):
            seen_attribute = seen_attribute or isinstance(node, cst.Attribute)
            node = node.value
        return seen_attribute and isinstance(node, cst.Name) and node.value == method.self_name

    def _before_super_init(self, call: cst.Call, method: MethodInfo) -> bool:
        """The call is in `__init__`, before the statement that calls the base class's `__init__`."""
        if method.node.name.value != "__init__":
            return False
        if method.node not in self._super_init_at:
            self._super_init_at[method.node] = None
            for statement in method.node.body.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                code = _source(statement)
                if "__init__(" in code and ("super(" in code or "super()" in code or ".__init__(self" in code):
                    self._super_init_at[method.node] = self.position(statement)
                    break
        at = self._super_init_at[method.node]
        return at is not None and self.position(call) < at

    # -- variables -----------------------------------------------------------------------------
    def _plan_variable(self, call: cst.Call, name: str, method: MethodInfo) -> bool:
        kind, params = FACTORIES[name]
        code = CODE_FOR_KIND[kind]
        short = "tf.Variable" if kind == "variable" else name if kind == "get_variable" else "K." + name.rsplit(".", 1)[-1]
        where = f"`{short}` in Keras class `{method.klass.name.value}`"
        stored = self._stored_on_self(call, method)
        if not stored and kind in ("k_zeros", "k_ones", "k_eye", "k_random_normal", "k_random_uniform"):
            return False  # a constant tensor as often as a variable: not this rule's business unless kept as a weight
        if not stored:
            self.flag(call, MANUAL_VARIABLE.code, f"{where} is not stored on the layer (a local, or passed elsewhere): Keras 3 does not track it; create it with `self.add_weight(...)` in `build()` and keep it as an attribute")
            return False
        if method.node.name.value == "call":
            self.flag(call, MANUAL_VARIABLE.code, f"{where} is created in `call()`: create it once with `self.add_weight(...)` in `build()` and only use it in `call()`")
            return False
        if self._before_super_init(call, method):
            self.flag(call, MANUAL_VARIABLE.code, f"{where} is created before `super().__init__()`: Keras 3 cannot add a weight yet; move it after that call and use `self.add_weight(...)`")
            return False
        try:
            plan = self._build(call, kind, params, method, stored if isinstance(stored, cst.SimpleStatementLine) else None, where, code)
        except Unmappable as reason:
            self.flag(call, MANUAL_VARIABLE.code, f"{where}: {reason}")
            return False
        if self.offer_fix(call, plan.code, plan.message, unsafe=plan.unsafe):
            self.edits.calls[call] = self._layout_like(call, plan.replacement)
            self._keep_comments(call)
            self._note_import_roots(call)  # `K`, `np`: dropped at the end if nothing else uses them
            if self._keras is not None and self._keras in cst.Module(body=[]).code_for_node(plan.replacement) + (
                _source(plan.pre_statement) if plan.pre_statement is not None else ""
            ):
                imports.require_keras_namespace(self.context, self._keras_import)
            if plan.pre_statement is not None and isinstance(stored, cst.SimpleStatementLine):
                self.edits.before_statement[stored] = plan.pre_statement
            return True
        return False

    def _note_import_roots(self, call: cst.Call) -> None:
        roots = self._import_roots

        class Find(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> bool:
                base = node
                while isinstance(base, cst.Attribute):
                    base = base.value
                if isinstance(base, cst.Name):
                    roots.setdefault(base.value, base)
                return False

            def visit_Name(self, node: cst.Name) -> None:
                roots.setdefault(node.value, node)

            def visit_Arg_keyword(self, node: cst.Arg) -> None:
                pass

        for part in (call.func, *(arg.value for arg in call.args)):
            traversal.visit(part, Find())

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        for node in self._import_roots.values():
            imports.schedule_removal_of_imports_used_by(self.context, node)
        return updated_node

    def _layout_like(self, original: cst.Call, new: cst.BaseExpression) -> cst.BaseExpression:
        """A call written over several lines is rewritten one argument a line, like Black would."""
        if not isinstance(new, cst.Call) or "\n" not in _source(original) or len(new.args) < 2:
            return new
        assert self.source_module is not None
        if self._lines is None:
            self._lines = module_text(self.source_module).splitlines()
        line, _ = self.position(original)
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        base = text[: len(text) - len(text.lstrip())]
        inner = base + self.source_module.default_indent

        def break_to(indent: str) -> cst.ParenthesizedWhitespace:
            return cst.ParenthesizedWhitespace(last_line=cst.SimpleWhitespace(indent))

        args = [arg.with_changes(comma=cst.Comma(whitespace_after=break_to(inner if i < len(new.args) - 1 else base))) for i, arg in enumerate(new.args)]
        return new.with_changes(args=args, whitespace_before_args=break_to(inner))

    def _keep_comments(self, call: cst.Call) -> None:
        """Comments written inside a call that is rebuilt move to the lines above its statement."""
        comments: list[cst.Comment] = []

        class Find(cst.CSTVisitor):
            def visit_Comment(self, node: cst.Comment) -> None:
                comments.append(node)

        traversal.visit(call, Find())
        if not comments:
            return
        node: cst.CSTNode | None = call
        while node is not None and not isinstance(node, cst.SimpleStatementLine):
            node = self.get_metadata(ParentNodeProvider, node, None)
        if node is not None:
            self.edits.comments.setdefault(node, []).extend(comments)

    def _bind(self, call: cst.Call, params: tuple[str, ...], allowed_keywords: set[str] | None = None) -> dict[str, cst.BaseExpression]:
        bound: dict[str, cst.BaseExpression] = {}
        positional = 0
        for arg in call.args:
            if arg.star:
                raise Unmappable("arguments passed with `*`/`**` cannot be checked; write the `self.add_weight(...)` call by hand")
            if arg.keyword is None:
                if positional >= len(params):
                    raise Unmappable("more positional arguments than the rule can map; pass them by keyword or write `self.add_weight(...)` by hand")
                bound[params[positional]] = arg.value
                positional += 1
            else:
                key = arg.keyword.value
                if allowed_keywords is not None and key not in allowed_keywords and key not in params:
                    raise Unmappable(f"argument `{key}` is not understood; write the `self.add_weight(...)` call by hand")
                bound[key] = arg.value
        return {k: v for k, v in bound.items() if not _is_none(v) or k in ("initializer",)}

    def _check_harmless(self, bound: dict[str, cst.BaseExpression], known: set[str]) -> None:
        for key, value in list(bound.items()):
            if key in known:
                continue
            if key in HARMLESS and _source(value).strip() in HARMLESS[key]:
                del bound[key]
                continue
            raise Unmappable(f"`{key}={_source(value).strip()}` has no `add_weight` counterpart; create the weight with `self.add_weight(...)` by hand")

    def _build(self, call, kind, params, method, statement, where, code) -> Plan:
        unsafe_reasons: list[str] = []
        if kind == "variable":
            allowed = set(params) | {"name", "dtype", "constraint", "shape"} | set(HARMLESS)
            bound = self._bind(call, params, allowed)
            self._check_harmless(bound, {"initial_value", "trainable", "name", "dtype", "constraint"})
            if "initial_value" not in bound:
                raise Unmappable("no initial value; create the weight with `self.add_weight(shape=..., initializer=...)` by hand")
            explicit_dtype = bound.get("dtype")
            target = self._value(bound["initial_value"], explicit_dtype, keras_floatx=False)
        elif kind == "k_variable":
            bound = self._bind(call, params, set(params))
            explicit_dtype = bound.get("dtype")
            target = self._value(bound["value"], explicit_dtype, keras_floatx=True)
        elif kind in ("k_zeros", "k_ones"):
            bound = self._bind(call, params, set(params))
            if "shape" not in bound:
                raise Unmappable("no shape given")
            target = Target(shape=bound["shape"], initializer=self.string("zeros" if kind == "k_zeros" else "ones"), dtype=bound.get("dtype"), ints_usual=True)
        elif kind in ("k_random_normal", "k_random_uniform"):
            bound = self._bind(call, params, set(params))
            first, second = ("mean", "scale") if kind == "k_random_normal" else ("low", "high")
            if "shape" not in bound or first not in bound or second not in bound:
                raise Unmappable(f"`shape`, `{first}` and `{second}` are needed (Keras 2 required them)")
            if kind == "k_random_normal":
                initializer = self.initializer("RandomNormal", mean=bound["mean"], stddev=bound["scale"], seed=bound.get("seed"))
            else:
                initializer = self.initializer("RandomUniform", minval=bound["low"], maxval=bound["high"], seed=bound.get("seed"))
            target = Target(shape=bound["shape"], initializer=initializer, dtype=bound.get("dtype"))
        elif kind == "k_eye":
            bound = self._bind(call, params, set(params))
            size = bound.get("size")
            if not isinstance(size, (cst.Integer, cst.Name, cst.Attribute, cst.BinaryOperation, cst.Subscript)) or "(" in _source(size):  # written twice: no calls
                raise Unmappable("`K.eye` of a size the rule cannot read; write `self.add_weight(shape=(n, n), initializer='identity')` by hand")
            shape = cst.Tuple([cst.Element(size, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(size)])
            target = Target(shape=shape, initializer=self.string("identity"), dtype=bound.get("dtype"))
        else:  # get_variable
            allowed = set(params) | {"constraint"} | set(HARMLESS)
            bound = self._bind(call, params, allowed)
            self._check_harmless(bound, {"name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint"})
            target = self._get_variable(bound)
            if "regularizer" in bound:
                unsafe_reasons.append("Keras adds the regularizer's penalty to the layer's losses, so `fit()` now minimizes it too (TF1 only put it in the REGULARIZATION_LOSSES collection)")
        if target.unsafe_reason:
            unsafe_reasons.append(target.unsafe_reason)
        keras22_note = ""
        if method.klass in self.standalone_classes and "trainable" not in bound and self._listed(call, method, "non_trainable_weights"):
            unsafe_reasons.append(
                "it is listed in `non_trainable_weights`, where Keras 2.3 also tracked it as trainable (Keras 2.2 only as non-trainable): "
                "`add_weight` makes it trainable; add `trainable=False` if it is a constant or state"
            )
        elif method.klass in self.standalone_classes and "trainable" not in bound and self.listed_trainable and not self._listed(call, method):
            # Keras 2.3.1's `trainable_weights` setter replaced the list `__setattr__` had filled: an unlisted variable
            # was neither trained nor a weight (Keras 2.2: the same). A non-trainable weight computes the same.
            bound["trainable"] = cst.Name("False")
            parent = self.get_metadata(ParentNodeProvider, call, None)
            if isinstance(parent, cst.Assign):
                self.frozen_unlisted.update((id(method.klass), _source(t.target).strip()) for t in parent.targets)
            keras22_note = (
                "; `trainable=False`: the class sets `trainable_weights` to a list without it, which in Keras 2.2 and 2.3 "
                "alike kept it out of training"
            )
        elif method.klass in self.standalone_classes and "trainable" not in bound and not self._listed(call, method):
            # Keras 2.3.1 (`Layer.__setattr__`) and tf.keras 2.x tracked a variable set as a layer attribute, trainable per
            # its own flag (True for K.variable / tf.Variable): add_weight's default. Only Keras 2.2 and earlier ignored it.
            keras22_note = (
                "; a trainable weight, as Keras 2.3 and tf.keras 2.x tracked it (Keras 2.2 and earlier ignored a variable kept on a layer "
                "unless listed in `trainable_weights`: if the code was written for them and means a constant or state, add `trainable=False`)"
            )
        if target.shape is not None:
            target.shape, shape_reason = _shape(target.shape, target.ints_usual)
            if shape_reason:
                unsafe_reasons.append(shape_reason)

        name = bound.get("name")
        if name is not None:
            text = _source(name)
            if not isinstance(name, (cst.Name, cst.Attribute)) and "/" in text:
                raise Unmappable("its name contains '/', which Keras 3 rejects in weight names; choose a name without '/' and write `self.add_weight(...)` by hand")
        trainable = bound.get("trainable")
        dtype = target.dtype
        if kind in ("variable", "get_variable") or dtype is not None:
            dtype_name = _dtype_name(dtype, self) if dtype is not None else "float32"
            if dtype_name is not None and (dtype_name in INT_DTYPES or dtype_name == "bool") and not (trainable is not None and _source(trainable).strip() == "False"):
                raise Unmappable(f"a variable of dtype {dtype_name} would become a trainable weight in Keras; if it is a counter or a flag, write `self.add_weight(..., dtype='{dtype_name}', trainable=False)`")

        pre_statement = None
        if target.initializer is None and target.shape is None and isinstance(target, _Generic):
            # the generic form: compute the value once into a local, then take its shape and dtype
            if statement is None:
                raise Unmappable("its initial value is not a form the rule knows and it is not a plain `self.x = ...`; create the weight with `self.add_weight(shape=..., initializer=...)` by hand")
            attr = self._attr_name(statement)
            local = f"initial_{attr}"
            if self._name_used(method, local):
                raise Unmappable(f"its initial value is not a form the rule knows (and the name `{local}` is taken); create the weight with `self.add_weight(shape=..., initializer=...)` by hand")
            convert_args = [cst.Arg(target.value)]
            if target.dtype is not None:
                convert_args.append(keyword("dtype", target.dtype))
            convert = cst.Call(func=dotted(f"{self.keras()}.ops.convert_to_tensor"), args=with_commas(convert_args))
            pre_statement = cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(local))], value=convert)],
                leading_lines=statement.leading_lines,
            )
            target = Target(
                shape=dotted(f"{local}.shape"),
                initializer=self.initializer("Constant", value=cst.Name(local)),
                dtype=target.dtype if kind == "k_variable" else dotted(f"{local}.dtype"),
            )
            unsafe_reasons.insert(0, "its initial value is not a form the rule knows: it is computed once and held by a `Constant` initializer")
            code = GENERIC_VALUE.code

        args: list[cst.Arg] = []
        if name is not None:
            args.append(keyword("name", name))
        if target.shape is not None:
            args.append(keyword("shape", target.shape))
        if target.initializer is not None:
            args.append(keyword("initializer", target.initializer))
        if trainable is not None:
            args.append(keyword("trainable", trainable))
        if target.dtype is not None:
            args.append(keyword("dtype", target.dtype))
        if "regularizer" in bound:
            args.append(keyword("regularizer", self._regularizer(bound["regularizer"])))
        if "constraint" in bound:
            args.append(keyword("constraint", bound["constraint"]))
        replacement = cst.Call(func=dotted(f"{method.self_name}.add_weight"), args=with_commas(args))
        message = f"{where}: Keras 3 does not track it (no weights, nothing trained); now `{method.self_name}.add_weight(...)`{keras22_note}"
        if unsafe_reasons:
            message += "; unsafe: " + "; ".join(unsafe_reasons)
        return Plan(code=code, message=message, replacement=replacement, unsafe=bool(unsafe_reasons), pre_statement=pre_statement)

    def _listed(self, call: cst.Call, method: MethodInfo, attribute: str = "trainable_weights") -> bool:
        """The call is the value of `self.x = ...` and `self.x` is listed in `self.<attribute> = [...]`."""
        parent = self.get_metadata(ParentNodeProvider, call, None)
        if not isinstance(parent, cst.Assign) or parent.value is not call:
            return False
        listed = self.listed_trainable if attribute == "trainable_weights" else self._listed_trainable(method.klass, attribute)
        return all(_source(t.target).strip() in listed for t in parent.targets)

    @staticmethod
    def _attr_name(statement: cst.SimpleStatementLine) -> str:
        target = statement.body[0].targets[0].target  # type: ignore[attr-defined]
        while isinstance(target, cst.Subscript):
            target = target.value
        return target.attr.value if isinstance(target, cst.Attribute) else "value"

    def _name_used(self, method: MethodInfo, name: str) -> bool:
        found = []

        class Find(cst.CSTVisitor):
            def visit_Name(self, node: cst.Name) -> None:
                if node.value == name:
                    found.append(node)

        traversal.visit(method.node, Find())
        return bool(found)

    # -- initial values --------------------------------------------------------------------------
    def _value(self, value: cst.BaseExpression, explicit_dtype: cst.BaseExpression | None, keras_floatx: bool) -> "Target":
        """shape/initializer/dtype for a variable created from `value`.

        `explicit_dtype`: the variable's own dtype argument (wins). `keras_floatx`: K.variable, whose
        default dtype is floatx (add_weight's default), whatever the value's type.
        """
        target = self._value_target(value)
        if target is None:
            return _Generic(value=value, dtype=explicit_dtype)
        if explicit_dtype is not None:
            target.dtype = explicit_dtype
        elif keras_floatx:
            target.dtype = None
        return target

    def _value_target(self, value: cst.BaseExpression) -> Target | None:
        # Python literals
        try:
            literal = _literal(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            literal = None
        else:
            if isinstance(literal, bool):
                return Target(initializer=self.string("ones" if literal else "zeros"), dtype=self.string("bool"))
            return self._literal_target(literal, value, numpy=False)
        if not isinstance(value, cst.Call):
            return None
        name = self.qualified_name(value)
        try:
            if name is None or name.startswith(("tf.initializers.", "keras.initializers.")):
                return self._initializer_call_target(value)
            return self._call_target(name, value)
        except Unmappable:
            return None

    def _initializer_call_target(self, call: cst.Call) -> Target | None:
        """`init(shape=..., dtype=...)` (TF2's guide: `tf.Variable(initial_value=w_init(shape=(3, 4)))`):
        Keras calls the same initializer object with the same shape and dtype."""
        bound = self._bind(call, ("shape", "dtype"), {"shape", "dtype"})
        if "shape" not in bound:
            return None
        func = call.func
        if isinstance(func, cst.Call):
            mapped = self._initializer_object(func)
            if mapped is None:
                return None
            return Target(shape=bound["shape"], initializer=mapped[0], dtype=bound.get("dtype"), unsafe_reason=mapped[1])
        if isinstance(func, cst.Name) and (self._bound_to_initializer(func) or any(a.keyword and a.keyword.value == "shape" for a in call.args)):
            return Target(shape=bound["shape"], initializer=func, dtype=bound.get("dtype"))
        if isinstance(func, cst.Attribute) and self._attribute_initializer(func):
            return Target(shape=bound["shape"], initializer=func, dtype=bound.get("dtype"))
        return None

    def _attribute_initializer(self, func: cst.Attribute) -> bool:
        """`self.init` that the class sets once, to a Keras or TF1 initializer (`initializers.get('normal')`)."""
        if not isinstance(func.value, cst.Name) or self._current is None or func.value.value != self._current.self_name:
            return False
        attr = func.attr.value
        values: list[cst.BaseExpression] = []
        self_name = self._current.self_name

        class Find(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    t = target.target
                    if isinstance(t, cst.Attribute) and t.attr.value == attr and isinstance(t.value, cst.Name) and t.value.value == self_name:
                        values.append(node.value)

        traversal.visit(self._current.klass, Find())
        if len(values) != 1 or not isinstance(values[0], cst.Call):
            return False
        called = self.qualified_name(values[0]) or ""
        return called in TF1_INITIALIZERS or called.startswith(("keras.initializers.", "tf.initializers."))

    def _bound_to_initializer(self, name: cst.Name) -> bool:
        assign = only_assign(self, name)
        if assign is None or not isinstance(assign.value, cst.Call):
            return False
        called = self.qualified_name(assign.value) or ""
        return called in TF1_INITIALIZERS or called.startswith(("keras.initializers.", "tf.initializers."))

    def _literal_target(self, literal, node: cst.BaseExpression, numpy: bool, dtype: cst.BaseExpression | None = None) -> Target | None:
        shape = _array_shape(literal)
        if shape is None:
            return None
        flat = _flat(literal)
        is_float = any(isinstance(x, float) for x in flat)
        if dtype is None:
            if numpy:
                dtype = self.string("float64" if is_float else "int64")
            elif not is_float:
                dtype = self.string("int32")
        shape_node = None if shape == () else cst.parse_expression(repr(tuple(shape)))
        if all(x == 0 for x in flat):
            initializer: cst.BaseExpression = self.string("zeros")
        elif all(x == 1 for x in flat):
            initializer = self.string("ones")
        else:
            literal_node = node if shape == () or not numpy else node
            initializer = self.initializer("Constant", value=literal_node.with_changes(lpar=[], rpar=[]) if hasattr(literal_node, "lpar") else literal_node)
        return Target(shape=shape_node, initializer=initializer, dtype=dtype)

    def _call_target(self, name: str, call: cst.Call) -> Target | None:
        if name in ("numpy.float16", "numpy.float32", "numpy.float64"):
            bound = self._bind(call, ("x",), {"x"})
            if "x" not in bound:
                return None
            literal = _literal_or_none(bound["x"])
            if literal is None or _array_shape(literal) is None:
                return None
            return self._literal_target(literal, bound["x"], numpy=False, dtype=self.string(name.split(".")[1]))
        if name in ("numpy.array", "numpy.asarray"):
            bound = self._bind(call, ("object", "dtype"), {"object", "dtype"})
            literal = _literal_or_none(bound.get("object"))
            if literal is None:
                return None
            return self._literal_target(literal, bound["object"], numpy=True, dtype=bound.get("dtype"))
        if name in ("numpy.zeros", "numpy.ones"):
            bound = self._bind(call, ("shape", "dtype"), {"shape", "dtype"})
            if "shape" not in bound:
                return None
            return Target(shape=bound["shape"], initializer=self.string(name.split(".")[1]), dtype=bound.get("dtype") or self.string("float64"), ints_usual=True)
        if name == "numpy.full":
            bound = self._bind(call, ("shape", "fill_value", "dtype"), {"shape", "fill_value", "dtype"})
            fill = bound.get("fill_value")
            literal = _literal_or_none(fill)
            if "shape" not in bound or fill is None:
                return None
            dtype = bound.get("dtype")
            if dtype is None:
                if not isinstance(literal, float):
                    return None
                dtype = self.string("float64")
            return Target(shape=bound["shape"], initializer=self._constant(fill, literal), dtype=dtype, ints_usual=True)
        if name in ("tf.zeros", "tf.ones"):
            bound = self._bind(call, ("shape", "dtype", "name"), {"shape", "dtype", "name"})
            if "shape" not in bound:
                return None
            return Target(shape=bound["shape"], initializer=self.string(name[3:]), dtype=bound.get("dtype"), ints_usual=True)
        if name == "tf.fill":
            bound = self._bind(call, ("dims", "value", "name"), {"dims", "value", "name"})
            literal = _literal_or_none(bound.get("value"))
            if "dims" not in bound or not isinstance(literal, (int, float)) or isinstance(literal, bool):
                return None
            dtype = None if isinstance(literal, float) else self.string("int32")
            return Target(shape=bound["dims"], initializer=self._constant(bound["value"], literal), dtype=dtype, ints_usual=True)
        if name == "tf.constant":
            bound = self._bind(call, ("value", "dtype", "shape", "name", "verify_shape"), {"value", "dtype", "shape", "name", "verify_shape"})
            literal = _literal_or_none(bound.get("value"))
            if literal is None:
                return None
            target = self._literal_target(literal, bound["value"], numpy=False, dtype=bound.get("dtype"))
            if target is None:
                return None
            if "shape" in bound:
                if _array_shape(literal) != ():
                    return None  # TF1 fills a larger shape with the last value: not a Keras initializer
                target.shape = bound["shape"]
                target.ints_usual = True
                if target.initializer is not None and isinstance(target.initializer, cst.SimpleString) is False:
                    target.initializer = self._constant(bound["value"], literal)
            return target
        random = {
            "tf.random_normal": "normal",
            "tf.random.normal": "normal",
            "tf.truncated_normal": "truncated",
            "tf.random.truncated_normal": "truncated",
            "tf.random_uniform": "uniform",
            "tf.random.uniform": "uniform",
        }.get(name)
        if random is not None:
            if random == "uniform":
                bound = self._bind(call, ("shape", "minval", "maxval", "dtype", "seed", "name"), {"shape", "minval", "maxval", "dtype", "seed", "name"})
            else:
                bound = self._bind(call, ("shape", "mean", "stddev", "dtype", "seed", "name"), {"shape", "mean", "stddev", "dtype", "seed", "name"})
            if "shape" not in bound:
                return None
            dtype = bound.get("dtype")
            if dtype is not None and (_dtype_name(dtype, self) or "") not in FLOAT_DTYPES:
                return None  # integer uniform draws (or an unknown dtype): not a Keras initializer
            if random == "uniform":
                initializer = self.initializer(
                    "RandomUniform",
                    minval=bound.get("minval") or cst.Float("0.0"),
                    maxval=bound.get("maxval") or cst.Float("1.0"),
                    seed=bound.get("seed"),
                )
            else:
                initializer = self.initializer(
                    "RandomNormal" if random == "normal" else "TruncatedNormal",
                    mean=bound.get("mean") or cst.Float("0.0"),
                    stddev=bound.get("stddev") or cst.Float("1.0"),
                    seed=bound.get("seed"),
                )
            return Target(shape=bound["shape"], initializer=initializer, dtype=dtype)
        return None

    def _constant(self, node: cst.BaseExpression, literal) -> cst.BaseExpression:
        if literal == 0 and not isinstance(literal, bool):
            return self.string("zeros")
        if literal == 1 and not isinstance(literal, bool):
            return self.string("ones")
        return self.initializer("Constant", value=node)

    def _get_variable(self, bound: dict[str, cst.BaseExpression]) -> Target:
        shape = bound.get("shape")
        dtype = bound.get("dtype")
        init = bound.get("initializer")
        if init is None or _is_none(init):
            if shape is None:
                raise Unmappable("neither a shape nor an initializer; write `self.add_weight(shape=..., initializer=...)` by hand")
            dtype_name = _dtype_name(dtype, self) if dtype is not None else "float32"
            if dtype_name in FLOAT_DTYPES:
                initializer: cst.BaseExpression | None = self.string("glorot_uniform")  # TF1's default for floats
            elif dtype_name in INT_DTYPES or dtype_name == "bool":
                initializer = self.string("zeros")
            else:
                initializer = None  # add_weight picks like TF1 did: Glorot uniform for floats, zeros otherwise
            return Target(shape=shape, initializer=initializer, dtype=dtype)
        mapped = self._initializer_object(init)
        if mapped is not None:
            if shape is None:
                raise Unmappable("an initializer object without a shape; add `shape=` and write `self.add_weight(...)` by hand")
            return Target(shape=shape, initializer=mapped[0], dtype=dtype, unsafe_reason=mapped[1])
        if shape is not None:
            # TF1 accepts a value only without a shape: with a shape, this is a callable initializer,
            # called like Keras calls one (shape, dtype=...).
            return Target(shape=shape, initializer=init, dtype=dtype)
        target = self._value(init, dtype, keras_floatx=False)
        return target

    def _initializer_object(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression, str | None] | None:
        """A TF1 initializer object as a Keras initializer (and an unsafe reason), or None if not one."""
        if not isinstance(node, cst.Call):
            name = self.qualified_name(node)
            if name and name.startswith("keras.initializers."):
                return node, None
            if name in TF1_INITIALIZERS:  # the class itself: TF1's get_variable instantiated it
                return self._map_initializer(name, node, {})
            return None
        name = self.qualified_name(node)
        if name is None:
            return None
        if name.startswith("keras.initializers.") or (name.startswith("tf.initializers.") and name.rsplit(".", 1)[-1][:1].isupper()):
            return node, None  # already a Keras initializer (TF2's `tf.initializers` is Keras's)
        spec = TF1_INITIALIZERS.get(name)
        if spec is None:
            if name.startswith("tf.") and ("initializer" in name or name.startswith("tf.initializers.")):
                raise Unmappable(f"initializer `{name}` has no Keras counterpart the rule knows; pick a `keras.initializers` one and write `self.add_weight(...)` by hand")
            return None
        return self._map_initializer(name, node, self._bind(node, spec[1], set(spec[1])))

    def _map_initializer(self, name: str, node: cst.BaseExpression, bound: dict[str, cst.BaseExpression]) -> tuple[cst.BaseExpression, str | None]:
        keras_name, params, defaults = TF1_INITIALIZERS[name]
        bound.pop("dtype", None)  # the variable's dtype wins over the initializer's, in TF1 as in Keras
        if name in TF2_DEFAULTS and any(key not in bound for key in defaults):
            # Same name in TF1 and TF2, different defaults: which TensorFlow was the code written for?
            version = self._tensorflow_version(node)
            if version is None:
                spelled = ", ".join(f"{k}={v}" for k, v in defaults.items())
                raise Unmappable(
                    f"`{name}` relies on defaults that differ between TF1 ({spelled}) and TF2 ({', '.join(f'{k}={v}' for k, v in TF2_DEFAULTS[name].items())}), "
                    "and nothing in the file says which one it was written for; pass them explicitly, then run the tool again"
                )
        if keras_name in CONTRIB_INITIALIZERS:
            try:
                keras_name, bound = contrib_initializer(keras_name, bound, self.string)
            except ValueError as reason:
                raise Unmappable(f"{reason}; write `self.add_weight(...)` by hand") from None
        if keras_name == "VarianceScaling" and "distribution" in bound:
            distribution = _literal_or_none(bound["distribution"])
            if distribution == "normal":  # TF1: "normal" meant truncated normal
                bound["distribution"] = self.string("truncated_normal")
            elif distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
                raise Unmappable("`variance_scaling_initializer(distribution=...)` is not a known literal; write the Keras `VarianceScaling` initializer by hand")
        unsafe = None
        if keras_name == "Constant":
            value = bound.get("value", cst.Integer("0"))
            literal = _literal_or_none(value)
            if literal is not None and _array_shape(literal) == ():
                return self._constant(value, literal), None
            unsafe = "`Constant` broadcasts its value to the shape, where TF1's `constant_initializer` reshaped a list of the right size"
            return self.initializer("Constant", value=value), unsafe
        for key, default in defaults.items():
            bound.setdefault(key, cst.parse_expression(default))
        if bound.get("seed") is not None and _is_none(bound["seed"]):
            del bound["seed"]
        if not bound and keras_name in STRING_INITIALIZERS:
            return self.string(STRING_INITIALIZERS[keras_name]), None
        ordered = {key: bound[key] for key in KERAS_PARAMS[keras_name] if key in bound}
        if len(ordered) != len(bound):
            extra = sorted(set(bound) - set(ordered))
            raise Unmappable(f"argument(s) {', '.join(extra)} of `{name}` have no Keras counterpart; write the initializer by hand")
        return self.initializer(keras_name, **ordered), unsafe

    def _tensorflow_version(self, node: cst.CSTNode) -> str | None:
        """'tf1' when `node` is spelled through `tensorflow.compat.v1`, or the file imports
        `tensorflow.compat.v1` or uses TF1-only names (`tf.get_variable`, `tf.Session`, ...) through
        plain `tensorflow`; None when it cannot be told (most TF1 names exist in TF2 too)."""
        names = self.get_metadata(QualifiedNameProvider, node.func if isinstance(node, cst.Call) else node, None) or set()
        if any(q.name.startswith("tensorflow.compat.v1.") for q in names):
            return "tf1"
        if self._tf1_file is None:
            self._tf1_file = self._uses_tf1_names()
        return "tf1" if self._tf1_file else None

    def _uses_tf1_names(self) -> bool:
        from . import api_table

        assert self.source_module is not None
        if imports.module_alias(self.source_module, "tensorflow.compat.v1") is not None:
            return True
        found = []
        codemod = self

        class Scan(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> bool:
                if found:
                    return False
                for q in codemod.get_metadata(QualifiedNameProvider, node, None) or set():
                    if q.source is QualifiedNameSource.IMPORT and q.name.startswith("tensorflow.") and not q.name.startswith(("tensorflow.compat.", "tensorflow.python.", "tensorflow.keras")):
                        short = "tf." + q.name[len("tensorflow.") :]
                        if api_table.lookup(short) is not None and not api_table.tf2_name_exists(short):
                            found.append(short)
                return False  # the outermost attribute names the object

        traversal.visit(self.source_module, Scan())
        return bool(found)

    # -- add_weight written for Keras 2 ------------------------------------------------------------
    def _plan_add_weight(self, call: cst.Call, method: MethodInfo) -> None:
        func = call.func
        assert isinstance(func, cst.Attribute)
        if any(a.star for a in call.args):
            return
        positional = [a for a in call.args if a.keyword is None]
        args = list(call.args)
        changed = False
        if positional or func.attr.value == "add_variable":
            keywords = self._keras2_keywords(call, positional)
            what = "`add_variable` (Keras 2 only)" if func.attr.value == "add_variable" else "Keras 2 positional `add_weight(name, shape, ...)`"
            if keywords is not None and self.offer_fix(call, ADD_WEIGHT_POSITIONAL.code, f"{what}: Keras 3 takes (shape, initializer, ...) positionally; now keyword arguments"):
                args, changed = keywords, True
        # TF1 initializer and regularizer objects handed to add_weight
        mapped_args = []
        mapped_any = False
        for arg in args:
            key = arg.keyword.value if arg.keyword is not None else None
            new_value = None
            if key == "initializer":
                try:
                    mapped = self._initializer_object(arg.value) if self.qualified_name(arg.value) in TF1_INITIALIZERS else None
                except Unmappable:
                    mapped = None
                if mapped is not None and mapped[1] is None:
                    new_value = mapped[0]
            elif key == "regularizer":
                regularizer = self._regularizer(arg.value)
                if regularizer is not arg.value:
                    new_value = regularizer
            if new_value is not None:
                mapped_any = True
                arg = arg.with_changes(value=new_value)
            mapped_args.append(arg)
        if mapped_any and self.offer_fix(call, ADD_WEIGHT_ARGUMENTS.code, "TF1 initializer/regularizer object passed to `add_weight`: now the Keras one with the same arguments and TF1 defaults"):
            args, changed = mapped_args, True
        if changed:
            rewritten = call.with_changes(func=func.with_changes(attr=cst.Name("add_weight")), args=with_commas(args), whitespace_before_args=cst.SimpleWhitespace(""))
            self.edits.calls[call] = self._layout_like(call, rewritten)
            self._keep_comments(call)

    def _keras2_keywords(self, call: cst.Call, positional: list[cst.Arg]) -> list[cst.Arg] | None:
        """The arguments of a Keras 2 `add_weight`/`add_variable` call, all by keyword (None: reported instead)."""
        if positional and not isinstance(positional[0].value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_weight":
                self.flag(call, ADD_WEIGHT_POSITIONAL.code, "`add_weight` with positional arguments: Keras 2 and Keras 3 order them differently (Keras 3: shape, initializer, dtype, trainable, ...); pass every argument by keyword")
                return None
        keras2 = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
        if len(positional) > len(keras2):
            self.flag(call, ADD_WEIGHT_POSITIONAL.code, "too many positional arguments to `add_weight`; pass every argument by keyword")
            return None
        args = []
        index = 0
        for arg in call.args:
            if arg.keyword is None:
                args.append(keyword(keras2[index], arg.value))
                index += 1
            else:
                args.append(arg)
        return args

    def _regularizer(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`tf.contrib.layers.l2_regularizer(scale)` -> `keras.regularizers.L2(l2=scale / 2)` (TF1's used
        `tf.nn.l2_loss`, half the sum of squares); anything else is returned as it is."""
        if not isinstance(node, cst.Call):
            return node
        name = self.qualified_name(node)
        spec = CONTRIB_REGULARIZERS.get(name or "")
        if spec is None:
            return node
        params, keras_name, keras_keys = spec
        try:
            bound = self._bind(node, params, set(params))
        except Unmappable:
            return node
        bound.pop("scope", None)
        values = {}
        for tf1_key, keras_key in keras_keys.items():
            value = bound.get(tf1_key)
            if value is None:
                return node  # TF1 required the scale
            if keras_key == "l2":
                literal = _literal_or_none(value)
                if isinstance(literal, (int, float)) and not isinstance(literal, bool):
                    value = cst.parse_expression(repr(literal / 2))
                else:
                    value = cst.BinaryOperation(left=cst.Float("0.5"), operator=cst.Multiply(), right=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if isinstance(value, cst.BinaryOperation) else value)
            values[keras_key] = value
        return cst.Call(func=dotted(f"{self.keras()}.regularizers.{keras_name}"), args=with_commas([keyword(k, v) for k, v in values.items()]))

    # -- graph plumbing ------------------------------------------------------------------------------
    def _plan_plumbing(self, method: MethodInfo, calls: list[cst.Call], withs: list[cst.With], statements: list[cst.SimpleStatementLine], fixed: set[cst.Call]) -> None:
        consumed: set[cst.CSTNode] = set()  # Name nodes of handles whose use goes away
        handled_calls: set[cst.Call] = set()

        def handle_of(expr: cst.BaseExpression) -> cst.CSTNode | None:
            """The handle node (a handle call, or a local Name) `expr` is, if it is one."""
            if isinstance(expr, cst.Call) and not expr.args and last_name(expr) in HANDLE_NAMES and self.qualified_name(expr) in GRAPH_HANDLES:
                return expr
            if isinstance(expr, cst.Name) and self._local_handle(expr, method) is not None:
                return expr
            return None

        # 1. with-blocks whose body only creates weights we rewrite
        for block in withs:
            items_ok = []
            for item in block.items:
                expr = item.item
                if item.asname is not None:
                    items_ok.append(None)
                    continue
                if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "as_default" and not expr.args:
                    items_ok.append(handle_of(expr.func.value))
                elif isinstance(expr, cst.Call) and last_name(expr) in ("variable_scope", "variable_op_scope") and self.qualified_name(expr) in SCOPES:
                    items_ok.append(expr)
                else:
                    items_ok.append(None)
            if None in items_ok or not self._only_weights(block, fixed):
                continue
            if self.offer_fix(block, GRAPH_PLUMBING.code, "`with` block around weight creation only (graph/variable scope plumbing): unwrapped, Keras creates and names the weights"):
                self.edits.unwrap.add(block)
                for node in items_ok:
                    if isinstance(node, cst.Call):
                        handled_calls.add(node)
                    consumed.add(node)  # type: ignore[arg-type]

        # 2. sess.run(<initializer>) statements
        for line in statements:
            for small in line.body:
                if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
                    continue
                run = small.value
                if not (isinstance(run.func, cst.Attribute) and run.func.attr.value == "run" and len(run.args) == 1 and run.args[0].keyword is None):
                    continue
                session = handle_of(run.func.value)
                if session is None or not self._is_initializer(run.args[0].value, method):
                    continue
                if self.offer_fix(small, GRAPH_PLUMBING.code, "variable initialization run through a session: removed, Keras initializes its weights when it creates them"):
                    self.edits.remove_small.add(small)
                    consumed.add(session)
                    if isinstance(session, cst.Call):
                        handled_calls.add(session)

        # 3. handles whose every use went away
        for line in statements:
            for small in line.body:
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
                    continue
                value = small.value
                if not (isinstance(value, cst.Call) and not value.args and last_name(value) in HANDLE_NAMES and self.qualified_name(value) in GRAPH_HANDLES):
                    continue
                accesses = self._accesses(small.targets[0].target, method)
                if accesses is None or not accesses or not all(a in consumed for a in accesses):
                    continue
                if self.offer_fix(small, GRAPH_PLUMBING.code, f"`{self.qualified_name(value)}()` only served the layer's variables: removed (it does not exist in Keras 3)"):
                    self.edits.remove_small.add(small)
                    handled_calls.add(value)

        # 4. Keras 1/2 `self.trainable_weights = [self.w, ...]`: read-only in Keras 3, add_weight tracks them
        created: set[str] = set()  # attributes this method assigns a weight to
        unconverted: set[str] = set()  # ... with a variable this run does not rewrite
        for line in statements:
            for small in line.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and len(small.targets) == 1:
                    target = small.targets[0].target
                    converted = small.value in fixed or self._is_add_weight(small.value, method)
                    if (converted or (last_name(small.value) in FACTORY_NAMES and self.qualified_name(small.value) in FACTORIES)) and isinstance(target, cst.Attribute) and self._self_based(target, method):
                        created.add(_source(target).strip())
                        if not converted:
                            unconverted.add(_source(target).strip())
        for line in statements:
            for small in line.body:
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                    continue
                target = small.targets[0].target
                if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == method.self_name):
                    continue
                if target.attr.value not in ("trainable_weights", "non_trainable_weights"):
                    continue
                value = small.value
                listed = isinstance(value, (cst.List, cst.Tuple)) and all(isinstance(e, cst.Element) for e in value.elements) and {
                    _source(e.value).strip() for e in value.elements  # type: ignore[union-attr]
                } == {c for c in created if (id(method.klass), c) not in self.frozen_unlisted}
                if target.attr.value == "trainable_weights" and listed and not unconverted:
                    if self.offer_fix(small, GRAPH_PLUMBING.code, "`self.trainable_weights = [...]` is read-only in Keras 3 and not needed: weights created with `add_weight` are tracked; removed"):
                        self.edits.remove_small.add(small)
                elif target.attr.value == "trainable_weights":
                    self.flag(small, MANUAL_VARIABLE.code, "`self.trainable_weights = ...` cannot be assigned in Keras 3, and it does not list exactly the weights this method creates: create the ones to freeze with `self.add_weight(..., trainable=False)` and drop the assignment")
                else:
                    self.flag(small, MANUAL_VARIABLE.code, "`self.non_trainable_weights = ...` cannot be assigned in Keras 3: create these weights with `self.add_weight(..., trainable=False)` and drop the assignment")

        # 5. Keras 2's private weight lists do not exist in Keras 3
        for line in statements:
            for small in line.body:
                if self._mentions_private_lists(small):
                    self.flag(small, MANUAL_VARIABLE.code, "Keras 2's private `_trainable_weights` / `_non_trainable_weights` lists do not exist in Keras 3: create the weight with `self.add_weight(..., trainable=...)` and drop this")

    @staticmethod
    def _mentions_private_lists(node: cst.CSTNode) -> bool:
        found = []

        class Find(cst.CSTVisitor):
            def visit_Attribute(self, attribute: cst.Attribute) -> None:
                if attribute.attr.value in ("_trainable_weights", "_non_trainable_weights"):
                    found.append(attribute)

        traversal.visit(node, Find())
        return bool(found)

    def _local_handle(self, name: cst.Name, method: MethodInfo) -> cst.Assign | None:
        assign = only_assign(self, name)
        if assign is not None and isinstance(assign.value, cst.Call) and not assign.value.args and last_name(assign.value) in HANDLE_NAMES and self.qualified_name(assign.value) in GRAPH_HANDLES:
            return assign
        return None

    def _accesses(self, name: cst.Name, method: MethodInfo) -> list[cst.CSTNode] | None:
        binding = only_binding(self, name)
        return None if binding is None else [access.node for access in binding.references]

    def _is_initializer(self, expr: cst.BaseExpression, method: MethodInfo) -> bool:
        if isinstance(expr, (cst.List, cst.Tuple)):
            return bool(expr.elements) and all(self._is_initializer(e.value, method) for e in expr.elements)
        if isinstance(expr, cst.Call) and self.qualified_name(expr) in INITIALIZER_OPS:
            return True
        return isinstance(expr, cst.Attribute) and expr.attr.value == "initializer" and self._self_based(expr.value, method)

    def _only_weights(self, block: cst.With, fixed: set[cst.Call]) -> bool:
        """Every statement in the block assigns a weight we rewrite (or is a nested such block / pass)."""
        body = block.body
        if not isinstance(body, cst.IndentedBlock) or not self._contains_fixed(body, fixed):
            return False
        for statement in body.body:
            if isinstance(statement, cst.With):
                if statement not in self.edits.unwrap:
                    return False
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                return False
            for small in statement.body:
                if isinstance(small, cst.Pass):
                    continue
                if not isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Expr)):
                    return False
                if not self._contains_fixed(small, fixed):
                    return False
        return True

    @staticmethod
    def _contains_fixed(node: cst.CSTNode, fixed: set[cst.Call]) -> bool:
        found = []

        class Find(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                if call in fixed:
                    found.append(call)

        traversal.visit(node, Find())
        return bool(found)

    # -- applying the plan ---------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        replacement = self.edits.calls.get(original_node)
        if replacement is None:
            return updated_node
        if isinstance(replacement, cst.Call) and replacement.func is not None:
            return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return replacement

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine):
        for small in original_node.body:
            if small in self.edits.remove_small:
                imports.schedule_removal_of_imports_used_by(self.context, small)
        kept = [u for o, u in zip(original_node.body, updated_node.body) if o not in self.edits.remove_small]
        if len(kept) != len(updated_node.body):
            if not kept:
                return cst.RemoveFromParent()
            kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            updated_node = updated_node.with_changes(body=kept)
        comments = self.edits.comments.get(original_node)
        if comments:
            lines = [cst.EmptyLine(comment=comment) for comment in comments]
            updated_node = updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *lines])
        pre = self.edits.before_statement.get(original_node)
        if pre is not None:
            return cst.FlattenSentinel([pre, updated_node.with_changes(leading_lines=[])])
        return updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With):
        if original_node not in self.edits.unwrap:
            return updated_node
        for item in original_node.items:
            imports.schedule_removal_of_imports_used_by(self.context, item)
        body = list(updated_node.body.body)  # type: ignore[union-attr]
        if not body:
            return cst.RemoveFromParent()
        first = body[0]
        body[0] = first.with_changes(leading_lines=[*updated_node.leading_lines, *getattr(first, "leading_lines", [])])
        return cst.FlattenSentinel(body)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body or not original_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


@dataclass
class _Generic(Target):
    """An initial value the rule does not know: handled by the generic form."""

    value: cst.BaseExpression | None = None


def _literal_or_none(node: cst.BaseExpression | None):
    if node is None:
        return None
    try:
        return _literal(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


CODEMOD = LayerVariables
