"""Where a TF1 layer call becomes a Keras layer: the constructor and the call written (tf1_variables, TFM230/TFM237).

What it matches
    A `tf.layers.<fn>(inputs, ...)` or `tf.contrib.layers.<fn>` call site (`_site`: in a simple statement, at
    module level or in a module-level function, not in a class or a nested function; a layer with variables
    not in a loop and in a function built once, codemods/tf1_variables_call_counts.py), its arguments by TF1's
    positional order or keyword, `arg_scope` defaults included (`_arguments`; contrib keywords translated,
    `_translated`).

What it writes
    The Keras 3 constructor (`_constructor`: leading arguments positionally, the rest as keywords in TF1's
    order; keywords that change nothing dropped; TF1 defaults Keras does not share written out; TF1
    initializers as Keras initializers, `_initializer`) and the call that replaces the old one (`_build`):
    `name(inputs, training=False)` of an object created once before the function (its arguments written as
    they read there: codemods/tf1_variables_hoisting.py), or, for a layer without variables whose arguments
    differ between calls, the layer built inline. In a file that stays in graph mode and shares no variables
    by name: the layer built in the call, as TF1 made one per call (`_graph_inline`), dropout as
    `tf.nn.dropout` (`_graph_dropout`). What it cannot write raises `Unsupported` (regularizers, constraints,
    `reuse=`, `*args`, unknown arguments or initializers).

Why: `tf.layers` and `tf.contrib.layers` are gone from TF 2.21; a Keras layer must be created once and called
where the old call was. `LayerBuilder` is a part of the `Tf1Variables` codemod: its methods run with `self`
the codemod.
"""

from __future__ import annotations

import libcst as cst

from . import graph_layers
from .builders import with_commas
from .contrib_layer_specs import LayerSpec, translate
from .source_text import module_text
from .tf1_variables_model import _LOOPS, LayerSite, Unsupported, _kw, _source
from .tf1_variables_tables import _DROP_IF, _INITIALIZER_KEYWORDS, _MANUAL_KEYWORDS, _NUMBER, INITIALIZERS, LAYERS, _spelled


