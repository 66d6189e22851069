"""TFM250-TFM261: graph plumbing becomes native TF2; Session programs left in graph mode still run.

Runs after the `sessions` rules (which turn placeholder/Session/feed_dict programs into eager TF2 when
they can, and otherwise leave the program untouched and report why) and before `legacy_calls` and
`api_renames`. A file is looked at as a whole, first: if it still drives a TF1 graph, it gets the
graph-mode fallback (part 2) and its plumbing is left as it is (it is valid TF1 there); otherwise its
plumbing is rewritten natively (part 1).

Part 1, graph plumbing -> native TF2 (TFM250-TFM255)
    What it matches
        Handles kept only to re-enter the default graph or session, the Keras 2 serving pattern:
            graph = tf.get_default_graph()        # or K.get_graph(), self.graph = ..., graph = None + global
            sess = tf.Session(config=config)      # or K.get_session(); K.set_session(sess)
            with graph.as_default():              # and with sess.as_default(): / sess.graph.as_default()
                K.set_session(sess)
                model.predict(x)
        `tf.reset_default_graph()` statements; `config = tf.ConfigProto(...)` (and `config.a.b = v`)
        whose session is gone or removed here.
    What it writes
        The with-blocks unwrapped (bodies dedented, comments kept), the handles, `K.set_session(...)`
        statements and the names in `global` / `nonlocal` removed, imports left unused dropped.
        `tf.reset_default_graph()` becomes `tf.keras.backend.clear_session()` in a Keras file, else it
        goes. Config options become `tf.config` calls (`allow_growth` -> `set_memory_growth` for each
        GPU; `per_process_gpu_memory_fraction` is dropped and the finding says so). Everything that
        belongs to one handle (its binding, blocks, `set_session` calls, session config) is rewritten
        together or not at all (a suppression or `--select` on one part keeps all of it).
        TFM255: in a file that builds no graph at all, module-level `tf.disable_v2_behavior()` /
        `disable_eager_execution()` go and `import tensorflow.compat.v1 as tf` becomes
        `import tensorflow as tf` (the rename rules then map its TF1 names); `enable_eager_execution()`
        goes. A module that does build a graph gets its own switch from the fallback (part 2).
    Why
        Eager TF2 has no default graph or session to re-enter, and Keras 3 has no `get_graph`,
        `get_session`, `set_session`: kept, this code crashes with `AttributeError` on TF 2.16+.
        Keras 3 cannot train with eager execution switched off.
    Left alone and reported (TFM254, manual)
        A handle used in any other way (`graph.get_tensor_by_name`, `with g.as_default() as h`,
        exported in `__all__`, rebound, read outside its class). `tf.set_random_seed` is not handled
        here: the API table renames it to `tf.random.set_seed` (`api_renames`). `K.clear_session()`
        still exists and is kept.

Part 2, the graph-mode fallback (TFM260, TFM261)
    What it matches
        A file that still drives a TF1 graph: it names `tf.Session`, `tf.InteractiveSession`, a
        monitored session, `tf.placeholder`, `tf.get_default_session` or `tf.train.start_queue_runners`,
        or passes `feed_dict=` to a call (GRAPH_DRIVERS). Its other graph-mode names (initializers,
        `tf.train.*Optimizer`, `tf.train.Saver`, ...: every name the API table gives to the sessions
        scenario, `codemods/api_table.py`) are reported with it. Optimizers or initializers without a
        session or placeholder are not a graph program (Keras `compile(optimizer=tf.train.X())`, TF1
        eager code), and neither is a file that calls `tf.enable_eager_execution()`: no fallback.
    What it writes
        The module-level `import tensorflow as tf` becomes `import tensorflow.compat.v1 as tf`, and
        `tf.disable_v2_behavior()` is inserted after the import block (before the first statement that
        uses TensorFlow). A file that spells its graph names `tf.compat.v1.X` keeps its import and gets
        `tf.compat.v1.disable_v2_behavior()`. A TF2-only name of a switched file (`tf.random.set_seed`,
        which `tensorflow.compat.v1` does not export) becomes `tf.compat.v2.random.set_seed`. Each
        reason is reported (TFM260, once per construct, at its first use), saying that this is graph
        mode, not native TF2. With `--legacy-keras-fallback` (opt-in), a file that uses `tf.layers` or
        `tf.nn.rnn_cell` also gets `import os` and `os.environ["TF_USE_LEGACY_KERAS"] = "1"` before its
        first import (`codemods/legacy_keras.py`): those names then run on tf_keras, TF1's own code.
        Rules that ran before (TFM230/TFM233) apply in such a file only what is proven to run in v1
        graph mode: the engine migrates a file that stays in graph mode a second time with
        `FileRun.graph_mode` set when a first pass applied anything else.
    Why this form
        Switching the alias keeps every `tf.X` of the file meaning exactly what it meant in TF 1.x
        (TF1 semantics, v2 behaviour off), with a two-line diff, instead of respelling each name; and
        it is idempotent: on its own output the import is already `tensorflow.compat.v1` and the
        disable call is there, so nothing is left to apply.
    What it cannot do (TFM261, manual)
        Names that do not exist even under `tf.compat.v1` in TF 2.21 (`tf.layers`, `tf.nn.rnn_cell`,
        `tf.contrib`, `tf.estimator`), Keras 2's session functions (not in Keras 3), TensorFlow
        imported in a way the fallback cannot switch (`import tensorflow` without an alias, inside
        `try:`), an import sharing its line with code (no place for the disable call). What the
        legacy-call rules report as removed (TFM310/TFM320/TFM330) is not reported twice.
    Coordination with `api_renames`
        Names spelled through a `tensorflow.compat.v1` alias (`import tensorflow.compat.v1 as tf`, or
        `tf.compat.v1.X`) exist in TF 2.21: later rules must leave them alone. `names.canonical`
        maps them to the same `tf.X` as a plain `tensorflow.X`, so a rule that renames must ask
        `names.through_compat_v1(visitor, node)` (or look at the raw qualified name) first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ClassScope, FunctionScope, GlobalScope, ParentNodeProvider, ScopeProvider

from tf2migrate.traversal import module_nodes, walk

from . import CODEMOD_MODULES, api_table, legacy_keras, removed_apis
from .base import Codemod
from .builders import dotted
from .graph_fallback import DISABLE_CALLS, FallbackPlan, outermost_chain, plan_fallback
from .graph_mode import EAGER_SWITCHES, PLUMBING_NAMES
from .graph_plumbing_config import config_settings, session_config, translate_config
from .graph_plumbing_rules import FALLBACK, FALLBACK_BLOCKED, GRAPH_CONTEXT, GRAPH_HANDLE_MANUAL, KERAS_SESSION, MODE_SWITCH, RESET_GRAPH, RULES, SESSION_CONFIG
from .imports import module_alias, schedule_removal_of_imports_used_by
from .names import dotted_name
from .plumbing import handed_to_other_code

# -- names ------------------------------------------------------------------------------------------

# The graph-mode name tables (PLUMBING_NAMES, GRAPH_DRIVERS, EAGER_SWITCHES, GRAPH_MODE_NAMES) live in
# `graph_mode`, which `plumbing` reads too.
GRAPH_FACTORIES = frozenset({"tf.get_default_graph", "keras.backend.get_graph"})
SESSION_FACTORIES = frozenset({"tf.Session", "keras.backend.get_session"})
PLUMBING_CALLS = GRAPH_FACTORIES | SESSION_FACTORIES | {"keras.backend.set_session", "tf.reset_default_graph"}


@dataclass
class PlumbingPlan:
    """Native rewrites of graph plumbing (built from the original tree, applied on the way up)."""

    with_items: dict[cst.WithItem, tuple[str, str]] = field(default_factory=dict)  # item -> (code, message)
    statements: dict[cst.BaseSmallStatement, tuple[str, str, list[cst.BaseStatement]]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)  # module-level handles removed: drop from `global`
    nonlocal_names: dict[cst.Nonlocal, set[str]] = field(default_factory=dict)  # function handles used by inner functions
    imports: dict[cst.Import, tuple[str, str]] = field(default_factory=dict)  # `import tensorflow.compat.v1 as X` -> plain
    consumed: set[cst.CSTNode] = field(default_factory=set)  # factory calls the plan takes care of
    flags: list[tuple[cst.CSTNode, str, str]] = field(default_factory=list)
    flagged_handles: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # flag node -> the handle's binding
    links: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # union-find over nodes of one rewrite

    def link(self, a: cst.CSTNode, b: cst.CSTNode) -> None:
        """`a` and `b` belong to one rewrite: it is applied whole or not at all."""
        root_a, root_b = self.root(a), self.root(b)
        if root_a is not root_b:
            self.links[root_a] = root_b

    def root(self, node: cst.CSTNode) -> cst.CSTNode:
        while node in self.links:
            node = self.links[node]
        return node

    def groups(self) -> list[list[cst.CSTNode]]:
        """The planned rewrites (with-items and statements), grouped by `link`, in plan order."""
        grouped: dict[int, list[cst.CSTNode]] = {}
        for node in [*self.with_items, *self.statements, *self.imports]:
            grouped.setdefault(id(self.root(node)), []).append(node)
        return list(grouped.values())


class GraphPlumbing(Codemod):
    RULES = RULES
    # Nothing to do in a file that mentions none of these (every graph driver and plumbing call contains one).
    TRIGGERS = (
        "Session",
        "placeholder",
        "feed_dict",
        "get_default_session",
        "start_queue_runners",
        "get_default_graph",
        "get_graph",
        "get_session",
        "set_session",
        "reset_default_graph",
        "ConfigProto",
        "_v2_behavior",
        "_eager_execution",
    )

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self.plan = FallbackPlan()
        self.plumbing = PlumbingPlan()
        self.apply_fallback = False
        self.apply_legacy = False
        self._placeholder_bindings: dict[cst.Assign, list[cst.Assign]] = {}
        self._module_level_handles: set[cst.Assign] = set()  # handles bound to a module-level name
        self.tree: cst.Module | None = None
        self.nodes: tuple[cst.CSTNode, ...] = ()
        self.index: dict[type, list[cst.CSTNode]] = {}
        self._attributes_by_name: dict[str, list[cst.Attribute]] | None = None  # of self.index, made when first asked
        self._references: list[tuple[cst.CSTNode, str, str]] = []
        self._removed: dict[int, cst.SimpleStatementLine] = {}  # markers left by removed lines (kept alive: ids stay unique)

    # -- analysis ---------------------------------------------------------------------------------
    def _index(self, node: cst.Module) -> None:
        self.tree = node
        self.nodes, self.index = module_nodes(node)  # the tree's kept walk, shared with the other rules
        self._attributes_by_name = None

    def visit_Module(self, node: cst.Module) -> bool:
        self._index(node)
        plumbing = self._plan_plumbing(node)
        self.plan = plan_fallback(self, node, plumbing.consumed)
        self._references = self.plan.references
        plan = self.plan
        if plan.needed:
            # Graph mode stays: the plumbing is valid TF1 there and is left as it is. (In a first pass that
            # the graph-mode pass replaces, the codemod ends here: nothing below would be kept.)
            self.run.keep_graph_mode()
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
                if self.apply_fallback and plan.legacy_names and not plan.legacy_present and plan.legacy_insert_at is not None:
                    first = plan.legacy_names[0]
                    self.apply_legacy = self.offer_fix(
                        first, FALLBACK.code,
                        f"`{dotted_name(first)}` (and the file's other `tf.layers` / `tf.nn.rnn_cell` names) runs on tf_keras "
                        f"(Keras 2): `{legacy_keras.ENV_VARIABLE}=1` is set before TensorFlow is imported "
                        f"({legacy_keras.OPTION}; needs `pip install tf_keras`)",
                    )
                if self.apply_fallback:
                    for node in plan.v2_names:
                        self.offer_fix(node, FALLBACK.code, f"`{dotted_name(node)}` is a TF2 name that "
                                       "`tensorflow.compat.v1` does not export: now spelled through `compat.v2` so it "
                                       "keeps working after the graph-mode fallback switched the import")
            for where, message in plan.blockers:
                self.flag(where, FALLBACK_BLOCKED.code, message)
            return True
        # Native: offer each plumbing rewrite; what is not accepted stays as it was.
        self._plan_mode_switches(node, plumbing)
        accepted = PlumbingPlan()
        for group in plumbing.groups():
            members = [
                (node, *(plumbing.with_items.get(node) or plumbing.imports.get(node) or plumbing.statements[node][:2]))  # type: ignore[index, call-overload]
                for node in group
            ]
            if not all(self._would_apply(node, code) for node, code, _ in members):
                for node, code, _ in members:  # a part is suppressed or not selected: none of it is rewritten
                    if self.enabled(code):
                        self.run.is_suppressed(code, self.position(node)[0])  # marks the suppression as used
                continue
            for node, code, message in members:
                self.offer_fix(node, code, message)
                schedule_removal_of_imports_used_by(self.context, node)
                if node in plumbing.with_items:
                    accepted.with_items[node] = plumbing.with_items[node]
                    continue
                if node in plumbing.imports:
                    accepted.imports[node] = plumbing.imports[node]  # type: ignore[index]
                    continue
                accepted.statements[node] = plumbing.statements[node]  # type: ignore[index]
                if plumbing.statements[node][2] and self._tf_alias(existing_only=True) is None:  # type: ignore[index]
                    AddImportsVisitor.add_needed_import(self.context, "tensorflow", asname="tf")
        removed_names = {dotted_name(st.targets[0].target) for st in accepted.statements if isinstance(st, cst.Assign)}
        accepted.nonlocal_names = {
            statement: names & removed_names for statement, names in plumbing.nonlocal_names.items() if names & removed_names
        }
        accepted.global_names = {
            name for name in plumbing.global_names
            if any(isinstance(st, cst.Assign) and dotted_name(st.targets[0].target) == name for st in accepted.statements)
        }
        for where, code, message in plumbing.flags:
            self.flag(where, code, message)
        self.plumbing = accepted
        return True

    # -- part 1: plumbing ---------------------------------------------------------------------------
    def _all(self, *kinds: type) -> list:  # type: ignore[type-arg]
        """Every node of these types in the module, in source order."""
        if len(kinds) == 1:
            return list(self.index.get(kinds[0], []))
        wanted = frozenset(kinds)
        return [n for n in self.nodes if type(n) in wanted]

    def _attributes_named(self, attr: str) -> list[cst.Attribute]:
        """Every `<value>.<attr>` of the module, in source order (one grouping of the walk for all the handles
        asked about, not a scan of every attribute per handle: linear in the file's size)."""
        if self._attributes_by_name is None:
            self._attributes_by_name = {}
            for node in self.index.get(cst.Attribute, []):
                self._attributes_by_name.setdefault(node.attr.value, []).append(node)  # type: ignore[attr-defined]
        return self._attributes_by_name.get(attr, [])

    def _single_target_assigns(self) -> list[cst.Assign]:
        return [a for a in self._all(cst.Assign) if len(a.targets) == 1]

    def _would_apply(self, node: cst.CSTNode, code: str) -> bool:
        """Would `offer_fix` accept this now? (Asked without recording anything.)"""
        return self.enabled(code) and self.run.suppressions.find(code, self.position(node)[0]) is None

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _statement_of(self, node: cst.CSTNode) -> cst.BaseSmallStatement | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.BaseSmallStatement):
            if isinstance(current, (cst.BaseCompoundStatement, cst.Lambda, cst.FunctionDef)):
                return None
            current = self._parent(current)
        return current

    def _as_default_item(self, target: cst.CSTNode) -> cst.WithItem | None:
        """The with-item if `target` is used exactly as `with <target>.as_default():` (no `as`)."""
        attribute = self._parent(target)
        if not (isinstance(attribute, cst.Attribute) and attribute.value is target and attribute.attr.value == "as_default"):
            return None
        call = self._parent(attribute)
        if not (isinstance(call, cst.Call) and call.func is attribute and not call.args):
            return None
        item = self._parent(call)
        if isinstance(item, cst.WithItem) and item.item is call and item.asname is None:
            with_node = self._parent(item)
            if isinstance(with_node, cst.With) and with_node.asynchronous is None:
                return item
        return None

    def _set_session_statement(self, target: cst.CSTNode) -> cst.Expr | None:
        """The statement if `target` is used exactly as `K.set_session(<target>)` on its own line."""
        arg = self._parent(target)
        if not (isinstance(arg, cst.Arg) and arg.keyword is None and arg.star == ""):
            return None
        call = self._parent(arg)
        if not (isinstance(call, cst.Call) and len(call.args) == 1 and self.qualified_name(call) == "keras.backend.set_session"):
            return None
        statement = self._parent(call)
        return statement if isinstance(statement, cst.Expr) else None

    def _classify_use(self, use: cst.CSTNode, kind: str) -> tuple[str, cst.CSTNode] | None:
        """How a graph/session handle is used: ("with", item) or ("set_session", statement); None otherwise."""
        item = self._as_default_item(use)
        if item is not None:
            return "with", item
        if kind == "session":
            attribute = self._parent(use)
            if isinstance(attribute, cst.Attribute) and attribute.value is use and attribute.attr.value == "graph":
                item = self._as_default_item(attribute)
                if item is not None:
                    return "with", item
            statement = self._set_session_statement(use)
            if statement is not None:
                return "set_session", statement
        return None

    def _factory_kind(self, value: cst.BaseExpression) -> str | None:
        if not isinstance(value, cst.Call):
            return None
        name = self.qualified_name(value)
        if name in GRAPH_FACTORIES and not value.args:
            return "graph"
        if name in SESSION_FACTORIES:
            return "session"
        return None

    def _plan_plumbing(self, module: cst.Module) -> PlumbingPlan:
        plan = PlumbingPlan()
        keras_file = any(
            (self.qualified_name(n) or "").startswith("keras")
            for n in self._all(cst.Name, cst.Attribute)
            if outermost_chain(self, n)
        )
        handled_calls: set[cst.CSTNode] = set()

        # Handles bound to names: `graph = tf.get_default_graph()`, `sess = tf.Session(...)`.
        for assign in self._single_target_assigns():
            if not isinstance(assign.targets[0].target, (cst.Name, cst.Attribute)):
                continue
            kind = self._factory_kind(assign.value)
            if kind is None:
                continue
            handled_calls.add(assign.value)
            uses = self._handle_uses(assign)
            name = dotted_name(assign.targets[0].target)
            factory = f"{self.qualified_name(assign.value)}({'...' if assign.value.args else ''})"  # type: ignore[attr-defined]
            quiet = self._reported_by_legacy_calls(self.qualified_name(assign.value) or "")
            if uses is None:
                if quiet:
                    continue
                plan.flags.append((assign, GRAPH_HANDLE_MANUAL.code, f"`{name} = {factory}` is used for more than "
                                   "re-entering the default graph/session: port that code to eager TF2 (functions and "
                                   "Python objects instead of graph lookups), then remove the handle"))
                continue
            config = session_config(self, assign.value) if kind == "session" else ([], "")
            if config is None:
                plan.flags.append((assign, SESSION_CONFIG.code, f"`{name}` is created with a session config the tool "
                                   "cannot translate: set the options you need with `tf.config` and remove the session"))
                continue
            if not self._plan_uses(plan, uses, kind, name, quiet, anchor=assign):
                continue
            code = GRAPH_CONTEXT.code if kind == "graph" else KERAS_SESSION.code
            replacement, note = config
            plan.statements[assign] = (code, f"`{name} = {factory}` only re-entered the default {kind}, which eager "
                                       f"TF2 does not need: removed{note}", replacement)
            plan.consumed.add(assign.value)
            plan.link(assign.value, assign)
            for other in self._placeholder_bindings.get(assign, []):
                plan.link(other, assign)
                plan.statements.setdefault(other, (code, f"`{name}` is no longer needed: binding removed", []))
                if isinstance(other.value, cst.Call):
                    plan.consumed.add(other.value)
                    plan.link(other.value, assign)
            if assign in self._module_level_handles:
                plan.global_names.add(name)
            if isinstance(assign.targets[0].target, cst.Name):
                function = self._enclosing(assign, cst.FunctionDef)
                if function is not None:
                    for statement in (n for n in walk(function) if isinstance(n, cst.Nonlocal)):
                        if any(item.name.value == name for item in statement.names):
                            plan.nonlocal_names.setdefault(statement, set()).add(name)

        # Direct uses: `with tf.get_default_graph().as_default():`, `K.set_session(tf.Session(...))`.
        for call in self._all(cst.Call):
            if call in handled_calls:
                continue
            kind = self._factory_kind(call)
            if kind is None:
                continue
            use = self._classify_use(call, kind)
            if use is None:
                self._flag_other_use(plan, call)
                continue
            config = session_config(self, call) if kind == "session" else ([], "")
            if config is None:
                plan.flags.append((call, SESSION_CONFIG.code, "a session created with a config the tool cannot "
                                   "translate: set the options you need with `tf.config` and remove the session"))
                continue
            how, where = use
            code = GRAPH_CONTEXT.code if kind == "graph" else KERAS_SESSION.code
            if how == "with":
                plan.with_items[where] = (code, f"`with {dotted_name(call.func)}().as_default():` re-entered the "
                                          f"default {kind}, which eager TF2 does not need: unwrapped")
            else:
                replacement, note = config
                plan.statements[where] = (KERAS_SESSION.code, f"`{dotted_name(where.value.func)}(...)` is gone from Keras 3, "  # type: ignore[attr-defined]
                                          f"which has no session: removed{note}", replacement)
            plan.consumed.add(call)
            plan.link(call, where)

        # `tf.reset_default_graph()` statements; other uses of plumbing calls are reported.
        for call in self._all(cst.Call):
            name = self.qualified_name(call)
            if name == "tf.reset_default_graph":
                statement = self._parent(call)
                if isinstance(statement, cst.Expr) and not call.args:
                    if self._next_to_clear_session(statement):
                        replacement = []
                        message = ("`tf.reset_default_graph()` is gone; the Keras `clear_session()` next to it resets "
                                   "what is left to reset in TF2: removed")
                    elif keras_file:
                        replacement = [cst.SimpleStatementLine(body=[cst.Expr(cst.Call(func=dotted(f"{self._tf_alias()}.keras.backend.clear_session")))])]
                        message = "`tf.reset_default_graph()` is gone: now `tf.keras.backend.clear_session()` (resets Keras' global state)"
                    else:
                        replacement = []
                        message = "`tf.reset_default_graph()` is gone and eager TF2 has no graph to reset: removed"
                    plan.statements[statement] = (RESET_GRAPH.code, message, replacement)
                    plan.consumed.add(call)
                else:
                    plan.flags.append((call, GRAPH_HANDLE_MANUAL.code, "`tf.reset_default_graph()` used as a value: "
                                       "eager TF2 has no default graph; remove it or use `tf.keras.backend.clear_session()`"))
            elif name == "keras.backend.set_session" and not any(
                isinstance(a, cst.Arg) and a.value in plan.consumed or self._parent(call) in plan.statements for a in call.args
            ) and self._parent(call) not in plan.statements and not self._reported_by_legacy_calls(name):
                plan.flags.append((call, GRAPH_HANDLE_MANUAL.code, "`K.set_session(...)` is gone from Keras 3 (no "
                                   "session): remove it once the session it is given is no longer needed"))
        self._plan_configs(module, plan)
        return plan

    def _reported_by_legacy_calls(self, canonical: str) -> bool:
        """True if the legacy-call rules (TFM310/320/330) report `canonical` as removed in this run."""
        removal = removed_apis.find(canonical)
        if removal is None or "legacy_calls" not in CODEMOD_MODULES:
            return False
        return self.enabled({"contrib": "TFM310", "tf": "TFM320", "keras": "TFM330"}[removal.family])

    def _plan_mode_switches(self, module: cst.Module, plan: PlumbingPlan) -> None:
        """TFM255: eager-execution switches of a file that builds no graph."""
        for _node, _qualified, canonical in self._references:
            found = api_table.lookup_prefix(canonical) if canonical.startswith("tf.") else None
            if found is not None and found[0].kind == "scenario" and found[0].owner != "keras" and found[0].name not in PLUMBING_NAMES:
                return  # graph code (or TF1 variable/layer helpers) left: not this rule's call
        switches: list[tuple[cst.Expr, str]] = []
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                small = statement.body[0]
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and not small.value.args:
                    name = self.qualified_name(small.value)
                    if name in DISABLE_CALLS or name in EAGER_SWITCHES:
                        switches.append((small, name))  # type: ignore[arg-type]
        if not switches:
            return
        anchor = switches[0][0]
        for small, name in switches:
            spelled = dotted_name(small.value.func)  # type: ignore[attr-defined]
            if name in DISABLE_CALLS:
                message = (f"`{spelled}()` turned eager execution off, but this file builds no graph (no session, "
                           "placeholder or feed): removed, since Keras 3 and TF2 code need eager execution")
            else:
                message = f"`{spelled}()`: eager execution is the default in TF2 (and the call is gone): removed"
            plan.statements[small] = (MODE_SWITCH.code, message, [])
            plan.link(small, anchor)
        if not any(name in DISABLE_CALLS for _, name in switches) or module_alias(module, "tensorflow") is not None:
            return
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue  # a function or class (its `.body` is a block): no module-level import there
            for small in statement.body:
                if not isinstance(small, cst.Import):
                    continue
                for alias in small.names:
                    if dotted_name(alias.name) == "tensorflow.compat.v1" and alias.asname is not None:
                        plan.imports[small] = (MODE_SWITCH.code, f"`import tensorflow.compat.v1 as {dotted_name(alias.asname.name)}`"
                                               " now imports `tensorflow`: the file runs eagerly, its TF1 names are mapped "
                                               "to TF2 by the rename rules (TFM4xx)")
                        plan.link(small, anchor)

    def _next_to_clear_session(self, statement: cst.CSTNode) -> bool:
        """True if the statement before or after `statement`'s line is a Keras `clear_session()` call."""
        line = self._parent(statement)
        block = self._parent(line) if line is not None else None
        body = list(getattr(block, "body", ()))
        if line not in body:
            return False
        index = body.index(line)
        for neighbour in body[max(index - 1, 0) : index + 2]:
            if neighbour is line or not isinstance(neighbour, cst.SimpleStatementLine):
                continue
            for small in neighbour.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    if self.qualified_name(small.value) == "keras.backend.clear_session":
                        return True
        return False

    def _flag_other_use(self, plan: PlumbingPlan, call: cst.Call) -> None:
        name = self.qualified_name(call) or ""
        if name == "tf.Session" or self._reported_by_legacy_calls(name) or handed_to_other_code(self, call):
            return  # a session program: the session rules' business (and the fallback's); or reported as removed / handed over
        statement = self._statement_of(call)
        if isinstance(statement, cst.Assign):
            return  # flagged with its handle
        plan.flags.append((call, GRAPH_HANDLE_MANUAL.code, f"`{name}()` used in a way the tool does not convert "
                           "(gone from TF 2.16+ / Keras 3): port this code to eager TF2"))

    def _handle_uses(self, assign: cst.Assign) -> list[cst.CSTNode] | None:
        """Every use of the handle `assign` binds, or None if the tool cannot see or follow them all."""
        target = assign.targets[0].target
        if isinstance(target, cst.Name):
            scope = self.get_metadata(ScopeProvider, assign, None)
            if scope is None or isinstance(scope, ClassScope):
                return None
            assignments = list(scope.assignments[target.value])
            if not assignments and isinstance(scope, FunctionScope):
                scope = scope.globals  # `global graph` in this function: the module's name
                assignments = list(scope.assignments[target.value])
            statements = [self._statement_of(a.node) if isinstance(a.node, cst.Name) else None for a in assignments]
            if assign not in statements or any(
                statement is not assign and not self._is_placeholder_binding(statement, assign) for statement in statements
            ):
                return None  # bound some other way too
            if isinstance(scope, GlobalScope) and target.value in self._exported_names():
                return None
            self._placeholder_bindings[assign] = [st for st in statements if st is not assign]  # type: ignore[misc]
            if isinstance(scope, GlobalScope):
                self._module_level_handles.add(assign)
            return [access.node for a in assignments for access in a.references]
        # `self.graph = ...` inside a class: every `self.graph` of that class, and the attribute nowhere else.
        if not (isinstance(target.value, cst.Name) and target.value.value == "self"):
            return None
        class_def = self._enclosing_class(assign)
        if class_def is None or self.tree is None:
            return None
        attr = target.attr.value
        everywhere = self._attributes_named(attr)
        inside = {
            n for n in walk(class_def)
            if isinstance(n, cst.Attribute) and n.attr.value == attr and m.matches(n.value, m.Name("self"))
        }
        if any(node not in inside for node in everywhere):
            return None
        uses = [node for node in inside if node is not target]
        if any(self._statement_of(node) is not None and isinstance(self._statement_of(node), (cst.Assign, cst.AugAssign, cst.AnnAssign))
               and any(t.target is node for t in getattr(self._statement_of(node), "targets", [])) for node in uses):
            return None  # assigned again
        return uses

    def _is_placeholder_binding(self, statement: cst.BaseSmallStatement | None, handle: cst.Assign) -> bool:
        """`graph = None`, or another `graph = <same factory>()`: bindings removed along with the handle."""
        if not (isinstance(statement, cst.Assign) and len(statement.targets) == 1):
            return False
        if m.matches(statement.value, m.Name("None")):
            return True
        return self._factory_kind(statement.value) is not None and self.qualified_name(statement.value) == self.qualified_name(handle.value) and not statement.value.args  # type: ignore[attr-defined]

    def _enclosing_class(self, node: cst.CSTNode) -> cst.ClassDef | None:
        return self._enclosing(node, cst.ClassDef)  # type: ignore[return-value]

    def _enclosing(self, node: cst.CSTNode, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
        current = self._parent(node)
        while current is not None and not isinstance(current, kind):
            current = self._parent(current)
        return current

    def _exported_names(self) -> set[str]:
        names: set[str] = set()
        if self.tree is None:
            return names
        for assign in self._single_target_assigns():
            if not m.matches(assign.targets[0].target, m.Name("__all__")):
                continue
            for element in (n for n in walk(assign.value) if isinstance(n, cst.SimpleString)):
                names.add(element.evaluated_value if isinstance(element.evaluated_value, str) else "")
        return names

    def _plan_uses(
        self, plan: PlumbingPlan, uses: list[cst.CSTNode], kind: str, name: str, quiet: bool = False, *, anchor: cst.CSTNode
    ) -> bool:
        """Plan the rewrite of every use of a handle; False (nothing planned) if one is not plumbing."""
        if not [use for use in uses if not isinstance(self._parent(use), cst.NameItem)]:
            return False  # never used: TFM002 removes it inside functions; module level stays (may be imported)
        planned = []
        for use in uses:
            if isinstance(self._parent(use), cst.NameItem):
                continue  # `global graph`
            found = self._classify_use(use, kind)
            if found is None:
                if quiet or handed_to_other_code(self, use):
                    return False  # the legacy-call rules report it: the factory as removed (TFM330), or handed over (TFM301/302)
                origin = anchor.value if isinstance(anchor, cst.Assign) else None
                source = f", from `{self.qualified_name(origin)}()`" if isinstance(origin, cst.Call) else ""
                plan.flags.append((use, GRAPH_HANDLE_MANUAL.code, f"`{name}` (the default {kind}{source}) is used here "
                                   "for more than `with ....as_default():`: port this code to eager TF2, then remove the handle"))
                plan.flagged_handles[use] = anchor
                return False
            planned.append(found)
        for how, where in planned:
            plan.link(where, anchor)
            if how == "with":
                plan.with_items[where] = (GRAPH_CONTEXT.code if kind == "graph" else KERAS_SESSION.code,
                                          f"`with {name}.as_default():` re-entered the default {kind}, which eager TF2 "
                                          "does not need: unwrapped")
            else:
                plan.statements[where] = (KERAS_SESSION.code, f"`{dotted_name(where.value.func)}(...)` is gone from Keras 3, "  # type: ignore[attr-defined]
                                          "which has no session: removed", [])
        return True

    # -- part 1: tf.ConfigProto -----------------------------------------------------------------------
    def _plan_configs(self, module: cst.Module, plan: PlumbingPlan) -> None:
        """`config = tf.ConfigProto(...)` whose only uses are option assignments and removed sessions."""
        for assign in self._single_target_assigns():
            if not (isinstance(assign.targets[0].target, cst.Name) and isinstance(assign.value, cst.Call)):
                continue
            if self.qualified_name(assign.value) != "tf.ConfigProto":
                continue
            name = dotted_name(assign.targets[0].target)
            sessions: list[cst.Call] = []
            found = config_settings(self, assign, allow_session_args=False, consumed=plan.consumed, sessions=sessions)
            if found is None:
                plan.flags.append((assign, SESSION_CONFIG.code, f"`{name} = tf.ConfigProto(...)` configures a session the "
                                   "tool does not remove: it stays (TF1 graph mode) until that session is ported"))
                continue
            settings = found
            translated = translate_config(self, assign.value, [(path, value) for _, path, value in settings])
            if translated is None:
                plan.flags.append((assign, SESSION_CONFIG.code, f"`{name}` sets session options without a known TF2 "
                                   "counterpart: set them with `tf.config` by hand and remove the config"))
                continue
            replacement, note = translated
            plan.statements[assign] = (SESSION_CONFIG.code, f"`{name} = tf.ConfigProto(...)`: eager TF2 has no session to "
                                       f"configure; its options are now `tf.config` calls{note}", replacement)
            for statement, path, _ in settings:
                plan.statements[statement] = (SESSION_CONFIG.code, f"`{name}.{path}`: folded into the `tf.config` calls", [])
                plan.link(statement, assign)
            for session in sessions:
                plan.link(session, assign)

    def _tf_alias(self, existing_only: bool = False) -> str | None:
        """How the file spells TensorFlow for the `tf.config` / `tf.keras` calls written here.

        Its `import tensorflow as X`; else `tf` when that is `tensorflow.compat.v1` (every name written
        here exists under `tf.compat.v1` too); else `tf`, with `import tensorflow as tf` added.
        """
        if self.tree is not None:
            alias = module_alias(self.tree, "tensorflow")
            if alias is not None:
                return alias
            if module_alias(self.tree, "tensorflow.compat.v1") == "tf":
                return "tf"
        return None if existing_only else "tf"

    # -- rewriting --------------------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if not self.apply_fallback or not any(original_node is node for node in self.plan.v2_names):
            return updated_node
        root = updated_node
        chain: list[cst.Attribute] = []
        while isinstance(root, cst.Attribute):
            chain.append(root)
            root = root.value  # type: ignore[assignment]
        assert isinstance(root, cst.Name)
        rebuilt: cst.BaseExpression = dotted(f"{root.value}.compat.v2")
        for attribute in reversed(chain):
            rebuilt = attribute.with_changes(value=rebuilt)
        return rebuilt

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        if original_node in self.plumbing.imports:
            return updated_node.with_changes(names=[
                alias.with_changes(name=dotted("tensorflow")) if dotted_name(alias.name) == "tensorflow.compat.v1" and alias.asname else alias
                for alias in updated_node.names
            ])
        if not self.apply_fallback or original_node not in self.plan.switch_imports:
            return updated_node
        names = [
            alias.with_changes(name=dotted("tensorflow.compat.v1")) if dotted_name(alias.name) == "tensorflow" and alias.asname else alias
            for alias in updated_node.names
        ]
        return updated_node.with_changes(names=names)

    def leave_With(
        self, original_node: cst.With, updated_node: cst.With
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        items = self.plumbing.with_items
        if not any(item in items for item in original_node.items):
            return updated_node
        kept = [new for old, new in zip(original_node.items, updated_node.items) if old not in items]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(items=kept)
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):
            statements: list[cst.BaseStatement] = [cst.SimpleStatementLine(body=list(body.body))]
        else:
            statements = list(body.body)
        if not statements:
            return cst.RemoveFromParent()  # type: ignore[return-value]
        first = statements[0]
        header_comment: list[cst.EmptyLine] = []
        if isinstance(body, cst.IndentedBlock) and body.header.comment is not None:
            header_comment = [cst.EmptyLine(comment=body.header.comment)]  # `with g.as_default():  # why`
        statements[0] = first.with_changes(leading_lines=[*updated_node.leading_lines, *header_comment, *first.leading_lines])
        return cst.FlattenSentinel(statements)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        planned = self.plumbing.statements
        if not any(small in planned for small in original_node.body):
            return updated_node
        kept: list[cst.BaseSmallStatement] = []
        added: list[cst.BaseStatement] = []
        for old, new in zip(original_node.body, updated_node.body):
            if old in planned:
                added.extend(planned[old][2])
            else:
                kept.append(new)
        result: list[cst.BaseStatement] = []
        if kept:
            kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            result.append(updated_node.with_changes(body=kept))
        result.extend(added)
        if not result:
            # A marker, dropped by the enclosing block, which hands its blank lines and comments on.
            marker = cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=updated_node.leading_lines)
            self._removed[id(marker)] = marker
            return marker
        if not kept:
            result[0] = result[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel(result)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        """`if ready: K.set_session(sess)`: the same removals on a one-line block (`pass` if it empties)."""
        planned = self.plumbing.statements
        if not any(small in planned for small in original_node.body):
            return updated_node
        kept = [new for old, new in zip(original_node.body, updated_node.body) if old not in planned]
        added = [line for old in original_node.body if old in planned for line in planned[old][2]]
        for line in added:  # replacement statements are simple lines: their small statements join the suite
            kept.extend(line.body if isinstance(line, cst.SimpleStatementLine) else [])
        if not kept:
            kept = [cst.Pass()]
        kept = [k.with_changes(semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))) for k in kept[:-1]] + [
            kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        ]
        return updated_node.with_changes(body=kept)

    def _drop_markers(self, body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """Remove the markers of removed lines; the next statement gets their leading blank lines and comments."""
        result: list[cst.BaseStatement] = []
        pending: list[cst.EmptyLine] = []
        for statement in body:
            if self._removed.get(id(statement)) is statement:
                pending.extend(statement.leading_lines)  # type: ignore[attr-defined]
                continue
            if pending:
                lines = [*pending, *statement.leading_lines]  # type: ignore[attr-defined]
                statement = statement.with_changes(leading_lines=_cap_blank_lines(lines))
                pending = []
            result.append(statement)
        return result

    def leave_Global(self, original_node: cst.Global, updated_node: cst.Global) -> cst.Global | cst.RemovalSentinel:
        drop = self.plumbing.global_names
        if not drop:
            return updated_node
        names = [item for item in updated_node.names if item.name.value not in drop]
        if len(names) == len(updated_node.names):
            return updated_node
        if not names:
            return cst.RemoveFromParent()
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=names)

    def leave_Nonlocal(self, original_node: cst.Nonlocal, updated_node: cst.Nonlocal) -> cst.Nonlocal | cst.RemovalSentinel:
        drop = self.plumbing.nonlocal_names.get(original_node)
        if not drop:
            return updated_node
        names = [item for item in updated_node.names if item.name.value not in drop]
        if not names:
            return cst.RemoveFromParent()
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=names)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = self._drop_markers(updated_node.body)
        if len(body) != len(updated_node.body):
            updated_node = updated_node.with_changes(body=body)
        if updated_node.body or not original_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._drop_markers(updated_node.body)
        if len(body) != len(updated_node.body):
            updated_node = updated_node.with_changes(body=body)
        plan = self.plan
        if not self.apply_fallback:
            return updated_node
        body = list(updated_node.body)
        if not plan.disable_present and plan.insert_after is not None and plan.disable_call is not None:
            body.insert(plan.insert_after + 1, cst.SimpleStatementLine(body=[cst.Expr(cst.Call(func=dotted(plan.disable_call)))]))
        if self.apply_legacy and plan.legacy_insert_at is not None:
            first = body[plan.legacy_insert_at]
            lines = legacy_keras.env_statements()
            if isinstance(first, cst.SimpleStatementLine) and first.leading_lines:  # comments above the imports stay above
                lines[0] = lines[0].with_changes(leading_lines=first.leading_lines)
                body[plan.legacy_insert_at] = first.with_changes(leading_lines=[])
            body[plan.legacy_insert_at:plan.legacy_insert_at] = lines
        return updated_node.with_changes(body=body)


