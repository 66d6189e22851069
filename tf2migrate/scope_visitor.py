"""LibCST's scope analysis with its own sub-visits walked by tf2migrate's traversal.

LibCST's `ScopeVisitor` steers the order of its walk by hand: a dozen of its `visit_*` methods call
`child.visit(self)` on parts of the node (a function's parameters before its body, a comprehension's first
`iter` outside its scope, ...) and return False. `CSTNode.visit` is LibCST's general traversal: it rebuilds
every node it passes (a transformer's contract), which makes those sub-visits cost as much as a parse.
`traversal.visit` calls the same hooks in the same order and builds nothing.

`RoutedScopeVisitor` is the same visitor with each such `X.visit(self)` written as a call of
`traversal.visit(X, self)`. Its methods are compiled, when this module is imported, from the source of
the installed LibCST's own methods (so a new LibCST version brings its own logic along; nothing is copied
by hand), with exactly that one substitution, inside a class of the same name (so that its private
`self.__x` attributes are mangled as in LibCST). LibCST itself is not modified: no other visitor, and no
other user of LibCST in the process, sees any difference.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

import libcst as cst
from libcst.metadata import scope_provider

from tf2migrate import traversal


def _visit_tree(node: cst.CSTNode, visitor: cst.CSTVisitor) -> cst.CSTNode:
    """`node.visit(visitor)` for a read-only visitor (returns the node, as LibCST's does)."""
    traversal.visit(node, visitor)
    return node


class _RouteSubVisits(ast.NodeTransformer):
    """`X.visit(self)` -> `_visit_tree(X, self)`; counts the calls rewritten."""

    def __init__(self) -> None:
        self.routed = 0

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "visit"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "self"
        ):
            self.routed += 1
            routed = ast.Call(func=ast.Name("_visit_tree", ast.Load()), args=[func.value, node.args[0]], keywords=[])
            return ast.copy_location(routed, node)
        return node


def _routed_methods(base: type) -> dict[str, Any]:
    """The methods of `base` (its own, not inherited) that call `X.visit(self)`, recompiled with the routing."""
    namespace = dict(vars(scope_provider))
    namespace["_visit_tree"] = _visit_tree
    methods: dict[str, Any] = {}
    for name, member in vars(base).items():
        if not inspect.isfunction(member):
            continue
        source = textwrap.dedent(inspect.getsource(member))
        if ".visit(self)" not in source:
            continue
        if "super()" in source:
            raise RuntimeError(f"{base.__name__}.{name} uses super(): it cannot be recompiled outside its class")
        router = _RouteSubVisits()
        function = router.visit(ast.parse(source))
        if router.routed == 0:
            continue
        # compiled inside a class of the same name, so that `self.__private` names are mangled as in LibCST
        holder = ast.Module(body=[ast.ClassDef(name=base.__name__, bases=[], keywords=[], body=function.body, decorator_list=[], type_params=[])], type_ignores=[])
        code = compile(ast.fix_missing_locations(holder), f"<{base.__module__}.{base.__name__}.{name}, routed>", "exec")
        scratch = dict(namespace)
        exec(code, scratch)  # noqa: S102
        routed = vars(scratch[base.__name__])[name]
        routed.__qualname__ = f"RoutedScopeVisitor.{name}"
        methods[name] = routed
    return methods


# -- dispatch: LibCST's, with its lookups cached by node type ----------------------------------------------------
# `CSTVisitor.on_visit` / `on_leave` / `on_visit_attribute` / `on_leave_attribute` look the hook up by name on every
# node (`getattr(self, f"visit_{type(node).__name__}", None)`), and `ScopeVisitor.on_leave` asks
# `isinstance(node, _ASSIGNMENT_LIKE_NODES)`, a check of each of 18 classes through ABCMeta: together about half of
# the analysis. The same hooks are called in the same order here, found once per node type (LibCST's typed no-op
# hooks, `visit_<Node>_<field>` for every field, are left out: they do nothing); the override is made only while
# LibCST's `ScopeVisitor.on_leave` is the one below and it leaves the other three to `CSTVisitor`.