class LayerBuilder:
    """Builds the Keras constructor and call of each converted layer site (a part of `Tf1Variables`)."""

    def _site(self, call: cst.Call, kind: str) -> LayerSite:
        ancestors: list[cst.CSTNode] = []
        node: cst.CSTNode | None = self._parent(call)
        while node is not None:
            ancestors.append(node)
            node = self._parent(node)
        if any(isinstance(a, cst.ClassDef) for a in ancestors):
            raise Unsupported("inside a class: create the Keras layer once in `__init__` and call it here")
        functions = [a for a in ancestors if isinstance(a, (cst.FunctionDef, cst.Lambda))]
        if len(functions) > 1 or (functions and not isinstance(self._parent(functions[0]), cst.Module)):
            raise Unsupported("inside a nested function: create the Keras layer once, outside it, and call it here")
        function = functions[0] if functions else None
        statement = next((a for a in ancestors if isinstance(a, cst.SimpleStatementLine)), None)
        in_loop = any(isinstance(a, _LOOPS) for a in ancestors)
        if statement is None:
            raise Unsupported("not in a simple statement: create the Keras layer once before it and call it here")
        spec = LAYERS[kind]
        site = LayerSite(call=call, kind=kind, statement=statement, function=function, in_loop=in_loop)
        if not spec.stateful:
            return site
        if in_loop:
            raise Unsupported("called in a loop, which makes a new layer (new variables) each time in TF1: create one Keras layer per layer you want, once, and call them in the loop")
        if function is not None:
            self._check_function_called_once(function)
        return site

    def _graph_inline(self, call: cst.Call, kind: str) -> LayerSite | None:
        """A layer whose call count cannot be proven, in a file that stays in graph mode and shares no variables
        by name: built in the call (TF1 made a new layer on every call too). On the first pass it only asks
        for the graph-mode pass (`graph_unproven`), since the file may yet become eager."""
        if self.legacy and not kind.startswith("contrib."):
            return None
        if self._shares is None:
            self._shares = graph_layers.shares_variables(module_text(self.tree))
        if self._shares:
            return None
        spec = LAYERS[kind]
        site = LayerSite(call=call, kind=kind, statement=None, function=None, in_loop=True, graph_inline=True)  # type: ignore[arg-type]
        try:
            if spec.keras == "Dropout":
                self._graph_dropout(site)
            else:
                inputs, pairs = self._arguments(call, spec, kind)
                site.inputs_index = self._inputs_index
                site.constructor, call_keywords = self._constructor(spec, self._translated(spec, pairs), None)
                site.invocation = cst.Call(func=site.constructor, args=with_commas([cst.Arg(value=inputs), *call_keywords]))
        except Unsupported:
            return None
        if not self.run.graph_mode:
            self.run.graph_unproven += 1  # would run in graph mode: ask for that pass
            return None
        return site

    def _graph_dropout(self, site: LayerSite) -> None:
        """TF1's dropout as `tf.nn.dropout` in a graph-mode file (`graph_layers.graph_dropout`)."""
        spec = LAYERS[site.kind]
        inputs, pairs = self._arguments(site.call, spec, site.kind)
        site.inputs_index = self._inputs_index
        if spec.source != "tf.layers":  # contrib: keep_prob may be a tensor here (`tf.nn.dropout` takes one)
            pairs = [("rate", cst.parse_expression(f"1 - {_source(v) if isinstance(v, (cst.Name, cst.Attribute, cst.Integer, cst.Float)) else '(' + _source(v) + ')'}"))
                     if k == "keep_prob" and _NUMBER.match(_source(v)) is None else (k, v) for k, v in pairs]  # fmt: skip
        pairs = [(k, v) for k, v in self._translated(spec, pairs) if not (k in _DROP_IF and _source(v) in _DROP_IF[k])]
        try:
            site.invocation = graph_layers.graph_dropout(self.tf, inputs, pairs, dict(spec.call_args)["training"])
        except ValueError as reason:
            raise Unsupported(str(reason)) from None
        site.hoisted, site.constructor, site.graph_inline = False, None, True

    # -- building the new calls -----------------------------------------------------------------------------------
    def _arguments(self, call: cst.Call, spec: LayerSpec, kind: str) -> tuple[cst.BaseExpression, list[tuple[str, cst.BaseExpression]]]:
        inputs: cst.BaseExpression | None = None
        pairs: list[tuple[str, cst.BaseExpression]] = []
        positional = 0
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unsupported("`*args` / `**kwargs` in the call: write the arguments out")
            if arg.keyword is None:
                if positional == 0:
                    inputs, self._inputs_index = arg.value, index
                elif positional - 1 < len(spec.params):
                    pairs.append((spec.params[positional - 1], arg.value))
                else:
                    raise Unsupported("more positional arguments than TF1 accepted")
                positional += 1
                continue
            keyword = arg.keyword.value
            if keyword in ("inputs", spec.inputs):
                inputs, self._inputs_index = arg.value, index
            elif keyword in spec.params:
                pairs.append((keyword, arg.value))
            else:
                raise Unsupported(f"unknown argument `{keyword}` for `{_spelled(kind)}`")
        if inputs is None:
            raise Unsupported("no `inputs` argument")
        given = {keyword for keyword, _ in pairs}
        for keyword, value in getattr(self, "scope_defaults", {}).get(call, []):  # `arg_scope` defaults (`arg_scopes`)
            if keyword not in spec.params:
                raise Unsupported(f"`arg_scope` sets `{keyword}=`, which `{_spelled(kind)}` does not take")
            if keyword not in given:
                pairs.append((keyword, value))
        return inputs, pairs

    @staticmethod
    def _translated(spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]]) -> list[tuple[str, cst.BaseExpression]]:
        """contrib keywords as the tf.layers / Keras ones (TFM237); tf.layers pairs unchanged."""
        if spec.source == "tf.layers":
            return pairs
        try:
            return translate(spec, pairs)
        except ValueError as reason:
            raise Unsupported(str(reason)) from None

    def _pairs(self, call: cst.Call, kind: str) -> list[tuple[str, cst.BaseExpression]]:
        spec = LAYERS[kind]
        return self._translated(spec, self._arguments(call, spec, kind)[1])

    def _build(self, site: LayerSite) -> None:
        spec = LAYERS[site.kind]
        inputs, pairs = self._arguments(site.call, spec, site.kind)
        site.inputs_index = self._inputs_index
        pairs = self._translated(spec, pairs)
        given = dict(pairs)
        if spec.stateful:
            site.constructor, call_keywords = self._constructor(spec, pairs, site.function)
            site.hoisted = True
        else:
            # No variables: sharing one object is always right, so it is created once when its arguments
            # allow (Keras' Dropout keeps a seed state: one per call would grow a tf.function); else inline.
            try:
                if site.in_loop:
                    raise Unsupported("in a loop")
                site.constructor, call_keywords = self._constructor(spec, pairs, site.function)
                site.hoisted = True
            except Unsupported:
                site.constructor, call_keywords = self._constructor(spec, pairs, None)
        if site.hoisted:
            site.object_name = self._object_name(site, given.get("name"), spec.base or site.kind)
            callee: cst.BaseExpression = cst.Name(site.object_name)
        else:
            callee = site.constructor
        site.invocation = cst.Call(func=callee, args=with_commas([cst.Arg(value=inputs), *call_keywords]))

    def _constructor(
        self, spec: LayerSpec, pairs: list[tuple[str, cst.BaseExpression]], hoist: cst.FunctionDef | None
    ) -> tuple[cst.Call, list[cst.Arg]]:
        """The Keras constructor call for TF1 (keyword, value) pairs, and the keywords that go to the call."""
        given = dict(pairs)
        constructor: list[tuple[str, cst.BaseExpression]] = []
        call_keywords: list[cst.Arg] = []
        call_names = {name for name, _ in spec.call_args}
        for keyword, value in pairs:
            text = _source(value)
            if keyword in _DROP_IF and text in _DROP_IF[keyword]:
                continue
            if keyword in _MANUAL_KEYWORDS:
                raise Unsupported(f"`{keyword}=`: {_MANUAL_KEYWORDS[keyword]}; create the Keras layer yourself")
            if keyword in call_names:
                call_keywords.append(_kw(keyword, value))
                continue
            if keyword in _INITIALIZER_KEYWORDS:
                value = self._initializer(value)
            constructor.append((keyword, value))
        for keyword, default in spec.call_args:
            if keyword not in given:
                call_keywords.append(_kw(keyword, cst.parse_expression(default)))
        for keyword, default in spec.defaults:
            if keyword not in given:
                constructor.append((keyword, cst.parse_expression(default)))
        if hoist is not None:
            constructor = [(keyword, self._hoisted(value, hoist)) for keyword, value in constructor]
        # Keras' leading arguments positionally (a leading run in Keras' order: `strides` cannot follow a
        # missing `pool_size`), the rest as keywords in TF1's order.
        values = dict(constructor)
        run = []
        for name in spec.positional:
            if name not in values:
                break
            run.append(name)
        first = [cst.Arg(value=values[name]) for name in run]
        rest = [_kw(k, v) for k, v in constructor if k not in run]
        keras_class = cst.parse_expression(f"{self.tf}.keras.layers.{spec.keras}")
        return cst.Call(func=keras_class, args=with_commas([*first, *rest])), call_keywords

    def _initializer(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """A TF1 initializer call as the Keras 3 initializer (TF1 defaults written out); others unchanged."""
        if not isinstance(value, cst.Call):
            name = self.qualified_name(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            if name is not None and name.startswith("tf.") and "initializer" in name:
                raise Unsupported(f"initializer `{name}` given as a class: pass an initializer object (`{name}()`)")
            return value
        name = self.qualified_name(value)
        spec = INITIALIZERS.get(name or "")
        if spec is None:
            if name is not None and name.startswith("tf.") and "initializer" in name:
                raise Unsupported(f"initializer `{name}` has no automatic Keras counterpart here: pass a `tf.keras.initializers` object")
            return value
        pairs: list[tuple[str, cst.BaseExpression]] = []
        for index, arg in enumerate(value.args):
            if arg.star:
                raise Unsupported(f"`*args` in `{name}(...)`")
            keyword = arg.keyword.value if arg.keyword is not None else (spec.params[index] if index < len(spec.params) else None)
            if keyword is None:
                raise Unsupported(f"too many arguments to `{name}`")
            if keyword == "dtype":
                continue  # the variable's dtype decides, in Keras as with get_variable
            if keyword not in spec.keep:
                raise Unsupported(f"`{keyword}=` of `{name}` has no Keras counterpart")
            if keyword in spec.scalar_only and not _NUMBER.match(_source(arg.value)):
                raise Unsupported(f"`{name}` with a non-scalar `{keyword}`: Keras `{spec.keras}` only broadcasts; pass a `tf.keras.initializers.Constant` of the right shape")
            pairs.append((keyword, arg.value))
        present = {k for k, _ in pairs}
        for keyword, default in spec.defaults:
            if keyword not in present:
                pairs.append((keyword, cst.parse_expression(default)))
        order = {k: i for i, k in enumerate(spec.params)}
        pairs.sort(key=lambda pair: order[pair[0]])
        return cst.Call(
            func=cst.parse_expression(f"{self.tf}.keras.initializers.{spec.keras}"),
            args=with_commas([_kw(k, v) for k, v in pairs]),
        )
