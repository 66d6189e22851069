"""TF1 layer classes and Keras layers built in their call, for tf1_variables (TFM233, TFM234).

What it matches
    TFM233: `tf.layers.Dense(...)` and the other TF1 layer classes where the object is made once (module
    level, a class's `__init__` or `build`: `_layer_class`). TFM234: `tf.keras.layers.Dense(64)(x)` built
    where it is called, inside the graph-building code of a TF1 program (placeholders, Session) or an eager
    GradientTape program (`_keras_layers`), outside code that builds a Keras functional or Sequential model
    (`_builds_keras_model`), in a module-level function built once (every call counts: variable-scope reuse
    never shared Keras layers) or at module level, not in a loop, a class or a lambda.

What it writes
    TFM233: the Keras 3 class with the same arguments (`tf.keras.layers.Dense(...)`), where the object was
    made. TFM234: the layer created once before the function (or the module-level statement) and called where
    it was built (`model_dense = tf.keras.layers.Dense(64)` ... `model_dense(x)`). Layers without variables
    (`KERAS_STATELESS`) that cannot move are left alone without a finding.

Why: `tf.layers` classes are gone from TF 2.21, and a Keras layer built where it is called makes new variables
on every eager call. `KerasLayers` is a part of the `Tf1Variables` codemod: its methods run with `self` the
codemod.
"""

from __future__ import annotations

import libcst as cst

from .names import dotted
from .tf1_variables_model import _LOOPS, LayerSite, Unsupported, _collect, _words
from .tf1_variables_rules import CLASS_RULE, KERAS_RULE
from .tf1_variables_tables import LAYER_CLASSES, LAYERS, graph_unproven


KERAS_STATELESS = frozenset(
    {"Flatten", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
     "AlphaDropout", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
     "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D",
     "GlobalMaxPooling2D", "GlobalMaxPooling3D", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Reshape", "Permute",
     "RepeatVector", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
     "Cropping1D", "Cropping2D", "Cropping3D", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}
)  # fmt: skip
KERAS_MODEL_BUILDERS = frozenset({"keras.Input", "keras.layers.Input", "keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"})


