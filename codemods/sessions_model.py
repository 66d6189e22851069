"""The program model of the Session rewrite (codemods/sessions.py, TFM201): what one program is made of.

Matches nothing itself. It holds the data every part of the rewrite reads and fills: a `Program` (the
block that opens a `tf.Session`, its placeholders, variables, tensors, optimizers, train ops, runs and the
plan's bookkeeping), its `Tensor`s (a graph value that becomes a function or stays a value) and
`TrainOp`s (a `minimize` that becomes a train step), the `Edits` the rewrite applies, `Decline` (why a
program is left in graph mode: node, code, message), the tables of TF1 names the analysis looks for
(session factories, placeholders, initializers, calls that create variables, calls with no eager
counterpart) and small helpers over LibCST nodes (`_single_small`, `_assign_target`, `_arg`, ...).
Writes nothing. Kept in one module so that a reader finds what a program is before how it is analysed
(codemods/sessions_analysis.py) and rewritten (codemods/sessions_writer.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tf2migrate.traversal import find

from . import session_checkpoints, session_metrics, session_prints, session_summaries

SESSION_FACTORIES = frozenset({"tf.Session", "tf.InteractiveSession"})
PLACEHOLDER = "tf.placeholder"
VARIABLE = "tf.Variable"
INITIALIZERS = frozenset({"tf.global_variables_initializer", "tf.initialize_all_variables", "tf.initializers.global_variables"})
# What keeps a file in graph mode (the graph-mode fallback looks for the same).
GRAPH_DRIVERS = frozenset(
    {
        "tf.placeholder",
        "tf.placeholder_with_default",
        "tf.sparse_placeholder",
        "tf.Session",
        "tf.InteractiveSession",
        "tf.get_default_session",
        "tf.train.MonitoredSession",
        "tf.train.MonitoredTrainingSession",
        "tf.train.SingularMonitoredSession",
        "tf.train.start_queue_runners",
    }
)
CONFIGS = frozenset({"tf.ConfigProto", "tf.GPUOptions", "tf.GraphOptions", "tf.OptimizerOptions", "tf.RunOptions"})
GRAPH_MODE_SWITCHES = frozenset({"tf.disable_v2_behavior", "tf.disable_eager_execution"})
# Calls whose value changes from one run to the next: a tensor using one is recomputed per fetch.
STATEFUL_MARKERS = ("random", "dropout", "shuffle", "multinomial", "categorical")
# TensorFlow-provided helpers that build no graph (data loaders and the like).
NOT_GRAPH = ("tf.train.latest_checkpoint", "tf.train.get_checkpoint_state", "tf.examples.", "tf.contrib.learn.datasets", "tf.compat.", "tf.io.gfile", "tf.gfile", "tf.logging", "tf.app.", "tf.flags")
# Imported code the rule trusts not to create variables when called (what creates them is listed above).
SEEN_THROUGH = ("tf.", "tensorflow.", "keras.", "numpy.", "math.", "functools.", "operator.", "itertools.")
# Graph-only machinery that a tensor definition must not use for the rewrite to go ahead.
UNSUPPORTED_IN_TENSORS = ("tf.data.", "tf.train.", "tf.summary.", "tf.py_func", "tf.control_dependencies", "tf.group", "tf.tuple", "tf.Print", "tf.cond", "tf.while_loop", "tf.get_collection", "tf.add_to_collection", "tf.placeholder_with_default", "tf.sparse_placeholder", "tf.gradients")
# TF1 helpers that create variables when called (owned by the tf1-variables rules, which run first).
VARIABLE_FACTORIES = (
    "tf.get_variable",
    "tf.layers.",
    "tf.contrib.",
    "tf.variable_scope",
    "tf.name_scope",
    "tf.make_template",
    "tf.nn.rnn_cell.",  # RNN cells and the helpers that build their weights on first call
    "tf.nn.dynamic_rnn",
    "tf.nn.static_rnn",
    "tf.nn.bidirectional_dynamic_rnn",
    "tf.nn.static_bidirectional_rnn",
    "tf.nn.raw_rnn",
    "keras.layers.",  # a Keras layer built where the tensor is computed would be built again on every call
    "keras.Sequential",
    "keras.Model",
    "keras.models.",
    "keras.applications.",
)


class Decline(Exception):
    """The program cannot be converted with certainty: (node, code, message)."""

    def __init__(self, node: cst.CSTNode, code: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.code = code
        self.message = message


@dataclass
class Tensor:
    name: str
    statement: cst.SimpleStatementLine
    value: cst.BaseExpression
    deps: list[str] = field(default_factory=list)  # graph names its expression reads, in order
    dynamic: bool = False
    params: list[str] = field(default_factory=list)  # placeholders, in definition order
    function: str = ""
    # `L1 = conv(X); L1 = relu(L1); L1 = pool(L1)`: the earlier bindings of the name, in order (the last is `value`)
    chain: list[tuple[cst.SimpleStatementLine, cst.BaseExpression]] = field(default_factory=list)

    def values(self) -> list[cst.BaseExpression]:
        return [value for _, value in self.chain] + [self.value]


@dataclass
class TrainOp:
    name: str
    statement: cst.SimpleStatementLine
    optimizer: str  # name of the (Keras) optimizer object
    inline_optimizer: cst.Call | None  # `tf.train.X(...).minimize(...)`: the constructor call
    loss: str
    var_list: cst.BaseExpression | None
    global_step: str | None = None  # `minimize(..., global_step=step)`: the variable the step increments
    steps: dict[tuple[str, ...], str] = field(default_factory=dict)  # extra fetches -> step function name
    keras_optimizer: str = ""  # the name the Keras optimizer of an inline `tf.train.X(...).minimize` is given
    dense_gradients: bool = False  # the loss looks rows up (`tf.nn.embedding_lookup`): sparse gradients made dense (session_contexts)


@dataclass
class Program:
    block: cst.CSTNode  # Module or FunctionDef
    scope: object
    session: cst.CSTNode  # the statement that creates the first session (for the finding)
    session_names: set[str] = field(default_factory=set)
    sessions: list[cst.CSTNode] = field(default_factory=list)
    placeholders: dict[str, cst.BaseExpression] = field(default_factory=dict)  # name -> dtype expression
    placeholder_statements: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    tensors: dict[str, Tensor] = field(default_factory=dict)
    optimizers: dict[str, tuple[cst.SimpleStatementLine, cst.Call]] = field(default_factory=dict)
    train_ops: dict[str, TrainOp] = field(default_factory=dict)
    inits: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)
    claimed: set[int] = field(default_factory=set)  # ids of Name nodes whose use is understood
    containers: set[str] = field(default_factory=set)  # variables that are dicts/lists/tuples of variables
    stored: set[str] = field(default_factory=set)  # variables made by `variable_store.get(...)` (TFM231): TF1's unique names
    configs: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)  # session configuration objects
    graphs: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)  # `graph = tf.Graph()`
    graph_contexts: list[cst.With] = field(default_factory=list)  # `with graph.as_default():` around graph code
    graph_arguments: list[cst.BaseExpression] = field(default_factory=list)  # `tf.Session(graph=...)` values
    config_statements: list[cst.SimpleStatementLine] = field(default_factory=list)  # `config.x.y = v`
    config_arguments: list[cst.BaseExpression] = field(default_factory=list)  # `tf.Session(config=...)` values
    op_names: dict[str, str | None] = field(default_factory=dict)  # "loss:0" -> Python name (None: ambiguous)
    normalized: dict[int, cst.BaseExpression] = field(default_factory=dict)  # id(fetch) -> fetch by Python names
    taken: set[str] = field(default_factory=set)  # names bound anywhere in the file
    # `y = tf.nn.relu(x); ...; y = sess.run(y)`: from that statement on, the name holds the fetched value
    fetched_over: dict[str, cst.SimpleStatementLine] = field(default_factory=dict)
    feed_statements: dict[int, cst.SimpleStatementLine] = field(default_factory=dict)
    renames: dict[int, str] = field(default_factory=dict)  # id(Name) -> new name (a variable's name rebound to a fetched value)
    synthetic: set[str] = field(default_factory=set)
    schedules: dict[int, cst.BaseExpression] = field(default_factory=dict)  # id(exponential_decay call) -> Keras schedule  # tensors the rewrite names (`minimize(-loss)`'s loss)
    defaults: dict[str, cst.BaseExpression] = field(default_factory=dict)  # placeholder_with_default -> its default  # `feed = {X: ...}` inlined at its runs
    savers: dict[str, session_checkpoints.Saver] = field(default_factory=dict)  # `saver = tf.train.Saver()` (session_checkpoints)
    summaries: session_summaries.State | None = None  # summary ops and writers (session_summaries)
    # TF1 optimizer -> (name of the class written into the file for it, the first statement building one)
    optimizer_helpers: dict[str, tuple[str, cst.CSTNode]] = field(default_factory=dict)
    devices: list[cst.With] = field(default_factory=list)  # `with tf.device("/cpu:0"):` blocks kept (session_contexts)
    initial_reads: dict[str, tuple[cst.CSTNode, set[int]]] = field(default_factory=dict)  # tensor -> (statement, ids of reads by initial values)
    shared_optimizers: dict[str, list[TrainOp]] = field(default_factory=dict)  # optimizer -> its train ops (session_optimizers)
    static_shapes: dict[int, tuple[cst.CSTNode, list]] = field(default_factory=dict)  # `assert t.shape...` statements (session_contexts)
    gradients: dict[str, cst.Call] = field(default_factory=dict)  # tensor -> its `tf.gradients(ys, xs)` call (session_optimizers)
    prints: dict[int, session_prints.Printed] = field(default_factory=dict)  # id(print call) -> graph names it prints (session_prints)
    metrics: dict[str, session_metrics.Metric] = field(default_factory=dict)  # metric object -> its tensors (session_metrics)

    def graph_names(self) -> set[str]:
        return (
            set(self.placeholders)
            | self.variables
            | set(self.tensors)
            | set(self.optimizers)
            | set(self.train_ops)
            | set(self.inits)
            | set(self.configs)
            | set(self.graphs)
            | self.session_names
        )

    def fresh(self, base: str) -> str:
        name, index = base, 2
        while name in self.taken:
            name, index = f"{base}_{index}", index + 1
        self.taken.add(name)
        return name


@dataclass
class Edits:
    statements: dict[int, list[cst.BaseStatement]] = field(default_factory=dict)  # id(original) -> replacement
    expressions: dict[int, cst.BaseExpression] = field(default_factory=dict)
    unwrap: set[int] = field(default_factory=set)  # With statements replaced by their body
    with_prefix: dict[int, cst.SimpleStatementLine] = field(default_factory=dict)  # written before the unwrapped body
    compat_import: bool = False
    renames: dict[int, str] = field(default_factory=dict)  # id(original Name) -> new name


def _single_small(statement: cst.CSTNode) -> cst.BaseSmallStatement | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None


def _assign_target(small: cst.BaseSmallStatement | None) -> tuple[str, cst.BaseExpression] | None:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value, small.value
    return None


def _calls_in(node: cst.CSTNode) -> list[cst.Call]:
    return find(node, cst.Call)  # type: ignore[return-value]


def _arg(call: cst.Call, position: int, keyword: str) -> cst.Arg | None:
    for index, argument in enumerate(call.args):
        if argument.keyword is not None:
            if argument.keyword.value == keyword:
                return argument
        elif argument.star:
            return None
        elif index == position:
            return argument
    return None


def _step_key(train: TrainOp, extras: tuple[str, ...]) -> tuple[str, ...]:
    """The values a train step returns besides updating: () means just the loss."""
    return () if extras in ((), (train.loss,)) else extras


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(keyword=cst.Name(name), value=value, equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def _commas(arguments: list[cst.Arg]) -> list[cst.Arg]:
    result = []
    for index, argument in enumerate(arguments):
        last = index == len(arguments) - 1
        result.append(argument.with_changes(comma=cst.MaybeSentinel.DEFAULT if last else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
    return result
