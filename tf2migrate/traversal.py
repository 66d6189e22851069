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

A visitor or transformer whose hooks are its `visit_<Node>` / `leave_<Node>` methods (LibCST's
`CSTVisitor` dispatch, the rules' `direct_hooks`) does not walk a subtree that can hold no node it has a
hook for: which node classes may lie below which is read from LibCST's own field annotations
(`_node_classes_below`), so a `Name`, a comma or a whitespace node is passed over by a rule that hooks
calls and attributes. Nothing could have been called there, and the subtree comes back unchanged.

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
import inspect
import re
import typing
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


def _concrete_node_classes(base: type) -> set[type]:
    found: set[type] = set()
    pending = [base]
    while pending:
        kind = pending.pop()
        if not inspect.isabstract(kind) and kind is not CSTNode:
            found.add(kind)
        pending.extend(kind.__subclasses__())
    return found


def _node_classes_in(annotation: object, into: set[type]) -> None:
    if inspect.isclass(annotation):
        if issubclass(annotation, CSTNode):
            into |= _concrete_node_classes(annotation)
        return
    for argument in typing.get_args(annotation):
        _node_classes_in(argument, into)


_BELOW: dict[type, frozenset[type]] = {}  # node class -> the node classes its subtrees may hold (not itself)


def _node_classes_below() -> dict[type, frozenset[type]]:
    """What LibCST's field annotations allow below each node class, closed under descent: the classes a
    subtree of a parsed tree can hold. Read once per process from LibCST itself (its grammar's types)."""
    if _BELOW:
        return _BELOW
    direct: dict[type, set[type]] = {}
    for kind in _concrete_node_classes(CSTNode):
        hints = typing.get_type_hints(kind)
        below: set[type] = set()
        for field in dataclasses.fields(kind):
            if field.name in hints:
                _node_classes_in(hints[field.name], below)
        direct[kind] = below
    closed = {kind: set(below) for kind, below in direct.items()}
    changed = True
    while changed:
        changed = False
        for kind, below in closed.items():
            grown = below.union(*(direct[child] for child in below))
            if len(grown) != len(below):
                closed[kind] = grown
                changed = True
    _BELOW.update((kind, frozenset(below)) for kind, below in closed.items())
    return _BELOW


def _without_hooks(visit_of: dict, leave_of: dict) -> frozenset[type]:
    """The node classes that neither have a hook in `visit_of` / `leave_of` (tables of a visitor's
    `visit_<Node>` / `leave_<Node>`, None where it has none) nor may hold a node that has one."""
    below = _node_classes_below()
    hooked = {node for node in below if visit_of[node] is not None or leave_of[node] is not None}
    return frozenset(node for node, under in below.items() if node not in hooked and hooked.isdisjoint(under))


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
    loud = not _silent_attribute_hooks(visitor)
    hooks = None if loud else _class_hooks(type(visitor))
    if hooks is None:
        _visit(node, visitor, loud)
    elif type(node) not in hooks[2]:
        _visit_direct(node, visitor, *hooks)


def _typed_no_op(function: object) -> bool:
    """True for LibCST's no-op default of a hook (`visit_X` returns None, `leave_X` its updated node)."""
    return getattr(function, "__module__", None) == _TYPED_FUNCTIONS


class _ClassHooks(dict):
    """node type -> the `visit_<Node>` (or `leave_<Node>`) function of a visitor class, None where it has
    none or only LibCST's typed no-op; filled on first lookup of each type."""

    __slots__ = ("_kind", "_prefix")

    def __init__(self, kind: type, prefix: str) -> None:
        super().__init__()
        self._kind = kind
        self._prefix = prefix

    def __missing__(self, node: type) -> object:
        found = getattr(self._kind, self._prefix + node.__name__, None)
        if _typed_no_op(found):
            found = None
        self[node] = found
        return found


_VISITOR_HOOKS: dict[type, tuple[_ClassHooks, _ClassHooks, frozenset[type]] | None] = {}
_INERT_BY_SHAPE: dict[tuple[tuple[type, ...], frozenset[str]], frozenset[type]] = {}


def _class_hooks(kind: type) -> tuple[_ClassHooks, _ClassHooks, frozenset[type]] | None:
    """For a read-only visitor class whose `on_visit` / `on_leave` are `CSTVisitor`'s (they only call its
    `visit_<Node>` / `leave_<Node>` methods, looked up by name): its hook tables, and the node classes below
    which it has no hook (`_without_hooks`). None for any other visitor (it goes through `_visit`).

    A class made inside a function (a new class object at every call) is not kept here, so that it can
    go; its inert classes are kept by its shape instead (its bases and the hook names it defines)."""
    hooks = _VISITOR_HOOKS.get(kind, False)
    if hooks is not False:
        return hooks  # type: ignore[return-value]
    hooks = None
    if kind.on_visit is cst.CSTVisitor.on_visit and kind.on_leave is cst.CSTVisitor.on_leave and not hasattr(kind, "__getattr__"):
        visit_of, leave_of = _ClassHooks(kind, "visit_"), _ClassHooks(kind, "leave_")
        shape = (kind.__bases__, frozenset(name for name in vars(kind) if name.startswith(("visit_", "leave_"))))
        inert = _INERT_BY_SHAPE.get(shape)
        if inert is None:
            inert = _INERT_BY_SHAPE[shape] = _without_hooks(visit_of, leave_of)
        hooks = (visit_of, leave_of, inert)
    if "<locals>" not in kind.__qualname__:
        _VISITOR_HOOKS[kind] = hooks
    return hooks


def _visit_direct(node: CSTNode, visitor: cst.CSTVisitor, visit_of: _ClassHooks, leave_of: _ClassHooks, inert: frozenset[type]) -> None:
    """`_visit` for a visitor of `_class_hooks` with silent attribute hooks: its `visit_<Node>` /
    `leave_<Node>` methods called as `CSTVisitor.on_visit` / `on_leave` call them, in the same order;
    a child of an `inert` class is not walked (nothing below it would be called)."""
    kind = type(node)
    hook = visit_of[kind]
    if hook is None or hook(visitor, node) is not False:
        fields, _, others = _PLANS.get(kind) or _plan(node)
        if others and _irregular(node, others):
            node._visit_and_replace_children(visitor)  # noqa: SLF001 (LibCST's own, for this node)
        else:
            for name in fields:
                value = getattr(node, name)
                value_type = KINDS.get(type(value)) or value_kind(value)
                if value_type == NODE:
                    if type(value) not in inert:
                        _visit_direct(value, visitor, visit_of, leave_of, inert)
                elif value_type == SEQUENCE:
                    for child in value:
                        if type(child) not in inert:
                            _visit_direct(child, visitor, visit_of, leave_of, inert)
    hook = leave_of[kind]
    if hook is not None:
        hook(visitor, node)


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


def module_nodes(module: cst.Module) -> tuple[tuple[CSTNode, ...], dict[type, list[CSTNode]]]:
    """The nodes of `module` in walk order, and grouped by their exact type (each group in walk order): the
    kept walk's (`walk`) for a module the engine handed on, else made here. Read-only: shared by the rules."""
    index = _module_index(module)
    if index is None:
        index = _ModuleIndex(module)
    return index.nodes, index.by_type


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


_INERT: dict[type, frozenset[type]] = {}  # transformer class -> node classes whose whole subtree has none of its hooks


def _inert_classes(transformer: cst.CSTTransformer, visit_of: HookTable, leave_of: HookTable) -> frozenset[type]:
    """The node classes below which (themselves included) `transformer` has neither a `visit_<Node>` nor a
    `leave_<Node>` method: `_transform_direct` would walk such a subtree, call nothing and give it back
    unchanged, so it is not walked at all. Kept per transformer class: the hooks are its methods (no rule
    sets a `visit_<Node>` attribute on an instance)."""
    kind = type(transformer)
    inert = _INERT.get(kind)
    if inert is None:
        inert = _INERT[kind] = _without_hooks(visit_of, leave_of)
    return inert


def transform(node: CSTNode, transformer: cst.CSTTransformer) -> CSTNode | RemovalSentinel | FlattenSentinel:
    """`node.visit(transformer)`, rebuilding only the nodes below which something changed."""
    loud = not _silent_attribute_hooks(transformer)
    direct = getattr(transformer, "direct_hooks", None)
    tables = direct() if direct is not None else None
    if tables is not None:
        inert = frozenset() if loud else _inert_classes(transformer, tables[0], tables[1])
        if type(node) in inert:
            return node
        return _transform_direct(node, transformer, loud, tables[0], tables[1], inert)
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
        if _typed_no_op(getattr(type(self._visitor), name, None)):
            found = None
        self[kind] = found
        return found


def _transform_direct(
    node: CSTNode, transformer: cst.CSTTransformer, loud: bool, visit_of: HookTable, leave_of: HookTable, inert: frozenset[type]
) -> CSTNode | RemovalSentinel | FlattenSentinel:
    """`_transform` for a transformer whose `on_visit` / `on_leave` only call its `visit_<Node>` /
    `leave_<Node>` method (see `direct_hooks`): those methods are called here, in the same order with
    the same arguments, without going through `on_visit` / `on_leave` for every node. A child of an
    `inert` class (`_inert_classes`) is given back as it is, unwalked."""
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
                    if type(value) not in inert:
                        result = _transform_direct(value, transformer, loud, visit_of, leave_of, inert)
                        if result is not value:
                            results[id(value)] = result
                elif value_type == SEQUENCE:
                    for child in value:
                        if type(child) in inert:
                            continue
                        result = _transform_direct(child, transformer, loud, visit_of, leave_of, inert)
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
