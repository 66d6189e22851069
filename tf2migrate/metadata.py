"""LibCST metadata for the rules, resolved when a rule first asks for it, and cheaper where it can be.

LibCST resolves every provider a visitor declares before the visit starts, and several of its
providers rebuild the whole tree on the way. Here positions, parents, scopes and qualified names are
resolved on the first lookup and cached on the wrapper (shared by the following rules until one of
them changes the tree); parents, qualified names and the expression contexts that scope analysis
reads are computed from the nodes' fields instead. Each equals LibCST's own answer (tests check it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Mapping

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodeRange
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)
from libcst.metadata.position_provider import NEWLINE_RE as _NEWLINE
from libcst.metadata.position_provider import PositionProvidingCodegenState
from libcst.metadata.scope_provider import ScopeVisitor

from tf2migrate import traversal
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
    """`wrapper.resolve(provider)`, with cheaper equivalents of five of LibCST's providers.

    They are stored in the wrapper's own cache, so LibCST visitors that resolve them later
    (the import visitors, nested visitors of rules) find them there.
    """
    cache = wrapper._metadata  # noqa: SLF001 (LibCST's cache of resolved providers)
    if provider not in cache:
        if provider in (ScopeProvider, QualifiedNameProvider) and ExpressionContextProvider not in cache:
            cache[ExpressionContextProvider] = expression_contexts(wrapper.module)  # what scope analysis reads
        if provider is ScopeProvider or (provider is QualifiedNameProvider and ScopeProvider not in cache):
            cache[ScopeProvider] = scopes(wrapper)
        if provider is QualifiedNameProvider:
            cache[provider] = QualifiedNames(wrapper.resolve(ScopeProvider))
        elif provider is ParentNodeProvider:
            cache[provider] = parents(wrapper.module)
        elif provider is PositionProvider:
            cache[provider] = Positions(wrapper)
    return wrapper.resolve(provider)


def scopes(wrapper: MetadataWrapper) -> Mapping[cst.CSTNode, object]:
    """ScopeProvider's mapping: what LibCST's provider does (its `visit_Module` runs a `ScopeVisitor`
    over the module, then infers accesses), without the batched traversal of the whole tree that the
    wrapper runs around it only to call that one `visit_Module`, and with the tree walked by
    `traversal.visit`. The expression contexts it reads must be in the wrapper's cache first."""
    provider = ScopeProvider()
    with provider.resolve(wrapper):
        visitor = ScopeVisitor(provider)
        traversal.visit(wrapper.module, visitor)
        visitor.infer_accesses()
    return provider._computed  # noqa: SLF001


class QualifiedNames(Mapping):
    """QualifiedNameProvider's answers, computed for the nodes a rule asks about only.

    LibCST's provider walks the whole tree to store, for every node, a lazy call of
    `scope.get_qualified_names_for(node)`; this makes the same call when a node is looked up.
    """

    def __init__(self, scopes: Mapping) -> None:
        self._scopes = scopes
        self._names: dict[cst.CSTNode, object] = {}

    def __getitem__(self, node: cst.CSTNode) -> object:
        try:
            return self._names[node]
        except KeyError:
            pass
        scope = self._scopes.get(node)
        names = self._names[node] = scope.get_qualified_names_for(node) if scope else set()
        return names

    def __contains__(self, node: object) -> bool:
        return True

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._scopes)

    def __len__(self) -> int:
        return len(self._scopes)


class Positions(Mapping):
    """PositionProvider's answers, computed one top-level statement at a time, for the statements
    that hold a node a rule asks about.

    LibCST's provider generates the code of the whole module with a position-tracking state that
    stores a range for every node. Rules ask for the positions of the nodes they report, which sit
    in a part of the file (about 40% of the code of a TF1 script): here each top-level statement's
    first line is counted once (a plain rendering, several times cheaper), and a statement's ranges
    are made by LibCST's own tracking state, started at that line, when a node in it is first asked
    about. Nodes of the module itself (and its header or footer) get the whole module's ranges.
    """

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self._wrapper = wrapper
        self._module = wrapper.module
        self._computed: dict[cst.CSTNode, CodeRange] = {}  # written by LibCST's tracking state
        self._first_lines: dict[int, int] | None = None  # id(top-level statement) -> its first line
        self._generated: set[int] = set()

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is not None:
            return found
        statement = self._top_level_statement(node)
        if statement is None:
            self._generate_module()
        elif id(statement) not in self._generated:
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

    def _top_level_statement(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The statement of `module.body` that holds `node`; None for anything else."""
        parent_of = resolve(self._wrapper, ParentNodeProvider)
        while True:
            parent = parent_of.get(node)
            if parent is None:
                return None
            if parent is self._module:
                return node if any(statement is node for statement in self._module.body) else None
            node = parent

    def _state(self, line: int) -> PositionProvidingCodegenState:
        return PositionProvidingCodegenState(
            default_indent=self._module.default_indent,
            default_newline=self._module.default_newline,
            provider=_Ranges(self._computed),  # type: ignore[arg-type]
            line=line,
        )

    def _generate(self, statement: cst.CSTNode) -> None:
        if self._first_lines is None:
            self._first_lines = self._count_first_lines()
        statement._codegen(self._state(self._first_lines[id(statement)]))  # noqa: SLF001
        self._generated.add(id(statement))

    def _generate_module(self) -> None:
        if len(self._generated) <= len(self._module.body):
            self._computed.clear()
            self._module._codegen(self._state(1))  # noqa: SLF001
            self._generated = {id(statement) for statement in self._module.body} | {id(self._module)}

    def _count_first_lines(self) -> dict[int, int]:
        """Each top-level statement's first line, by rendering the module once (line breaks counted
        token by token, as the tracking state counts them)."""
        state = CodegenState(default_indent=self._module.default_indent, default_newline=self._module.default_newline)
        for line in self._module.header:
            line._codegen(state)  # noqa: SLF001
        first_lines: dict[int, int] = {}
        line_number = 1 + sum(len(_NEWLINE.findall(token)) for token in state.tokens)
        for statement in self._module.body:
            first_lines[id(statement)] = line_number
            start = len(state.tokens)
            statement._codegen(state)  # noqa: SLF001
            line_number += sum(len(_NEWLINE.findall(token)) for token in state.tokens[start:])
        return first_lines


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
    stack: list[cst.CSTNode] = [module]
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
    return result


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
    stack: list[tuple[cst.CSTNode, ExpressionContext]] = [(module, _LOAD)]
    push = stack.append
    while stack:
        node, context = stack.pop()
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
    return result
