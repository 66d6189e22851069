"""LibCST metadata for the rules, resolved when a rule first asks for it, and cheaper where it can be.

LibCST resolves every provider a visitor declares before the visit starts, and several of its
providers rebuild the whole tree on the way. Here positions, parents, scopes and qualified names are
resolved on the first lookup and cached on the wrapper (shared by the following rules until one of
them changes the tree), each more cheaply: parents and the expression contexts that scope analysis
reads from the nodes' fields, scopes without the wrapper's batched traversal, qualified names per node
asked, positions per statement asked. Each equals LibCST's own answer (tests check it).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

import libcst as cst
from libcst._position import CodeRange
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)
from libcst.metadata.position_provider import PositionProvidingCodegenState

from tf2migrate import traversal
from tf2migrate.import_bindings import ImportBindings
from tf2migrate.scope_visitor import RoutedScopeVisitor
from tf2migrate.statement_starts import statement_starts
from tf2migrate.handoff import CHECK_VARIABLE
from tf2migrate.module_text import derived, module_text
from tf2migrate.traversal import KINDS, NODE, SEQUENCE, value_kind


class LazyMetadata(Mapping):
    """A codemod's `metadata`: each declared provider is resolved on the wrapper at its first use.

    LibCST resolves every declared provider before a visit starts. Rules declare positions, parents,
    scopes and qualified names, but a rule that finds nothing in a file never asks for positions,
    and many never ask for parents: those are then not computed. What is resolved is cached on the
    wrapper, so the following rules share it until one of them changes the tree.
    """

    def __init__(self, wrapper: MetadataWrapper, providers: Collection[type]) -> None:
        self._wrapper = wrapper
        self._providers = frozenset(providers)
        self._resolved: dict[type, Mapping] = {}

    def __contains__(self, provider: object) -> bool:
        return provider in self._providers

    def __getitem__(self, provider: type) -> Mapping:
        try:
            return self._resolved[provider]
        except KeyError:
            if provider not in self._providers:
                raise
        mapping = self._resolved[provider] = resolve(self._wrapper, provider)
        return mapping

    def __iter__(self) -> Iterator[type]:
        return iter(self._providers)

    def __len__(self) -> int:
        return len(self._providers)


def resolve(wrapper: MetadataWrapper, provider: type) -> Mapping:
    """`wrapper.resolve(provider)`, with cheaper equivalents of five of LibCST's providers (`_CHEAPER`).

    They are stored in the wrapper's own cache, so LibCST visitors that resolve them later
    (the import visitors, nested visitors of rules) find them there.
    """
    cache = wrapper._metadata  # noqa: SLF001 (LibCST's cache of resolved providers)
    if provider not in cache and provider in _CHEAPER:
        cache[provider] = _CHEAPER[provider](wrapper)
    return wrapper.resolve(provider)


def resolve_all(wrapper: MetadataWrapper, providers: Collection[type]) -> None:
    """`resolve` each provider and, first, every provider it depends on, for a LibCST visitor that resolves its
    metadata itself (`visitor.resolve(wrapper)`): LibCST then finds them all in the wrapper's cache and computes
    none of them its own way (QualifiedNameProvider depends on scopes, which the mapping here resolves only
    when a question needs them)."""
    pending = list(providers)
    seen: set[type] = set()
    order: list[type] = []
    while pending:
        provider = pending.pop()
        if provider in seen:
            continue
        seen.add(provider)
        order.append(provider)
        pending.extend(getattr(provider, "METADATA_DEPENDENCIES", ()))
    for provider in reversed(order):
        resolve(wrapper, provider)


def scopes(wrapper: MetadataWrapper) -> Mapping[cst.CSTNode, object]:
    """ScopeProvider's mapping: what LibCST's provider does (its `visit_Module` runs a `ScopeVisitor`
    over the module, then infers accesses), without the batched traversal of the whole tree that the
    wrapper runs around it only to call that one `visit_Module`, and with the tree walked by
    `traversal.visit`, the visitor's own sub-visits included (`scope_visitor.RoutedScopeVisitor`)."""
    resolve(wrapper, ExpressionContextProvider)  # what the visitor reads: the cheaper one
    provider = ScopeProvider()
    with provider.resolve(wrapper):
        visitor = RoutedScopeVisitor(provider)
        traversal.visit(wrapper.module, visitor)
        visitor.infer_accesses()
    return provider._computed  # noqa: SLF001


