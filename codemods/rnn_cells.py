"""TFM247-TFM248 tf1-rnn: TF1 RNN cells run by `dynamic_rnn` / `static_rnn` become Keras RNN layers.

What it matches
    `tf.nn.rnn_cell.*` / `tf.contrib.rnn.*` cells (`BasicLSTMCell`, `LSTMCell`, `GRUCell`, `BasicRNNCell`,
    `MultiRNNCell` of those, a `DropoutWrapper` around one) handed to `tf.nn.dynamic_rnn`, `static_rnn`,
    `bidirectional_dynamic_rnn` or `static_bidirectional_rnn` (`tf.nn.*` / `tf.contrib.rnn.*`), the cell written in the call, bound to a name used only there
    (and by `cell.zero_state(...)` as the initial state), or made by a module-level helper function:

        cell = tf.nn.rnn_cell.BasicLSTMCell(64)
        outputs, _states = tf.nn.dynamic_rnn(cell, X, sequence_length=lengths, dtype=tf.float32)

What it writes (TFM247)
    The Keras layer built and called where the call was (`tf.keras.layers.LSTM(64, return_sequences=True,
    zero_output_for_mask=True)(X, mask=tf.sequence_mask(lengths, maxlen=tf.shape(X)[1]))`); the TF1
    layer rules (TFM234) then create it once. Same outputs and state structure: `sequence_length` is a mask
    (outputs past the length are zeros, the state is the one at the last valid step, as in TF1); an LSTM's
    state target `(c, h)` becomes Keras' `h, c`; a state that is never read is not returned; `static_rnn`'s
    list is stacked on axis 1 and unstacked again; the backward outputs of `bidirectional_dynamic_rnn` are
    reversed back to input order, as TF1 returned them. Cell semantics: `forget_bias=1.0` (the default) is
    Keras' `unit_forget_bias=True` and `0.0` is `unit_forget_bias=False` -- TF1 added the constant to a bias
    that starts at 0, Keras starts the bias at the constant: the gradients are the same, so training from
    scratch follows the same trajectory. `GRUCell` is Keras' `GRUCell(reset_after=False)` (TF1's reset gate
    acts before the matmul) with TF1's gate bias start of 1.0 on the update and reset gates. An elementwise
    `initializer` / `kernel_initializer` (constant, uniform, normal) is given to both Keras kernels. A
    `DropoutWrapper(cell, input_keep_prob, output_keep_prob)` around the run's cell dropped each step's
    inputs / outputs with a new mask per step: that is `tf.nn.dropout(..., rate=1 - keep_prob)` on the
    whole input / output sequence (not Keras' `dropout=`, one mask per sequence inside the gates).

Why
    `tf.nn.rnn_cell`, `tf.contrib.rnn` and `dynamic_rnn` do not run under eager TensorFlow 2.21 with
    Keras 3, so a Session program using them could only fall back to graph mode on tf_keras (TFM261).

When it declines (TFM248)
    Everything in the file is left alone (the program then stays in graph mode) when one RNN construct has
    no exact counterpart: `DropoutWrapper` inside a `MultiRNNCell`, `state_keep_prob` or
    `variational_recurrent`, peepholes, `cell_clip`, `num_proj`, another `forget_bias`, `state_is_tuple=False`,
    `reuse`, a shape-dependent or seeded initializer, an initial state other than
    `zero_state`, a final state read where Keras has no matching structure, a cell used in other ways (an
    LSTM's `cell.state_size` that is read: a GRU's is `num_units`, an unread LSTM's `(num_units, num_units)`), or a
    program that restores a checkpoint (TF1's RNN variables are not laid out as Keras').
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import graph_rnn_cells
from .base import Codemod, Rule
from .builders import with_commas
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name

RNN_RULE = Rule(
    code="TFM247",
    name="tf1-rnn-cell",
    fix=FixKind.SAFE,
    summary="TF1 RNN cells run by `dynamic_rnn` / `static_rnn` / the bidirectional runs become Keras RNN layers with the same outputs and states.",
    explanation="""
        `tf.nn.rnn_cell.*`, `tf.contrib.rnn.*` and `tf.nn.dynamic_rnn` do not run under eager TensorFlow 2.21
        with Keras 3. A cell (`BasicLSTMCell`, `LSTMCell`, `GRUCell`, `BasicRNNCell`, `MultiRNNCell` of them)
        run by `dynamic_rnn`, `static_rnn`, `bidirectional_dynamic_rnn` or `static_bidirectional_rnn` becomes
        the Keras layer built and called where the call was (`LSTM` / `GRU` / `SimpleRNN`, or `RNN(StackedRNNCells([...]))`), which
        TFM234 then creates once. Outputs and states keep TF1's structure: `sequence_length` becomes a mask
        with zero outputs past each length (the final state is the one at the last valid step, as in TF1),
        an LSTM state `(c, h)` is read from Keras' `h, c`, `static_rnn`'s list of steps is stacked and
        unstacked, the backward outputs of `bidirectional_dynamic_rnn` are put back in input order, and a
        `cell.zero_state(...)` initial state is Keras' own zero state. `cell.state_size` is the cell's `num_units`
        (GRU, basic RNN); an LSTM's (TF1's `LSTMStateTuple(c, h)` of sizes) becomes `(num_units, num_units)` where
        its value is never read (bound to a name nobody reads, directly or through a helper's returned tuple).

        Cell semantics: TF1's `forget_bias=1.0` (added to the forget gate at every step, bias starting at
        0) is Keras' `unit_forget_bias=True` (bias starting at 1.0): the gradients are the same, so a model
        trained from scratch follows the same trajectory; `forget_bias=0.0` is `unit_forget_bias=False`.
        A `DropoutWrapper(cell, input_keep_prob=, output_keep_prob=)` around the run's cell drew a new mask
        for every step: it becomes `tf.nn.dropout(..., rate=1 - keep_prob)` on the whole input / output
        sequence, the same distribution (Keras' `dropout=` draws one mask per sequence, inside the gates,
        so it is not used). `GRUCell` is Keras' `GRUCell(reset_after=False)` with TF1's gate bias start (1.0 on the update and
        reset gates). An elementwise `initializer` (constant, uniform, normal) goes to both Keras kernels;
        without one, the random initial weights are drawn by Keras' defaults (Glorot-uniform input kernel,
        orthogonal recurrent kernel) instead of TF1's Glorot-uniform over the joint kernel. TF1 checkpoints
        do not fit Keras' variables (joint kernel, gate order i-j-f-o vs i-f-c-o): a program that restores
        one is reported (TFM248), as is everything without an exact counterpart.
    """,
    before="""
        cell = tf.nn.rnn_cell.BasicLSTMCell(64)
        outputs, _states = tf.nn.dynamic_rnn(cell, X, sequence_length=lengths, dtype=tf.float32)
        last = outputs[:, -1]
    """,
    after="""
        outputs = tf.keras.layers.LSTM(64, return_sequences=True, zero_output_for_mask=True)(X, mask=tf.sequence_mask(lengths, maxlen=tf.shape(X)[1]))
        last = outputs[:, -1]
    """,
)

RNN_MANUAL = Rule(
    code="TFM248",
    name="tf1-rnn-not-converted",
    fix=FixKind.MANUAL,
    summary="A TF1 RNN construct without an exact Keras counterpart (peepholes, projections, state dropout, ...): the file's RNN code is left as it is.",
    explanation="""
        TFM247 converts a file's TF1 RNN cells only when every one of them has an exact Keras counterpart;
        otherwise it changes none (the Session program then stays in graph mode, TFM260/TFM261) and says
        what stopped it. No exact counterpart: a `DropoutWrapper` inside a `MultiRNNCell` or a bidirectional
        run, or with `state_keep_prob` / `variational_recurrent` (TF1 dropped the recurrent state, or drew one
        mask per sequence; Keras' `dropout=` / `recurrent_dropout=` apply their one mask per sequence inside
        the gates), `use_peepholes`, `cell_clip`, `num_proj`, a `forget_bias` other than 0 or 1, `state_is_tuple=False`,
        `reuse`, a shape-dependent or seeded initializer (TF1 drew it over the joint
        kernel), `MultiRNNCell([cell] * n)` (one cell object on every layer), an initial state other than
        `cell.zero_state(...)`, a final state read in a structure Keras does not return, a cell used for
        anything else (called directly, `cell.output_size`, an LSTM's `cell.state_size` that is read), and programs that restore a checkpoint (TF1's
        RNN variables are one joint kernel with gate order i-j-f-o; Keras keeps a kernel and a recurrent
        kernel with gate order i-f-c-o). Rewrite the RNN with `tf.keras.layers.LSTM` / `GRU` / `RNN` by
        hand, or keep the program in graph mode (`--legacy-keras-fallback`).
    """,
    before="""
        cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True)
        outputs, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """,
    after="""
        cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True)  # TFM248: Keras' LSTM has no peepholes
        outputs, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """,
)

# TF1 cell classes: canonical-name suffix -> (parameters in positional order, Keras cell, kind).
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


class RnnCells(Codemod):
    RULES = (RNN_RULE, RNN_MANUAL)
    TRIGGERS = ("rnn",)

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self.replacements: dict[cst.CSTNode, cst.CSTNode] = {}
        self.removed: set[cst.CSTNode] = set()
        self.statements: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}  # statements that become several
        self.taken: set[str] = set()
        self.carried: dict[cst.CSTNode, list[cst.EmptyLine]] = {}
        self.tf = "tf"

    # -- analysis ----------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        self.tree = node
        if any(graph_rnn_cells.written(s) for s in node.body):
            return False  # the graph-mode fallback's own cells (TFM294): this file stays in graph mode by design
        calls = [call for call in _calls(node) if self._rnn_name(call) is not None]
        self.taken = {n.value for n in _names(node)}
        self.dropped = self._old_version_fallbacks(node)
        calls = [call for call in calls if id(call) not in self.dropped]
        if not calls:
            return False
        self.tf = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or ""
        self.consumed: set[cst.Call] = set()  # cell constructors the plans account for
        self.helpers: dict[str, cst.FunctionDef] = {}
        self.helper_notes: dict[str, list[str]] = {}
        declines: list[Decline] = []
        plans: list[tuple[cst.Call, str]] = []
        restores = _restores(node)
        for call in calls:
            name = self._rnn_name(call) or ""
            if name in RUNS:
                try:
                    if restores is not None:
                        raise Decline(call, "the program restores a checkpoint (`.restore(...)`): TF1's RNN variables (one joint kernel, gate order i-j-f-o) do not fit Keras' (kernel + recurrent kernel, i-f-c-o)")
                    plans.append((call, self._plan(call, name)))
                except Decline as decline:
                    declines.append(decline)
            elif name.rsplit(".", 1)[-1] in UNSUPPORTED_CELLS or name in UNSUPPORTED_RUNS:
                message = UNSUPPORTED_RUNS.get(name) or UNSUPPORTED_CELLS[name.rsplit(".", 1)[-1]]
                declines.append(Decline(call, message))
        if not declines:
            for call in calls:
                name = self._rnn_name(call) or ""
                if name not in RUNS and call not in self.consumed and name.rsplit(".", 1)[-1] in (*CELL_PARAMS, "DropoutWrapper"):
                    declines.append(Decline(call, "this cell is not only run by `dynamic_rnn` / `static_rnn` (used in another way, or by code the rule does not follow)"))
        if declines or self.run.graph_mode:  # Keras 3 RNN layers do not run in TF1 graph mode: the fallback keeps TF1's cells
            unique = {(id(d.node), d.message): d for d in declines}
            for decline in unique.values():
                self.flag(decline.node, RNN_MANUAL.code, f"TF1 RNN code left as it is: {decline.message}; nothing in this file's RNN code was converted")
            self.replacements.clear()
            self.removed.clear()
            self.statements.clear()
            return False
        for call, message in plans:
            if self.offer_fix(call, RNN_RULE.code, message):
                self.run.graph_unproven += 1  # Keras 3 RNN layers do not run in TF1 graph mode
                schedule_removal_of_imports_used_by(self.context, call.func)
            else:
                self.replacements.clear()
                self.removed.clear()
                self.statements.clear()
                return False
        for call in self.consumed:
            schedule_removal_of_imports_used_by(self.context, call.func)
        self._carry_removed_lines()
        return True

    def _old_version_fallbacks(self, module: cst.Module) -> set[int]:
        """`try: outputs, _, _ = run(...)` / `except Exception: outputs = run(...)` (the same call; the handler served
        TensorFlow versions whose run returned only the outputs): the `try` becomes its body. The ids of the
        handler's nodes, which go."""
        dropped: set[int] = set()
        self.unwrapped: set[cst.Try] = set()
        for node in find(module, cst.Try):  # type: ignore[attr-defined]
            if len(node.body.body) != 1 or len(node.handlers) != 1 or node.orelse is not None or node.finalbody is not None:
                continue
            handler = node.handlers[0]
            if not (isinstance(handler.type, cst.Name) and handler.type.value == "Exception" and handler.name is None and len(handler.body.body) == 1):
                continue
            pair = [node.body.body[0], handler.body.body[0]]
            values = [_single_assign(statement) for statement in pair]
            if any(v is None or not isinstance(v[1], cst.Call) or self._rnn_name(v[1]) not in RUNS for v in values):
                continue
            (first_target, first), (second_target, second) = values  # type: ignore[misc]
            def code(part: cst.CSTNode) -> str:
                return "".join(cst.Module(body=[]).code_for_node(part).split())

            if code(first) != code(second) or not isinstance(first_target, cst.Tuple) or not isinstance(second_target, cst.Name):
                continue
            if code(first_target.elements[0].value) != second_target.value:
                continue
            self.unwrapped.add(node)
            dropped.update(id(n) for n in _all_nodes(pair[1]))
        return dropped

    def _rnn_name(self, call: cst.Call) -> str | None:
        name = self.qualified_name(call)
        if name is None:
            return None
        if name in RUNS or name in UNSUPPORTED_RUNS:
            return name
        if name.startswith(CELL_PREFIXES):
            short = name.rsplit(".", 1)[-1]
            if short in CELL_PARAMS or short in UNSUPPORTED_CELLS or short == "DropoutWrapper":
                return name
        return None

    def _spell(self) -> str:
        if not self.tf:
            self.tf = tensorflow_name(self.context, self.tree)
        return self.tf

    def _plan(self, call: cst.Call, name: str) -> str:
        mode, params = RUNS[name]
        bound = _bind(call, params)
        time_major = _literal(bound.get("time_major"))
        if time_major not in (None, False, True):
            raise Decline(call, "`time_major` is not a literal: Keras RNN layers are batch-major")
        if time_major is True and mode != "dynamic":
            raise Decline(call, "`time_major=True` in a bidirectional run: transpose the inputs and outputs by hand")
        dtype = bound.get("dtype")
        if dtype is not None and self.qualified_name(dtype) not in FLOAT32 and _literal(dtype) not in ("float32", "float"):
            raise Decline(call, "a `dtype` other than float32")
        tf = self._spell()
        inputs = bound.get("inputs")
        if inputs is None:
            raise Decline(call, "no inputs")
        parent = self.get_metadata(ParentNodeProvider, call)
        statement, target = self._target(call, parent)
        lengths = bound.get("sequence_length")
        block = self.get_metadata(ParentNodeProvider, statement, None) if statement is not None else None
        unwrapped = block is not None and self.get_metadata(ParentNodeProvider, block, None) in self.unwrapped
        suffix = "; the `except Exception:` retry of the same call (for TensorFlow versions that returned only the outputs) goes" if unwrapped else ""
        if mode in ("bidirectional", "static_bidirectional"):
            return self._plan_bidirectional(call, bound, statement, target, lengths, static=mode == "static_bidirectional") + suffix
        keep_in, keep_out, cell_node = None, None, bound["cell"]
        wrapped = self._dropout_wrapper(cell_node, call)
        if wrapped is not None:
            cell_node, keep_in, keep_out = wrapped
        cell = self._cell(cell_node, call)
        initial = bound.get("initial_state")
        call_kwargs: list[cst.Arg] = []
        notes = list(cell.notes)
        if wrapped is not None:
            notes.append("`DropoutWrapper`'s per-step dropout of the cell's inputs / outputs is `tf.nn.dropout` on the whole input / output sequence (a new mask for every step and unit, as TF1 drew)")
        if initial is not None:
            self._zero_state(initial, bound["cell"], call)
            notes.append("the `zero_state` initial state is Keras' own")
        layer_inputs = inputs if mode == "dynamic" else _parse(f"{tf}.stack(INPUTS, axis=1)", INPUTS=inputs)
        if time_major is True:
            layer_inputs = _parse(f"{tf}.transpose(INPUTS, [1, 0, 2])", INPUTS=inputs)
            notes.append("`time_major=True`: the inputs and outputs transposed around the batch-major Keras layer")
        if keep_in is not None:
            layer_inputs = _parse(f"{tf}.nn.dropout(INPUTS, rate=RATE)", INPUTS=layer_inputs, RATE=_rate(keep_in))
        options: list[tuple[str, cst.BaseExpression]] = [("return_sequences", cst.Name("True"))]
        if lengths is not None:
            if not isinstance(inputs, (cst.Name, cst.Attribute)):
                raise Decline(call, "`sequence_length` with inputs that are not a plain name (the mask needs their length)")
            maxlen = _parse(f"{tf}.shape(INPUTS)[{0 if time_major is True else 1}]", INPUTS=inputs) if mode == "dynamic" else _parse("len(INPUTS)", INPUTS=inputs)
            call_kwargs.append(_kw("mask", _parse(f"{tf}.sequence_mask(LENGTHS, maxlen=MAXLEN)", LENGTHS=lengths, MAXLEN=maxlen)))
            options.append(("zero_output_for_mask", cst.Name("True")))
            notes.append("`sequence_length` is a mask: zero outputs past each length, the state of the last valid step")
        state_targets = self._state_targets(call, target, cell.kind)
        if state_targets:
            options.append(("return_state", cst.Name("True")))
        layer = self._layer(cell, options)
        value: cst.BaseExpression = cst.Call(func=layer, args=with_commas([cst.Arg(layer_inputs), *call_kwargs]))
        steps: list[str] = []  # what becomes of Keras' output sequence: TF1's dropout, static_rnn's list
        if keep_out is not None:
            steps.append(f"{tf}.nn.dropout(OUTPUTS, rate=RATE)")
        if time_major is True:
            steps.append(f"{tf}.transpose(OUTPUTS, [1, 0, 2])")
        if mode == "static":
            steps.append(f"{tf}.unstack(OUTPUTS, axis=1)")
            notes.append("`static_rnn`'s list of steps stacked on axis 1 and unstacked again")
        rate = _rate(keep_out) if keep_out is not None else None

        def wrap(outputs: cst.BaseExpression) -> cst.BaseExpression:
            for step in steps:
                outputs = _parse(step, OUTPUTS=outputs, **({"RATE": rate} if rate is not None else {}))
            return outputs

        if not state_targets:
            value = wrap(value)
        self._write(statement, target, value, state_targets, parent, call, wrap=wrap if steps else None)
        kind = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}.get(cell.kind, "RNN")
        run_name = name.rsplit(".", 1)[-1]
        return f"`{run_name}` of a TF1 cell -> Keras `{kind}` layer (created once by TFM234)" + "".join(f"; {note}" for note in dict.fromkeys(notes)) + suffix

    def _plan_bidirectional(self, call: cst.Call, bound: dict[str, cst.BaseExpression], statement, target, lengths, static: bool = False) -> str:  # type: ignore[no-untyped-def]
        tf = self._spell()
        run = "static_bidirectional_rnn" if static else "bidirectional_dynamic_rnn"
        for key in ("initial_state_fw", "initial_state_bw"):
            if key in bound:
                self._zero_state(bound[key], bound["cell_fw" if key.endswith("fw") else "cell_bw"], call)
        inputs = bound["inputs"]
        layer_inputs = _parse(f"{tf}.stack(INPUTS, axis=1)", INPUTS=inputs) if static else inputs
        forward = self._cell(bound["cell_fw"], call)
        backward = self._cell(bound["cell_bw"], call)
        call_kwargs: list[cst.Arg] = []
        options: list[tuple[str, cst.BaseExpression]] = [("return_sequences", cst.Name("True"))]
        notes = list(dict.fromkeys(forward.notes + backward.notes))
        if lengths is not None:
            if not isinstance(inputs, (cst.Name, cst.Attribute)):
                raise Decline(call, "`sequence_length` with inputs that are not a plain name (the mask needs their length)")
            maxlen = _parse("len(INPUTS)", INPUTS=inputs) if static else _parse(f"{tf}.shape(INPUTS)[1]", INPUTS=inputs)
            call_kwargs.append(_kw("mask", _parse(f"{tf}.sequence_mask(LENGTHS, maxlen=MAXLEN)", LENGTHS=lengths, MAXLEN=maxlen)))
            options.append(("zero_output_for_mask", cst.Name("True")))
            notes.append("`sequence_length` is a mask (the backward pass starts at each sequence's last valid step, as in TF1)")
        if target is None or not isinstance(target, cst.Tuple) or len(target.elements) != (3 if static else 2):
            raise Decline(call, f"the result of `{run}` is not unpacked into `outputs, {'state_fw, state_bw' if static else 'states'}`")
        outputs_target = target.elements[0].value if target is not None else None
        if target is not None and not all(self._unused(element.value) for element in target.elements[1:]):
            raise Decline(call, f"the final states of `{run}` are read: not converted (only the outputs are)")
        forward_layer = self._layer(forward, options)
        backward_layer = self._layer(backward, [*options, ("go_backwards", cst.Name("True"))])
        forward_value = cst.Call(func=forward_layer, args=with_commas([cst.Arg(layer_inputs), *call_kwargs]))
        backward_value = cst.Call(func=backward_layer, args=with_commas([cst.Arg(layer_inputs), *call_kwargs]))
        backward_value = _parse(f"{tf}.reverse(BACKWARD, [1])", BACKWARD=backward_value)
        if static:
            value = _parse(f"{tf}.unstack({tf}.concat([FORWARD, BACKWARD], 2), axis=1)", FORWARD=forward_value, BACKWARD=backward_value)
            notes.append("the list of steps is the forward and backward outputs concatenated per step, as TF1 returned them")
            self._write(statement, target, value, [], None, call, outputs_target)
        elif isinstance(outputs_target, cst.Tuple) and len(outputs_target.elements) == 2 and statement is not None:
            # `(out_fw, out_bw) = ...` as two bindings (the Session rewrite follows single names)
            lines = [
                statement.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(element.value)], value=part)])
                for element, part in zip(outputs_target.elements, (forward_value, backward_value))
                if not self._unused(element.value)
            ]
            if not lines:
                raise Decline(call, "the outputs of `bidirectional_dynamic_rnn` are not read")
            self.statements[statement] = [lines[0], *(line.with_changes(leading_lines=[]) for line in lines[1:])]
        else:
            value = cst.Tuple([cst.Element(forward_value), cst.Element(backward_value)])
            self._write(statement, target, value, [], None, call, outputs_target)
        notes.append("the backward outputs reversed back to input order, as TF1 returned them")
        return f"`{run}` of TF1 cells -> a forward and a backward (`go_backwards=True`) Keras RNN layer (created once by TFM234)" + "".join(f"; {n}" for n in notes)

    # -- the call's result -------------------------------------------------------------------------
    def _target(self, call: cst.Call, parent: cst.CSTNode):  # type: ignore[no-untyped-def]
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            statement = self.get_metadata(ParentNodeProvider, parent)
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                return statement, parent.targets[0].target
        if isinstance(parent, cst.Subscript) and parent.value is call and len(parent.slice) == 1:
            index = parent.slice[0].slice
            if isinstance(index, cst.Index) and _literal(index.value) == 0:
                return None, None
        raise Decline(call, "the result is used in a way the rule does not follow (write `outputs, state = ...`)")

    def _state_targets(self, call: cst.Call, target: cst.BaseExpression | None, kind: str) -> list[cst.BaseExpression]:
        """The names Keras' returned states go to (none when the state is not read)."""
        if target is None:
            return []
        if not isinstance(target, cst.Tuple) or len(target.elements) != 2 or any(e.value.__class__ is cst.StarredElement for e in target.elements):
            raise Decline(call, "the result is not unpacked into `outputs, state`")
        state = target.elements[1].value
        if self._unused(state):
            return []
        if kind in ("gru", "rnn") and isinstance(state, cst.Name):
            return [state]
        if kind == "lstm" and isinstance(state, cst.Tuple) and len(state.elements) == 2:
            c, h = (element.value for element in state.elements)
            return [h, c]  # Keras returns [h, c]; TF1's LSTMStateTuple is (c, h)
        if kind == "lstm" and isinstance(state, cst.Name):
            parts = self._state_parts(state)
            if parts is not None:
                return parts
        raise Decline(call, "the final state is read whole (TF1's `LSTMStateTuple(c, h)` / `MultiRNNCell` tuple): unpack it, `outputs, (c, h) = ...`, or rewrite by hand")

    def _state_parts(self, state: cst.Name) -> list[cst.BaseExpression] | None:
        """An LSTM state read only as `state.c` / `state.h` / `state[0]` / `state[1]`: two names, `state_h` and `state_c`."""
        uses: list[tuple[cst.CSTNode, str]] = []
        for reference in self._references(state):
            parent = self.get_metadata(ParentNodeProvider, reference, None)
            if isinstance(parent, cst.Attribute) and parent.value is reference and parent.attr.value in ("c", "h"):
                uses.append((parent, parent.attr.value))
                continue
            if isinstance(parent, cst.Subscript) and parent.value is reference and len(parent.slice) == 1 and isinstance(parent.slice[0].slice, cst.Index):
                index = parent.slice[0].slice.value
                number = -int(index.expression.value) if isinstance(index, cst.UnaryOperation) and isinstance(index.operator, cst.Minus) and isinstance(index.expression, cst.Integer) else _literal(index)
                if number in (0, -2, 1, -1) and number is not True and number is not False:
                    uses.append((parent, "c" if number in (0, -2) else "h"))
                    continue
            return None
        names = {}
        for part in ("h", "c"):
            name = f"{state.value}_{part}"
            while name in self.taken:
                name += "_"
            self.taken.add(name)
            names[part] = name
        for node, part in uses:
            self.replacements[node] = cst.Name(names[part])
        return [cst.Name(names["h"]), cst.Name(names["c"])]  # Keras returns [h, c]

    def _unused(self, target: cst.BaseExpression) -> bool:
        if isinstance(target, cst.Tuple):
            return all(self._unused(element.value) for element in target.elements)
        if not isinstance(target, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return False
        return all(not assignment.references for assignment in scope.assignments[target.value])

    def _write(self, statement, target, value, state_targets, parent, call, outputs_target=None, wrap=None) -> None:  # type: ignore[no-untyped-def]
        if statement is None:  # `dynamic_rnn(...)[0]`
            self.replacements[parent] = value
            return
        if outputs_target is None:
            outputs_target = target.elements[0].value if isinstance(target, cst.Tuple) else target
        assign = statement.body[0]
        if not state_targets:
            self.replacements[assign] = assign.with_changes(targets=[cst.AssignTarget(target=outputs_target)], value=value)
            return
        # `outputs, state = layer(x)` as one name and subscripts: the Session rewrite follows single-name bindings
        outputs_read = not self._unused(outputs_target)
        base = outputs_target.value if isinstance(outputs_target, cst.Name) and outputs_read else "rnn"
        results = f"{base}_and_state"
        while results in self.taken:
            results += "_"
        self.taken.add(results)
        first = statement.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(results))], value=value)])
        lines = [first]
        for index, name in enumerate([outputs_target, *state_targets]):
            if index == 0 and not outputs_read:
                continue
            part = cst.parse_expression(f"{results}[{index}]")
            if index == 0 and wrap is not None:
                part = wrap(part)
            lines.append(cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(name)], value=part)]))
        self.statements[statement] = lines

    # -- cells -------------------------------------------------------------------------------------
    def _cell(self, node: cst.BaseExpression, run: cst.Call) -> Cell:
        if isinstance(node, cst.Name):
            binding = self._only_assignment(node)
            if binding is None:
                raise Decline(run, f"the cell `{node.value}` is not bound once to a cell")
            name_node, statement, value = binding
            references = self._references(name_node)
            sizes: list[cst.Attribute] = []  # `cell.state_size` reads
            for reference in references:
                if reference is node or self._is_zero_state_of(reference, run):
                    continue
                parent = self.get_metadata(ParentNodeProvider, reference, None)
                if isinstance(parent, cst.Attribute) and parent.value is reference and parent.attr.value == "state_size":
                    sizes.append(parent)
                    continue
                if isinstance(parent, cst.Attribute) and parent.value is reference and parent.attr.value == "zero_state":
                    raise Decline(run, f"the zero state of `{node.value}` is used for more than this run's `initial_state` (fed a state carried over"
                                       " from an earlier run, or read): pass the state to the Keras layer as `initial_state=[h, c]` by hand")
                raise Decline(run, f"the cell `{node.value}` is used for more than this run (called directly, `{node.value}.output_size`, ...)")
            self.removed.add(statement)
            cell = self._cell(value, run)
            for size in sizes:
                cell.notes.append(self._state_size(size, cell, run))
            return cell
        if not isinstance(node, cst.Call):
            raise Decline(run, "the cell is not a cell constructor")
        name = self._rnn_name(node)
        if name is None:
            return self._helper_cell(node, run)
        short = name.rsplit(".", 1)[-1]
        if short == "DropoutWrapper":
            raise Decline(node, DROPOUT_IN_STACK)
        if short in UNSUPPORTED_CELLS:
            raise Decline(node, UNSUPPORTED_CELLS[short])
        self.consumed.add(node)
        params, keras, kind = CELL_PARAMS[short]
        bound = _bind(node, params)
        if kind == "stack":
            return self._stack(node, bound, run)
        return self._keras_cell(node, short, bound, keras, kind)

    def _dropout_wrapper(self, node: cst.BaseExpression, run: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression | None, cst.BaseExpression | None] | None:
        """A `DropoutWrapper(cell, input_keep_prob, output_keep_prob)` around the run's one cell: (cell, input keep, output keep)."""
        value, binding = node, None
        if isinstance(node, cst.Name):
            binding = self._only_assignment(node)
            if binding is None:
                return None
            value = binding[2]
        if not isinstance(value, cst.Call) or not (self._rnn_name(value) or "").endswith(".DropoutWrapper"):
            return None
        if binding is not None:
            for reference in self._references(binding[0]):
                if reference is not node and not self._is_zero_state_of(reference, run):
                    raise Decline(run, f"the cell `{binding[0].value}` is used for more than this run (`.state_size`, called directly, ...)")
            self.removed.add(binding[1])
        self.consumed.add(value)
        bound = _bind(value, DROPOUT_PARAMS)
        for key, default in (("state_keep_prob", 1.0), ("variational_recurrent", False), ("dropout_state_filter_visitor", None)):
            if key in bound and (_literal(bound[key]) != default or _literal(bound[key]) is True):
                raise Decline(value, f"`DropoutWrapper({key}=...)`: dropout of the recurrent state (or one mask per sequence) has no exact Keras counterpart")
        if "cell" not in bound:
            raise Decline(value, "`DropoutWrapper` without a cell")
        keeps = [bound.get(key) for key in ("input_keep_prob", "output_keep_prob")]
        keeps = [None if keep is None or _literal(keep) in (1, 1.0) else keep for keep in keeps]
        return bound["cell"], keeps[0], keeps[1]

    def _keras_cell(self, node: cst.Call, short: str, bound: dict[str, cst.BaseExpression], keras: str, kind: str) -> Cell:
        tf = self._spell()
        notes: list[str] = []
        for key, default in (("use_peepholes", False), ("cell_clip", None), ("num_proj", None), ("proj_clip", None), ("num_unit_shards", None),
                             ("num_proj_shards", None), ("state_is_tuple", True), ("reuse", None)):  # fmt: skip
            if key in bound and _literal(bound[key]) not in (default, *((False,) if key == "reuse" else ())):
                raise Decline(node, f"`{short}({key}=...)` has no exact Keras counterpart")
        dtype = bound.get("dtype")
        if dtype is not None and _literal(dtype) is not None and self.qualified_name(dtype) not in FLOAT32:
            raise Decline(node, f"`{short}(dtype=...)` other than float32")
        if "num_units" not in bound:
            raise Decline(node, f"`{short}` without `num_units`")
        args = [cst.Arg(bound["num_units"])]
        if "activation" in bound and _literal(bound["activation"]) is not None:  # TF1's None is tanh, Keras' default
            args.append(_kw("activation", bound["activation"]))
        if kind == "lstm":
            forget = _literal(bound["forget_bias"]) if "forget_bias" in bound else 1.0
            if forget in (1, 1.0) and forget is not True:
                notes.append("`forget_bias=1.0` is Keras' `unit_forget_bias=True` (same training from scratch)")
            elif forget in (0, 0.0) and forget is not False:
                args.append(_kw("unit_forget_bias", cst.Name("False")))
            else:
                raise Decline(node, f"`{short}(forget_bias=...)` other than 0 or 1: Keras can only start the forget-gate bias at 1 (`unit_forget_bias`)")
            if "initializer" in bound:
                initializer = self._elementwise(bound["initializer"], node, short)
                args += [_kw("kernel_initializer", initializer), _kw("recurrent_initializer", initializer)]
            else:
                notes.append("random initial weights drawn by Keras' defaults")
        elif kind == "gru":
            args.append(_kw("reset_after", cst.Name("False")))
            if "kernel_initializer" in bound:
                initializer = self._elementwise(bound["kernel_initializer"], node, short)
                args += [_kw("kernel_initializer", initializer), _kw("recurrent_initializer", initializer)]
            else:
                notes.append("random initial weights drawn by Keras' defaults")
            if "bias_initializer" in bound:
                args.append(_kw("bias_initializer", self._elementwise(bound["bias_initializer"], node, short)))
            else:
                args.append(_kw("bias_initializer", cst.parse_expression(
                    f"lambda shape, dtype=None: {tf}.concat([{tf}.ones([shape[0] // 3 * 2], dtype), {tf}.zeros([shape[0] // 3], dtype)], 0)")))
                notes.append("`GRUCell` is Keras' `reset_after=False` form with TF1's gate bias start (1.0 on the update and reset gates)")
        else:
            notes.append("random initial weights drawn by Keras' defaults")
        expression = cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.{keras}"), args=with_commas(args))
        self.replacements[node] = expression
        return Cell(expression, kind, keras, notes, bound["num_units"])

    def _state_size(self, size: cst.Attribute, cell: Cell, run: cst.Call) -> str:
        """`cell.state_size` -> the sizes TF1's cell had: `num_units` (GRU, basic RNN); for an LSTM, TF1's
        `LSTMStateTuple(c=num_units, h=num_units)`, written `(num_units, num_units)` only where it is never read."""
        units = cell.units
        if units is None or cell.kind not in ("lstm", "gru", "rnn"):
            raise Decline(run, "`cell.state_size` of a cell that is not one LSTM / GRU / basic RNN cell")
        if not self._same_value_at(units, size):
            raise Decline(run, "`cell.state_size` where the cell's `num_units` may have another value (not a number or a name bound once in the same scope)")
        if cell.kind != "lstm":
            self.replacements[size] = units.deep_clone()
            return "`cell.state_size` is `num_units`, as in TF1"
        if not self._never_read(size):
            raise Decline(run, "an LSTM's `cell.state_size` is read (TF1's `LSTMStateTuple(c, h)` of sizes; Keras' LSTM has `[h, c]`): write the sizes by hand")
        self.replacements[size] = cst.Tuple([cst.Element(units.deep_clone()), cst.Element(units.deep_clone())])
        return "the LSTM's `cell.state_size`, never read, is the tuple `(num_units, num_units)` (TF1's `LSTMStateTuple(c, h)` of sizes)"

    def _same_value_at(self, units: cst.BaseExpression, where: cst.CSTNode) -> bool:
        """`units` (the cell's `num_units`) has the same value where `where` is: a number, or a name bound once in that scope."""
        if isinstance(units, cst.Integer):
            return True
        if not isinstance(units, cst.Name):
            return False
        scope = self.get_metadata(ScopeProvider, units, None)
        return scope is not None and scope is self.get_metadata(ScopeProvider, where, None) and len(scope.assignments[units.value]) == 1

    def _never_read(self, node: cst.CSTNode) -> bool:
        """The value of `node` is bound to a name never read: `size = node`, or `return ..., node` of a module-level
        function whose every call is unpacked `..., size = f(...)` with that name never read."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and parent.value is node:
            return self._unused(parent.targets[0].target)
        if not isinstance(parent, cst.Element):
            return False
        pair = self.get_metadata(ParentNodeProvider, parent, None)
        returned = self.get_metadata(ParentNodeProvider, pair, None) if isinstance(pair, cst.Tuple) else None
        if not isinstance(returned, cst.Return) or returned.value is not pair:
            return False
        index = next(i for i, element in enumerate(pair.elements) if element is parent)
        function = next((s for s in self.tree.body if isinstance(s, cst.FunctionDef) and returned in _returns(s)), None)
        if function is None:
            return False
        scope = self.get_metadata(ScopeProvider, function, None)
        if scope is None or len(scope.assignments[function.name.value]) != 1:
            return False
        references = [reference.node for assignment in scope.assignments[function.name.value] for reference in assignment.references]
        for reference in references:
            call = self.get_metadata(ParentNodeProvider, reference, None)
            assign = self.get_metadata(ParentNodeProvider, call, None) if isinstance(call, cst.Call) and call.func is reference else None
            if not (isinstance(assign, cst.Assign) and assign.value is call and len(assign.targets) == 1):
                return False
            target = assign.targets[0].target
            if not (isinstance(target, cst.Tuple) and len(target.elements) == len(pair.elements) and self._unused(target.elements[index].value)):
                return False
        return bool(references)

    def _elementwise(self, initializer: cst.BaseExpression, node: cst.Call, short: str) -> cst.BaseExpression:
        if isinstance(initializer, cst.Call) and self.qualified_name(initializer) in ELEMENTWISE_INITIALIZERS:
            if not any(arg.keyword is not None and arg.keyword.value == "seed" for arg in initializer.args):
                return initializer
        raise Decline(node, f"`{short}`'s initializer is not an unseeded elementwise one (constant, uniform, normal): TF1 drew it over one joint kernel, Keras over two")

    def _stack(self, node: cst.Call, bound: dict[str, cst.BaseExpression], run: cst.Call) -> Cell:
        if _literal(bound.get("state_is_tuple")) not in (None, True):
            raise Decline(node, "`MultiRNNCell(state_is_tuple=False)` has no Keras counterpart")
        cells = bound.get("cells")
        notes: list[str] = []
        if isinstance(cells, cst.List):
            for element in cells.elements:
                if isinstance(element, cst.StarredElement):
                    raise Decline(node, "`MultiRNNCell` of a starred list")
                notes += self._cell_in_place(element.value, run).notes
        elif isinstance(cells, cst.ListComp):
            notes += self._cell_in_place(cells.elt, run).notes
        elif isinstance(cells, cst.BinaryOperation) and isinstance(cells.operator, cst.Multiply):
            raise Decline(node, "`MultiRNNCell([cell] * n)` puts one cell object on every layer: write `[make_cell() for _ in range(n)]`")
        else:
            raise Decline(node, "`MultiRNNCell` of cells the rule cannot see (not a list literal or comprehension)")
        tf = self._spell()
        expression = cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.StackedRNNCells"), args=[cst.Arg(self._rebuilt(cells))])
        self.replacements[node] = expression
        return Cell(expression, "stack", None, notes)

    def _cell_in_place(self, node: cst.BaseExpression, run: cst.Call) -> Cell:
        """A cell inside a `MultiRNNCell` list: translated where it is."""
        if isinstance(node, cst.Call) and self._rnn_name(node) is not None:
            return self._cell(node, run)
        if isinstance(node, cst.Call):
            return self._helper_cell(node, run)
        raise Decline(run, "a `MultiRNNCell` element that is not a cell constructor or a helper call")

    def _helper_cell(self, node: cst.Call, run: cst.Call) -> Cell:
        """`make_cell()`: a module-level function whose every return is a cell, called only where cells go."""
        if not isinstance(node.func, cst.Name):
            raise Decline(run, "the cell is not a cell constructor")
        name = node.func.value
        function = next((s for s in self.tree.body if isinstance(s, cst.FunctionDef) and s.name.value == name), None)
        if function is None:
            raise Decline(run, f"the cell comes from `{name}(...)`, not a module-level function")
        if name not in self.helpers:
            self.helpers[name] = function
            returns = [r for r in _returns(function)]
            if not returns:
                raise Decline(run, f"`{name}` returns no cell")
            notes: list[str] = []
            for statement in returns:
                value = statement.value
                if value is None:
                    raise Decline(run, f"`{name}` returns no cell")
                if isinstance(value, cst.Name):
                    binding = self._only_assignment(value)
                    if binding is None:
                        raise Decline(run, f"`{name}` returns `{value.value}`, not bound once to a cell")
                    name_node, _statement, bound_value = binding
                    if any(reference is not value for reference in self._references(name_node)):
                        raise Decline(run, f"`{name}` uses its cell `{value.value}` for more than returning it")
                    value = bound_value
                if not isinstance(value, cst.Call) or self._rnn_name(value) is None:
                    raise Decline(run, f"`{name}` returns something other than a cell constructor")
                notes += self._cell(value, run).notes
            self.helper_notes[name] = notes
        return Cell(node, "helper", None, list(self.helper_notes.get(name, [])))

    def _layer(self, cell: Cell, options: list[tuple[str, cst.BaseExpression]]) -> cst.Call:
        tf = self._spell()
        keras_layer = {"LSTMCell": "LSTM", "GRUCell": "GRU", "SimpleRNNCell": "SimpleRNN"}.get(cell.keras or "")
        if keras_layer and isinstance(cell.expression, cst.Call):
            args = list(cell.expression.args) + [_kw(key, value) for key, value in options]
            return cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.{keras_layer}"), args=with_commas(args))
        return cst.Call(func=cst.parse_expression(f"{tf}.keras.layers.RNN"), args=with_commas([cst.Arg(self._rebuilt(cell.expression)), *(_kw(k, v) for k, v in options)]))

    def _rebuilt(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`node` with the replacements planned inside it applied (the layer expression is built from originals)."""
        replacements = self.replacements

        class Apply(cst.CSTTransformer):
            def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
                return replacements.get(original_node, updated_node)

        if node in replacements:
            return replacements[node]
        return node.visit(Apply())

    # -- initial states ----------------------------------------------------------------------------
    def _zero_state(self, initial: cst.BaseExpression, cell: cst.BaseExpression, run: cst.Call) -> None:
        if isinstance(initial, cst.Name) and initial.value == "None":
            return
        if self._is_zero_state_call(initial, cell):
            return
        if isinstance(initial, cst.Name):
            binding = self._only_assignment(initial)
            if binding is not None and self._is_zero_state_call(binding[2], cell):
                if all(reference is initial for reference in self._references(binding[0])):
                    self.removed.add(binding[1])
                    return
        raise Decline(run, "an initial state other than `cell.zero_state(...)`: pass it to the Keras layer as `initial_state=[h, c]` by hand")

    def _is_zero_state_call(self, node: cst.BaseExpression, cell: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "zero_state"
            and isinstance(cell, cst.Name)
            and isinstance(node.func.value, cst.Name)
            and node.func.value.value == cell.value
        )

    def _is_zero_state_of(self, reference: cst.CSTNode, run: cst.Call) -> bool:
        """`cell.zero_state(...)` whose value is this run's initial state (directly or through a name used only there)."""
        attribute = self.get_metadata(ParentNodeProvider, reference, None)
        if not isinstance(attribute, cst.Attribute) or attribute.attr.value != "zero_state":
            return False
        zero_call = self.get_metadata(ParentNodeProvider, attribute, None)
        if not isinstance(zero_call, cst.Call):
            return False
        holder = self.get_metadata(ParentNodeProvider, zero_call, None)
        if isinstance(holder, cst.Arg) and self.get_metadata(ParentNodeProvider, holder, None) is run:
            return True
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name):
            references = self._references(holder.targets[0].target)
            return bool(references) and all(
                isinstance(arg := self.get_metadata(ParentNodeProvider, r, None), cst.Arg) and self.get_metadata(ParentNodeProvider, arg, None) is run
                for r in references
            )
        return False

    # -- names -------------------------------------------------------------------------------------
    def _only_assignment(self, name: cst.Name) -> tuple[cst.Name, cst.SimpleStatementLine, cst.BaseExpression] | None:
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        assignments = [a for a in scope.assignments[name.value]]
        if len(assignments) != 1:
            return None
        target = assignments[0].node
        if not isinstance(target, cst.Name):
            return None
        assign = self.get_metadata(ParentNodeProvider, self.get_metadata(ParentNodeProvider, target, None), None)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or assign.targets[0].target is not target:
            return None
        statement = self.get_metadata(ParentNodeProvider, assign, None)
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        return target, statement, assign.value

    def _references(self, target: cst.Name) -> list[cst.CSTNode]:
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None:
            return []
        return [reference.node for assignment in scope.assignments[target.value] for reference in assignment.references if id(reference.node) not in self.dropped]

    # -- writing -----------------------------------------------------------------------------------
    def _carry_removed_lines(self) -> None:
        """The blank lines and comments above removed cell statements stay, above the next statement kept."""
        self.carried: dict[cst.CSTNode, list[cst.EmptyLine]] = {}
        for statement in self.removed:
            parent = self.get_metadata(ParentNodeProvider, statement, None)
            body = list(getattr(parent, "body", ()) or ())
            index = next((i for i, node in enumerate(body) if node is statement), None)
            if index is None or (index > 0 and body[index - 1] in self.removed):
                continue  # not the first of a run of removed statements
            carried: list[cst.EmptyLine] = []
            while index < len(body) and body[index] in self.removed:
                carried.extend(body[index].leading_lines)
                index += 1
            if index < len(body) and carried:
                self.carried[body[index]] = carried

    def _with_removed_lines(self, original: cst.CSTNode, updated):  # type: ignore[no-untyped-def]
        carried = self.carried.get(original)
        if not carried:
            return updated
        own = list(updated.leading_lines)
        if own and not any(line.comment for line in carried):
            carried = []  # blank lines only: the statement's own spacing is enough
        elif own and not own[0].comment and carried and not carried[0].comment:
            own = own[1:]
        return updated.with_changes(leading_lines=[*carried, *own])

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        if original_node in self.removed and isinstance(original_node, cst.SimpleStatementLine):
            return cst.RemoveFromParent()
        if self.removed and isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            updated_node = self._with_removed_lines(original_node, updated_node)
        if isinstance(original_node, cst.Try) and original_node in self.unwrapped and self.replacements:
            body = list(updated_node.body.body)
            return cst.FlattenSentinel([body[0].with_changes(leading_lines=updated_node.leading_lines), *body[1:]])
        if original_node in self.statements:
            lines = self.statements[original_node]
            lines = [lines[0].with_changes(leading_lines=updated_node.leading_lines), *lines[1:]]
            return cst.FlattenSentinel(lines)
        replacement = self.replacements.get(original_node)
        if replacement is None:
            return super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.Assign):
            return updated_node.with_changes(targets=replacement.targets, value=replacement.value)
        return replacement


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


CODEMOD = RnnCells
