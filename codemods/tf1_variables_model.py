"""The plan `tf1_variables` builds for a file, and the small helpers its parts share (TFM230-TFM234).

What it holds
    `LayerSite`: one TF1 layer call (or Keras layer built in its call) to convert: the call, its statement
    and module-level function, the Keras constructor and the call that replaces the old one, whether the
    layer is created once before the function (`hoisted`) and under which name. `Plan`: every site, the
    layers created before each statement or function, the `with tf.variable_scope(...)` blocks unwrapped, the
    variable-store calls (TFM231). `Unsupported`: raised while planning, its message says what a person has
    to do. `_collect` walks a tree once for its calls, `with` statements, dotted names and names;
    `_INTERESTING_TAILS` are the last parts of the names the codemod resolves (resolution is the slow part);
    `_Substitute` replaces Name nodes by identity (a parameter by the argument every call passes).

Matches and writes nothing itself. Kept in one module so that every part of the codemod
(codemods/tf1_variables*.py) reads the same plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from tf2migrate import traversal

from . import graph_rnn_cells, graph_shared_layers
from .contrib_layer_specs import CONTRIB_LAYERS
from .names import last_name
from .tf1_variables_tables import LAYER_CLASSES, LAYERS


_LOOPS = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Lambda)


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


def _words(class_name: str) -> str:
    """`BatchNormalization` -> `batch_normalization`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", class_name).lower()


def _snake(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z_]", "_", text).strip("_").lower()
    if not name or name[0].isdigit():
        name = "layer_" + name
    return name
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
