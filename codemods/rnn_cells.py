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

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.traversal import find

from . import graph_rnn_cells
from .base import Codemod
from .imports import module_alias, schedule_removal_of_imports_used_by
from .rnn_cells_cells import CellBuilding
from .rnn_cells_model import CELL_PARAMS, Decline, RUNS, UNSUPPORTED_CELLS, UNSUPPORTED_RUNS, _all_nodes, _calls, _names, _restores, _single_assign
from .rnn_cells_rules import RNN_MANUAL, RNN_RULE
from .rnn_cells_runs import RunPlanning
from .rnn_cells_states import StatesAndNames


class RnnCells(RunPlanning, CellBuilding, StatesAndNames, Codemod):
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


CODEMOD = RnnCells
