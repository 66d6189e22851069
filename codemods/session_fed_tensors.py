"""A fed tensor that stands for a placeholder, for the Session rewrite (codemods/sessions.py, TFM201).

What it matches
    `tf_x = tf.placeholder(tf.float32, [None, 784]) / 255.` at the top level of a Session program: a
    float placeholder with no name of its own, combined with a number literal by `+ - * /` (either side),
    the result bound to a name.

What it writes
    Nothing of its own: the Session rewrite treats the name as a placeholder of the placeholder's dtype
    (fed values cast to it), and the statement goes with the other placeholders.

Why
    TF1 replaces any fed tensor by the fed value. The inner placeholder has no Python name, so no run can
    feed it: every run that needs `tf_x` feeds `tf_x` itself (the others failed in TF1: "You must feed a
    value for placeholder tensor"), and the arithmetic never runs. The value fed is converted to the
    tensor's dtype, which for a float placeholder and a Python number is the placeholder's own
    (MorvanZhou's 401_CNN.py divides by 255 this way and feeds the tensor; the tutorial's MNIST reader
    already scaled the images to [0, 1]).
"""

from __future__ import annotations

import libcst as cst

FLOATS = frozenset({"tf.float16", "tf.float32", "tf.float64", "tf.bfloat16"})
OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)


def _number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


def _dtype(call: cst.Call) -> cst.BaseExpression | None:
    for index, argument in enumerate(call.args):
        if argument.star:
            return None
        if (argument.keyword is None and index == 0) or (argument.keyword is not None and argument.keyword.value == "dtype"):
            return argument.value
    return None


def fed_placeholder(codemod, value: cst.BaseExpression) -> cst.Call | None:  # noqa: ANN001
    """The `tf.placeholder(<float dtype>, ...)` call of `placeholder OP number` / `number OP placeholder`."""
    if not isinstance(value, cst.BinaryOperation) or not isinstance(value.operator, OPERATORS):
        return None
    for side, other in ((value.left, value.right), (value.right, value.left)):
        if isinstance(side, cst.Call) and codemod.qualified_name(side) == "tf.placeholder" and _number(other):
            dtype = _dtype(side)
            if dtype is not None and codemod.qualified_name(dtype) in FLOATS:
                return side
    return None


def placeholder_call(statement: cst.SimpleStatementLine) -> cst.BaseExpression:
    """The placeholder call of a placeholder statement (`x = tf.placeholder(...)` or a fed tensor's)."""
    small = statement.body[0]
    value = small.value  # type: ignore[attr-defined]
    if isinstance(value, cst.BinaryOperation):
        return value.left if isinstance(value.left, cst.Call) else value.right
    return value
