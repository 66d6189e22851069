"""TFM230-TFM249 tf1-variables: variables made by TF1 helpers are created once, then reused.

What it matches
    TF1 code whose variables are made as a side effect of a call, by name, while the graph is built:

        def model(x):
            h = tf.layers.dense(x, 16, activation=tf.nn.relu)                    # TFM230
            return tf.layers.dense(h, 1)

        def dense(x, n_in, n_out, name):
            with tf.variable_scope(name):
                w = tf.get_variable("w", [n_in, n_out])                           # TFM231
                ...

    In graph mode such a function ran once. In eager TensorFlow 2 it runs on every step, so each call
    would make fresh variables; and `tf.layers`, `tf.get_variable` and `tf.variable_scope` are gone from
    TF 2.21 (no `tf.compat.v1.layers`, no `track_tf1_style_variables` to wrap the code with).

What it writes
    TFM230 tf1-layer-call: each `tf.layers.<fn>(inputs, ...)` call site that owns variables (dense, conv*,
    batch normalization) becomes one Keras layer object, created once at module level (just before the
    function that uses it, or just before the module-level statement) and called where the old call was:

        model_dense = tf.keras.layers.Dense(16, activation=tf.nn.relu)
        model_dense_1 = tf.keras.layers.Dense(1)


        def model(x):
            h = model_dense(x)
            return model_dense_1(h)

    Layers without variables (pooling, flatten, dropout) are created once the same way, with no call
    counting (sharing them changes nothing), unless their arguments differ between calls: then they are
    built inline where the call was. TF1 defaults that differ from Keras are written out (dropout `rate=0.5`, `training=False`, initializer standard deviations), TF1
    initializers become `tf.keras.initializers.*`, a `tf.variable_scope` left holding only converted layers
    is removed, and a layer argument that is a parameter of the function takes the value every call passes.

    TFM231 tf1-get-variable: a small `VariableStore(tf.Module)` is written into the file once;
    `with tf.variable_scope(name):` becomes `with variable_store.scope(name):` and `tf.get_variable(name,
    shape, initializer=...)` becomes `variable_store.get(...)`, which returns the variable of that full
    scope/name, creating it the first time (TF1's own semantics for every program that ran).

    TFM233 tf1-layer-class: `tf.layers.Dense(...)` and the other TF1 layer classes become the Keras class,
    where the object is created once (module level, `__init__`, `build`).

    TFM234 keras-layer-built-per-call: `tf.keras.layers.Dense(64)(x)` built where it is called, inside the
    graph-building code of a TF1 program (placeholders, Session) or an eager GradientTape program, is
    created once the same way as TFM230 (every call counts: variable-scope reuse never shared Keras layers).

    TFM232 tf1-variable-collection (manual): `tf.trainable_variables()`, `tf.get_collection(...)` in a file
    whose variables moved are reported, naming the layer objects / store that now hold them.

Why it can be proven
    One call site = one layer is TF1's semantics when the graph-building function runs once: the rule
    counts the calls of the function in the file (through the functions that call it) and converts only
    when exactly one call creates the variables, the others reusing them through a `reuse` parameter passed
    to `tf.variable_scope(name, reuse=reuse)` (or an `AUTO_REUSE` scope). In an eager file (one that uses
    `tf.GradientTape` and no Session or placeholder), TF1's helpers made new variables on every call, the
    bug this fixes: the function is one model, however often it is called. For `tf.get_variable`, TF1 raised
    on a second creation without reuse, so a store that returns the existing variable does what TF1 did in
    every run that succeeded. Anything else (calls in loops of a graph program, a function never called in
    the file, arguments that differ between calls, regularizers, `reuse=` on a layer, `default_name`
    scopes, `as scope`, variables inside classes) is reported for a person, with what to do.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider

from tf2migrate.traversal import find

from . import arg_scopes, collection_var_lists, graph_shared_layers, legacy_keras
from .base import Codemod
from .contrib_layer_specs import ARG_SCOPES, CONTRIB_LAYER_RULE, contrib_bessel
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name
from .names import dotted
from .tf1_variables_call_counts import CallCounts
from .tf1_variables_collections import CollectionFindings
from .tf1_variables_hoisting import Hoisting
from .tf1_variables_keras import KerasLayers
from .tf1_variables_layers import LayerBuilder
from .tf1_variables_model import _INTERESTING_TAILS, LayerSite, Plan, Unsupported, _collect, _tail
from .tf1_variables_rules import CLASS_RULE, COLLECTION_RULE, KERAS_RULE, LAYER_RULE, STORE_RULE
from .tf1_variables_store import VariableStorePlan, _is_preamble
from .tf1_variables_tables import LAYER_CLASSES, LAYERS, _code, _contrib_layer_name, _spelled, graph_unproven


class Tf1Variables(LayerBuilder, Hoisting, CallCounts, KerasLayers, VariableStorePlan, CollectionFindings, Codemod):
    """TFM230-TFM234 and TFM237 (the module docstring says what it matches and writes).

    `visit_Module` finds the layer calls, `tf.get_variable`s and collections of a file, reports them and
    plans the rewrite (`Plan`, codemods/tf1_variables_model.py); `_plan_scope_removal` unwraps the variable
    scopes left holding only converted layers; the `leave_*` methods below apply the plan. The rest is in
    the bases, one module each: the Keras constructor and call of a layer site (`LayerBuilder`,
    tf1_variables_layers.py, from the tables of tf1_variables_tables.py), its arguments and name where it
    is created once (`Hoisting`, tf1_variables_hoisting.py), the proof that one call site is one layer
    (`CallCounts`, tf1_variables_call_counts.py), TF1 layer classes and Keras layers built per call
    (`KerasLayers`, tf1_variables_keras.py), the variable store (`VariableStorePlan`,
    tf1_variables_store.py), collection lookups (`CollectionFindings`, tf1_variables_collections.py). The
    rules' docs are in tf1_variables_rules.py.
    """

    RULES = (LAYER_RULE, STORE_RULE, COLLECTION_RULE, CLASS_RULE, KERAS_RULE, CONTRIB_LAYER_RULE, collection_var_lists.RULE)
    TRIGGERS = ("layers", "get_variable", "contrib")
    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    def __init__(self, context, run) -> None:
        super().__init__(context, run)
        self.plan = Plan()
        self.var_lists = collection_var_lists.Rewrites()  # TFM271
        self.tf = "tf"
        self._shares: bool | None = None

    # -- analysis ------------------------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node
        # `tf.keras` is the same Keras 3 under `tensorflow` and `tensorflow.compat.v1`: use the file's alias.
        self.alias = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or module_alias(node, "tensorflow.compat.v2")
        self.tf = self.alias or "tf"
        collected = _collect(node)
        # In a file left in graph mode, `--legacy-keras-fallback` keeps `tf.layers` (it runs on tf_keras there).
        self.legacy = self.run.selection.legacy_keras_fallback or legacy_keras.opted_in(node)
        self.taken = set(collected.names)
        self.written = graph_shared_layers.written_names(node)
        self.withs = collected.withs
        # Only calls spelled like something this module handles are resolved (resolution is the slow part).
        self.resolved: dict[cst.CSTNode, str | None] = {}
        self.candidates = [
            c for c in collected.calls
            if _tail(c) in _INTERESTING_TAILS or ".layers." in (dotted(c.func) or "")
            or (isinstance(c.func, cst.Name) and c.func.value in collected.from_imported)
        ]  # fmt: skip
        # `SomeLayer(...)(x)`: the inner call is resolved when it is spelled like a class.
        self.keras_calls = [c for c in collected.calls if isinstance(c.func, cst.Call) and _tail(c.func)[:1].isupper()]
        for call in self.keras_calls:
            self.resolved[call.func] = self.qualified_name(call.func)
        for call in self.candidates:
            self.resolved[call] = self.qualified_name(call)
        self.scope_references = [n for n in collected.dotted if _tail(n) == "variable_scope"]
        self.app_runs = [c for c in collected.calls if (dotted(c.func) or "").endswith("app.run") and self.qualified_name(c) in ("tf.app.run", "absl.app.run")]
        # An eager program (GradientTape, no Session or placeholder): TF1 helpers made new variables on every
        # call there, which is the bug being fixed; a model function is one model however often it is called.
        called = {self.resolved[call] for call in self.candidates}
        self.eager = "tf.GradientTape" in called and not called & {"tf.Session", "tf.InteractiveSession", "tf.placeholder"}
        self.sessions = bool(called & {"tf.Session", "tf.InteractiveSession"})
        self.call_counts: dict[tuple[cst.FunctionDef, bool], int | str] = {}
        self.classes: dict[cst.Call, LayerSite] = {}
        self.keras_builders: dict[cst.FunctionDef | None, bool] = {}
        sites: list[LayerSite] = []
        arg_scope = any(self.resolved[c] in ARG_SCOPES for c in self.candidates)
        self.scope_defaults: dict[cst.Call, list[tuple[str, cst.BaseExpression]]] = {}
        expansion = None
        if arg_scope:
            local_functions = {f.name.value for f in find(node, cst.FunctionDef)}  # type: ignore[attr-defined]
            expansion = arg_scopes.expand(node, self.qualified_name, ARG_SCOPES, _contrib_layer_name, local_functions)
            if expansion is not None:
                self.scope_defaults = expansion.defaults
                arg_scope = False
        for call in self.candidates:
            name = self.resolved[call]
            if name is not None and _contrib_layer_name(name):
                kind = "contrib.layers." + name.split(".")[-1]
                if not self.enabled(CONTRIB_LAYER_RULE.code):
                    continue
                if arg_scope:
                    self.flag(call, CONTRIB_LAYER_RULE.code, f"`{name}` left as it is: this file uses `arg_scope`, whose defaults the Keras layer would not get; write them into the calls, remove the scope, and run the tool again")
                    continue
                try:
                    site = self._site(call, kind)
                    self._build(site)
                except Unsupported as reason:
                    site = self._graph_inline(call, kind)
                    if site is None:
                        self.flag(call, CONTRIB_LAYER_RULE.code, f"`{name}` left as it is: {reason}")
                        continue
                sites.append(site)
                continue
            if name is None or not name.startswith("tf.layers.") or name.count(".") != 2:
                continue
            kind = name.split(".")[-1]
            if kind in LAYER_CLASSES:
                self._layer_class(call, kind)
                continue
            if kind not in LAYERS:
                if kind[:1].islower() and self.enabled(LAYER_RULE.code):
                    self.flag(call, LAYER_RULE.code, f"`tf.layers.{kind}` is gone in TF 2.21 and has no automatic rewrite: create the matching `tf.keras.layers` object once and call it here")
                continue
            if not self.enabled(LAYER_RULE.code):
                continue
            try:
                site = self._site(call, kind)
                self._build(site)
            except Unsupported as reason:
                site = self._graph_inline(call, kind)
                if site is None:
                    self.flag(call, LAYER_RULE.code, f"`tf.layers.{kind}` left as it is: {reason}")
                    continue
            sites.append(site)
        for site in sites:
            if self.run.graph_mode and self.legacy and not site.kind.startswith("contrib."):
                continue  # the fallback runs `tf.layers` itself on tf_keras (TFM260)
            if self.run.graph_mode and LAYERS[site.kind].keras == "Dropout":
                try:
                    self._graph_dropout(site)
                except Unsupported as reason:
                    self.flag(site.call, _code(site.kind), f"`{_spelled(site.kind)}` left as it is: {reason}")
                    continue
            unproven = None if site.graph_inline else graph_unproven(LAYERS[site.kind], self._pairs(site.call, site.kind))
            if self.run.graph_mode and unproven is not None:
                self.flag(site.call, _code(site.kind), f"`{_spelled(site.kind)}` left as it is: {unproven}")
                continue
            bessel = contrib_bessel(LAYERS[site.kind], self._arguments(site.call, LAYERS[site.kind], site.kind)[1])
            if not self.offer_fix(site.call, _code(site.kind), self._message(site) + (bessel or ""), unsafe=bessel is not None):
                continue
            if unproven is not None or self.legacy:
                self.run.graph_unproven += 1
            self.plan.sites[site.call] = site
            schedule_removal_of_imports_used_by(self.context, site.call.func)
            if site.hoisted:
                anchor = site.function if site.function is not None else site.statement
                self.plan.before.setdefault(anchor, []).append(site)
        if expansion is not None:
            for block, covered in expansion.blocks.items():
                if all(call in self.plan.sites for call in covered) and isinstance(block.body, cst.IndentedBlock):
                    self.plan.unwrap.add(block)  # its defaults are in the calls now
                    schedule_removal_of_imports_used_by(self.context, block.items[0].item.func)  # type: ignore[attr-defined]
        self.plan.sites.update(self.classes)
        graph_or_tape = bool(called & {"tf.Session", "tf.InteractiveSession", "tf.placeholder", "tf.GradientTape"})
        if self.enabled(KERAS_RULE.code) and graph_or_tape:
            self._keras_layers()
        if self.plan.sites:
            self._plan_scope_removal(node)
        if self.enabled(STORE_RULE.code):
            self._plan_store(node)
        # With TFM293's functions, variables made by get_variable stay in TF1's collections: only a Keras layer with
        # variables (or the store) would be missing from them.
        kept_in_collections = bool(self.written) and not self.plan.store_calls and not any(
            site.kind not in LAYERS or LAYERS[site.kind].stateful for site in self.plan.sites.values())
        if (self.plan.sites or self.plan.store_calls) and (self.enabled(COLLECTION_RULE.code) or self.enabled(collection_var_lists.RULE.code)) and not kept_in_collections:
            self._flag_collections(node)
        if (self.plan.sites or self.plan.store_calls) and self.alias is None:
            self.tf = tensorflow_name(self.context, node)
        for created in self.plan.before.values():
            created.sort(key=lambda site: self.position(site.call))  # in the order the old calls were written

    def _message(self, site: LayerSite) -> str:
        spec = LAYERS[site.kind]
        if site.graph_inline:
            made = "`tf.nn.dropout` (TF1's dropout as graph ops: Keras 3 `Dropout` cannot take TF1's `training` there)" if spec.keras == "Dropout" else f"`tf.keras.layers.{spec.keras}` built in the call, a new layer each time it runs, as TF1 made one"
            return f"`{_spelled(site.kind)}` is gone in TF 2.21; this file stays in graph mode (TFM260): now {made}"
        where = f"before `{site.function.name.value}`" if site.function is not None else "at module level"
        if spec.stateful:
            return f"`{_spelled(site.kind)}` (gone in TF 2.21) makes variables on every eager call: now `tf.keras.layers.{spec.keras}` created once ({site.object_name}, {where})"
        if site.hoisted:
            return f"`{_spelled(site.kind)}` is gone in TF 2.21: now `tf.keras.layers.{spec.keras}` created once ({site.object_name}, {where})"
        return f"`{_spelled(site.kind)}` is gone in TF 2.21: now `tf.keras.layers.{spec.keras}` (no variables, built inline: its arguments change between calls)"

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _plan_scope_removal(self, module: cst.Module) -> None:
        """`with tf.variable_scope(<name>[, reuse=...]):` whose layers are all converted and that holds nothing
        else variable-related: the block is kept, the `with` goes (Keras layers ignore variable scopes)."""
        for node in self.withs:
            scope_call = self._variable_scope(node)
            if scope_call is None:
                continue
            if any(a.keyword is not None and a.keyword.value not in ("reuse", "name_or_scope") for a in scope_call.args):
                continue
            inside = _collect(node.body)
            if any(isinstance(c.func, cst.Name) and c.func.value in self.written for c in inside.calls):
                continue  # TFM293's functions make their variables with get_variable in this scope
            calls = set(inside.calls)
            layer_calls = [c for c in self.candidates if c in calls and (self.resolved[c] or "").startswith("tf.layers.")]
            keras_converted = [c for c in self.keras_calls if c in calls and c in self.plan.sites]
            if not (layer_calls or keras_converted) or any(c not in self.plan.sites for c in layer_calls):
                continue
            if any((self.qualified_name(n) or "").startswith("tf.summary.") for n in inside.dotted):
                continue  # the scope names the summaries in it (TF1's tag `Net/pred`): kept for the Session rewrite
            other = {"tf.get_variable", "tf.get_variable_scope", "tf.get_local_variable", "tf.variable_scope", "tf.Variable"}
            other_tails = {name.split(".")[-1] for name in other}
            named = [self.qualified_name(n) for n in inside.dotted if _tail(n) in other_tails or _tail(n).endswith("_variables")]
            if any(n in other or (n or "").endswith("_variables") for n in named):
                continue
            if not isinstance(node.body, cst.IndentedBlock):
                continue
            self.plan.unwrap.add(node)
            name = scope_call.args[0].value if scope_call.args else None
            if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
                held = [self.plan.sites[c].object_name for c in layer_calls if self.plan.sites[c].object_name]
                self.plan.scope_layers.setdefault(name.evaluated_value, []).extend(held)

    def _fresh(self, base: str) -> str:
        candidate, index = base, 0
        while candidate in self.taken:
            index += 1
            candidate = f"{base}_{index}"
        self.taken.add(candidate)
        return candidate

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.plan.store_calls:
            return updated_node
        body = list(updated_node.body)
        index = 0
        while index < len(body) and _is_preamble(body[index], index):
            index += 1
        statements = self._store_statements()
        if index < len(body):
            following = body[index]
            comments = [line for line in following.leading_lines if line.comment is not None]
            body[index] = following.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *comments])
        else:
            statements[-1] = statements[-1]
        return updated_node.with_changes(body=[*body[:index], *statements, *body[index:]])

    # -- rewriting ------------------------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self.plan.store_calls:
            return self.plan.store_calls[original_node]
        site = self.plan.sites.get(original_node)
        if site is not None and site.invocation is None and site.constructor is not None:
            return site.constructor  # a TF1 layer class: the Keras class, where it was
        if site is None or site.invocation is None:
            return updated_node
        if site.inputs_index < 0:  # a Keras layer built in the call: the call's own (rewritten) arguments
            return updated_node.with_changes(func=site.invocation.func)
        # The inputs as rewritten (they may hold a converted call themselves).
        inputs = updated_node.args[site.inputs_index].value
        args = [site.invocation.args[0].with_changes(value=inputs), *site.invocation.args[1:]]
        return site.invocation.with_changes(args=args)  # type: ignore[return-value]

    def _creation_lines(self, anchor: cst.CSTNode) -> list[cst.SimpleStatementLine]:
        lines = []
        for site in self.plan.before.get(anchor, []):
            assert site.constructor is not None
            assign = cst.Assign(targets=[cst.AssignTarget(target=cst.Name(site.object_name))], value=site.constructor)  # type: ignore[arg-type]
            lines.append(cst.SimpleStatementLine(body=[assign]))
        return lines

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        listed = self.var_lists.var_lists.get(original_node)
        return updated_node if listed is None else updated_node.with_changes(value=listed)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        lines = self._creation_lines(original_node)
        if original_node in self.var_lists.removed:  # TFM271: the collection is written where `minimize` uses it
            if not lines:
                return cst.RemoveFromParent()
            lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
            return cst.FlattenSentinel(lines)
        if not lines:
            return updated_node
        lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([*lines, updated_node.with_changes(leading_lines=())])

    def leave_FunctionDef(self, original_node, updated_node):
        lines = self._creation_lines(original_node)
        if not lines:
            return updated_node
        leading = list(updated_node.leading_lines)
        blank = []
        while leading and leading[0].comment is None:
            blank.append(leading.pop(0))
        lines[0] = lines[0].with_changes(leading_lines=blank)
        separation = [cst.EmptyLine(), cst.EmptyLine()]
        return cst.FlattenSentinel([*lines, updated_node.with_changes(leading_lines=[*separation, *leading])])

    def leave_With(self, original_node: cst.With, updated_node: cst.With):
        if original_node not in self.plan.unwrap:
            return updated_node
        body = list(updated_node.body.body)  # type: ignore[union-attr]
        if body:
            first = body[0]
            own = list(first.leading_lines)
            while own and own[0].comment is None:
                own.pop(0)  # the blank line under the `with` would open the block
            body[0] = first.with_changes(leading_lines=[*updated_node.leading_lines, *own])
        return cst.FlattenSentinel(body)


CODEMOD = Tf1Variables
