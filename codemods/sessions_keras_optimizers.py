"""TF1 optimizers -> Keras optimizers, for the Session rewrite (codemods/sessions.py, TFM201/TFM213).

What it matches
    The optimizer of a Session program: `opt = tf.train.AdamOptimizer(0.01)` (or inline,
    `tf.train.AdamOptimizer(0.01).minimize(loss)`), its arguments by TF1's positional order or keyword.

What it writes
    The Keras optimizer with the same update rule (`OPTIMIZERS`: TF1 keyword -> Keras keyword, and the
    TF1 defaults that differ passed explicitly: Adam's epsilon 1e-8, Adagrad's epsilon 0, RMSProp's 1e-10);
    RMSProp is built from a class written into the file (codemods/session_optimizers.py), named here once
    per file. A learning rate that is a function of variables only is passed as that function (Keras calls
    it at each update). It declines (TFM213) an optimizer with no faithful Keras twin, a rate or other
    argument that is a tensor, `*`/`**` arguments, or a missing required argument.

Why
    `tf.train.*Optimizer` is gone from TF2's namespace; Keras' optimizers differ in defaults and names.

`KerasOptimizers` is a part of the `Sessions` codemod: its methods run with `self` the codemod.
`OPTIMIZERS` is also read by codemods/eager_programs.py and the tests (through `sessions.OPTIMIZERS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from . import session_optimizers
from .names import references_in as _names_in
from .sessions_model import Decline, Program, _calls_in, _commas
from .sessions_rules import OPTIMIZER


@dataclass(frozen=True)
class OptimizerMap:
    keras: str
    v1_args: tuple[str, ...]  # TF1 positional order
    renames: dict[str, str]  # TF1 keyword -> Keras keyword (absent: dropped)
    explicit: dict[str, str]  # Keras keyword -> TF1 default to pass when not given (defaults differ)
    required: tuple[str, ...] = ()


OPTIMIZERS: dict[str, OptimizerMap] = {
    "tf.train.GradientDescentOptimizer": OptimizerMap(
        "SGD", ("learning_rate", "use_locking", "name"), {"learning_rate": "learning_rate"}, {}, ("learning_rate",)
    ),
    "tf.train.MomentumOptimizer": OptimizerMap(
        "SGD",
        ("learning_rate", "momentum", "use_locking", "name", "use_nesterov"),
        {"learning_rate": "learning_rate", "momentum": "momentum", "use_nesterov": "nesterov"},
        {},
        ("learning_rate", "momentum"),
    ),
    "tf.train.AdamOptimizer": OptimizerMap(
        "Adam",
        ("learning_rate", "beta1", "beta2", "epsilon", "use_locking", "name"),
        {"learning_rate": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon"},
        {"epsilon": "1e-08"},  # TF1 1e-8, Keras 1e-7
    ),
    "tf.train.AdagradOptimizer": OptimizerMap(
        "Adagrad",
        ("learning_rate", "initial_accumulator_value", "use_locking", "name"),
        {"learning_rate": "learning_rate", "initial_accumulator_value": "initial_accumulator_value"},
        {"epsilon": "0.0"},  # TF1 divides by sqrt(accumulator); Keras adds epsilon (1e-7) under the root
        ("learning_rate",),
    ),
    # Keras' RMSprop starts its mean square at 0, TF1's at 1: built from a class written into the file (session_optimizers)
    "tf.train.RMSPropOptimizer": OptimizerMap(
        "RMSprop",
        ("learning_rate", "decay", "momentum", "epsilon", "use_locking", "centered", "name"),
        {"learning_rate": "learning_rate", "decay": "rho", "momentum": "momentum", "epsilon": "epsilon", "centered": "centered"},
        {"epsilon": "1e-10"},  # TF1 1e-10, Keras 1e-7
        ("learning_rate",),
    ),
}


class KerasOptimizers:
    """The Keras optimizer written for a TF1 one (a part of `Sessions`, codemods/sessions.py)."""

    def _is_optimizer(self, call: cst.Call) -> bool:
        qualified = self.qualified_name(call) or ""
        return qualified in OPTIMIZERS or (qualified.startswith("tf.train.") and qualified.endswith("Optimizer"))

    def _keras_optimizer(self, program: Program, call: cst.Call, statement: cst.CSTNode) -> cst.Call:
        qualified = self.qualified_name(call) or ""
        mapping = OPTIMIZERS.get(qualified)
        if mapping is None:
            raise Decline(statement, OPTIMIZER.code, f"`{qualified}` has no Keras optimizer with the same update rule")
        given: dict[str, cst.BaseExpression] = {}
        for index, argument in enumerate(call.args):
            if argument.star:
                raise Decline(statement, OPTIMIZER.code, "optimizer arguments passed with * or **")
            if argument.keyword is not None:
                keyword = argument.keyword.value
            elif index < len(mapping.v1_args):
                keyword = mapping.v1_args[index]
            else:
                raise Decline(statement, OPTIMIZER.code, "too many positional optimizer arguments")
            if keyword not in mapping.v1_args:
                raise Decline(statement, OPTIMIZER.code, f"optimizer argument `{keyword}` is not understood")
            rate = program.tensors.get(argument.value.value) if isinstance(argument.value, cst.Name) else None
            if keyword == "learning_rate" and rate is not None and rate.dynamic and not rate.params and rate.function:
                given[keyword] = cst.Name(rate.function)  # a function of variables only: Keras calls it at each update
                program.claimed.add(id(argument.value))
                continue
            for reference in _names_in(argument.value):
                if reference.value in program.graph_names():
                    raise Decline(statement, OPTIMIZER.code, f"the optimizer's `{keyword}` is a tensor (`{reference.value}`)")
            if _calls_in(argument.value) and any((self.qualified_name(c) or "").startswith("tf.") for c in _calls_in(argument.value)):
                raise Decline(statement, OPTIMIZER.code, f"the optimizer's `{keyword}` is a tensor")
            given[keyword] = argument.value
        for required in mapping.required:
            if required not in given:
                raise Decline(statement, OPTIMIZER.code, f"optimizer without `{required}`")
        arguments = []
        for keyword, value in given.items():
            if keyword in mapping.renames:
                arguments.append(cst.Arg(keyword=cst.Name(mapping.renames[keyword]), value=value, equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
        for keyword, default in mapping.explicit.items():
            if not any(mapping.renames.get(k) == keyword for k in given):
                arguments.append(cst.Arg(keyword=cst.Name(keyword), value=cst.parse_expression(default), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
        if qualified in session_optimizers.HELPERS:
            return cst.Call(func=cst.Name(self._optimizer_helper(program, qualified, statement)), args=_commas(arguments))
        return cst.Call(func=cst.parse_expression(f"{self.tf}.keras.optimizers.{mapping.keras}"), args=_commas(arguments))

    def _optimizer_helper(self, program: Program, qualified: str, statement: cst.CSTNode) -> str:
        """The class written into the file for `qualified` (session_optimizers), before the first statement using it."""
        known = program.optimizer_helpers.get(qualified)
        name = known[0] if known is not None else program.fresh(session_optimizers.HELPER_BASE)
        if known is None or self.position(statement) < self.position(known[1]):
            program.optimizer_helpers[qualified] = (name, statement)
        return name
