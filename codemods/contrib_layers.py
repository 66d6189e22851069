"""TFM235-TFM236: `tf.contrib` initializers and regularizers become their Keras 3 counterparts.

What it matches
    Calls of `tf.contrib.layers.xavier_initializer(...)`, `xavier_initializer_conv2d(...)`,
    `variance_scaling_initializer(...)` (TFM235) and `tf.contrib.layers.l1_regularizer`, `l2_regularizer`,
    `l1_l2_regularizer` (TFM236), in every spelling the imports allow (`tf.contrib.layers.X`,
    `from tensorflow.contrib.layers import xavier_initializer`, `import tensorflow.contrib.slim as slim`
    then `slim.xavier_initializer()`), wherever they are: `tf.get_variable(initializer=...)`,
    `tf.layers.dense(kernel_initializer=...)`, module-level names. Inside `add_weight` they belong to
    TFM109 (`layer_variables`), which runs first; both use one table (`codemods/tf1_initializers.py`).
What it writes
    TFM235: `GlorotUniform(seed=)` for `xavier_initializer()` (uniform), and `VarianceScaling(scale=factor
    * 1.3 * 0.87962566103423978**2, mode=, distribution="truncated_normal")` for the normal forms: TF1
    contrib drew from a truncated normal of stddev `sqrt(1.3 * factor / n)` (its defaults: factor=2.0,
    mode='FAN_IN', uniform=False), which is that Keras initializer exactly. Uniform variance scaling keeps
    `scale=factor`. Keras initializers are callables `(shape, dtype)`: `tf.get_variable` calls them in v1
    graph mode too (measured), so the rewrite also holds in files left in graph mode (TFM260).
    TFM236: `l2_regularizer(scale)` was `scale * tf.nn.l2_loss(w)`, half the sum of squares: it becomes
    `tf.keras.regularizers.L2(scale / 2)`; `l1_regularizer(scale)` becomes `L1(scale)`; `l1_l2_regularizer`
    `L1L2(l1=, l2=scale_l2 / 2)`. Keras 3 regularizers cannot read TF1's reference variables, so in a file
    left in graph mode the penalty is written out instead (`lambda weights: scale * tf.nn.l2_loss(weights)`,
    TF1's own formula), when the scales are numbers; otherwise it is reported.
Why
    `tf.contrib` is gone from TensorFlow 2 and from `tf.compat.v1`: every such call raises AttributeError,
    also in the graph-mode fallback. `xavier_initializer` alone is the most frequent `tf.contrib` use in
    TF1 tutorials. Arguments that decide the form (`uniform`, `mode`) must be literals; else reported.
"""

from __future__ import annotations

import libcst as cst

from tf2migrate.findings import FixKind

from .base import Codemod, Rule
from .builders import with_commas
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name
from .tf1_initializers import CONTRIB_INITIALIZERS, CONTRIB_REGULARIZERS, KERAS_PARAMS, TF1_INITIALIZERS, contrib_initializer

INITIALIZER_RULE = Rule(
    code="TFM235",
    name="contrib-initializer",
    fix=FixKind.SAFE,
    summary="`tf.contrib.layers.xavier_initializer` / `variance_scaling_initializer` become the Keras initializer that draws the same distribution.",
    explanation="""
        `tf.contrib` is gone from TensorFlow 2 (also from `tf.compat.v1`). `xavier_initializer(uniform=True)`
        is Keras' `GlorotUniform`. The normal forms are truncated normals whose stddev TF1 contrib computed
        as `sqrt(1.3 * factor / n)`, while Keras divides `sqrt(scale / n)` by the exact truncation constant
        0.87962566103423978: the rewrite writes `VarianceScaling(scale=factor * 1.3 * 0.87962566103423978**2,
        mode=..., distribution="truncated_normal")`, the same distribution (Keras' `GlorotNormal` would be
        0.6% narrower). `variance_scaling_initializer()`'s TF1 defaults (factor=2.0, mode='FAN_IN',
        uniform=False) are written out. Keras initializers also work with `tf.get_variable` in a file left
        in graph mode. `uniform` / `mode` that are not literals are reported.
    """,
    before="""
        w = tf.get_variable("w", [784, 10], initializer=tf.contrib.layers.xavier_initializer())
        v = tf.get_variable("v", [10, 10], initializer=tf.contrib.layers.variance_scaling_initializer())
    """,
    after="""
        w = tf.get_variable("w", [784, 10], initializer=tf.keras.initializers.GlorotUniform())
        v = tf.get_variable("v", [10, 10], initializer=tf.keras.initializers.VarianceScaling(scale=2.0 * 1.3 * 0.87962566103423978**2, mode="fan_in", distribution="truncated_normal"))
    """,
)

REGULARIZER_RULE = Rule(
    code="TFM236",
    name="contrib-regularizer",
    fix=FixKind.SAFE,
    summary="`tf.contrib.layers.l2_regularizer(scale)` and the L1 / L1L2 forms become Keras regularizers with the same penalty.",
    explanation="""
        `tf.contrib` is gone from TensorFlow 2. TF1's `l2_regularizer(scale)` returned `scale *
        tf.nn.l2_loss(w)`, which is half the sum of squares: Keras' `L2(l2)` is `l2 * sum(w**2)`, so the
        rewrite is `L2(scale / 2)` (`L1(scale)` for the L1 form, `L1L2(l1=, l2=scale_l2 / 2)`). In a file left
        in graph mode (TFM260) Keras 3 regularizers cannot read TF1's reference variables; there the
        penalty is written out as TF1 computed it, `lambda weights: scale * tf.nn.l2_loss(weights)`, when
        the scales are plain numbers, and reported otherwise.
    """,
    before="""
        w = tf.get_variable("w", [4, 4], regularizer=tf.contrib.layers.l2_regularizer(0.01))
    """,
    after="""
        w = tf.get_variable("w", [4, 4], regularizer=tf.keras.regularizers.L2(0.005))
    """,
)


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))


