"""LibCST's visit and transform, without rebuilding what did not change.

LibCST's `CSTNode.visit` rebuilds every node it passes: `_visit_and_replace_children` constructs
and validates a new node even for a read-only visitor, and for a transformer that changed nothing
below it. Here the hooks a visitor sees are the same, called in the same order with the same
arguments (`on_visit`, `on_visit_attribute`, the children, `on_leave_attribute`, `on_leave`); only
the rebuilding is skipped:

* a read-only visit (`visit`) builds nothing;
* a transform (`transform_module`) rebuilds a node only when one of its children came back
  changed, and then through LibCST's own `_visit_and_replace_children` fed with those results, so
  removal, flattening and the empty-statement rules of bodies are LibCST's. When nothing below a
  node changed, `updated_node` is the original node itself.

The order of a node's fields is LibCST's: it is read once per node class by running that class's
`_visit_and_replace_children` with a recording visitor (and once more per field set to None, to
find the fields LibCST skips when they are None, such as the `format_spec` of an f-string
expression). A field the recording did not see at all sends the nodes that hold one through
LibCST's own code.

Nothing here changes LibCST: callers walk trees through `visit` / `transform_module` explicitly (the
rules' own searches, and scope analysis through `scope_visitor.RoutedScopeVisitor`), so every other user
of LibCST in the process keeps LibCST's behaviour.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import libcst as cst
from libcst import CSTNode, CSTValidationError, FlattenSentinel, RemovalSentinel
from libcst._batched_visitor import _BatchedCSTVisitor
from libcst._typed_visitor import CSTTypedVisitorFunctions
from libcst.matchers import MatcherDecoratableTransformer, MatcherDecoratableVisitor

from tf2migrate.module_text import derived

# node class -> (fields LibCST visits, in order; those it skips when they are None;
#                fields it visits only for some nodes, so that nodes holding them take LibCST's code)
_Plan = tuple[tuple[str, ...], frozenset[str], frozenset[str]]
_PLANS: dict[type, _Plan] = {}


class _Recorder(cst.CSTVisitor):
    """Notes the fields `_visit_and_replace_children` visits, without going below them."""

    def __init__(self) -> None:
        self.fields: list[str] = []

    def on_visit(self, node: CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: CSTNode, attribute: str) -> None:
        if attribute not in self.fields:
            self.fields.append(attribute)

    def on_leave_attribute(self, original_node: CSTNode, attribute: str) -> None:
        return None

    def on_leave(self, original_node: CSTNode) -> None:
        return None


def _may_hold_nodes(value: object) -> bool:
    return value is None or isinstance(value, (CSTNode, tuple, list, cst.MaybeSentinel))


def _visited_fields(node: CSTNode) -> list[str]:
    recorder = _Recorder()
    node._visit_and_replace_children(recorder)  # noqa: SLF001
    return recorder.fields


def _plan(node: CSTNode) -> _Plan:
    """Learn (and keep) the plan of `node`'s class; callers look in `_PLANS` first."""
    kind = type(node)
    visited = tuple(_visited_fields(node))
    skipped_when_none = set()
    for name in visited:
        if getattr(node, name) is None:
            continue
        try:
            variant = node.with_changes(**{name: None})
            if name not in _visited_fields(variant):
                skipped_when_none.add(name)
        except Exception:  # noqa: BLE001 (a field that cannot be None)
            continue
    others = frozenset(f.name for f in dataclasses.fields(kind) if f.name not in visited and _may_hold_nodes(getattr(node, f.name)))
    plan = _PLANS[kind] = (visited, frozenset(skipped_when_none), others)
    return plan


def _irregular(node: CSTNode, others: frozenset[str]) -> bool:
    """True when a field that the class's plan does not list holds nodes in this instance."""
    for name in others:
        value = getattr(node, name)
        kind = KINDS.get(type(value)) or value_kind(value)
        if kind == NODE or (kind == SEQUENCE and value):
            return True
    return False


