"""TFM002 unused-graph-handle: a graph or session fetched and never used is removed.

What it matches
    Inside a function, a call with no arguments to `tf.get_default_graph()`, `K.get_graph()` or
    `K.get_session()` (any import style) that is either a statement on its own or assigned to a local
    name that nothing reads:

        g = tf.keras.backend.get_graph()      # the seed article's first example
        tf.get_default_graph()

What it writes
    Nothing: the statement is removed (a block left empty gets `pass`), and an import that only
    served it is dropped.

Why
    In TF1 these calls had no effect worth keeping when their result was unused; on TensorFlow 2.16+
    `K.get_graph` and `K.get_session` do not exist and crash the program
    (`AttributeError: ... has no attribute 'get_graph'`). A handle that *is* used (`with
    g.as_default():`, passed to a library, assigned at module level where other modules may import
    it) is left to the session/graph rules (TFM2xx) and the legacy-call rules (TFM3xx).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import FunctionScope, ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind

from .base import Codemod, Rule
from .imports import schedule_removal_of_imports_used_by
from .names import bound_by_an_import

HANDLE_FACTORIES = frozenset(
    {
        "tf.get_default_graph",
        "keras.backend.get_graph",
        "keras.backend.get_session",
    }
)

RULE = Rule(
    code="TFM002",
    name="unused-graph-handle",
    fix=FixKind.SAFE,
    summary="Remove `get_graph()` / `get_default_graph()` / `get_session()` calls whose result is never used.",
    explanation="""
        Eager TensorFlow 2 has no global graph to fetch, and Keras 3 has no `backend.get_graph` or
        `backend.get_session`: a leftover call crashes with `AttributeError`. When the result is
        discarded, or assigned to a local name nothing reads, the call did nothing useful and is
        removed. Handles that are used are not touched here: see the TFM2xx rules (graph plumbing)
        and TFM3xx (graphs handed to other libraries).
    """,
    before="""
        class MyCustomLayer(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                g = tf.keras.backend.get_graph()
    """,
    after="""
        class MyCustomLayer(tf.keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
    """,
)


class UnusedGraphHandles(Codemod):
    RULES = (RULE,)
    TRIGGERS = ("get_graph", "get_default_graph", "get_session")

    def _is_handle_call(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and not node.args and self.qualified_name(node) in HANDLE_FACTORIES

    def _in_function(self, node: cst.CSTNode) -> FunctionScope | None:
        scope = self.get_metadata(ScopeProvider, node, None)
        return scope if isinstance(scope, FunctionScope) else None

    def _function_of(self, statement: cst.CSTNode) -> cst.FunctionDef | None:
        """The function whose body holds `statement` (its scope is then that FunctionScope), without a scope
        analysis: the nearest enclosing `def` or `class` (statements are in no other scope)."""
        current = self.get_metadata(ParentNodeProvider, statement, None)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Module)):
            current = self.get_metadata(ParentNodeProvider, current, None)
        return current if isinstance(current, cst.FunctionDef) else None

    @staticmethod
    def _read_in(function: cst.FunctionDef, name: str) -> bool:
        """True if `name` is read in the function's own scope as the object of an attribute, an argument or a
        callee (`name.x`, `f(name)`, `name()`): LibCST records an access of `name` there (`scope.accesses`), when
        no import binds a dotted name starting with `name` (checked by the caller). Nested functions, classes,
        lambdas and comprehensions are not searched (their own scopes), nor what LibCST does not visit."""
        pending: list[cst.CSTNode] = [function.body]
        while pending:
            node = pending.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
                continue
            if isinstance(node, (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.BaseString)):
                continue
            if isinstance(node, cst.Attribute):
                if isinstance(node.value, cst.Name) and node.value.value == name:
                    return True
                pending.append(node.value)
                continue
            if isinstance(node, cst.Arg):
                if isinstance(node.value, cst.Name) and node.value.value == name:
                    return True
                pending.append(node.value)
                continue
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name:
                return True
            pending.extend(node.children)
        return False

    def _removable(self, statement: cst.BaseSmallStatement) -> cst.Call | None:
        """The handle call if `statement` only fetches a handle nobody uses."""
        if isinstance(statement, cst.Expr) and self._is_handle_call(statement.value):
            return statement.value if self._function_of(statement) is not None else None  # type: ignore[return-value]
        if not isinstance(statement, cst.Assign) or not self._is_handle_call(statement.value):
            return None
        if len(statement.targets) != 1 or not isinstance(statement.targets[0].target, cst.Name):
            return None
        function = self._function_of(statement)
        if function is None:
            return None
        name = statement.targets[0].target.value
        if bound_by_an_import(self, name) is False and self._read_in(function, name):
            return None  # read in the function (LibCST's `scope.accesses[name]`): known without a scope analysis
        scope = self._in_function(statement)
        if scope is None:
            return None
        assignments = scope.assignments[name]
        if not assignments or any(a.scope is not scope for a in assignments):
            return None  # global / nonlocal, or bound elsewhere
        if any(a.references for a in assignments) or scope.accesses[name]:
            return None
        return statement.value  # type: ignore[return-value]

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept = []
        for original, updated in zip(original_node.body, updated_node.body):
            call = self._removable(original)
            if call is not None and self.offer_fix(
                original, RULE.code, f"`{self.qualified_name(call)}()` result unused (and gone in TF 2.16+): removed"
            ):
                schedule_removal_of_imports_used_by(self.context, original)
                continue
            kept.append(updated)
        if len(kept) == len(updated_node.body):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=kept)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body or not original_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


CODEMOD = UnusedGraphHandles
