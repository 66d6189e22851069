"""TFM250-TFM279 graph plumbing, and the graph-mode fallback for Session programs left as they were.

Runs after the `sessions` rules (which turn placeholder/Session/feed_dict programs into eager TF2 when
they can, and otherwise leave the program untouched and report why) and before `api_renames`.

Part 2, the fallback (TFM260, TFM261) -- decided first, because it decides what part 1 may do
    What it matches
        A file that still drives a TF1 graph: it names `tf.Session`, `tf.InteractiveSession`,
        `tf.placeholder`, `tf.global_variables_initializer`, a `tf.train.*Optimizer`, `tf.train.Saver`,
        ... (every name the API table gives to the sessions scenario, `codemods/api_table.py`), or
        passes `feed_dict=` to a call.
    What it writes
        The module-level `import tensorflow as tf` becomes `import tensorflow.compat.v1 as tf`, and
        `tf.disable_v2_behavior()` is inserted after the import block (before the first statement that
        uses TensorFlow). Nothing else changes: every `tf.X` of the file now means what it meant in
        TF 1.x, so the program runs in graph mode on TF 2.x with TF1 semantics. Each reason is reported
        (TFM260, once per construct, at its first use) saying that this is graph mode, not native TF2.
        Running the tool again changes nothing: the file already imports `tensorflow.compat.v1` and
        disables v2 behaviour.
    What it cannot do (TFM261, manual)
        Names that do not exist even under `tf.compat.v1` in TF 2.21 (`tf.contrib`, `tf.layers`,
        `tf.nn.rnn_cell`, `tf.estimator`, TF2-only names such as `tf.random.set_seed`), Keras 2's
        session functions (`K.get_session`, `K.set_session`, `K.get_graph`: not in Keras 3), and
        TensorFlow imported in a way the fallback cannot switch (`import tensorflow` without an alias,
        `from tensorflow import Session`).
    Coordination with `api_renames`
        Names spelled through a `tensorflow.compat.v1` alias (`import tensorflow.compat.v1 as tf`, or
        `tf.compat.v1.X`) exist in TF 2.21: they must be left alone by later rules. `names.canonical`
        maps them to the same `tf.X` as plain `tensorflow.X`, so a rule that renames must ask
        `names.through_compat_v1(visitor, node)` first.

Part 1, graph plumbing to native TF2 (TFM250-TFM254) -- only in files that do not fall back
    See the RULES below: `with graph.as_default():` blocks are unwrapped, the Keras serving pattern's
    session plumbing is removed, `tf.reset_default_graph()` becomes `tf.keras.backend.clear_session()`
    (or goes), `tf.ConfigProto` options become `tf.config` calls. `tf.set_random_seed` is left to
    `api_renames` (the API table renames it to `tf.random.set_seed`). A graph or session handle used
    in any other way is left as it is and reported (TFM254).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate.findings import FixKind

from . import api_table
from .base import Codemod, Rule
from .builders import dotted

# -- rules ------------------------------------------------------------------------------------------

FALLBACK = Rule(
    code="TFM260",
    name="graph-mode-fallback",
    fix=FixKind.SAFE,
    summary="A Session program left in graph mode runs on TF 2.x through `tensorflow.compat.v1` with v2 behaviour disabled.",
    explanation="""
        When the session rules cannot turn a placeholder/Session/feed_dict program into eager TF2 with
        certainty, they leave it as it is and say why. Unchanged, it crashes on TensorFlow 2.x
        (`tf.Session` and `tf.placeholder` are gone from `tf`). This rule makes it run as it did on
        TF 1.x: the module-level `import tensorflow as tf` becomes `import tensorflow.compat.v1 as tf`
        and `tf.disable_v2_behavior()` is called right after the imports, so every `tf.X` keeps its TF1
        meaning and the program runs in graph mode. This is not native TF2: each graph-mode construct is
        reported at its first use, and porting it to eager code (`tf.function`, `tf.GradientTape`,
        Keras) is still to do.
    """,
    before="""
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 1])
        with tf.Session() as sess:
            print(sess.run(x * 2, feed_dict={x: [[1.0]]}))
    """,
    after="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        x = tf.placeholder(tf.float32, [None, 1])
        with tf.Session() as sess:
            print(sess.run(x * 2, feed_dict={x: [[1.0]]}))
    """,
)