_NAME_DISPATCH: set[object] = set()  # on_visit_attribute / on_leave_attribute that only call `visit_<Node>_<field>` methods
_ATTRIBUTE_HOOK = re.compile(r"^(?:visit|leave)_([A-Z][A-Za-z0-9]*)_\w+$")
_SILENT: dict[type, bool] = {}
_TYPED_FUNCTIONS = CSTTypedVisitorFunctions.__module__


def name_dispatched_attribute_hooks(*functions: object) -> None:
    """Declare `on_visit_attribute` / `on_leave_attribute` implementations that do nothing but call a
    `visit_<Node>_<field>` / `leave_<Node>_<field>` method of the visitor when it has one."""
    _NAME_DISPATCH.update(functions)


name_dispatched_attribute_hooks(
    cst.CSTVisitor.on_visit_attribute,
    cst.CSTVisitor.on_leave_attribute,
    cst.CSTTransformer.on_visit_attribute,
    cst.CSTTransformer.on_leave_attribute,
    MatcherDecoratableVisitor.on_visit_attribute,
    MatcherDecoratableVisitor.on_leave_attribute,
    MatcherDecoratableTransformer.on_visit_attribute,
    MatcherDecoratableTransformer.on_leave_attribute,
)


# type -> 1 for a node, 2 for a tuple or list (of nodes), 3 for anything else. `isinstance(x, CSTNode)`
# goes through ABCMeta (CSTNode is an ABC): a dictionary lookup by type is several times cheaper.
NODE, SEQUENCE, OTHER = 1, 2, 3
KINDS: dict[type, int] = {tuple: SEQUENCE, list: SEQUENCE}


def value_kind(value: object) -> int:
    """NODE, SEQUENCE or OTHER; in hot loops, `KINDS.get(type(value)) or value_kind(value)`."""
    kind = type(value)
    found = KINDS.get(kind)
    if found is None:
        found = KINDS[kind] = NODE if issubclass(kind, CSTNode) else SEQUENCE if issubclass(kind, (tuple, list)) else OTHER
    return found


def _is_attribute_hook(name: str) -> bool:
    match = _ATTRIBUTE_HOOK.match(name)
    return match is not None and hasattr(cst, match.group(1))


def _silent_attribute_hooks(visitor: object) -> bool:
    """True when the visitor's attribute hooks cannot do anything: they dispatch by name and there is
    no `visit_<Node>_<field>` / `leave_<Node>_<field>` to dispatch to. Their calls are then left out."""
    kind = type(visitor)
    if kind is _BatchedCSTVisitor:  # LibCST's metadata providers, batched: their hooks are in a table
        return not any(_is_attribute_hook(name) for name in visitor.visitor_methods)  # type: ignore[attr-defined]
    silent = _SILENT.get(kind)
    if silent is None:
        silent = _SILENT[kind] = (
            kind.on_visit_attribute in _NAME_DISPATCH
            and kind.on_leave_attribute in _NAME_DISPATCH
            and not any(
                _is_attribute_hook(name)
                for klass in kind.__mro__
                if klass.__module__ != _TYPED_FUNCTIONS  # LibCST's no-op `visit_<Node>_<field>` for every field
                for name in vars(klass)
            )
        )
    return silent


