"""What every codemod is built on: rule metadata, and the one way to report a finding or apply a fix.

A codemod is a LibCST transformer (subclass `Codemod`) that owns one or more rules. It detects
first, then fixes, and asks before each fix:

    if self.offer_fix(original_node, "TFM101", "raw tf.Variable in a layer: now self.add_weight"):
        return rewritten_node
    return updated_node

`offer_fix` records the finding and answers whether the rewrite may happen: the rule is selected,
the line is not suppressed, and an unsafe fix was allowed with `--unsafe-fixes`. A codemod that
cannot fix what it found calls `flag` (a manual finding) and leaves the code as it is. A change that
is not announced through `offer_fix` is thrown away by the engine, so every rewrite is reported.

Always pass *original* nodes to `offer_fix`, `flag` and `qualified_name`: metadata (positions,
names, scopes) is computed for the tree as it was when the codemod started.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
from libcst.codemod import Codemod as _LibcstCodemod
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.matchers._decorators import (
    CONSTRUCTED_LEAVE_MATCHER_ATTR,
    CONSTRUCTED_VISIT_MATCHER_ATTR,
    VISIT_NEGATIVE_MATCHER_ATTR,
    VISIT_POSITIVE_MATCHER_ATTR,
)
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider

from tf2migrate import summary, traversal
from tf2migrate.findings import Finding, FixKind, FixState
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection
from tf2migrate.suppression import Suppression, SuppressionIndex

from . import names


@dataclass(frozen=True)
class Rule:
    """A rule's stable identity and its documentation (`tf2migrate rules`, `tf2migrate explain`)."""

    code: str  # "TFM101": stable, never reused
    name: str  # "layer-variables": kebab-case
    fix: FixKind  # what the rule does in the usual case
    summary: str  # one line
    explanation: str  # why, what the rule does, what a person has to do when it cannot
    before: str  # example input
    after: str  # example output (or the same code, for manual rules)

    def __post_init__(self) -> None:
        object.__setattr__(self, "explanation", textwrap.dedent(self.explanation).strip())
        object.__setattr__(self, "before", textwrap.dedent(self.before).strip() + "\n")
        object.__setattr__(self, "after", textwrap.dedent(self.after).strip() + "\n")


class GraphMode:
    """`FileRun.graph_mode` and whether a codemod read it. Copies of a run (`dataclasses.replace`, for a
    rule's trial run of another codemod) share this object, so a read through a copy counts too."""

    __slots__ = ("on", "read")

    def __init__(self, on: bool) -> None:
        self.on = on
        self.read = False


class GraphModePassDue(Exception):
    """The file stays in graph mode after a rewrite not proven to run there: the engine migrates it again
    in its graph-mode pass and keeps nothing more of this pass (`FileRun.keep_graph_mode`)."""


@dataclass
class FileRun:
    """Per-file, per-codemod state the engine hands in and reads back."""

    selection: Selection
    suppressions: SuppressionIndex  # of the text this codemod sees
    linemap: LineMap  # that text's lines -> the lines of the file as read
    rules: dict[str, Rule]
    findings: list[Finding] = field(default_factory=list)
    fixes_applied: int = 0
    used_suppressions: set[tuple[int, str]] = field(default_factory=set)  # (original line, code)
    earlier: Sequence[Finding] = ()  # findings of the codemods that ran before this one on this file
    # Whether the file is known to stay in graph mode: read it as `graph_mode` (below), never as `graph.on`.
    graph: GraphMode = field(default_factory=lambda: GraphMode(False))
    # A rule that applied something not proven in graph mode counts it in graph_unproven.
    graph_unproven: int = 0
    stays_in_graph_mode: bool = False  # set by the graph-mode fallback (TFM260) when the file drives a TF1 graph
    # Set by the engine when this pass's output is thrown away once the file stays in graph mode (a first
    # pass after a graph-unproven rewrite): `keep_graph_mode` then ends the codemod at once.
    abandon_when_kept: bool = False

    def keep_graph_mode(self) -> None:
        """The graph-mode fallback's verdict: the file stays in graph mode. Raises `GraphModePassDue` when
        the engine has said that nothing this pass does from here on is kept (`abandon_when_kept`)."""
        self.stays_in_graph_mode = True
        if self.abandon_when_kept:
            raise GraphModePassDue

    @property
    def graph_mode(self) -> bool:
        """The file is known to stay in graph mode (a first pass fell back, TFM260): rules apply only what is
        proven to run there. Reading it is recorded (`GraphMode.read`): the engine's graph-mode pass reuses
        the first pass's result of every codemod that did not ask, where its input is the same."""
        self.graph.read = True
        return self.graph.on

    def is_suppressed(self, code: str, line: int) -> bool:
        """`line` is a line of the current text."""
        suppression: Suppression | None = self.suppressions.find(code, line)
        if suppression is None:
            return False
        self.used_suppressions.add((self.linemap.to_original(suppression.line), code))
        return True


