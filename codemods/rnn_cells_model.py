"""What `codemods/rnn_cells.py` knows of TF1's RNN API (cells, runs, wrappers: parameters and Keras counterparts),
its model (`Cell`, `Decline`) and the small tree helpers it shares with its parts."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tf2migrate import traversal


CELL_PARAMS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "BasicLSTMCell": (("num_units", "forget_bias", "state_is_tuple", "activation", "reuse", "name", "dtype"), "LSTMCell", "lstm"),
    "LSTMCell": (
        ("num_units", "use_peepholes", "cell_clip", "initializer", "num_proj", "proj_clip", "num_unit_shards", "num_proj_shards",
         "forget_bias", "state_is_tuple", "activation", "reuse", "name", "dtype"),
        "LSTMCell", "lstm"),
    "GRUCell": (("num_units", "activation", "reuse", "kernel_initializer", "bias_initializer", "name", "dtype"), "GRUCell", "gru"),
    "BasicRNNCell": (("num_units", "activation", "reuse", "name", "dtype"), "SimpleRNNCell", "rnn"),
    "MultiRNNCell": (("cells", "state_is_tuple"), "StackedRNNCells", "stack"),
}  # fmt: skip
DROPOUT_IN_STACK = (
    "a `DropoutWrapper` inside a `MultiRNNCell` or `bidirectional_dynamic_rnn`: TF1 drew a new mask at every time step between"
    " the layers; Keras' `dropout=` / `recurrent_dropout=` draw one mask per sequence and apply it inside the gates (no exact"
    " counterpart); stack single-cell Keras layers with `tf.nn.dropout` between them by hand"
)
DROPOUT_PARAMS = ("cell", "input_keep_prob", "output_keep_prob", "state_keep_prob", "variational_recurrent", "input_size", "dtype", "seed",
                  "dropout_state_filter_visitor")  # fmt: skip
UNSUPPORTED_CELLS = {
    "ResidualWrapper": "`ResidualWrapper` has no Keras cell counterpart",
    "DeviceWrapper": "`DeviceWrapper` has no Keras cell counterpart",
    "AttentionCellWrapper": "`AttentionCellWrapper` has no Keras cell counterpart",
    "LSTMStateTuple": "an explicit `LSTMStateTuple` state: Keras keeps an LSTM's state as `[h, c]`",
    "LayerNormBasicLSTMCell": "`LayerNormBasicLSTMCell` has no exact Keras counterpart",
    "LSTMBlockCell": "`LSTMBlockCell` (fused kernel, its own variable layout) has no exact Keras counterpart",
    "GRUBlockCell": "`GRUBlockCell` has no exact Keras counterpart",
    "RNNCell": "a custom `RNNCell` subclass: write it as a Keras cell (a layer with `state_size` and `call(inputs, states)`)",
}
CELL_PREFIXES = ("tf.nn.rnn_cell.", "tf.contrib.rnn.", "tf.contrib.rnn.core_rnn_cell.")
RUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tf.nn.dynamic_rnn": ("dynamic", ("cell", "inputs", "sequence_length", "initial_state", "dtype", "parallel_iterations", "swap_memory", "time_major", "scope")),
    "tf.nn.static_rnn": ("static", ("cell", "inputs", "initial_state", "dtype", "sequence_length", "scope")),
    "tf.contrib.rnn.static_rnn": ("static", ("cell", "inputs", "initial_state", "dtype", "sequence_length", "scope")),
    "tf.nn.static_bidirectional_rnn": ("static_bidirectional", ("cell_fw", "cell_bw", "inputs", "initial_state_fw", "initial_state_bw", "dtype", "sequence_length", "scope")),
    "tf.contrib.rnn.static_bidirectional_rnn": ("static_bidirectional", ("cell_fw", "cell_bw", "inputs", "initial_state_fw", "initial_state_bw", "dtype", "sequence_length", "scope")),
    "tf.nn.bidirectional_dynamic_rnn": ("bidirectional", ("cell_fw", "cell_bw", "inputs", "sequence_length", "initial_state_fw", "initial_state_bw",
                                                          "dtype", "parallel_iterations", "swap_memory", "time_major", "scope")),
}  # fmt: skip
UNSUPPORTED_RUNS = {
    "tf.nn.raw_rnn": "`raw_rnn` has no Keras counterpart",
    "tf.contrib.rnn.stack_bidirectional_dynamic_rnn": "`stack_bidirectional_dynamic_rnn` is not converted: stack `tf.keras.layers.Bidirectional` layers by hand",
}
# Initializers that draw every element independently of the shape: the same on TF1's joint kernel and on Keras' two.
ELEMENTWISE_INITIALIZERS = frozenset(
    {"tf.zeros_initializer", "tf.ones_initializer", "tf.constant_initializer", "tf.random_uniform_initializer", "tf.random_normal_initializer",
     "tf.truncated_normal_initializer", "tf.initializers.zeros", "tf.initializers.ones", "tf.initializers.constant",
     "tf.initializers.random_uniform", "tf.initializers.random_normal", "tf.initializers.truncated_normal", "keras.initializers.Zeros",
     "keras.initializers.Ones", "keras.initializers.Constant", "keras.initializers.RandomUniform", "keras.initializers.RandomNormal",
     "keras.initializers.TruncatedNormal"}
)  # fmt: skip
FLOAT32 = frozenset({"tf.float32", "tf.dtypes.float32"})


class Decline(Exception):
    def __init__(self, node: cst.CSTNode, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


@dataclass
class Cell:
    expression: cst.BaseExpression  # the Keras cell (or the helper call that returns one)
    kind: str  # lstm / gru / rnn / stack / helper
    keras: str | None = None  # the Keras cell class when `expression` is that class's constructor
    notes: list[str] = field(default_factory=list)
    units: cst.BaseExpression | None = None  # TF1's `num_units`, for a single LSTM / GRU / basic RNN cell



def _single_assign(statement: cst.BaseStatement) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], cst.Assign):
        assign = statement.body[0]
        if len(assign.targets) == 1:
            return assign.targets[0].target, assign.value
    return None


def _all_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, inner: cst.CSTNode) -> bool:
            found.append(inner)
            return True

    traversal.visit(node, Collect())
    return found


def _calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            found.append(call)

    traversal.visit(node, Collect())
    return found


def _names(node: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    class Collect(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.append(name)

    traversal.visit(node, Collect())
    return found


def _returns(function: cst.FunctionDef) -> list[cst.Return]:
    found: list[cst.Return] = []

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            found.append(node)

    traversal.visit(function, Collect())
    return found


def _restores(node: cst.Module) -> cst.Call | None:
    for call in _calls(node):
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "restore":
            return call
    return None


def _bind(call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
    bound: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            raise Decline(call, "arguments passed with `*` / `**`")
        key = arg.keyword.value if arg.keyword is not None else (params[index] if index < len(params) else None)
        if key is None or key not in params:
            raise Decline(call, f"argument `{key}` not understood")
        bound[key] = arg.value
    return bound


_NOT_LITERAL = object()


def _literal(node: cst.BaseExpression | None) -> object:
    if node is None:
        return None
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return _NOT_LITERAL


def _rate(keep: cst.BaseExpression) -> cst.BaseExpression:
    """`1 - keep_prob`, as a number when it is one."""
    value = _literal(keep)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return cst.parse_expression(repr(round(1.0 - value, 12)))
    if not isinstance(keep, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
        keep = keep.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.BinaryOperation(left=cst.Integer("1"), operator=cst.Subtract(), right=keep)


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))


def _parse(template: str, **parts: cst.BaseExpression) -> cst.BaseExpression:
    """`template` with its upper-case placeholder names replaced by the given expressions."""
    expression = cst.parse_expression(template)

    class Fill(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
            return parts.get(original_node.value, updated_node)  # type: ignore[return-value]

    return expression.visit(Fill())