def import_bindings(wrapper: MetadataWrapper) -> ImportBindings | None:
    """The import bindings of the wrapper's tree (`tf2migrate.import_bindings`), shared with its qualified names;
    None once its scopes are resolved (then they answer at no cost)."""
    if ScopeProvider in wrapper._metadata:  # noqa: SLF001 (LibCST's cache of resolved providers)
        return None
    resolve(wrapper, QualifiedNameProvider)
    names = wrapper._metadata[QualifiedNameProvider]  # noqa: SLF001
    return names.bindings() if isinstance(names, QualifiedNames) else None


def stored_names(wrapper: MetadataWrapper) -> frozenset[str]:
    """The names some Name of the tree has the STORE context for (assignment, `for`, `with ... as` and walrus
    targets, and also parameters, `def` / `class` names, import aliases).

    LibCST's scope analysis makes an `Assignment` whose node is a Name only for a STORE Name (`ScopeVisitor.visit_Name`;
    definitions, parameters and imports have their own nodes), so only for these names: an access of any other name
    has no such referent, which a rule can know without the analysis."""
    contexts = resolve(wrapper, ExpressionContextProvider)
    return frozenset(node.value for node, context in contexts.items() if context is _STORE and type(node) is cst.Name)  # type: ignore[attr-defined]


class QualifiedNames(Mapping):
    """QualifiedNameProvider's answers, computed for the nodes a rule asks about only, without a scope
    analysis where the imports alone tell (`tf2migrate.import_bindings`).

    LibCST's provider walks the whole tree to store, for every node, a lazy call of
    `scope.get_qualified_names_for(node)`. Here a node is answered from the module's import bindings when
    they settle it (the same answer: tests compare them), else by that same call, the scopes then being
    resolved on the wrapper (once per tree: every later question, and every rule reading scopes, shares them).
    """

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self._wrapper = wrapper
        self._names: dict[cst.CSTNode, object] = {}
        self._imported: dict[cst.CSTNode, object] = {}
        self._bindings: ImportBindings | None = None

    def _scopes(self) -> Mapping:
        return resolve(self._wrapper, ScopeProvider)

    def _scopes_resolved(self) -> bool:
        return ScopeProvider in self._wrapper._metadata  # noqa: SLF001 (LibCST's cache of resolved providers)

    def bindings(self) -> ImportBindings:
        if self._bindings is None:
            wrapper = self._wrapper
            module = wrapper.module
            self._bindings = ImportBindings(
                module, resolve(wrapper, ParentNodeProvider), resolve(wrapper, ExpressionContextProvider), lambda: module_text(module)
            )
        return self._bindings

    def __getitem__(self, node: cst.CSTNode) -> object:
        try:
            return self._names[node]
        except KeyError:
            pass
        names = None if self._scopes_resolved() else self.bindings().qualified_names(node)
        if names is None:
            scope = self._scopes().get(node)
            names = scope.get_qualified_names_for(node) if scope else set()
        self._names[node] = names
        return names

    def imported(self, node: cst.CSTNode) -> object:
        """The names of `self[node]` that come from imports (QualifiedNameSource.IMPORT), answered from the
        import bindings also where the whole set is not (a name bound by no import has none)."""
        try:
            return self._imported[node]
        except KeyError:
            pass
        found = self._names.get(node)
        if found is None and not self._scopes_resolved():
            found = self.bindings().imported(node)
            if found is not None:
                self._imported[node] = found
                return found
        found = {q for q in self[node] if q.source is QualifiedNameSource.IMPORT}  # type: ignore[attr-defined]
        self._imported[node] = found
        return found

    def __contains__(self, node: object) -> bool:
        return True

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._scopes())

    def __len__(self) -> int:
        return len(self._scopes())