def manual_plumbing_factories(visitor: Codemod, module: cst.Module) -> set[int]:
    """ids of the plumbing factory calls (`tf.get_default_graph()`, `tf.reset_default_graph()`, ...) of
    `module` that this rule reports as manual (TFM253/TFM254) when it runs over `module`.

    For a later rule (api_renames' TFM407 "left by the session and graph rules") to stay quiet where this
    rule already said what to do. The plan is recomputed on the tree `visitor` sees, with its metadata:
    this rule changed nothing the flagged constructs depend on (what it rewrites is gone from the tree).
    """
    if "graph_plumbing" not in CODEMOD_MODULES:
        return set()
    planner = GraphPlumbing(visitor.context, visitor.run)
    planner.metadata = visitor.metadata
    planner._index(module)
    plan = planner._plan_plumbing(module)
    if plan_fallback(planner, module, plan.consumed).needed:
        return set()  # graph mode stays: the plumbing is not reported
    found: set[int] = set()
    for where, code, _message in plan.flags:
        if not planner.enabled(code) or visitor.run.suppressions.find(code, planner.position(where)[0]) is not None:
            continue  # not reported after all: the missing name must be
        where = plan.flagged_handles.get(where, where)  # a use of a handle: its binding
        if isinstance(where, cst.Assign) and isinstance(where.value, cst.Call):
            found.add(id(where.value))
        elif isinstance(where, cst.Call):
            found.add(id(where))
    return found


def _cap_blank_lines(lines: list[cst.EmptyLine], most: int = 2) -> list[cst.EmptyLine]:
    """At most `most` blank lines in a row (comments are kept)."""
    result: list[cst.EmptyLine] = []
    run = 0
    for line in lines:
        blank = line.comment is None
        run = run + 1 if blank else 0
        if not blank or run <= most:
            result.append(line)
    return result


CODEMOD = GraphPlumbing