_SCOPE_ON_LEAVE = """\
def on_leave(self, original_node: cst.CSTNode) -> None:
    self.provider.set_metadata(original_node, self.scope)
    if isinstance(original_node, _ASSIGNMENT_LIKE_NODES):
        self.scope._assignment_count += 1
    super().on_leave(original_node)
"""
_TYPED_NO_OPS = cst.CSTVisitor.visit_Name.__module__  # LibCST's generated no-op hooks (CSTTypedVisitorFunctions)
_HOOKS: dict[tuple[type, type, str, str], Any] = {}
_ASSIGNMENT_LIKE: dict[type, bool] = {}


def _hook(visitor: type, node: type, prefix: str, attribute: str = "") -> Any:
    """The function `getattr(visitor_instance, f"{prefix}_{Node}[_{attribute}]")` gives (None: none, or a typed
    no-op), cached."""
    key = (visitor, node, prefix, attribute)
    try:
        return _HOOKS[key]
    except KeyError:
        pass
    function = getattr(visitor, f"{prefix}_{node.__name__}_{attribute}" if attribute else f"{prefix}_{node.__name__}", None)
    if function is not None and getattr(function, "__module__", None) == _TYPED_NO_OPS:
        function = None
    _HOOKS[key] = function
    return function


def _on_visit(self: Any, node: cst.CSTNode) -> bool:
    function = _hook(type(self), type(node), "visit")
    if function is None:
        return True
    return function(self, node) is not False


def _on_leave(self: Any, original_node: cst.CSTNode) -> None:
    self.provider.set_metadata(original_node, self.scope)
    kind = type(original_node)
    like = _ASSIGNMENT_LIKE.get(kind)
    if like is None:
        like = _ASSIGNMENT_LIKE[kind] = issubclass(kind, scope_provider._ASSIGNMENT_LIKE_NODES)  # noqa: SLF001
    if like:
        self.scope._assignment_count += 1  # noqa: SLF001
    function = _hook(type(self), kind, "leave")
    if function is not None:
        function(self, original_node)


def _on_visit_attribute(self: Any, node: cst.CSTNode, attribute: str) -> None:
    function = _hook(type(self), type(node), "visit", attribute)
    if function is not None:
        function(self, node)


def _on_leave_attribute(self: Any, original_node: cst.CSTNode, attribute: str) -> None:
    function = _hook(type(self), type(original_node), "leave", attribute)
    if function is not None:
        function(self, original_node)


def _cached_dispatch(base: type) -> dict[str, Any]:
    own = vars(base)
    if any(name in own for name in ("on_visit", "on_visit_attribute", "on_leave_attribute")):
        return {}
    if "on_leave" not in own or textwrap.dedent(inspect.getsource(own["on_leave"])) != _SCOPE_ON_LEAVE:
        return {}
    if any(getattr(base, name) is not getattr(cst.CSTVisitor, name) for name in ("on_visit", "on_visit_attribute", "on_leave_attribute")):
        return {}
    return {"on_visit": _on_visit, "on_leave": _on_leave, "on_visit_attribute": _on_visit_attribute, "on_leave_attribute": _on_leave_attribute}


RoutedScopeVisitor: type[scope_provider.ScopeVisitor] = type(
    "RoutedScopeVisitor",
    (scope_provider.ScopeVisitor,),
    {
        "__module__": __name__,
        "__doc__": "LibCST's ScopeVisitor whose sub-visits build no nodes.",
        **_routed_methods(scope_provider.ScopeVisitor),
        **_cached_dispatch(scope_provider.ScopeVisitor),
    },
)
ROUTED_METHODS: tuple[str, ...] = tuple(sorted(name for name in vars(RoutedScopeVisitor) if name.startswith("visit_")))