def visit(node: CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a read-only visitor: the same hook calls, no node built."""
    _visit(node, visitor, not _silent_attribute_hooks(visitor))


def _visit(node: CSTNode, visitor: cst.CSTVisitor, loud: bool) -> None:
    """`loud`: call the attribute hooks (not for a visitor whose attribute hooks are silent)."""
    if visitor.on_visit(node):
        fields, skipped_when_none, others = _PLANS.get(type(node)) or _plan(node)
        if others and _irregular(node, others):
            node._visit_and_replace_children(visitor)  # noqa: SLF001 (LibCST's own, for this node)
        else:
            for name in fields:
                value = getattr(node, name)
                kind = KINDS.get(type(value)) or value_kind(value)
                if loud:
                    if value is None and name in skipped_when_none:
                        continue
                    visitor.on_visit_attribute(node, name)
                if kind == NODE:
                    _visit(value, visitor, loud)
                elif kind == SEQUENCE:
                    for child in value:
                        _visit(child, visitor, loud)
                if loud:
                    visitor.on_leave_attribute(node, name)
    visitor.on_leave(node)


def walk(node: CSTNode) -> Iterator[CSTNode]:
    """Every node of a tree in LibCST's visit order (source order), `node` first: what following
    `node.children` down gives (or `matchers.findall` finds), without rebuilding any node.

    The walk of a whole module whose text `module_text` keeps (the trees the engine hands to the rules) is
    made once and kept with it: a dozen rules search the whole module, each of them once or more per pass."""
    if type(node) is cst.Module:
        index = _module_index(node)
        if index is not None:
            return iter(index.nodes)
    return _walk(node)


def _walk(node: CSTNode) -> Iterator[CSTNode]:
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        yield current
        fields, _, others = _PLANS.get(type(current)) or _plan(current)
        if others and _irregular(current, others):
            extend(reversed(current.children))
            continue
        children: list[CSTNode] = []
        for name in fields:
            value = getattr(current, name)
            kind = KINDS.get(type(value)) or value_kind(value)
            if kind == NODE:
                children.append(value)
            elif kind == SEQUENCE:
                children.extend(value)
        extend(reversed(children))


def find(node: CSTNode, kind: type[CSTNode]) -> list[CSTNode]:
    """The nodes of type `kind` in the tree of `node` (`node` included), in source order:
    `matchers.findall(node, matchers.<Kind>())` without matchers. (`kind` may be a tuple of types.)"""
    if type(node) is cst.Module:
        index = _module_index(node)
        if index is not None:
            return index.find(kind)
    return [found for found in _walk(node) if isinstance(found, kind)]


class _ModuleIndex:
    """The walk of one module, kept: its nodes in walk order, grouped by type, and what `find` answered."""

    __slots__ = ("nodes", "by_type", "found")

    def __init__(self, module: cst.Module) -> None:
        self.nodes: tuple[CSTNode, ...] = tuple(_walk(module))
        self.by_type: dict[type, list[CSTNode]] = {}
        for node in self.nodes:
            self.by_type.setdefault(type(node), []).append(node)
        self.found: dict[object, tuple[CSTNode, ...]] = {}

    def find(self, kind: type[CSTNode]) -> list[CSTNode]:
        found = self.found.get(kind)
        if found is None:
            types = {t for t in self.by_type if issubclass(t, kind)}  # what `isinstance(node, kind)` accepts
            if len(types) <= 1:
                found = tuple(self.by_type[types.pop()]) if types else ()
            else:
                found = tuple(node for node in self.nodes if type(node) in types)
            self.found[kind] = found
        return list(found)


def _module_index(module: cst.Module) -> _ModuleIndex | None:
    kept = derived(module)
    if kept is None:
        return None
    index = kept.get(_ModuleIndex)
    if index is None:
        index = kept[_ModuleIndex] = _ModuleIndex(module)
    return index


class _Replay(cst.CSTTransformer):
    """Hands LibCST's rebuilding the results the real transformer already gave for each child."""

    def __init__(self, results: dict[int, object]) -> None:
        self.results = results

    def on_visit(self, node: CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: CSTNode, attribute: str) -> None:
        return None

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        return self.results.get(id(original_node), updated_node)


def transform(node: CSTNode, transformer: cst.CSTTransformer) -> CSTNode | RemovalSentinel | FlattenSentinel:
    """`node.visit(transformer)`, rebuilding only the nodes below which something changed."""
    loud = not _silent_attribute_hooks(transformer)
    direct = getattr(transformer, "direct_hooks", None)
    tables = direct() if direct is not None else None
    if tables is not None:
        return _transform_direct(node, transformer, loud, tables[0], tables[1])
    return _transform(node, transformer, loud)


class HookTable(dict):
    """node type -> the bound `visit_<Node>` (or `leave_<Node>`) method of one visitor, None where it has none;
    filled on first lookup of each type."""

    __slots__ = ("_visitor", "_prefix")

    def __init__(self, visitor: object, prefix: str) -> None:
        super().__init__()
        self._visitor = visitor
        self._prefix = prefix

    def __missing__(self, kind: type) -> object:
        name = self._prefix + kind.__name__
        found = getattr(self._visitor, name, None)
        if getattr(getattr(type(self._visitor), name, None), "__module__", None) == _TYPED_FUNCTIONS:
            found = None  # LibCST's no-op default (`visit_X` returns None, `leave_X` its updated node)
        self[kind] = found
        return found


def _transform_direct(node: CSTNode, transformer: cst.CSTTransformer, loud: bool, visit_of: HookTable, leave_of: HookTable) -> CSTNode | RemovalSentinel | FlattenSentinel:
    """`_transform` for a transformer whose `on_visit` / `on_leave` only call its `visit_<Node>` /
    `leave_<Node>` method (see `direct_hooks`): those methods are called here, in the same order with
    the same arguments, without going through `on_visit` / `on_leave` for every node."""
    kind = type(node)
    hook = visit_of[kind]
    if hook is None or hook(node) is not False:
        fields, skipped_when_none, others = _PLANS.get(kind) or _plan(node)
        if others and _irregular(node, others):
            updated = node._visit_and_replace_children(transformer)  # noqa: SLF001
        else:
            results: dict[int, object] = {}
            for name in fields:
                value = getattr(node, name)
                value_type = KINDS.get(type(value)) or value_kind(value)
                if loud:
                    if value is None and name in skipped_when_none:
                        continue
                    transformer.on_visit_attribute(node, name)
                if value_type == NODE:
                    result = _transform_direct(value, transformer, loud, visit_of, leave_of)
                    if result is not value:
                        results[id(value)] = result
                elif value_type == SEQUENCE:
                    for child in value:
                        result = _transform_direct(child, transformer, loud, visit_of, leave_of)
                        if result is not child:
                            results[id(child)] = result
                if loud:
                    transformer.on_leave_attribute(node, name)
            updated = node._visit_and_replace_children(_Replay(results)) if results else node  # noqa: SLF001
    else:
        updated = node
    hook = leave_of[kind]
    if hook is None:
        return updated
    result = hook(node, updated)
    if (KINDS.get(type(result)) or value_kind(result)) != NODE and not isinstance(result, (RemovalSentinel, FlattenSentinel)):
        raise CSTValidationError(f"Expected a node of type CSTNode or a RemovalSentinel, but got a return value of {type(result).__name__}")
    return result


def _transform(node: CSTNode, transformer: cst.CSTTransformer, loud: bool) -> CSTNode | RemovalSentinel | FlattenSentinel:
    if transformer.on_visit(node):
        fields, skipped_when_none, others = _PLANS.get(type(node)) or _plan(node)
        if others and _irregular(node, others):
            updated = node._visit_and_replace_children(transformer)  # noqa: SLF001
        else:
            results: dict[int, object] = {}  # id(child) -> what the transformer made of it, where it changed
            for name in fields:
                value = getattr(node, name)
                kind = KINDS.get(type(value)) or value_kind(value)
                if loud:
                    if value is None and name in skipped_when_none:
                        continue
                    transformer.on_visit_attribute(node, name)
                if kind == NODE:
                    result = _transform(value, transformer, loud)
                    if result is not value:
                        results[id(value)] = result
                elif kind == SEQUENCE:
                    for child in value:
                        result = _transform(child, transformer, loud)
                        if result is not child:
                            results[id(child)] = result
                if loud:
                    transformer.on_leave_attribute(node, name)
            updated = node._visit_and_replace_children(_Replay(results)) if results else node  # noqa: SLF001
    else:
        updated = node
    result = transformer.on_leave(node, updated)
    if (KINDS.get(type(result)) or value_kind(result)) != NODE and not isinstance(result, (RemovalSentinel, FlattenSentinel)):
        raise CSTValidationError(f"Expected a node of type CSTNode or a RemovalSentinel, but got a return value of {type(result).__name__}")
    return result


def transform_module(module: cst.Module, transformer: cst.CSTTransformer) -> cst.Module:
    """`module.visit(transformer)` (a removed module is an empty one, as in LibCST)."""
    result = transform(module, transformer)
    if isinstance(result, RemovalSentinel):
        return module.with_changes(body=(), header=(), footer=())
    assert isinstance(result, cst.Module)
    return result
