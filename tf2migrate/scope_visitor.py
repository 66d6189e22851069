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


RoutedScopeVisitor: type[scope_provider.ScopeVisitor] = type(
    "RoutedScopeVisitor",
    (scope_provider.ScopeVisitor,),
    {"__module__": __name__, "__doc__": "LibCST's ScopeVisitor whose sub-visits build no nodes.", **_routed_methods(scope_provider.ScopeVisitor)},
)
ROUTED_METHODS: tuple[str, ...] = tuple(sorted(name for name in vars(RoutedScopeVisitor) if name.startswith("visit_")))