class Codemod(ContextAwareTransformer):
    """Base class of every rule module's transformer."""

    RULES: ClassVar[tuple[Rule, ...]] = ()
    # Cheap text check: the codemod is not run on a file that contains none of these strings.
    TRIGGERS: ClassVar[tuple[str, ...]] = ("tensorflow", "keras")
    # Exact trigger test (optional): the identifiers without one of which this codemod can neither find nor
    # change anything (the names, attributes and keywords its detection starts from). When set, `wanted`
    # also asks `tf2migrate.summary` whether the text spells one of them; None: the TRIGGERS test alone.
    IDENTIFIERS: ClassVar[frozenset[str] | None] = None
    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    def __init__(self, context: CodemodContext, run: FileRun) -> None:
        if _plain_dispatch(type(self)):
            # What ContextAwareTransformer.__init__ does, minus the per-instance scan of every
            # method for matcher decorators (dir() + type hints: ~10 ms per codemod per file).
            _LibcstCodemod.__init__(self, context)
            cst.CSTTransformer.__init__(self)
            without_matcher_decorators(self)
        else:
            super().__init__(context)
        self.run = run

    # -- traversal: LibCST's dispatch, with the hook lookups cached per class ------------------
    # LibCST looks every hook up by name (`getattr(self, f"visit_{type}_{attribute}", None)`, a
    # missed attribute lookup per node and per child attribute) and evaluates matcher decorators
    # on every node. No rule uses matcher decorators, so a class without them takes these paths;
    # the hooks called, their order and their results are LibCST's.
    def on_visit(self, node: cst.CSTNode) -> bool:
        hooks = _hooks(type(self))
        if hooks is None:
            return super().on_visit(node)
        name = hooks.visit(type(node))
        if name is None:
            return True
        return getattr(self, name)(node) is not False

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        hooks = _hooks(type(self))
        if hooks is None:
            return super().on_leave(original_node, updated_node)
        name = hooks.leave(type(original_node))
        if name is None:
            return updated_node
        return getattr(self, name)(original_node, updated_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        hooks = _hooks(type(self))
        if hooks is None:
            return super().on_visit_attribute(node, attribute)
        name = hooks.visit_attribute(type(node), attribute)
        if name is not None:
            getattr(self, name)(node)
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        hooks = _hooks(type(self))
        if hooks is None:
            return super().on_leave_attribute(original_node, attribute)
        name = hooks.leave_attribute(type(original_node), attribute)
        if name is not None:
            getattr(self, name)(original_node)
        return None

    def direct_hooks(self) -> tuple[traversal.HookTable, traversal.HookTable] | None:
        """For `traversal.transform`: tables of this codemod's `visit_<Node>` / `leave_<Node>` methods,
        when `on_visit` / `on_leave` are the ones above (they only call those); None otherwise."""
        kind = type(self)
        if kind.on_visit is not Codemod.on_visit or kind.on_leave is not Codemod.on_leave or _hooks(kind) is None:
            return None
        tables = self.__dict__.get("_direct_hooks")
        if tables is None:
            tables = self.__dict__["_direct_hooks"] = (traversal.HookTable(self, "visit_"), traversal.HookTable(self, "leave_"))
        return tables

    # -- what the engine asks ----------------------------------------------------------------
    @classmethod
    def wanted(cls, text: str, selection: Selection) -> bool:
        return (
            any(selection.enabled(rule.code) for rule in cls.RULES)
            and any(t in text for t in cls.TRIGGERS)
            and (cls.IDENTIFIERS is None or summary.mentions_any(text, cls.IDENTIFIERS))
        )

    # -- helpers for rules -------------------------------------------------------------------
    def enabled(self, code: str) -> bool:
        return self.run.selection.enabled(code)

    def qualified_name(self, node: cst.CSTNode) -> str | None:
        """Canonical TensorFlow/Keras name of `node` (see `codemods.names`)."""
        return names.resolve(self, node)

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """(line, column) of an original node in the current text."""
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column

    def flag(self, node: cst.CSTNode, code: str, message: str) -> None:
        """Report something a person has to deal with; the code is left as it is."""
        self._record(node, code, message, FixState.MANUAL)

    def offer_fix(self, node: cst.CSTNode, code: str, message: str, *, unsafe: bool = False) -> bool:
        """Report a fixable finding; True when the caller may apply the fix now."""
        if not self.enabled(code):
            return False
        line, _ = self.position(node)
        if self.run.is_suppressed(code, line):
            return False
        if unsafe and not self.run.selection.unsafe_fixes:
            self._record(node, code, message, FixState.UNSAFE)
            return False
        self._record(node, code, message, FixState.APPLIED)
        self.run.fixes_applied += 1
        return True

    def _record(self, node: cst.CSTNode, code: str, message: str, state: FixState) -> None:
        if code not in self.run.rules:
            raise KeyError(f"{type(self).__name__} reported {code}, which is not one of its RULES")
        if not self.enabled(code):
            return
        line, column = self.position(node)
        if state is not FixState.APPLIED and self.run.is_suppressed(code, line):
            return
        rule = self.run.rules[code]
        self.run.findings.append(
            Finding(
                code=code,
                rule=rule.name,
                line=self.run.linemap.to_original(line),
                column=column,
                message=message,
                fix=state,
            )
        )


# -- hook lookup cache --------------------------------------------------------------------------

_MATCHER_ATTRS = (
    CONSTRUCTED_VISIT_MATCHER_ATTR,
    CONSTRUCTED_LEAVE_MATCHER_ATTR,
    VISIT_POSITIVE_MATCHER_ATTR,
    VISIT_NEGATIVE_MATCHER_ATTR,
)


class _Hooks:
    """Which `visit_*` / `leave_*` methods a codemod class defines, looked up once per node type."""

    def __init__(self, cls: type) -> None:
        self._names = frozenset(name for name in dir(cls) if name.startswith(("visit_", "leave_")))
        self._visit: dict[type, str | None] = {}
        self._leave: dict[type, str | None] = {}
        self._visit_attribute: dict[tuple[type, str], str | None] = {}
        self._leave_attribute: dict[tuple[type, str], str | None] = {}

    def _lookup(self, name: str) -> str | None:
        return name if name in self._names else None

    def visit(self, node_type: type) -> str | None:
        try:
            return self._visit[node_type]
        except KeyError:
            found = self._visit[node_type] = self._lookup(f"visit_{node_type.__name__}")
            return found

    def leave(self, node_type: type) -> str | None:
        try:
            return self._leave[node_type]
        except KeyError:
            found = self._leave[node_type] = self._lookup(f"leave_{node_type.__name__}")
            return found

    def visit_attribute(self, node_type: type, attribute: str) -> str | None:
        key = (node_type, attribute)
        try:
            return self._visit_attribute[key]
        except KeyError:
            found = self._visit_attribute[key] = self._lookup(f"visit_{node_type.__name__}_{attribute}")
            return found

    def leave_attribute(self, node_type: type, attribute: str) -> str | None:
        key = (node_type, attribute)
        try:
            return self._leave_attribute[key]
        except KeyError:
            found = self._leave_attribute[key] = self._lookup(f"leave_{node_type.__name__}_{attribute}")
            return found


# The attribute hooks above dispatch by name, as LibCST's do: tf2migrate.traversal leaves their calls
# out for a codemod with no `visit_<Node>_<field>` / `leave_<Node>_<field>` method.
traversal.name_dispatched_attribute_hooks(Codemod.on_visit_attribute, Codemod.on_leave_attribute)

def without_matcher_decorators(visitor: object) -> None:
    """Set what LibCST's matcher-decoratable visitors find by scanning every method of the instance
    (dir() and type hints, ~10 ms each time) when the class has no matcher decorators: nothing."""
    visitor._matchers = {}  # type: ignore[attr-defined]
    visitor._extra_visit_funcs = {}  # type: ignore[attr-defined]
    visitor._extra_leave_funcs = {}  # type: ignore[attr-defined]


_HOOKS: dict[type, _Hooks | None] = {}


def _plain_dispatch(cls: type) -> bool:
    """True when no method of `cls` carries a LibCST matcher decorator (`@m.visit`, `@m.call_if_inside`...)."""
    return _hooks(cls) is not None


def _hooks(cls: type) -> _Hooks | None:
    try:
        return _HOOKS[cls]
    except KeyError:
        pass
    decorated = any(
        any(getattr(value, attr, None) for attr in _MATCHER_ATTRS)
        for klass in cls.__mro__
        for value in vars(klass).values()
        if callable(value)
    )
    hooks = _HOOKS[cls] = None if decorated else _Hooks(cls)
    return hooks
