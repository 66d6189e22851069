"""Where a Keras layer keeps a variable, for layer_variables (TFM101-TFM105).

What it matches
    A variable-making call in a method of a Keras layer or model class whose value ends up on the object
    (`_stored_on_self`): assigned to `self.<attr>` (or an item of it), alone or inside a tuple, list, dict or
    comprehension, appended or inserted into `self.<list>`, given to `setattr(self, ...)`; whether it is made
    in `__init__` before the base class's `__init__` runs (`_before_super_init`: Keras 3 cannot add a weight
    yet); whether the attribute is listed in `self.trainable_weights = [...]` (or another list attribute:
    `_listed_trainable`, `_listed`), which decides `trainable=`; the attribute's name and whether a name is
    used in the method (`_attr_name`, `_name_used`).

Writes nothing: its answers decide whether codemods/layer_variables_weights.py rewrites the call or a TFM105
finding asks a person. `WeightStorage` is a part of the `LayerVariables` codemod: its methods run with `self`
the codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate import traversal

from .layer_variables_model import MethodInfo, _source


class WeightStorage:
    """Tells where a layer keeps a variable-making call's value (a part of `LayerVariables`)."""

    @staticmethod
    def _listed_trainable(klass: cst.ClassDef, attribute: str = "trainable_weights") -> set[str]:
        listed: set[str] = set()

        class Find(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    if isinstance(target.target, cst.Attribute) and target.target.attr.value == attribute:
                        if isinstance(node.value, (cst.List, cst.Tuple)):
                            listed.update(_source(e.value).strip() for e in node.value.elements)

        traversal.visit(klass, Find())
        return listed

    def _stored_on_self(self, call: cst.Call, method: MethodInfo) -> cst.SimpleStatementLine | bool:
        """Whether the call's value ends up on the object; the statement when it is the whole value of `self.x = ...`."""
        node: cst.CSTNode = call
        direct = True
        while True:
            parent = self.get_metadata(ParentNodeProvider, node, None)
            if parent is None:
                return False
            if isinstance(parent, (cst.Element, cst.StarredElement)) and parent.value is node:
                pass
            elif isinstance(parent, cst.DictElement) and parent.value is node:
                pass
            elif isinstance(parent, (cst.Tuple, cst.List, cst.Set, cst.Dict)):
                pass
            elif isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp)) and parent.elt is node:
                pass
            elif isinstance(parent, cst.DictComp) and parent.value is node:
                pass
            elif isinstance(parent, cst.Arg) and parent.value is node:
                outer = self.get_metadata(ParentNodeProvider, parent, None)
                if not isinstance(outer, cst.Call):
                    return False
                func = outer.func
                if isinstance(func, cst.Attribute) and func.attr.value in ("append", "extend", "insert") and self._self_based(func.value, method):
                    return True
                if isinstance(func, cst.Name) and func.value == "setattr" and outer.args and self._self_based(outer.args[0].value, method, bare=True):
                    return True
                return False
            elif isinstance(parent, cst.Assign) and parent.value is node:
                if not all(self._self_based(t.target, method) for t in parent.targets):
                    return False
                line = self.get_metadata(ParentNodeProvider, parent, None)
                if direct and len(parent.targets) == 1 and isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                    return line
                return True
            elif isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.value is node:
                return self._self_based(parent.target, method)
            else:
                return False
            direct = False
            node = parent

    def _self_based(self, node: cst.BaseExpression, method: MethodInfo, bare: bool = False) -> bool:
        if isinstance(node, (cst.Tuple, cst.List)):
            return bool(node.elements) and all(self._self_based(e.value, method) for e in node.elements)
        if isinstance(node, cst.StarredElement):
            return self._self_based(node.value, method)
        seen_attribute = bare
        while isinstance(node, (cst.Attribute, cst.Subscript)):
            seen_attribute = seen_attribute or isinstance(node, cst.Attribute)
            node = node.value
        return seen_attribute and isinstance(node, cst.Name) and node.value == method.self_name

    def _before_super_init(self, call: cst.Call, method: MethodInfo) -> bool:
        """The call is in `__init__`, before the statement that calls the base class's `__init__`."""
        if method.node.name.value != "__init__":
            return False
        if method.node not in self._super_init_at:
            self._super_init_at[method.node] = None
            for statement in method.node.body.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                code = _source(statement)
                if "__init__(" in code and ("super(" in code or "super()" in code or ".__init__(self" in code):
                    self._super_init_at[method.node] = self.position(statement)
                    break
        at = self._super_init_at[method.node]
        return at is not None and self.position(call) < at

    def _listed(self, call: cst.Call, method: MethodInfo, attribute: str = "trainable_weights") -> bool:
        """The call is the value of `self.x = ...` and `self.x` is listed in `self.<attribute> = [...]`."""
        parent = self.get_metadata(ParentNodeProvider, call, None)
        if not isinstance(parent, cst.Assign) or parent.value is not call:
            return False
        listed = self.listed_trainable if attribute == "trainable_weights" else self._listed_trainable(method.klass, attribute)
        return all(_source(t.target).strip() in listed for t in parent.targets)

    @staticmethod
    def _attr_name(statement: cst.SimpleStatementLine) -> str:
        target = statement.body[0].targets[0].target  # type: ignore[attr-defined]
        while isinstance(target, cst.Subscript):
            target = target.value
        return target.attr.value if isinstance(target, cst.Attribute) else "value"

    def _name_used(self, method: MethodInfo, name: str) -> bool:
        found = []

        class Find(cst.CSTVisitor):
            def visit_Name(self, node: cst.Name) -> None:
                if node.value == name:
                    found.append(node)

        traversal.visit(method.node, Find())
        return bool(found)
