"""Graph plumbing that only served a layer's variables, for layer_variables (TFM106).

What it matches
    In a method of a Keras layer class whose variables are rewritten to `add_weight` (`_plan_plumbing`): `with
    g.as_default():` and `with tf.variable_scope(...):` blocks whose body only creates such weights
    (`_only_weights`, `_contains_fixed`), `sess.run(<initializer>)` calls (`_is_initializer`), and the local
    handles they used, `g = K.get_graph()` / `sess = K.get_session()` / `tf.get_default_graph()`
    (`_local_handle`, `_accesses`), when nothing else reads them. Code that touches the layer's private
    variable lists (`_mentions_private_lists`) is left alone.

What it writes
    The blocks unwrapped (their body kept), the initializer runs and the handle statements removed. Other uses
    of a graph or session are left to the graph rules (TFM25x) and reported by TFM330.

Why: Keras creates, names and initialises the weights itself; `K.get_graph` and `K.get_session` do not exist
in Keras 3. `PlumbingRemoval` is a part of the `LayerVariables` codemod: its methods run with `self` the
codemod.
"""

from __future__ import annotations

import libcst as cst

from tf2migrate import traversal

from .layer_variables_model import FACTORIES, FACTORY_NAMES, GRAPH_HANDLES, HANDLE_NAMES, INITIALIZER_OPS, SCOPES, MethodInfo, _source
from .layer_variables_rules import GRAPH_PLUMBING, MANUAL_VARIABLE
from .names import last_name, only_assign, only_binding


