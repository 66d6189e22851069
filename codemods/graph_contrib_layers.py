"""TFM281/TFM282 graph-contrib-layer: contrib `fully_connected` with `normalizer_fn=batch_norm` in a graph-mode file.

What it matches
    In a file that stays in graph mode (TFM260, the engine's graph-mode pass), the calls of
    `tf.contrib.layers.fully_connected` (or `slim.fully_connected`) that pass `normalizer_fn=` a contrib
    `batch_norm` (directly or through an `arg_scope` block, expanded by `codemods/arg_scopes.py`), with
    `normalizer_params` a dict literal, or a name bound once to one, whose keys the written batch norm takes:

        bn_params = {'is_training': train_mode, 'decay': 0.9, 'updates_collections': None}
        with arg_scope([fully_connected], activation_fn=tf.nn.relu, normalizer_fn=batch_norm, normalizer_params=bn_params):
            hidden_layer1 = fully_connected(X, 512, scope="h1")

What it writes (TFM281)
    The calls become calls of `graph_fully_connected(...)` with `normalizer_fn=graph_batch_norm`, functions written
    into the file once, before the first module-level statement that uses them; the `arg_scope` block goes (its
    defaults are in the calls) and so do the contrib imports. They are TF 1.15's layers as graph ops on
    `tf.get_variable`: `fully_connected/weights` (and `biases` without a normalizer), the normalizer between the
    matmul and the activation; `BatchNorm/beta` (`gamma` with `scale=True`), `moving_mean` and `moving_variance`
    (also in MODEL_VARIABLES); TF1's fused batch norm (`tf.nn.fused_batch_norm`, the path TF 1.15 took for inputs
    of rank 2 and 4), `is_training` a bool or a tensor (`tf.cond`), the moving averages updated as
    `assign_moving_average` did, in place under the output with `updates_collections=None`, otherwise added to
    `UPDATE_OPS`. Same variable names (a Saver's keys match), same numbers.

When it declines (TFM282, manual)
    Other arguments (regularizers, `variables_collections`, `outputs_collections`, another normalizer, `batch_norm`'s
    `param_regularizers`, `batch_weights`, `fused=False`, `renorm`, `zero_debias_moving_mean`, data formats other
    than NHWC, `updates_collections` other than None or the default), `normalizer_params` that cannot be read,
    an `arg_scope` that cannot be expanded exactly. Every candidate call is then left as it is and reported; TFM237
    and TFM310 still say what is gone.

Why
    `tf.contrib` is gone from TensorFlow 2, so a program left in graph mode stopped at its contrib import
    (DeepLearningZeroToAll's lab-10-7); the Keras route does not fit a graph-mode file (a Keras 3
    BatchNormalization needs a Python bool for `training`, and TF1's fused kernel updated the moving variance
    with the unbiased batch variance).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import arg_scopes, legacy_keras
from .base import Codemod, Rule
from .contrib_layer_specs import ARG_SCOPES
from .imports import module_alias, schedule_removal_of_imports_used_by

MARK = "(written by tf2migrate, TFM281)"  # in the written functions' docstrings (graph_shared_layers.written, graph_layers)
FULLY_CONNECTED = frozenset({"tf.contrib.layers.fully_connected", "tf.contrib.slim.fully_connected"})
BATCH_NORM = frozenset({"tf.contrib.layers.batch_norm", "tf.contrib.slim.batch_norm"})
FC_PARAMETERS = ("inputs", "num_outputs", "activation_fn", "normalizer_fn", "normalizer_params", "weights_initializer",
                 "weights_regularizer", "biases_initializer", "biases_regularizer", "reuse", "variables_collections",
                 "outputs_collections", "trainable", "scope")  # fmt: skip
# TF1's positions, but not written: regularizers (TF1's layer added its losses its own way), collections.
FC_REFUSED = ("weights_regularizer", "biases_regularizer", "variables_collections", "outputs_collections")
BN_KEYS = frozenset({"decay", "center", "scale", "epsilon", "activation_fn", "param_initializers", "updates_collections", "is_training",
                     "reuse", "trainable", "scope", "fused", "data_format"})  # fmt: skip

HELPERS = '''
def FC(inputs, num_outputs, activation_fn=TF.nn.relu, normalizer_fn=None, normalizer_params=None, weights_initializer=None, biases_initializer=TF.zeros_initializer(), reuse=None, trainable=True, scope=None):
    """TF1's `tf.contrib.layers.fully_connected` as graph ops (written by tf2migrate, TFM281): `weights` / `biases` made by `get_variable` in the layer's variable scope (model variables, as TF1's), the normalizer between the matmul and the activation. (`weights_initializer=None`: `get_variable`'s default, Glorot uniform, as TF1's `xavier_initializer()`.)"""
    with TF.variable_scope(scope, default_name="fully_connected", values=[inputs], reuse=reuse):
        inputs = TF.convert_to_tensor(inputs)
        collections = [TF.GraphKeys.GLOBAL_VARIABLES, TF.GraphKeys.MODEL_VARIABLES]
        weights = TF.get_variable("weights", [inputs.shape[-1], num_outputs], inputs.dtype.base_dtype, initializer=weights_initializer, collections=collections, trainable=trainable)
        if inputs.shape.rank is not None and inputs.shape.rank > 2:
            outputs = TF.tensordot(inputs, weights, [[inputs.shape.rank - 1], [0]])
        else:
            outputs = TF.matmul(inputs, weights)
        if not normalizer_fn and biases_initializer is not None:
            biases = TF.get_variable("biases", [num_outputs], inputs.dtype.base_dtype, initializer=biases_initializer, collections=collections, trainable=trainable)
            outputs = TF.nn.bias_add(outputs, biases)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        return activation_fn(outputs) if activation_fn is not None else outputs


def BN(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None, param_initializers=None, updates_collections=TF.GraphKeys.UPDATE_OPS, is_training=True, reuse=None, trainable=True, scope=None, fused=None, data_format="NHWC"):
    """TF1's `tf.contrib.layers.batch_norm` as graph ops (written by tf2migrate, TFM281): its fused path (inputs of rank 2 or 4, NHWC, the path TF 1.15 took for them), `beta` / `gamma` / `moving_mean` / `moving_variance` made by `get_variable` in the `BatchNorm` scope, the moving averages updated as TF1's `assign_moving_average` did."""
    def cond(flag, true_fn, false_fn):  # TF1's `smart_cond`: a Python or constant flag decides now
        value = flag if isinstance(flag, bool) else TF.get_static_value(flag)
        if value is None:
            return TF.cond(flag, true_fn, false_fn)
        return true_fn() if value else false_fn()

    with TF.variable_scope(scope, default_name="BatchNorm", values=[inputs], reuse=reuse):
        inputs = original = TF.convert_to_tensor(inputs)
        rank = inputs.shape.rank
        if rank not in (2, 4) or data_format != "NHWC" or fused is False:
            raise ValueError("the batch_norm tf2migrate wrote (TFM281) is TF1's fused one: inputs of rank 2 or 4, NHWC")
        if rank == 2:
            inputs = TF.reshape(inputs, [-1, 1, 1, inputs.shape[-1]])
        shape = inputs.shape[-1:]
        dtype = TF.float32 if inputs.dtype == TF.float16 else inputs.dtype
        initializers = param_initializers or {}
        collections = [TF.GraphKeys.GLOBAL_VARIABLES, TF.GraphKeys.MODEL_VARIABLES]
        if center:
            beta = TF.get_variable("beta", shape, dtype, initializer=initializers.get("beta", TF.zeros_initializer()), collections=collections, trainable=trainable)
        else:
            beta = TF.constant(0.0, dtype=dtype, shape=shape)
        if scale:
            gamma = TF.get_variable("gamma", shape, dtype, initializer=initializers.get("gamma", TF.ones_initializer()), collections=collections, trainable=trainable)
        else:
            gamma = TF.constant(1.0, dtype=dtype, shape=shape)
        moving_mean = TF.get_variable("moving_mean", shape, dtype, initializer=initializers.get("moving_mean", TF.zeros_initializer()), trainable=False, collections=collections)
        moving_variance = TF.get_variable("moving_variance", shape, dtype, initializer=initializers.get("moving_variance", TF.ones_initializer()), trainable=False, collections=collections)
        outputs, mean, variance = cond(
            is_training,
            lambda: TF.nn.fused_batch_norm(inputs, gamma, beta, epsilon=epsilon),
            lambda: TF.nn.fused_batch_norm(inputs, gamma, beta, mean=moving_mean, variance=moving_variance, epsilon=epsilon, is_training=False),
        )
        training = is_training if isinstance(is_training, bool) else TF.get_static_value(is_training)
        if training is None or training:
            def updates():
                rate = TF.cast(TF.convert_to_tensor(1.0 - decay), moving_mean.dtype.base_dtype)
                return (TF.assign_sub(moving_mean, (moving_mean - mean) * rate), TF.assign_sub(moving_variance, (moving_variance - variance) * rate))

            if updates_collections is None:
                def forced():
                    with TF.control_dependencies(updates()):
                        return TF.identity(outputs)

                kept = outputs
                outputs = cond(is_training, forced, lambda: kept)
            else:
                update_mean, update_variance = cond(is_training, updates, lambda: (moving_mean, moving_variance))
                TF.add_to_collections(updates_collections, update_mean)
                TF.add_to_collections(updates_collections, update_variance)
        outputs.set_shape(inputs.shape)
        if rank == 2:
            outputs = TF.reshape(outputs, TF.shape(original))
        return activation_fn(outputs) if activation_fn is not None else outputs
'''

RULE = Rule(
    code="TFM281",
    name="graph-contrib-layer",
    fix=FixKind.SAFE,
    summary="In a graph-mode fallback file, contrib `fully_connected` with `normalizer_fn=batch_norm` (also through `arg_scope`) becomes graph functions written into the file (TF1's variable names, fused batch norm and moving-average updates).",
    explanation="""
        `tf.contrib` is gone from TensorFlow 2, so a Session program left in graph mode (TFM260) stopped at its
        `from tensorflow.contrib.layers import fully_connected, batch_norm`. Where `fully_connected` is given a
        contrib `batch_norm` as its normalizer (directly or by an `arg_scope` block, whose defaults are written
        into the calls and whose `with` goes), the calls become `graph_fully_connected(...,
        normalizer_fn=graph_batch_norm)`: TF 1.15's layers as graph ops, written into the file once, on
        `tf.get_variable` with TF1's names (`<scope>/weights`, `<scope>/BatchNorm/beta`, `moving_mean`,
        `moving_variance`), no bias under a normalizer, TF1's fused batch norm (the path TF 1.15 took for inputs
        of rank 2 and 4), `is_training` a bool or a tensor, the moving averages updated in place with
        `updates_collections=None` or added to `UPDATE_OPS` otherwise, as `assign_moving_average` did. The same
        data gives the same numbers; a Saver finds the same keys. Arguments the functions do not take are
        reported (TFM282).
    """,
    before="""
        bn_params = {'is_training': train_mode, 'decay': 0.9, 'updates_collections': None}
        with arg_scope([fully_connected], activation_fn=tf.nn.relu, normalizer_fn=batch_norm, normalizer_params=bn_params):
            hidden = fully_connected(X, 512, scope="h1")
    """,
    after="""
        def graph_fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None, ...):
            ...

        def graph_batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, ...):
            ...

        bn_params = {'is_training': train_mode, 'decay': 0.9, 'updates_collections': None}
        hidden = graph_fully_connected(X, 512, scope="h1", activation_fn=tf.nn.relu, normalizer_fn=graph_batch_norm, normalizer_params=bn_params)
    """,
)

REPORT_RULE = Rule(
    code="TFM282",
    name="graph-contrib-layer-not-converted",
    fix=FixKind.MANUAL,
    summary="A contrib `fully_connected` / `batch_norm` in a graph-mode fallback file with arguments the written graph functions do not reproduce: reported, left as it is.",
    explanation="""
        TFM281 writes TF1's `fully_connected` and fused `batch_norm` into a graph-mode file. Left as they are
        and reported: regularizers, `variables_collections` / `outputs_collections`, a normalizer other than contrib's
        `batch_norm`, `normalizer_params` that are not a dict literal (or a name bound once to one), batch norm
        options the fused path did not have or the functions do not write (`param_regularizers`,
        `batch_weights`, `fused=False`, `renorm`, `zero_debias_moving_mean`, NCHW), and an `arg_scope` that
        cannot be expanded exactly (a block calling the file's own functions, nested scopes). What to do: write
        the layer with `tf.compat.v1.get_variable` and `tf.nn.fused_batch_norm` by hand, or convert the program
        to Keras layers.
    """,
    before="""
        with arg_scope([fully_connected], normalizer_fn=batch_norm, variables_collections=["mine"]):
            hidden = fully_connected(X, 512)
    """,
    after="""
        with arg_scope([fully_connected], normalizer_fn=batch_norm, variables_collections=["mine"]):
            hidden = fully_connected(X, 512)  # reported
    """,
)


class GraphContribLayers(Codemod):
    RULES = (RULE, REPORT_RULE)
    TRIGGERS = ("normalizer_fn",)

    def visit_Module(self, node: cst.Module) -> bool:
        self.replaced: dict[int, cst.Call] = {}
        self.values: dict[int, cst.BaseExpression] = {}
        self.unwrap: set[int] = set()
        self.anchor: cst.CSTNode | None = None
        self.anchor_first: object = None  # the first statement the anchor became
        self.block = ""
        if self.run.selection.legacy_keras_fallback or legacy_keras.opted_in(node):
            return False
        calls = [c for c in find(node, cst.Call) if self.qualified_name(c.func) in FULLY_CONNECTED]  # type: ignore[attr-defined]
        scopes = [c for c in find(node, cst.Call) if self.qualified_name(c.func) in ARG_SCOPES]  # type: ignore[attr-defined]
        expansion = None
        if scopes:
            local = {f.name.value for f in find(node, cst.FunctionDef)}  # type: ignore[attr-defined]
            expansion = arg_scopes.expand(node, self.qualified_name, ARG_SCOPES, lambda name: name in FULLY_CONNECTED, local)
        defaults = expansion.defaults if expansion is not None else {}
        arguments = {id(call): self._arguments(call, defaults.get(call, [])) for call in calls}
        normalized = [call for call in calls if self._normalizer(arguments[id(call)]) is not None]
        if not normalized:
            return False
        if not self.run.graph_mode:
            self.run.graph_unproven += 1  # runs only where the file stays in graph mode: ask for that pass
            return False
        reasons = self._declined(node, normalized, calls, arguments, scopes, expansion)
        if reasons:
            for call, reason in reasons:
                self.flag(call, REPORT_RULE.code, f"contrib `fully_connected` with a `batch_norm` normalizer left as it is: {reason}")
            return False
        tf = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1")
        taken = {n.value for n in find(node, cst.Name)}  # type: ignore[attr-defined]
        fc_name, bn_name = self._free("graph_fully_connected", taken), self._free("graph_batch_norm", taken)
        uses = sorted(calls, key=self.position)
        count = f" ({len(calls)} calls)" if len(calls) > 1 else ""
        if not self.offer_fix(uses[0], RULE.code, f"contrib `fully_connected` with a `batch_norm` normalizer (tf.contrib, gone in TF2) in a file that stays in graph mode (TFM260): now TF 1.15's layers as graph functions written into this file, on `tf.get_variable` with TF1's variable names{count}"):
            return False
        bn_uses = {id(use) for use in self._batch_norm_uses(node)}
        for call in calls:
            # past `num_outputs`, positional arguments become keywords: the written function has no regularizer or collection parameters
            named = [(FC_PARAMETERS[index] if keyword is None and index >= 2 else keyword, value) for index, (keyword, value) in enumerate(arguments[id(call)])]
            args = [cst.Arg(value=cst.Name(bn_name) if id(value) in bn_uses else value, keyword=None if keyword is None else cst.Name(keyword), equal=cst.MaybeSentinel.DEFAULT if keyword is None else cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
                    for keyword, value in named]  # fmt: skip
            self.replaced[id(call)] = call.with_changes(func=cst.Name(fc_name), args=self._commas(call, args))
            schedule_removal_of_imports_used_by(self.context, call.func)
        for use in self._batch_norm_uses(node):
            self.values[id(use)] = cst.Name(bn_name)
            schedule_removal_of_imports_used_by(self.context, use)
        if expansion is not None:
            for block in expansion.blocks:
                self.unwrap.add(id(block))
            for call in expansion.scope_calls:
                schedule_removal_of_imports_used_by(self.context, call.func)
        self.block = HELPERS.replace("FC(", f"{fc_name}(").replace("BN(", f"{bn_name}(").replace("TF.", f"{tf}.")
        order = {id(statement): index for index, statement in enumerate(node.body)}
        self.anchor = min((self._module_statement(call) for call in calls), key=lambda statement: order[id(statement)])
        return True

    # -- what the calls are given ---------------------------------------------------------------
    def _arguments(self, call: cst.Call, defaults: list[tuple[str, cst.BaseExpression]]) -> list[tuple[str | None, cst.BaseExpression]]:
        """The call's own arguments, then the `arg_scope` defaults it does not give itself (keyword None: positional)."""
        given = [(arg.keyword.value if arg.keyword else None, arg.value) for arg in call.args]
        own = {keyword or (FC_PARAMETERS[index] if index < len(FC_PARAMETERS) else "") for index, (keyword, _) in enumerate(given)}
        return [*given, *[(keyword, value) for keyword, value in defaults if keyword not in own]]

    def _normalizer(self, arguments: list[tuple[str | None, cst.BaseExpression]]) -> cst.BaseExpression | None:
        value = self._keyword(arguments, "normalizer_fn", 3)
        return value if value is not None and self.qualified_name(value) in BATCH_NORM else None

    @staticmethod
    def _keyword(arguments: list[tuple[str | None, cst.BaseExpression]], name: str, position: int) -> cst.BaseExpression | None:
        for index, (keyword, value) in enumerate(arguments):
            if keyword == name or (keyword is None and index == position):
                return value
        return None

    def _declined(self, module: cst.Module, normalized: list[cst.Call], calls: list[cst.Call], arguments: dict, scopes: list[cst.Call],
                  expansion: arg_scopes.Expansion | None) -> list[tuple[cst.CSTNode, str]]:  # fmt: skip
        if scopes and expansion is None:
            return [(call, "its `arg_scope` cannot be expanded exactly (a block calling this file's functions, nested scopes, or the scope used otherwise)") for call in normalized]
        if module_alias(module, "tensorflow") is None and module_alias(module, "tensorflow.compat.v1") is None:
            return [(normalized[0], "the file has no module-level `import tensorflow` to write the functions on")]
        reasons: list[tuple[cst.CSTNode, str]] = []
        for call in calls:
            reason = self._unsupported(arguments[id(call)])
            if reason is not None:
                reasons.append((call, reason))
        for use in self._batch_norm_uses(module):
            parent = self.get_metadata(ParentNodeProvider, use, None)
            if isinstance(parent, cst.Call) and parent.func is use:
                reasons.append((use, "`batch_norm` is also called directly (only its use as `fully_connected`'s normalizer is written)"))
        listed = {id(element.value) for call in scopes if call.args for element in getattr(call.args[0].value, "elements", ())}
        for use in self._uses(module, FULLY_CONNECTED, "fully_connected"):
            parent = self.get_metadata(ParentNodeProvider, use, None)
            if not (isinstance(parent, cst.Call) and parent.func is use) and id(use) not in listed:
                reasons.append((use, "`fully_connected` is used other than called (its import would stay)"))
        return reasons

    def _unsupported(self, arguments: list[tuple[str | None, cst.BaseExpression]]) -> str | None:
        for index, (keyword, value) in enumerate(arguments):
            if keyword is None and index >= len(FC_PARAMETERS):
                return "more positional arguments than `fully_connected` takes"
            name = keyword or FC_PARAMETERS[index]
            if name in FC_REFUSED or name not in FC_PARAMETERS:
                return f"`{name}=` is not reproduced by the written function"
        normalizer = self._keyword(arguments, "normalizer_fn", 3)
        if normalizer is not None and self.qualified_name(normalizer) not in BATCH_NORM and not (isinstance(normalizer, cst.Name) and normalizer.value == "None"):
            return "a normalizer other than contrib's `batch_norm`"
        params = self._keyword(arguments, "normalizer_params", 4)
        if params is None or (isinstance(params, cst.Name) and params.value == "None"):
            return None
        literal = self._dict_literal(params)
        if literal is None:
            return "`normalizer_params` is not a dict literal (or a name bound once to one)"
        for element in literal.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return "`normalizer_params` has keys that are not string literals"
            key = element.key.evaluated_value
            if key not in BN_KEYS:
                return f"`batch_norm`'s `{key}` is not reproduced by the written function"
            if key == "updates_collections" and not (isinstance(element.value, cst.Name) and element.value.value == "None") and self.qualified_name(element.value) != "tf.GraphKeys.UPDATE_OPS":
                return "`updates_collections` other than None or `tf.GraphKeys.UPDATE_OPS`"
            if key == "fused" and not (isinstance(element.value, cst.Name) and element.value.value in ("None", "True")):
                return "`fused=` other than None or True (TF1's non-fused path is not written)"
            if key == "data_format" and not (isinstance(element.value, cst.SimpleString) and element.value.evaluated_value == "NHWC"):
                return "`data_format` other than 'NHWC'"
        return None

    def _dict_literal(self, node: cst.BaseExpression) -> cst.Dict | None:
        if isinstance(node, cst.Dict):
            return node
        if not isinstance(node, cst.Name):
            return None
        scope = self.get_metadata(ScopeProvider, node, None)
        bindings = scope[node.value] if scope is not None else set()
        if len(bindings) != 1:
            return None
        target = self.get_metadata(ParentNodeProvider, getattr(next(iter(bindings)), "node", None), None)
        assign = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.AssignTarget) else None
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.value, cst.Dict)):
            return None
        return assign.value

    def _batch_norm_uses(self, module: cst.Module) -> list[cst.BaseExpression]:
        return self._uses(module, BATCH_NORM, "batch_norm")

    def _uses(self, module: cst.Module, qualified: frozenset[str], leaf: str) -> list[cst.BaseExpression]:
        """The references (a name, or the top of an attribute chain) to one of `qualified`, outside imports."""
        found: list[cst.BaseExpression] = []
        for node in [*find(module, cst.Name), *find(module, cst.Attribute)]:  # type: ignore[attr-defined]
            if (node.value if isinstance(node, cst.Name) else node.attr.value) != leaf:
                continue
            parent = self.get_metadata(ParentNodeProvider, node, None)
            if isinstance(parent, (cst.ImportAlias, cst.ImportFrom)) or (isinstance(parent, cst.Attribute) and parent.attr is node):
                continue
            if self.qualified_name(node) in qualified:
                found.append(node)
        return found

    @staticmethod
    def _commas(call: cst.Call, args: list[cst.Arg]) -> list[cst.Arg]:
        """The call's own arguments with their own commas, then the added ones, `, ` between."""
        space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        result = []
        for index, arg in enumerate(args):
            last = index == len(args) - 1
            if index < len(call.args):
                comma = call.args[index].comma
                if isinstance(comma, cst.MaybeSentinel) and not last:
                    comma = space
            else:
                comma = cst.MaybeSentinel.DEFAULT if last else space
            result.append(arg.with_changes(comma=comma))
        return result

    @staticmethod
    def _free(name: str, taken: set[str]) -> str:
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    def _module_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current)
            if isinstance(parent, cst.Module):
                return current
            current = parent

    # -- the rewrite -------------------------------------------------------------------------------
    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        value = self.values.get(id(original_node))
        if value is not None:
            return value
        call = self.replaced.get(id(original_node))
        if call is not None:
            return self._rebuilt(updated_node, call)
        if id(original_node) in self.unwrap:
            result = self._unwrapped(updated_node)
        else:
            result = super().on_leave(original_node, updated_node)
        if original_node is self.anchor:
            self.anchor_first = result.nodes[0] if isinstance(result, cst.FlattenSentinel) and result.nodes else result
        return result

    @staticmethod
    def _rebuilt(updated: cst.Call, planned: cst.Call) -> cst.Call:
        """The planned call (its function, the `arg_scope` defaults added) with the call's own arguments as the
        transform left them."""
        args = [*updated.args, *planned.args[len(updated.args):]]
        return updated.with_changes(func=planned.func, args=[a.with_changes(comma=p.comma) for a, p in zip(args, planned.args)])

    @staticmethod
    def _unwrapped(updated: cst.With) -> cst.FlattenSentinel:
        body = list(updated.body.body)  # type: ignore[union-attr]
        if body:
            first = body[0]
            own = list(first.leading_lines)
            while own and own[0].comment is None:
                own.pop(0)
            body[0] = first.with_changes(leading_lines=[*updated.leading_lines, *own])
        return cst.FlattenSentinel(body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.block:
            return updated_node
        functions = cst.parse_module(self.block.lstrip("\n"), config=original_node.config_for_parsing).body
        body: list[cst.BaseStatement] = []
        for new in updated_node.body:
            if new is self.anchor_first:
                for function in functions:
                    body.append(function.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]))
                if not any(line.comment is None for line in new.leading_lines):
                    new = new.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *new.leading_lines])
            body.append(new)
        return updated_node.with_changes(body=body)


CODEMOD = GraphContribLayers
