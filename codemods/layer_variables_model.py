"""What `layer_variables` looks for and the plan it builds (TFM101-TFM110): tables, plan data, small helpers.

What it holds
    The TF1 / Keras backend calls that make a variable (`FACTORIES`: canonical name -> kind and TF1's
    positional order; `CODE_FOR_KIND`: the rule each kind reports under), the arguments dropped when they
    change nothing (`HARMLESS`), the Keras layer bases (`is_layer_base`, `TF1_LAYER_BASES`), the graph and
    session handles and initializer ops the graph-plumbing part removes; the plan data: `Target` (what an
    `add_weight` call gets: shape, initializer, dtype), `Plan` (one call's replacement and finding),
    `MethodInfo` (a method of a Keras layer class), `Edits` (what the codemod applies), `Unmappable` (why a
    call cannot be rewritten exactly); helpers over literal values (`_literal`, `_array_shape`, `_shape`,
    `_dtype_name`, ...). `is_layer_base` is also read by codemods/keras_backend.py.

Matches and writes nothing itself. Kept in one module so that every part of the codemod
(codemods/layer_variables*.py) reads the same tables and plan.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from .layer_variables_rules import BACKEND_VARIABLE, GET_VARIABLE, VARIABLE

if TYPE_CHECKING:
    from .layer_variables import LayerVariables


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


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`, without spaces around '='."""
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


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