class Positions(Mapping):
    """PositionProvider's answers, computed one statement at a time, for the statements that hold a
    node a rule asks about.

    LibCST's provider generates the code of the whole module with a position-tracking state that
    stores a range for every node. Rules ask for the positions of the few nodes they report. Here one
    plain rendering of the module notes where each statement starts (its line and the indentation
    around it), and the ranges of the innermost statement that holds an asked node are made by
    LibCST's own tracking state, started there, when a node in it is first asked about. Nodes outside
    any statement (the module, its header and footer lines) get the whole module's ranges.
    """

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self._wrapper = wrapper
        self._module = wrapper.module
        self._computed: dict[cst.CSTNode, CodeRange] = {}  # written by LibCST's tracking state
        self._starts: dict[cst.CSTNode, tuple[int, tuple[str, ...]]] | None = None
        self._whole_module = False

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is not None:
            return found
        statement = self._statement_of(node)
        if statement is None:
            self._generate_module()
        else:
            self._generate(statement)
        return self._computed[node]

    def __contains__(self, node: object) -> bool:
        try:
            self[node]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[cst.CSTNode]:
        self._generate_module()
        return iter(self._computed)

    def __len__(self) -> int:
        self._generate_module()
        return len(self._computed)

    def _statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The innermost statement that holds `node` (or is `node`); None outside every statement."""
        if self._starts is None:
            self._starts = statement_starts(self._module)
        parent_of = resolve(self._wrapper, ParentNodeProvider)
        current: cst.CSTNode | None = node
        while current is not None and current not in self._starts:
            current = parent_of.get(current)
        return current

    def _generate(self, statement: cst.CSTNode) -> None:
        assert self._starts is not None
        line, indentation = self._starts[statement]
        state = self._state(line)
        state.indent_tokens.extend(indentation)
        statement._codegen(state)  # noqa: SLF001

    def _generate_module(self) -> None:
        if not self._whole_module:
            self._computed.clear()
            self._module._codegen(self._state(1))  # noqa: SLF001
            self._whole_module = True

    def _state(self, line: int) -> PositionProvidingCodegenState:
        return PositionProvidingCodegenState(
            default_indent=self._module.default_indent,
            default_newline=self._module.default_newline,
            provider=_Ranges(self._computed),  # type: ignore[arg-type]
            line=line,
        )


class _Ranges:
    """What LibCST's tracking state needs of a provider: the dictionary it stores ranges in."""

    def __init__(self, computed: dict[cst.CSTNode, CodeRange]) -> None:
        self._computed = computed


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def parents(module: cst.Module) -> dict[cst.CSTNode, cst.CSTNode]:
    """ParentNodeProvider's mapping (child -> parent) from the nodes' fields.

    LibCST's provider collects each node's children by re-running its child visit (which rebuilds
    the node); reading the dataclass fields gives the same children, without the rebuilding.
    """
    result: dict[cst.CSTNode, cst.CSTNode] = {}
    _parents_into(result, module, [module])
    return result


def _parents_into(result: dict[cst.CSTNode, cst.CSTNode], parent: cst.CSTNode, nodes: list[cst.CSTNode]) -> None:
    """Add to `result` the parent of every node below `nodes` (and of `nodes` themselves: `parent`, unless one is
    `parent` itself, the root)."""
    for node in nodes:
        if node is not parent:
            result[node] = parent
    stack = list(nodes)
    while stack:
        node = stack.pop()
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            kind = KINDS.get(type(value)) or value_kind(value)
            if kind == NODE:
                result[value] = node
                stack.append(value)
            elif kind == SEQUENCE:
                for item in value:
                    if (KINDS.get(type(item)) or value_kind(item)) == NODE:
                        result[item] = node
                        stack.append(item)


def _parents_of_new(result: dict[cst.CSTNode, cst.CSTNode], parent: cst.CSTNode, nodes: list[cst.CSTNode]) -> list[cst.CSTNode]:
    """Like `_parents_into` for the subtrees `nodes` of a new tree, `result` being the parents of the tree it
    replaces: a node that tree holds (a key of `result`) gets its new parent and its subtree is not walked.
    Returns those nodes."""
    shared: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = []
    for node in nodes:
        if node in result:
            shared.append(node)
        else:
            stack.append(node)
        if node is not parent:
            result[node] = parent
    while stack:
        node = stack.pop()
        for child in _children(node):
            if child in result:
                shared.append(child)
            else:
                stack.append(child)
            result[child] = node
    return shared


# Statement nodes: what the handoff keeps of a changed statement's block (`_contexts_into`'s `known`).
_STATEMENT_KINDS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The nodes in `node`'s fields (its children), in field order."""
    children: list[cst.CSTNode] = []
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        kind = KINDS.get(type(value)) or value_kind(value)
        if kind == NODE:
            children.append(value)
        elif kind == SEQUENCE:
            children.extend(item for item in value if (KINDS.get(type(item)) or value_kind(item)) == NODE)
    return children


