"""TFM288 contrib-rnn-core-name: `tf.contrib.rnn`'s re-exports of TF1's core RNN cells get their core names.

What it matches
    What is left of `tf.contrib.rnn.<cell>` after the RNN rewrite (TFM247) (a program it did not convert, or
    one that stays in graph mode) where `<cell>` is one of the core cells `tf.contrib.rnn` re-exported from
    `tf.nn.rnn_cell` (`BasicLSTMCell`, `BasicRNNCell`, `DeviceWrapper`, `DropoutWrapper`, `GRUCell`,
    `LSTMCell`, `LSTMStateTuple`, `MultiRNNCell`, `RNNCell`, `ResidualWrapper`), or `static_rnn`,
    `static_bidirectional_rnn`, `static_state_saving_rnn` (re-exports of `tf.nn.*`), however imported:

        from tensorflow.contrib import rnn
        cells = rnn.MultiRNNCell([rnn.BasicLSTMCell(64) for _ in range(2)])

What it writes
    The same objects under their core names: `tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(64) ...])`,
    `tf.nn.static_rnn(...)`; the `tf.contrib` import goes when nothing else uses it. TF 1.2+ defined
    `tf.contrib.rnn`'s core names by importing TF's own `rnn_cell` and `rnn` modules: the classes are the
    same, so is every number.

Why
    `tf.contrib` does not exist in TF2 at all, so a program left in graph mode (TFM260) failed at its
    `tf.contrib` import. Under their core names the cells exist in `tf.compat.v1` on tf_keras: with
    `--legacy-keras-fallback` the fallback runs, and without it TFM261 says so. Names only `tf.contrib.rnn`
    had (`LayerNormBasicLSTMCell`, `AttentionCellWrapper`, ...) stay and are reported by TFM310.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.findings import FixKind
from tf2migrate.selection import Selection
from tf2migrate.traversal import find

from .base import Codemod, Rule
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name

PREFIX = "tf.contrib.rnn."
CORE_CELLS = frozenset({"BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell", "LSTMCell", "LSTMStateTuple", "MultiRNNCell",
                        "RNNCell", "ResidualWrapper"})  # fmt: skip
CORE_RUNS = frozenset({"static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn"})

RULE = Rule(
    code="TFM288",
    name="contrib-rnn-core-name",
    fix=FixKind.SAFE,
    summary="`tf.contrib.rnn`'s re-exports of TF1's core RNN cells and `static_rnn` left in a program get their core `tf.nn` names (the same objects).",
    explanation="""
        `tf.contrib.rnn.BasicLSTMCell`, `LSTMCell`, `GRUCell`, `BasicRNNCell`, `MultiRNNCell`, `DropoutWrapper`,
        `ResidualWrapper`, `DeviceWrapper`, `RNNCell`, `LSTMStateTuple` and `tf.contrib.rnn.static_rnn` /
        `static_bidirectional_rnn` / `static_state_saving_rnn` were TF1's core `tf.nn.rnn_cell.*` and
        `tf.nn.*` objects, imported into `tf.contrib.rnn` (TF 1.2 and later). Where the RNN rewrite (TFM247)
        left them (the program stays in graph mode, or its RNN code has no exact Keras counterpart, TFM248),
        they get their core names, so that the `tf.contrib` import, which fails on TF2, can go: in a
        graph-mode fallback the cells then run on tf_keras with `--legacy-keras-fallback` (TFM261 says so
        otherwise). Names only `tf.contrib.rnn` had stay, reported by TFM310.
    """,
    before="""
        from tensorflow.contrib import rnn
        cells = rnn.MultiRNNCell([rnn.BasicLSTMCell(64) for _ in range(2)])
        outputs, _ = rnn.static_rnn(cells, steps, dtype=tf.float32)
    """,
    after="""
        cells = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(64) for _ in range(2)])
        outputs, _ = tf.nn.static_rnn(cells, steps, dtype=tf.float32)
    """,
)


class ContribRnnNames(Codemod):
    RULES = (RULE,)
    TRIGGERS = ("contrib",)

    @classmethod
    def wanted(cls, text: str, selection: Selection) -> bool:
        return "rnn" in text and super().wanted(text, selection)

    def visit_Module(self, node: cst.Module) -> bool:
        self.planned: dict[cst.CSTNode, str] = {}
        for candidate in [*find(node, cst.Attribute), *find(node, cst.Name)]:  # type: ignore[attr-defined]
            last = candidate.attr.value if isinstance(candidate, cst.Attribute) else candidate.value  # type: ignore[attr-defined]
            if last not in CORE_CELLS and last not in CORE_RUNS:
                continue
            core = self._core_name(candidate)
            if core is None or self._in_import(candidate):
                continue
            if isinstance(candidate, cst.Name):
                parent = self.get_metadata(ParentNodeProvider, candidate, None)
                if isinstance(parent, cst.Attribute) and parent.attr is candidate:
                    continue
            self.planned[candidate] = core
        if not self.planned:
            return False
        tf: str | None = None
        applied: dict[cst.CSTNode, str] = {}
        for candidate, core in sorted(self.planned.items(), key=lambda item: self.position(item[0])):
            if self.offer_fix(candidate, RULE.code, f"`tf.contrib.rnn.{core.rsplit('.', 1)[-1]}` is TF1's `tf.{core}` (the same object): now called so, without `tf.contrib`"):
                tf = tf or module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or tensorflow_name(self.context, node)
                applied[candidate] = f"{tf}.{core}"
                schedule_removal_of_imports_used_by(self.context, candidate)
        self.planned = applied
        return bool(applied)

    def _core_name(self, node: cst.CSTNode) -> str | None:
        name = self.qualified_name(node) or ""
        if not name.startswith(PREFIX):
            return None
        short = name[len(PREFIX):]
        if short in CORE_CELLS:
            return f"nn.rnn_cell.{short}"
        if short in CORE_RUNS:
            return f"nn.{short}"
        return None

    def _in_import(self, node: cst.CSTNode) -> bool:
        current: cst.CSTNode | None = node
        while current is not None:
            if isinstance(current, (cst.Import, cst.ImportFrom)):
                return True
            if isinstance(current, cst.BaseStatement):
                return False
            current = self.get_metadata(ParentNodeProvider, current, None)
        return False

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        replacement = self.planned.get(original_node)
        if replacement is not None:
            return cst.parse_expression(replacement).with_changes(lpar=getattr(updated_node, "lpar", ()), rpar=getattr(updated_node, "rpar", ()))
        return super().on_leave(original_node, updated_node)


CODEMOD = ContribRnnNames
