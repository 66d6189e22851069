"""A layer created once before its function: its arguments as they read there, and its name (tf1_variables, TFM230/TFM234).

What it matches
    The arguments of a layer that moves from inside a module-level function to just before its `def`
    (`_hoisted`): each name must mean the same there, a module-level name bound before the `def`
    (`_check_module_level`); a parameter of the function is replaced by the argument every call in the file
    passes for it, when that is one and the same module-level expression (`conv_net(x, N_CLASSES)`,
    `_argument_for`).

What it writes
    The arguments with such parameters substituted, and a fresh name for the layer object (`_object_name`:
    from the TF1 `name=` if given, else the layer's kind, prefixed with the function's name: `model_dense_1`).
    What cannot be written at module level raises `Unsupported` (a name local to a caller, assigned after the
    `def`, set differently by the calls).

Why: the object is created once, where the function is defined; it must be built with the values TF1 built it
with. `Hoisting` is a part of the `Tf1Variables` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider
from libcst.metadata.scope_provider import GlobalScope

from tf2migrate.traversal import find

from .tf1_variables_model import LayerSite, Unsupported, _snake, _source, _Substitute


class Hoisting:
    """Writes a layer's arguments and name where it is created once (a part of `Tf1Variables`)."""

    def _hoisted(self, value: cst.BaseExpression, function: cst.FunctionDef) -> cst.BaseExpression:
        """`value` as it can be written at module level just before `function`.

        Names must mean the same there. A parameter of `function` is replaced by the argument every call in
        the file passes for it, when that is one and the same module-level expression (`conv_net(x,
        N_CLASSES)`): one layer per call site is already proven, so it was built with that value.
        """
        substitutions: dict[cst.Name, cst.BaseExpression] = {}
        for name in find(value, cst.Name):
            assert isinstance(name, cst.Name)
            scope = self.get_metadata(ScopeProvider, name, None)
            if scope is None:
                continue  # a name the rule wrote, or not a variable
            parent = self._parent(name)
            if isinstance(parent, cst.Attribute) and parent.attr is name:
                continue
            if isinstance(parent, cst.Arg) and parent.keyword is name:
                continue
            if not isinstance(scope, GlobalScope):
                local = [a for a in scope.assignments[name.value] if a.scope is scope]
                if local:
                    substitutions[name] = self._argument_for(name.value, local, function)
                    continue
            self._check_module_level(name, scope, function)
        if not substitutions:
            return value
        return value.visit(_Substitute(substitutions))  # type: ignore[return-value]

    def _check_module_level(self, name: cst.Name, scope, function: cst.FunctionDef) -> None:
        """`name`, read in `scope`, must be a module-level name bound before `function`'s `def`."""
        if isinstance(scope, GlobalScope):
            assignments = scope.assignments[name.value]
        else:
            if any(a.scope is scope for a in scope.assignments[name.value]):
                raise Unsupported(f"the layer's arguments use `{name.value}`, local to the caller of `{function.name.value}`: create the Keras layer once where `{name.value}` is known and call it here")
            assignments = scope.globals.assignments[name.value] if name.value in scope.globals.assignments else []
        def_line = self.position(function)[0]
        for assignment in assignments:
            node = getattr(assignment, "node", None)
            if node is not None and self.position(node)[0] >= def_line:
                raise Unsupported(f"the layer's arguments use `{name.value}`, assigned after `{function.name.value}`: create the Keras layer once after it")

    def _argument_for(self, parameter: str, assignments, function: cst.FunctionDef) -> cst.BaseExpression:
        unknown = Unsupported(
            f"the layer's arguments use `{parameter}`, local to `{function.name.value}`: create the Keras layer once where `{parameter}` is known and call it here"
        )
        params = list(function.params.params)
        names = [p.name.value for p in params]
        if len(assignments) != 1 or parameter not in names or function.params.star_arg not in (cst.MaybeSentinel.DEFAULT, None):
            raise unknown  # assigned in the body too, or not a plain parameter
        index = names.index(parameter)
        scope = self.get_metadata(ScopeProvider, function, None)
        if not isinstance(scope, GlobalScope):
            raise unknown
        values: list[cst.BaseExpression] = []
        for access in next(iter(scope.assignments[function.name.value])).references:
            call = self._parent(access.node)
            if not isinstance(call, cst.Call):
                raise unknown
            found: cst.BaseExpression | None = None
            for position, arg in enumerate(call.args):
                if arg.star:
                    raise unknown
                if (arg.keyword is None and position == index) or (arg.keyword is not None and arg.keyword.value == parameter):
                    found = arg.value
            if found is None:
                found = params[index].default
            if found is None:
                raise unknown
            values.append(found)
        if not values or len({_source(v) for v in values}) != 1:
            raise Unsupported(
                f"the layer's arguments use `{parameter}`, which the calls of `{function.name.value}` set differently: create one Keras layer per value, once, and call the right one"
            )
        for name in [values[0], *find(values[0], cst.Name)]:
            if isinstance(name, cst.Name):
                parent = self._parent(name)
                if isinstance(parent, cst.Attribute) and parent.attr is name:
                    continue
                name_scope = self.get_metadata(ScopeProvider, name, None)
                if name_scope is not None:
                    self._check_module_level(name, name_scope, function)
        if not isinstance(values[0], (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.SimpleString, cst.UnaryOperation, cst.BinaryOperation, cst.Tuple, cst.List)):
            raise unknown
        return values[0]

    def _object_name(self, site: LayerSite, name: cst.BaseExpression | None, default_base: str) -> str:
        """A fresh name for the layer object a site creates: from its TF1 `name=` if given, else
        `default_base`, prefixed with the enclosing function's name."""
        base = default_base
        if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
            base = _snake(name.evaluated_value)
            if site.function is None and base in self.taken:
                base += "_layer"
        if site.function is not None:
            base = f"{site.function.name.value}_{base}"
        return self._fresh(base)