FALLBACK_BLOCKED = Rule(
    code="TFM261",
    name="graph-mode-fallback-blocked",
    fix=FixKind.MANUAL,
    summary="Graph-mode code the `tensorflow.compat.v1` fallback cannot make run on TF 2.x.",
    explanation="""
        In a file that falls back to graph mode (TFM260), some names do not exist even under
        `tf.compat.v1` in TensorFlow 2.21: `tf.contrib`, `tf.layers`, `tf.nn.rnn_cell`, `tf.estimator`,
        Keras 2's `backend.get_session` / `set_session` / `get_graph`, and TF2-only names that
        `tensorflow.compat.v1` does not export. Replace them (Keras layers for `tf.layers`,
        `tf.keras.layers.LSTMCell` for `rnn_cell`, core TF for `tf.contrib`), or port the program to
        eager TF2. Also reported: TensorFlow imported in a way the fallback cannot switch (`import
        tensorflow` without an alias, `from tensorflow import Session`); import it as
        `import tensorflow as tf` and run the tool again.
    """,
    before="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        x = tf.placeholder(tf.float32, [None, 4])
        h = tf.layers.dense(x, 8)
    """,
    after="""
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()

        x = tf.placeholder(tf.float32, [None, 4])
        h = tf.layers.dense(x, 8)  # TFM261: tf.layers is gone, even from tf.compat.v1
    """,
)

RULES: tuple[Rule, ...] = (FALLBACK, FALLBACK_BLOCKED)

# -- names ------------------------------------------------------------------------------------------

# Sessions-scenario names that are plumbing, not a reason to fall back: part 1 converts them or reports them.
PLUMBING_NAMES = frozenset(
    {
        "tf.get_default_graph",
        "tf.reset_default_graph",
        "tf.enable_eager_execution",
        "tf.enable_v2_behavior",
        "tf.disable_eager_execution",
        "tf.disable_v2_behavior",
    }
)
DISABLE_CALLS = frozenset({"tf.disable_v2_behavior", "tf.disable_eager_execution"})
KERAS_SESSION_FUNCTIONS = frozenset({"keras.backend.get_session", "keras.backend.set_session", "keras.backend.get_graph"})


def graph_mode_names() -> frozenset[str]:
    """TF1 names that drive a graph: the API table's sessions scenario, minus plumbing."""
    return frozenset(e.name for e in api_table.iter_kind("scenario") if e.owner == "sessions") - PLUMBING_NAMES


GRAPH_MODE_NAMES = graph_mode_names()


def _imported_names(visitor: Codemod, node: cst.CSTNode) -> set[str]:
    """Fully qualified (not canonical) names an expression refers to through imports."""
    found = visitor.get_metadata(QualifiedNameProvider, node, None) or set()
    return {q.name for q in found if q.source is QualifiedNameSource.IMPORT}


def _outermost_chain(visitor: Codemod, node: cst.CSTNode) -> bool:
    """True for a Name/Attribute that is not the `.value` of a longer attribute chain."""
    parent = visitor.get_metadata(ParentNodeProvider, node, None)
    return not (isinstance(parent, cst.Attribute) and parent.value is node)


@dataclass
class FallbackPlan:
    """What the fallback found in a file (built from the original tree)."""

    reasons: dict[str, cst.CSTNode] = field(default_factory=dict)  # construct -> first use
    blockers: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    switch_imports: list[cst.Import] = field(default_factory=list)  # `import tensorflow as tf` to switch
    disable_call: str | None = None  # how to spell tf.compat.v1.disable_v2_behavior in this file
    disable_present: bool = False
    insert_after: int | None = None  # index in module.body after which the disable call goes
    cannot_switch: list[tuple[cst.CSTNode, str]] = field(default_factory=list)

    @property
    def needed(self) -> bool:
        return bool(self.reasons)

    @property
    def has_work(self) -> bool:
        if not self.needed or self.cannot_switch:
            return False
        return bool(self.switch_imports) or (not self.disable_present and self.insert_after is not None)


class GraphPlumbing(Codemod):
    RULES = RULES

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self.plan = FallbackPlan()
        self.apply_fallback = False

    # -- analysis ---------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        self.plan = self._plan_fallback(node)
        plan = self.plan
        if plan.needed:
            for where, message in plan.cannot_switch:
                self.flag(where, FALLBACK_BLOCKED.code, message)
            if plan.has_work:
                offered = [
                    self.offer_fix(
                        where,
                        FALLBACK.code,
                        f"`{construct}` is TF1 graph mode: the file now runs through `tensorflow.compat.v1` with v2 "
                        "behaviour disabled (a graph-mode fallback, not native TF2); port it to eager code to finish",
                    )
                    for construct, where in sorted(plan.reasons.items(), key=lambda item: self.position(item[1]))
                ]
                self.apply_fallback = any(offered)
            for where, message in plan.blockers:
                self.flag(where, FALLBACK_BLOCKED.code, message)
        return True

    def _plan_fallback(self, module: cst.Module) -> FallbackPlan:
        plan = FallbackPlan()
        references: list[tuple[cst.CSTNode, str, str]] = []  # node, qualified, canonical
        for node in m.findall(module, m.Name() | m.Attribute(), metadata_resolver=self):
            if not _outermost_chain(self, node):
                continue
            qualified = _imported_names(self, node)
            canonical = self.qualified_name(node)
            if canonical is None or len(qualified) != 1:
                continue
            references.append((node, qualified.pop(), canonical))

        for node, _qualified, canonical in references:
            if canonical in GRAPH_MODE_NAMES:
                plan.reasons.setdefault(canonical, node)
        for call in m.findall(module, m.Call(args=[m.ZeroOrMore(), m.Arg(keyword=m.Name("feed_dict")), m.ZeroOrMore()])):
            plan.reasons.setdefault("feed_dict", call)
        if not plan.reasons:
            return plan

        # How TensorFlow is imported: switch `import tensorflow as X`, keep `import tensorflow.compat.v1 as X`.
        aliases: dict[str, str] = {}  # alias -> module
        imports_by_alias: dict[str, cst.Import] = {}
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        name = dotted_name(alias.name)
                        if name in ("tensorflow", "tensorflow.compat.v1") and alias.asname is not None:
                            aliases[dotted_name(alias.asname.name)] = name
                            imports_by_alias[dotted_name(alias.asname.name)] = small
        plain = sorted(a for a, name in aliases.items() if name == "tensorflow")
        v1 = sorted(a for a, name in aliases.items() if name == "tensorflow.compat.v1")

        def head(node: cst.CSTNode) -> str:
            return dotted_name(node).split(".")[0]

        switch = False
        for node, qualified, canonical in references:
            if not qualified.startswith("tensorflow.") or qualified.startswith("tensorflow.compat.v1."):
                continue
            if canonical not in GRAPH_MODE_NAMES:
                continue
            if aliases.get(head(node)) == "tensorflow":
                switch = True
            else:
                plan.cannot_switch.append(
                    (node, f"`{dotted_name(node)}` comes from `tensorflow` through an import the graph-mode fallback "
                     "cannot switch; import TensorFlow as `import tensorflow as tf` and run the tool again")
                )
        if switch:
            plan.switch_imports = list(dict.fromkeys(imports_by_alias[a] for a in plain))
            plan.disable_call = f"{plain[0]}.disable_v2_behavior"
        elif v1:
            plan.disable_call = f"{v1[0]}.disable_v2_behavior"
        elif plain:
            plan.disable_call = f"{plain[0]}.compat.v1.disable_v2_behavior"

        # Already disabled? A module-level call to tf.disable_v2_behavior() / tf.disable_eager_execution().
        for statement in module.body:
            if m.matches(statement, m.SimpleStatementLine(body=[m.Expr(m.Call())])):
                call = statement.body[0].value  # type: ignore[attr-defined]
                if self.qualified_name(call) in DISABLE_CALLS:
                    plan.disable_present = True
        if not plan.disable_present and plan.disable_call is not None:
            plan.insert_after = self._insertion_point(module, set(aliases))

        # What will not run even in graph mode: names looked up under tensorflow.compat.v1 that it lacks.
        v1_heads = set(v1) | (set(plain) if switch else set())
        for node, qualified, canonical in references:
            if canonical in KERAS_SESSION_FUNCTIONS:
                plan.blockers.append((node, f"`{dotted_name(node) or canonical}` does not exist in Keras 3, not even in graph mode; remove it (Keras 3 has no session) or port the program to eager TF2"))
                continue
            through_v1 = qualified.startswith("tensorflow.compat.v1.") or head(node) in v1_heads
            if through_v1 and canonical.startswith("tf.") and not api_table.compat_v1_exists(canonical):
                entry = api_table.lookup_prefix(canonical)
                note = f" ({entry[0].note})" if entry and entry[0].note else ""
                plan.blockers.append((node, f"`{dotted_name(node) or canonical}` does not exist under `tf.compat.v1` in TF 2.21{note}: the graph-mode fallback cannot run it; replace it or port the program to eager TF2"))
        return plan

    def _insertion_point(self, module: cst.Module, aliases: set[str]) -> int | None:
        """Index of the last module-level import before the first statement that uses TensorFlow."""
        last_import: int | None = None
        for index, statement in enumerate(module.body):
            is_import = m.matches(statement, m.SimpleStatementLine(body=[m.AtLeastN(m.Import() | m.ImportFrom(), n=1)]))
            if is_import:
                last_import = index
                continue
            if m.findall(statement, m.Name(m.MatchIfTrue(lambda value: value in aliases))):
                break
        return last_import

    # -- rewriting --------------------------------------------------------------------------------
    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        if not self.apply_fallback or original_node not in self.plan.switch_imports:
            return updated_node
        names = [
            alias.with_changes(name=dotted("tensorflow.compat.v1")) if dotted_name(alias.name) == "tensorflow" and alias.asname else alias
            for alias in updated_node.names
        ]
        return updated_node.with_changes(names=names)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        plan = self.plan
        if not self.apply_fallback or plan.disable_present or plan.insert_after is None or plan.disable_call is None:
            return updated_node
        call = cst.SimpleStatementLine(body=[cst.Expr(cst.Call(func=dotted(plan.disable_call)))])
        body = list(updated_node.body)
        body.insert(plan.insert_after + 1, call)
        return updated_node.with_changes(body=body)


def dotted_name(node: cst.CSTNode) -> str:
    from libcst.helpers import get_full_name_for_node

    return get_full_name_for_node(node) or ""


CODEMOD = GraphPlumbing