class PlumbingRemoval:
    """Removes the graph plumbing around rewritten weights (a part of `LayerVariables`)."""

    # -- graph plumbing ------------------------------------------------------------------------------
    def _plan_plumbing(self, method: MethodInfo, calls: list[cst.Call], withs: list[cst.With], statements: list[cst.SimpleStatementLine], fixed: set[cst.Call]) -> None:
        consumed: set[cst.CSTNode] = set()  # Name nodes of handles whose use goes away
        handled_calls: set[cst.Call] = set()

        def handle_of(expr: cst.BaseExpression) -> cst.CSTNode | None:
            """The handle node (a handle call, or a local Name) `expr` is, if it is one."""
            if isinstance(expr, cst.Call) and not expr.args and last_name(expr) in HANDLE_NAMES and self.qualified_name(expr) in GRAPH_HANDLES:
                return expr
            if isinstance(expr, cst.Name) and self._local_handle(expr, method) is not None:
                return expr
            return None

        # 1. with-blocks whose body only creates weights we rewrite
        for block in withs:
            items_ok = []
            for item in block.items:
                expr = item.item
                if item.asname is not None:
                    items_ok.append(None)
                    continue
                if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "as_default" and not expr.args:
                    items_ok.append(handle_of(expr.func.value))
                elif isinstance(expr, cst.Call) and last_name(expr) in ("variable_scope", "variable_op_scope") and self.qualified_name(expr) in SCOPES:
                    items_ok.append(expr)
                else:
                    items_ok.append(None)
            if None in items_ok or not self._only_weights(block, fixed):
                continue
            if self.offer_fix(block, GRAPH_PLUMBING.code, "`with` block around weight creation only (graph/variable scope plumbing): unwrapped, Keras creates and names the weights"):
                self.edits.unwrap.add(block)
                for node in items_ok:
                    if isinstance(node, cst.Call):
                        handled_calls.add(node)
                    consumed.add(node)  # type: ignore[arg-type]

        # 2. sess.run(<initializer>) statements
        for line in statements:
            for small in line.body:
                if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
                    continue
                run = small.value
                if not (isinstance(run.func, cst.Attribute) and run.func.attr.value == "run" and len(run.args) == 1 and run.args[0].keyword is None):
                    continue
                session = handle_of(run.func.value)
                if session is None or not self._is_initializer(run.args[0].value, method):
                    continue
                if self.offer_fix(small, GRAPH_PLUMBING.code, "variable initialization run through a session: removed, Keras initializes its weights when it creates them"):
                    self.edits.remove_small.add(small)
                    consumed.add(session)
                    if isinstance(session, cst.Call):
                        handled_calls.add(session)

        # 3. handles whose every use went away
        for line in statements:
            for small in line.body:
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
                    continue
                value = small.value
                if not (isinstance(value, cst.Call) and not value.args and last_name(value) in HANDLE_NAMES and self.qualified_name(value) in GRAPH_HANDLES):
                    continue
                accesses = self._accesses(small.targets[0].target, method)
                if accesses is None or not accesses or not all(a in consumed for a in accesses):
                    continue
                if self.offer_fix(small, GRAPH_PLUMBING.code, f"`{self.qualified_name(value)}()` only served the layer's variables: removed (it does not exist in Keras 3)"):
                    self.edits.remove_small.add(small)
                    handled_calls.add(value)

        # 4. Keras 1/2 `self.trainable_weights = [self.w, ...]`: read-only in Keras 3, add_weight tracks them
        created: set[str] = set()  # attributes this method assigns a weight to
        unconverted: set[str] = set()  # ... with a variable this run does not rewrite
        for line in statements:
            for small in line.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and len(small.targets) == 1:
                    target = small.targets[0].target
                    converted = small.value in fixed or self._is_add_weight(small.value, method)
                    if (converted or (last_name(small.value) in FACTORY_NAMES and self.qualified_name(small.value) in FACTORIES)) and isinstance(target, cst.Attribute) and self._self_based(target, method):
                        created.add(_source(target).strip())
                        if not converted:
                            unconverted.add(_source(target).strip())
        for line in statements:
            for small in line.body:
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                    continue
                target = small.targets[0].target
                if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == method.self_name):
                    continue
                if target.attr.value not in ("trainable_weights", "non_trainable_weights"):
                    continue
                value = small.value
                listed = isinstance(value, (cst.List, cst.Tuple)) and all(isinstance(e, cst.Element) for e in value.elements) and {
                    _source(e.value).strip() for e in value.elements  # type: ignore[union-attr]
                } == {c for c in created if (id(method.klass), c) not in self.frozen_unlisted}
                if target.attr.value == "trainable_weights" and listed and not unconverted:
                    if self.offer_fix(small, GRAPH_PLUMBING.code, "`self.trainable_weights = [...]` is read-only in Keras 3 and not needed: weights created with `add_weight` are tracked; removed"):
                        self.edits.remove_small.add(small)
                elif target.attr.value == "trainable_weights":
                    self.flag(small, MANUAL_VARIABLE.code, "`self.trainable_weights = ...` cannot be assigned in Keras 3, and it does not list exactly the weights this method creates: create the ones to freeze with `self.add_weight(..., trainable=False)` and drop the assignment")
                else:
                    self.flag(small, MANUAL_VARIABLE.code, "`self.non_trainable_weights = ...` cannot be assigned in Keras 3: create these weights with `self.add_weight(..., trainable=False)` and drop the assignment")

        # 5. Keras 2's private weight lists do not exist in Keras 3
        for line in statements:
            for small in line.body:
                if self._mentions_private_lists(small):
                    self.flag(small, MANUAL_VARIABLE.code, "Keras 2's private `_trainable_weights` / `_non_trainable_weights` lists do not exist in Keras 3: create the weight with `self.add_weight(..., trainable=...)` and drop this")

    @staticmethod
    def _mentions_private_lists(node: cst.CSTNode) -> bool:
        found = []

        class Find(cst.CSTVisitor):
            def visit_Attribute(self, attribute: cst.Attribute) -> None:
                if attribute.attr.value in ("_trainable_weights", "_non_trainable_weights"):
                    found.append(attribute)

        traversal.visit(node, Find())
        return bool(found)

    def _local_handle(self, name: cst.Name, method: MethodInfo) -> cst.Assign | None:
        assign = only_assign(self, name)
        if assign is not None and isinstance(assign.value, cst.Call) and not assign.value.args and last_name(assign.value) in HANDLE_NAMES and self.qualified_name(assign.value) in GRAPH_HANDLES:
            return assign
        return None

    def _accesses(self, name: cst.Name, method: MethodInfo) -> list[cst.CSTNode] | None:
        binding = only_binding(self, name)
        return None if binding is None else [access.node for access in binding.references]

    def _is_initializer(self, expr: cst.BaseExpression, method: MethodInfo) -> bool:
        if isinstance(expr, (cst.List, cst.Tuple)):
            return bool(expr.elements) and all(self._is_initializer(e.value, method) for e in expr.elements)
        if isinstance(expr, cst.Call) and self.qualified_name(expr) in INITIALIZER_OPS:
            return True
        return isinstance(expr, cst.Attribute) and expr.attr.value == "initializer" and self._self_based(expr.value, method)

    def _only_weights(self, block: cst.With, fixed: set[cst.Call]) -> bool:
        """Every statement in the block assigns a weight we rewrite (or is a nested such block / pass)."""
        body = block.body
        if not isinstance(body, cst.IndentedBlock) or not self._contains_fixed(body, fixed):
            return False
        for statement in body.body:
            if isinstance(statement, cst.With):
                if statement not in self.edits.unwrap:
                    return False
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                return False
            for small in statement.body:
                if isinstance(small, cst.Pass):
                    continue
                if not isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Expr)):
                    return False
                if not self._contains_fixed(small, fixed):
                    return False
        return True

    @staticmethod
    def _contains_fixed(node: cst.CSTNode, fixed: set[cst.Call]) -> bool:
        found = []

        class Find(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                if call in fixed:
                    found.append(call)

        traversal.visit(node, Find())
        return bool(found)