def _drop_subtrees(mappings: list[dict], roots: list[cst.CSTNode], kept: frozenset[int] = frozenset()) -> None:
    """Remove every node of the trees below `roots` (roots included) from each of `mappings`, but for the
    subtrees whose root is in `kept` (ids: nodes the next tree holds too)."""
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in kept:
            continue
        for mapping in mappings:
            mapping.pop(node, None)
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            kind = KINDS.get(type(value)) or value_kind(value)
            if kind == NODE:
                stack.append(value)
            elif kind == SEQUENCE:
                stack.extend(item for item in value if (KINDS.get(type(item)) or value_kind(item)) == NODE)


def _child_fields(kind: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(kind)
    if names is None:
        names = _CHILD_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


_LOAD, _STORE, _DEL = ExpressionContext.LOAD, ExpressionContext.STORE, ExpressionContext.DEL


def expression_contexts(module: cst.Module) -> dict[cst.CSTNode, ExpressionContext]:
    """ExpressionContextProvider's mapping (LOAD / STORE / DEL of names, attributes, subscripts, tuples,
    lists and starred elements), from the nodes' fields.

    It follows LibCST's `ExpressionContextVisitor` rule for rule: a node inherits its parent's
    context, except where a hook of that visitor says otherwise (an assignment target is STORE, the
    value of an attribute or subscript is LOAD, `attr` and type parameters get none). Each node is
    reached once, so the order of the walk does not matter; LibCST's visit rebuilds every node of
    the tree on the way, which costs four times as much.
    """
    result: dict[cst.CSTNode, ExpressionContext] = {}
    _contexts_into(result, [module])
    return result


def _contexts_into(result: dict[cst.CSTNode, ExpressionContext], roots: list[cst.CSTNode], known: frozenset[int] = frozenset()) -> None:
    """Add to `result` the contexts of the nodes below `roots`, each root read in LOAD context (what a module
    gives its statements), but for the subtrees of the statements in `known` (ids), whose contexts `result`
    holds already (a statement is always read in LOAD context, so what is below it does not change)."""
    stack: list[tuple[cst.CSTNode, ExpressionContext]] = [(root, _LOAD) for root in roots]
    push = stack.append
    while stack:
        node, context = stack.pop()
        if known and id(node) in known:
            continue
        kind = type(node)
        if kind is cst.Name:
            result[node] = context
        elif kind is cst.Attribute:
            result[node] = context
            push((node.value, _LOAD))
        elif kind is cst.Subscript:
            result[node] = context
            push((node.value, _LOAD))
            for element in node.slice:
                push((element, _LOAD))
        elif kind is cst.Assign:
            for target in node.targets:
                push((target, _STORE))
            push((node.value, context))
        elif kind is cst.AnnAssign:
            push((node.target, _STORE))
            push((node.annotation, context))
            if node.value:
                push((node.value, context))
        elif kind is cst.AugAssign or kind is cst.NamedExpr:
            push((node.target, _STORE))
            push((node.value, context))
        elif kind is cst.AsName:
            push((node.name, _STORE))
        elif kind is cst.CompFor:
            push((node.target, _STORE))
            push((node.iter, context))
            for condition in node.ifs:
                push((condition, context))
            if node.inner_for_in:
                push((node.inner_for_in, context))
        elif kind is cst.For:
            push((node.target, _STORE))
            push((node.iter, context))
            push((node.body, context))
            if node.orelse:
                push((node.orelse, context))
        elif kind is cst.Del:
            push((node.target, _DEL))
        elif kind is cst.ClassDef:
            push((node.name, _STORE))
            for child in (node.body, *node.bases, *node.keywords, *node.decorators):
                push((child, context))
        elif kind is cst.FunctionDef:
            push((node.name, _STORE))
            for child in (node.params, node.body, *node.decorators):
                push((child, context))
            if node.returns:
                push((node.returns, context))
        elif kind is cst.Param:
            push((node.name, _STORE))
            if node.annotation:
                push((node.annotation, context))
            if node.default:
                push((node.default, context))
        else:
            if kind is cst.Tuple or kind is cst.List or kind is cst.StarredElement:
                result[node] = context
            for name in _child_fields(kind):
                value = getattr(node, name)
                value_type = KINDS.get(type(value)) or value_kind(value)
                if value_type == NODE:
                    push((value, context))
                elif value_type == SEQUENCE:
                    for item in value:
                        if (KINDS.get(type(item)) or value_kind(item)) == NODE:
                            push((item, context))


@dataclass
class Carried:
    """The parents and expression contexts resolved for a tree a rule changed (`take_over`), to be brought up
    to date for the tree handed on after it (`hand_on`)."""

    before: cst.Module
    parents: dict[cst.CSTNode, cst.CSTNode] | None
    contexts: dict[cst.CSTNode, ExpressionContext] | None


def take_over(wrapper: MetadataWrapper) -> Carried | None:
    """The parents and expression contexts resolved on `wrapper` (whose tree a rule has just changed), taken
    out of its cache: `hand_on` updates them in place for the next tree."""
    cache = wrapper._metadata  # noqa: SLF001 (LibCST's cache of resolved providers)
    found = [cache.pop(provider, None) for provider in (ParentNodeProvider, ExpressionContextProvider)]
    parents_map, contexts_map = (mapping if type(mapping) is dict else None for mapping in found)
    if parents_map is None and contexts_map is None:
        return None
    return Carried(wrapper.module, parents_map, contexts_map)


def hand_on(carried: Carried | None, after: cst.Module) -> None:
    """Make `carried` (the parents and contexts of the tree before a rule's change) those of `after`, the tree
    handed to the next rule (`tf2migrate.handoff`: the statements the rule did not change are the very same
    nodes), by walking only the module's children that are not in both trees: the removed ones' nodes are
    dropped, the added ones' walked. The next rule's wrapper finds them (`_CHEAPER`) instead of walking every
    node again. Equal to `parents(after)` and `expression_contexts(after)` as mappings (checked with
    TF2MIGRATE_CHECK_HANDOFF set, as in the golden tests)."""
    store = derived(after)
    if carried is None or store is None:
        return
    before_children, after_children = _children(carried.before), _children(after)
    before_ids, after_ids = {id(node) for node in before_children}, {id(node) for node in after_children}
    removed = [node for node in before_children if id(node) not in after_ids]
    added = [node for node in after_children if id(node) not in before_ids]
    mappings = [mapping for mapping in (carried.parents, carried.contexts) if mapping is not None]
    if carried.parents is not None:
        # Below a changed statement, the statements the handoff kept are the given tree's very nodes (trees are
        # immutable: their subtrees are too): only their parent changes, their subtrees are neither walked again
        # nor dropped.
        mapping = carried.parents
        shared = _parents_of_new(mapping, after, added)
        _drop_subtrees(mappings, removed, frozenset(id(node) for node in shared))
        for node in after_children:
            mapping[node] = after
        store[ParentNodeProvider] = mapping
        known = frozenset(id(node) for node in shared if isinstance(node, _STATEMENT_KINDS))
    else:
        _drop_subtrees(mappings, removed)
        known = frozenset()
    if carried.contexts is not None:
        contexts_map = carried.contexts
        _contexts_into(contexts_map, added, known)
        store[ExpressionContextProvider] = contexts_map
    if os.environ.get(CHECK_VARIABLE):
        if ParentNodeProvider in store:
            assert store[ParentNodeProvider] == parents(after), "parents handed on differ from a whole walk"
        if ExpressionContextProvider in store:
            assert store[ExpressionContextProvider] == expression_contexts(after), "contexts handed on differ from a whole walk"


def _handed_on_or_new(module: cst.Module, provider: type, compute: Callable[[cst.Module], dict]) -> dict:
    """What `hand_on` made for `module` (taken out of the store: the wrapper's cache holds it from now on), or
    `compute(module)`."""
    store = derived(module)
    mapping = store.pop(provider, None) if store is not None else None
    return compute(module) if mapping is None else mapping


# provider -> its cheaper equivalent, computed on the wrapper (dependencies resolved through `resolve`)
_CHEAPER: dict[type, Callable[[MetadataWrapper], Mapping]] = {
    ExpressionContextProvider: lambda wrapper: _handed_on_or_new(wrapper.module, ExpressionContextProvider, expression_contexts),
    ScopeProvider: scopes,
    QualifiedNameProvider: QualifiedNames,
    ParentNodeProvider: lambda wrapper: _handed_on_or_new(wrapper.module, ParentNodeProvider, parents),
    PositionProvider: Positions,
}
