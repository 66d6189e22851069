"""`self.add_weight(...)` calls written for Keras 2, for layer_variables (TFM108, TFM109).

What it matches
    `self.add_weight('name', shape, ...)` with positional arguments (Keras 2 took the name first) and
    `self.add_variable(...)` (Keras 2 only) in a method of a Keras layer class (`_is_add_weight`,
    `_plan_add_weight`); a TF1 initializer object or `tf.contrib` regularizer given to it.

What it writes
    TFM108: the same call with keyword arguments in Keras 2's positional order (`_keras2_keywords`),
    `add_variable` spelled `add_weight`. TFM109: the Keras initializer or regularizer with the same arguments
    and TF1's defaults (`_regularizer`; initializers through codemods/layer_variables_values.py).

Why: Keras 3 takes `(shape, initializer, ...)` positionally, so a Keras 2 positional call passes the name as
the shape; TF1 initializer and contrib regularizer objects are gone. `Keras2AddWeight` is a part of the
`LayerVariables` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst

from .builders import dotted, with_commas
from .layer_variables_model import MethodInfo, Unmappable, _literal_or_none, keyword
from .layer_variables_rules import ADD_WEIGHT_ARGUMENTS, ADD_WEIGHT_POSITIONAL
from .tf1_initializers import CONTRIB_REGULARIZERS, TF1_INITIALIZERS


class Keras2AddWeight:
    """Rewrites Keras 2 `add_weight` / `add_variable` calls (a part of `LayerVariables`)."""

    def _is_add_weight(self, call: cst.Call, method: MethodInfo) -> bool:
        func = call.func
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == method.self_name
            and func.attr.value in ("add_weight", "add_variable")
        )

    # -- add_weight written for Keras 2 ------------------------------------------------------------
    def _plan_add_weight(self, call: cst.Call, method: MethodInfo) -> None:
        func = call.func
        assert isinstance(func, cst.Attribute)
        if any(a.star for a in call.args):
            return
        positional = [a for a in call.args if a.keyword is None]
        args = list(call.args)
        changed = False
        if positional or func.attr.value == "add_variable":
            keywords = self._keras2_keywords(call, positional)
            what = "`add_variable` (Keras 2 only)" if func.attr.value == "add_variable" else "Keras 2 positional `add_weight(name, shape, ...)`"
            if keywords is not None and self.offer_fix(call, ADD_WEIGHT_POSITIONAL.code, f"{what}: Keras 3 takes (shape, initializer, ...) positionally; now keyword arguments"):
                args, changed = keywords, True
        # TF1 initializer and regularizer objects handed to add_weight
        mapped_args = []
        mapped_any = False
        for arg in args:
            key = arg.keyword.value if arg.keyword is not None else None
            new_value = None
            if key == "initializer":
                try:
                    mapped = self._initializer_object(arg.value) if self.qualified_name(arg.value) in TF1_INITIALIZERS else None
                except Unmappable:
                    mapped = None
                if mapped is not None and mapped[1] is None:
                    new_value = mapped[0]
            elif key == "regularizer":
                regularizer = self._regularizer(arg.value)
                if regularizer is not arg.value:
                    new_value = regularizer
            if new_value is not None:
                mapped_any = True
                arg = arg.with_changes(value=new_value)
            mapped_args.append(arg)
        if mapped_any and self.offer_fix(call, ADD_WEIGHT_ARGUMENTS.code, "TF1 initializer/regularizer object passed to `add_weight`: now the Keras one with the same arguments and TF1 defaults"):
            args, changed = mapped_args, True
        if changed:
            rewritten = call.with_changes(func=func.with_changes(attr=cst.Name("add_weight")), args=with_commas(args), whitespace_before_args=cst.SimpleWhitespace(""))
            self.edits.calls[call] = self._layout_like(call, rewritten)
            self._keep_comments(call)

    def _keras2_keywords(self, call: cst.Call, positional: list[cst.Arg]) -> list[cst.Arg] | None:
        """The arguments of a Keras 2 `add_weight`/`add_variable` call, all by keyword (None: reported instead)."""
        if positional and not isinstance(positional[0].value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_weight":
                self.flag(call, ADD_WEIGHT_POSITIONAL.code, "`add_weight` with positional arguments: Keras 2 and Keras 3 order them differently (Keras 3: shape, initializer, dtype, trainable, ...); pass every argument by keyword")
                return None
        keras2 = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
        if len(positional) > len(keras2):
            self.flag(call, ADD_WEIGHT_POSITIONAL.code, "too many positional arguments to `add_weight`; pass every argument by keyword")
            return None
        args = []
        index = 0
        for arg in call.args:
            if arg.keyword is None:
                args.append(keyword(keras2[index], arg.value))
                index += 1
            else:
                args.append(arg)
        return args

    def _regularizer(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`tf.contrib.layers.l2_regularizer(scale)` -> `keras.regularizers.L2(l2=scale / 2)` (TF1's used
        `tf.nn.l2_loss`, half the sum of squares); anything else is returned as it is."""
        if not isinstance(node, cst.Call):
            return node
        name = self.qualified_name(node)
        spec = CONTRIB_REGULARIZERS.get(name or "")
        if spec is None:
            return node
        params, keras_name, keras_keys = spec
        try:
            bound = self._bind(node, params, set(params))
        except Unmappable:
            return node
        bound.pop("scope", None)
        values = {}
        for tf1_key, keras_key in keras_keys.items():
            value = bound.get(tf1_key)
            if value is None:
                return node  # TF1 required the scale
            if keras_key == "l2":
                literal = _literal_or_none(value)
                if isinstance(literal, (int, float)) and not isinstance(literal, bool):
                    value = cst.parse_expression(repr(literal / 2))
                else:
                    value = cst.BinaryOperation(left=cst.Float("0.5"), operator=cst.Multiply(), right=value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if isinstance(value, cst.BinaryOperation) else value)
            values[keras_key] = value
        return cst.Call(func=dotted(f"{self.keras()}.regularizers.{keras_name}"), args=with_commas([keyword(k, v) for k, v in values.items()]))