def _number(node: cst.BaseExpression) -> float | None:
    sign = 1.0
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        sign, node = -1.0, node.expression
    if isinstance(node, (cst.Integer, cst.Float)):
        return sign * float(node.evaluated_value)
    return None


def _half(value: cst.BaseExpression) -> cst.BaseExpression:
    number = _number(value)
    if number is not None:
        return cst.parse_expression(repr(number / 2))
    operand = value if isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) else value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.BinaryOperation(left=operand, operator=cst.Divide(), right=cst.Integer("2"))


class Unmapped(Exception):
    """The call is left as it is; the message says why."""


class ContribLayers(Codemod):
    RULES = (INITIALIZER_RULE, REGULARIZER_RULE)
    TRIGGERS = ("contrib",)

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self.replacements: dict[cst.Call, cst.BaseExpression] = {}
        self.tf = "tf"

    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node
        self.tf = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or ""

    def _spelling(self) -> str:
        if not self.tf:
            self.tf = tensorflow_name(self.context, self.tree)
        return self.tf

    def visit_Call(self, node: cst.Call) -> None:
        name = self.qualified_name(node)
        if name is None or not name.startswith("tf.contrib."):
            return
        if name in TF1_INITIALIZERS and TF1_INITIALIZERS[name][0] in CONTRIB_INITIALIZERS:
            code, short = INITIALIZER_RULE.code, name.rsplit(".", 1)[-1]
            make = self._initializer
        elif name in CONTRIB_REGULARIZERS:
            code, short = REGULARIZER_RULE.code, name.rsplit(".", 1)[-1]
            make = self._regularizer
        else:
            return
        if not self.enabled(code):
            return
        try:
            new, message = make(name, node)
        except Unmapped as reason:
            self.flag(node, code, f"`{short}` (tf.contrib, gone in TF 2) left as it is: {reason}")
            return
        if self.offer_fix(node, code, f"`{short}` (tf.contrib, gone in TF 2): {message}"):
            self.replacements[node] = new
            schedule_removal_of_imports_used_by(self.context, node.func)

    def _bind(self, name: str, call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
        bound: dict[str, cst.BaseExpression] = {}
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unmapped("arguments passed with `*` / `**`: write the Keras object by hand")
            key = arg.keyword.value if arg.keyword is not None else (params[index] if index < len(params) else None)
            if key is None or key not in params:
                raise Unmapped(f"argument `{key}` of `{name}` not understood")
            bound[key] = arg.value
        return bound

    def _initializer(self, name: str, call: cst.Call) -> tuple[cst.BaseExpression, str]:
        keras_name, params, _defaults = TF1_INITIALIZERS[name]
        bound = self._bind(name, call, params)
        bound.pop("dtype", None)  # the variable's dtype decides, as with get_variable
        try:
            keras_name, bound = contrib_initializer(keras_name, bound, lambda text: cst.SimpleString(f'"{text}"'))
        except ValueError as reason:
            raise Unmapped(f"{reason}; pick the `tf.keras.initializers` object by hand") from None
        if "seed" in bound and isinstance(bound["seed"], cst.Name) and bound["seed"].value == "None":
            del bound["seed"]
        args = [_kw(key, bound[key]) for key in KERAS_PARAMS[keras_name] if key in bound]
        new = cst.Call(func=cst.parse_expression(f"{self._spelling()}.keras.initializers.{keras_name}"), args=with_commas(args))
        return new, f"now `keras.initializers.{keras_name}`, the same distribution"

    def _regularizer(self, name: str, call: cst.Call) -> tuple[cst.BaseExpression, str]:
        params, keras_name, keras_keys = CONTRIB_REGULARIZERS[name]
        bound = self._bind(name, call, params)
        bound.pop("scope", None)
        missing = [key for key in keras_keys if key not in bound]
        if missing:
            raise Unmapped(f"no `{missing[0]}` given")
        tf = self._spelling()
        if self.run.graph_mode:
            if any(_number(bound[key]) is None for key in keras_keys):
                raise Unmapped("this file stays in graph mode (TFM260), where Keras 3 regularizers cannot read TF1 variables, and the scale is not a number: write `lambda weights: scale * tf.nn.l2_loss(weights)`")
            terms = []
            for key in keras_keys:
                scale = cst.Module(body=[]).code_for_node(bound[key])
                terms.append(f"{scale} * {tf}.nn.l2_loss(weights)" if keras_keys[key] == "l2" else f"{scale} * {tf}.reduce_sum({tf}.abs(weights))")
            return cst.parse_expression(f"lambda weights: {' + '.join(terms)}"), "this file stays in graph mode, where Keras 3 regularizers cannot read TF1 variables: TF1's penalty written out"
        values = {keras_keys[key]: (_half(bound[key]) if keras_keys[key] == "l2" else bound[key]) for key in keras_keys}
        if len(values) == 1:
            args = [cst.Arg(value=next(iter(values.values())))]
        else:
            args = [_kw(key, value) for key, value in values.items()]
        self.run.graph_unproven += 1  # Keras 3 regularizers fail on TF1 reference variables in graph mode
        new = cst.Call(func=cst.parse_expression(f"{tf}.keras.regularizers.{keras_name}"), args=with_commas(args))
        half = " (TF1's L2 was scale * l2_loss, half the sum of squares: the scale is halved)" if "l2" in values else ""
        return new, f"now `keras.regularizers.{keras_name}`{half}"

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self.replacements.get(original_node, updated_node)


CODEMOD = ContribLayers