class KerasLayers:
    """Converts TF1 layer classes and Keras layers built per call (a part of `Tf1Variables`)."""

    # -- TF1 layer classes (TFM233) -------------------------------------------------------------------------------
    def _layer_class(self, call: cst.Call, class_name: str) -> None:
        if not self.enabled(CLASS_RULE.code):
            return
        kind = LAYER_CLASSES[class_name]
        spec = LAYERS[kind]
        try:
            functions = [a for a in self._ancestors(call) if isinstance(a, (cst.FunctionDef, cst.Lambda))]
            if functions and not (isinstance(functions[0], cst.FunctionDef) and functions[0].name.value in ("__init__", "build") and self._in_class(functions[0])):
                where = functions[0].name.value if isinstance(functions[0], cst.FunctionDef) else "a lambda"
                raise Unsupported(f"created inside `{where}`, which eager code may run on every step (a new layer, new variables, each time): create it once (module level or `__init__`) and call it there")
            params = tuple(p for p in spec.params if p not in {n for n, _ in spec.call_args} and p != "reuse")
            pairs: list[tuple[str, cst.BaseExpression]] = []
            for index, arg in enumerate(call.args):
                if arg.star:
                    raise Unsupported("`*args` / `**kwargs` in the call: write the arguments out")
                keyword = arg.keyword.value if arg.keyword is not None else (params[index] if index < len(params) else None)
                if keyword not in params:
                    raise Unsupported(f"argument `{keyword}` not understood for `tf.layers.{class_name}`")
                pairs.append((keyword, arg.value))
            constructor, _ = self._constructor(spec, pairs, None)
        except Unsupported as reason:
            self.flag(call, CLASS_RULE.code, f"`tf.layers.{class_name}` left as it is: {reason}")
            return
        message = f"`tf.layers.{class_name}` is gone in TF 2.21: now `tf.keras.layers.{spec.keras}`"
        unproven = graph_unproven(spec, pairs, called_later=True)
        if self.run.graph_mode and self.legacy:
            return  # the fallback runs `tf.layers` itself on tf_keras (TFM260)
        if self.run.graph_mode and unproven is not None:
            self.flag(call, CLASS_RULE.code, f"`tf.layers.{class_name}` left as it is: {unproven}")
            return
        if self.offer_fix(call, CLASS_RULE.code, message):
            self.run.graph_unproven += unproven is not None or self.legacy
            self.classes[call] = LayerSite(call=call, kind=kind, statement=None, function=None, constructor=constructor)  # type: ignore[arg-type]

    def _ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        result = []
        parent = self._parent(node)
        while parent is not None:
            result.append(parent)
            parent = self._parent(parent)
        return result

    def _in_class(self, function: cst.FunctionDef) -> bool:
        block = self._parent(function)
        return isinstance(block, cst.IndentedBlock) and isinstance(self._parent(block), cst.ClassDef)

    # -- Keras layers built in the call (TFM234) ------------------------------------------------------------------
    def _keras_layers(self) -> None:
        for outer in self.keras_calls:
            inner = outer.func
            assert isinstance(inner, cst.Call)
            name = self.resolved.get(inner) or ""
            if not name.startswith("keras.layers.") or name.count(".") != 2 or name in KERAS_MODEL_BUILDERS:
                continue
            class_name = name.split(".")[-1]
            ancestors = self._ancestors(outer)
            if any(isinstance(a, (cst.ClassDef, cst.Lambda)) for a in ancestors):
                continue  # a Keras model's own code, or a lambda: not graph-building code this rule knows
            functions = [a for a in ancestors if isinstance(a, cst.FunctionDef)]
            function = functions[0] if functions else None
            if self._builds_keras_model(function):
                continue
            stateless = class_name in KERAS_STATELESS
            statement = next((a for a in ancestors if isinstance(a, cst.SimpleStatementLine)), None)
            in_loop = any(isinstance(a, _LOOPS) for a in ancestors)
            site = LayerSite(call=outer, kind="", statement=statement, function=function, in_loop=in_loop)  # type: ignore[arg-type]
            try:
                if len(functions) > 1 or (function is not None and not isinstance(self._parent(function), cst.Module)):
                    raise Unsupported("built inside a nested function: create the layer once, outside it, and call it here")
                if statement is None:
                    raise Unsupported("not in a simple statement: create the layer once before it and call it here")
                if in_loop:
                    raise Unsupported("built in a loop, a new layer (new variables) on each pass: create one layer per layer you want, once, and call them in the loop")
                if function is not None and not stateless:
                    self._check_function_called_once(function, honour_reuse=False)
                hoist = function
                args = [a.with_changes(value=self._hoisted(a.value, hoist)) if hoist is not None else a for a in inner.args]
            except Unsupported as reason:
                if not stateless:
                    self.flag(outer, KERAS_RULE.code, f"`{name}(...)(...)` left as it is: {reason}")
                continue
            site.constructor = inner.with_changes(args=args)
            layer_name = next((a.value for a in inner.args if a.keyword is not None and a.keyword.value == "name"), None)
            site.object_name = self._object_name(site, layer_name, _words(class_name))
            site.invocation = outer.with_changes(func=cst.Name(site.object_name))
            site.hoisted = True
            site.inputs_index = -1
            where = f"before `{function.name.value}`" if function is not None else "at module level"
            again = "built again" if stateless else "built again, with new variables,"
            if self.offer_fix(outer, KERAS_RULE.code, f"`{name}` built inside graph-building code would be {again} on every eager call: now created once ({site.object_name}, {where})"):
                self.plan.sites[outer] = site
                anchor = function if function is not None else statement
                self.plan.before.setdefault(anchor, []).append(site)  # type: ignore[arg-type]

    def _builds_keras_model(self, function: cst.FunctionDef | None) -> bool:
        """Does `function` (None: the module's top-level code) build a Keras functional or Sequential model?"""
        if function in self.keras_builders:
            return self.keras_builders[function]
        calls = _collect(function if function is not None else self.tree).calls
        found = False
        for call in calls:
            if (dotted(call.func) or "").split(".")[-1] not in ("Input", "Model", "Sequential"):
                continue
            if function is None and any(isinstance(a, cst.FunctionDef) for a in self._ancestors(call)):
                continue
            if self.qualified_name(call) in KERAS_MODEL_BUILDERS:
                found = True
                break
        self.keras_builders[function] = found
        return found
