"""Learning rates decayed by a TF1 global step, for the Session rewrite (codemods/sessions.py).

What it matches
    `tf.train.exponential_decay(lr, global_step, decay_steps, decay_rate, staircase=...)` in a tensor of a
    Session program, where `global_step` is a `tf.Variable` of the program that `minimize(...,
    global_step=global_step)` increments.

What it writes
    The call becomes `tf.keras.optimizers.schedules.ExponentialDecay(lr, decay_steps, decay_rate,
    staircase=...)(global_step)` inside the tensor's function (the same formula: the step cast to the
    rate's dtype, divided, floored when `staircase`); the Keras optimizer gets that function as its
    `learning_rate` (Keras calls a callable learning rate at each update, before the variables change);
    the train step adds 1 to the global step after applying the gradients, as TF1's `minimize` did.

Why
    Under eager execution `tf.compat.v1.train.exponential_decay` returns a function, not a tensor, and
    Keras optimizers keep their own step counter (`optimizer.iterations`), which equals the program's
    global step only when nothing else sets it. Reading the program's own variable keeps every value
    the program prints, and the rate used at each step, as TF1 computed them.
"""

from __future__ import annotations

import libcst as cst

# TF1 decay functions: (positional order of the TF1 arguments, Keras schedule, Keras keyword for each kept TF1 one)
SCHEDULES: dict[str, tuple[tuple[str, ...], str, dict[str, str]]] = {
    "tf.train.exponential_decay": (
        ("learning_rate", "global_step", "decay_steps", "decay_rate", "staircase", "name"),
        "ExponentialDecay",
        {"learning_rate": "initial_learning_rate", "decay_steps": "decay_steps", "decay_rate": "decay_rate", "staircase": "staircase"},
    ),
}


def schedule_arguments(call: cst.Call, qualified: str) -> dict[str, cst.BaseExpression] | None:
    """The TF1 arguments of a decay call by name; None when they are not all plain (no * / **, known keywords,
    the global step and the required values given)."""
    order, _, _ = SCHEDULES[qualified]
    given: dict[str, cst.BaseExpression] = {}
    for index, argument in enumerate(call.args):
        if argument.star:
            return None
        keyword = argument.keyword.value if argument.keyword is not None else (order[index] if index < len(order) else None)
        if keyword not in order:
            return None
        given[keyword] = argument.value
    if not all(k in given for k in ("learning_rate", "global_step", "decay_steps", "decay_rate")):
        return None
    return given


def keras_schedule(tf: str, call: cst.Call, qualified: str) -> cst.BaseExpression:
    """`tf.keras.optimizers.schedules.ExponentialDecay(lr, steps, rate, staircase=s)(global_step)`."""
    _, keras, renames = SCHEDULES[qualified]
    given = schedule_arguments(call, qualified)
    assert given is not None
    no_space = cst.SimpleWhitespace("")
    arguments = [cst.Arg(value=given[k]) for k in ("learning_rate", "decay_steps", "decay_rate")]
    if "staircase" in given:
        arguments.append(cst.Arg(keyword=cst.Name(renames["staircase"]), value=given["staircase"], equal=cst.AssignEqual(no_space, no_space)))
    spaced = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in arguments[:-1]] + arguments[-1:]
    schedule = cst.Call(func=cst.parse_expression(f"{tf}.keras.optimizers.schedules.{keras}"), args=spaced)
    return cst.Call(func=schedule, args=[cst.Arg(value=given["global_step"])])


class ScheduleCalls(cst.CSTTransformer):
    """Replaces the decay calls (by identity) in a tensor's value with their Keras schedule."""

    def __init__(self, replacements: dict[int, cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self.replacements.get(id(original_node), updated_node)
