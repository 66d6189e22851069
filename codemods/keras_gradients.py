"""`K.function` (with or without `K.gradients`) rewritten as a Python function over a `keras.Model` (TFM504).

What it matches, in one block of statements (a module or a function body):

    grads = K.gradients(loss, x)[0]               # optional; loss a name, x a name or attribute chain
    grads /= K.sqrt(K.mean(K.square(grads))) + 1e-5   # optional: statements that only transform `grads`
    f = K.function([x], [loss, grads])            # inputs and outputs: list displays

What it writes

    _f_model = keras.Model([x], [loss])            # the symbolic values, traced by Keras 3
    def f(inputs):
        inputs = [tf.convert_to_tensor(value, dtype=tensor.dtype) for value, tensor in zip(inputs, _f_model.inputs)]
        with tf.GradientTape() as tape:
            tape.watch(inputs[0])
            loss = _f_model(inputs)
        grads = tape.gradient(loss, inputs[0])
        grads /= ...
        return [keras.ops.convert_to_numpy(value) for value in (loss, grads)]

Without gradients, `f = K.function(inputs, outputs)` becomes the model and a function returning its
outputs as NumPy arrays (what Keras 2's `K.function` returned). Keras 3 traces `keras.ops` applied to
Keras tensors, so the statements that built `loss` from `model.output` stay as they are (the backend rule
rewrites their `K.*` calls). Anything else — gradients of a list, several inputs with gradients, a
`K.learning_phase()` input, `updates=`, the gradient used after the `K.function` — is left alone and
reported (TFM504 for `K.gradients`, TFM330 for `K.function`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import ScopeProvider

from tf2migrate.traversal import find

from .builders import source_of

if TYPE_CHECKING:
    from .keras_backend import KerasBackend

PREFIX = "keras.backend."


@dataclass
class Plan:
    """One `K.function` to rewrite, and the statements that go with it."""

    function_line: cst.SimpleStatementLine
    name: str  # the function's name (`iterate`)
    inputs: list[str]
    outputs: list[str]
    gradient_line: cst.SimpleStatementLine | None = None
    gradient: str | None = None  # `grads`
    loss: str | None = None
    wrt: str | None = None
    transforms: list[cst.SimpleStatementLine] = field(default_factory=list)
    moved: list[cst.BaseStatement] = field(default_factory=list)  # the transforms as rewritten by the other rules


class GradientFunctions:
    """Finds the patterns in a module (on original nodes) and builds their replacements (on updated ones)."""

    def __init__(self, codemod: "KerasBackend", module: cst.Module) -> None:
        self.codemod = codemod
        self.plans: list[Plan] = []
        self._by_line: dict[int, Plan] = {}  # id of a statement -> its plan
        self._calls: set[int] = set()  # ids of the K.gradients / K.function calls a plan rewrites
        bodies: list[list[cst.BaseStatement]] = [list(module.body)]
        bodies += [list(block.body) for block in find(module, cst.IndentedBlock)]  # type: ignore[attr-defined]
        for body in bodies:
            self._scan(body)

    # -- finding -----------------------------------------------------------------------------------------
    def _backend(self, node: cst.CSTNode) -> str | None:
        name = self.codemod.qualified_name(node)
        return name[len(PREFIX) :] if name and name.startswith(PREFIX) else None

    def _assign(self, statement: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return small.targets[0].target.value, small.value
        return None

    def _scan(self, body: list[cst.BaseStatement]) -> None:
        for index, statement in enumerate(body):
            assigned = self._assign(statement)
            if assigned is None or not isinstance(assigned[1], cst.Call):
                continue
            target, call = assigned
            if self._backend(call.func) != "function":
                continue
            plan = self._function_plan(statement, target, call)  # type: ignore[arg-type]
            if plan is None:
                continue
            if any(self._is_gradient_name(body[:index], name) for name in plan.outputs):
                if not self._gradient_plan(plan, body, index):
                    continue
            elif any(_mentions(s, target) for s in body[:index]):
                continue
            self.plans.append(plan)
            self._by_line[id(statement)] = plan
            self._calls.add(id(call))
            if plan.gradient_line is not None:
                self._by_line[id(plan.gradient_line)] = plan
                for transform in plan.transforms:
                    self._by_line[id(transform)] = plan
                gradient_call = self._assign(plan.gradient_line)[1]  # type: ignore[index]
                self._calls.add(id(gradient_call.value))  # type: ignore[attr-defined]

    def _function_plan(self, statement: cst.SimpleStatementLine, target: str, call: cst.Call) -> Plan | None:
        args = call.args
        if len(args) != 2 or any(a.star for a in args):
            return None
        if [a.keyword.value if a.keyword else None for a in args] not in ([None, None], [None, "outputs"], ["inputs", "outputs"]):
            return None
        inputs, outputs = args[0].value, args[1].value
        if not isinstance(inputs, cst.List) or not isinstance(outputs, cst.List) or not inputs.elements or not outputs.elements:
            return None
        for element in [*inputs.elements, *outputs.elements]:
            if isinstance(element, cst.StarredElement):
                return None
            if any(self._backend(c.func) for c in find(element.value, cst.Call)):  # type: ignore[attr-defined]
                return None  # K.learning_phase() among the inputs
        return Plan(statement, target, [source_of(e.value) for e in inputs.elements], [source_of(e.value) for e in outputs.elements])

    def _is_gradient_name(self, before: list[cst.BaseStatement], name: str) -> bool:
        for statement in before:
            assigned = self._assign(statement)
            if assigned and assigned[0] == name and any(self._backend(c.func) == "gradients" for c in find(assigned[1], cst.Call)):  # type: ignore[attr-defined]
                return True
        return False

    def _gradient_plan(self, plan: Plan, body: list[cst.BaseStatement], index: int) -> bool:
        """Fill in the gradient part of `plan`; False when the pattern is not the one understood."""
        gradients = [name for name in plan.outputs if self._is_gradient_name(body[:index], name)]
        if len(gradients) != 1 or len(plan.inputs) != 1:
            return False
        grads = gradients[0]
        start = None
        for position in range(index - 1, -1, -1):
            assigned = self._assign(body[position])
            if assigned and assigned[0] == grads and any(self._backend(c.func) == "gradients" for c in find(assigned[1], cst.Call)):  # type: ignore[attr-defined]
                start = position
                break
        if start is None:
            return False
        value = self._assign(body[start])[1]  # type: ignore[index]
        # K.gradients(loss, x)[0]
        if not (isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call) and self._backend(value.value.func) == "gradients"):
            return False
        if len(value.slice) != 1 or source_of(value.slice[0].slice) != "0" or len(value.value.args) != 2:  # type: ignore[attr-defined]
            return False
        loss_arg, wrt_arg = value.value.args
        if loss_arg.keyword or wrt_arg.keyword or not isinstance(loss_arg.value, cst.Name):
            return False
        wrt = source_of(wrt_arg.value)
        if wrt != plan.inputs[0]:
            return False
        transforms = []
        for statement in body[start + 1 : index]:
            if not _mentions(statement, grads):
                continue
            if not self._transforms_only(statement, grads, {loss_arg.value.value, *plan.outputs}):
                return False
            transforms.append(statement)
        if any(_mentions(statement, grads) or _mentions(statement, plan.name + "_model") for statement in body[index + 1 :]):
            return False
        plan.gradient_line = body[start]  # type: ignore[assignment]
        plan.gradient = grads
        plan.loss = loss_arg.value.value
        plan.wrt = wrt
        plan.transforms = transforms  # type: ignore[assignment]
        return True

    def _transforms_only(self, statement: cst.BaseStatement, grads: str, known: set[str]) -> bool:
        """`grads = f(grads)` / `grads /= ...` using only `grads`, the outputs, imports, functions and builtins."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return False
        small = statement.body[0]
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name) and small.target.value == grads:
            value = small.value
        elif isinstance(small, cst.Assign) and len(small.targets) == 1 and source_of(small.targets[0].target) == grads:
            value = small.value
        else:
            return False
        not_references = {id(a.attr) for a in find(value, cst.Attribute)} | {id(a.keyword) for a in find(value, cst.Arg)}  # type: ignore[attr-defined]
        for name in find(value, cst.Name):  # type: ignore[arg-type]
            assert isinstance(name, cst.Name)
            if id(name) in not_references or name.value in known or name.value == grads:
                continue
            scope = self.codemod.get_metadata(ScopeProvider, name, None)
            if scope is None:
                return False
            assignments = scope.assignments[name.value] if name.value in scope else set()
            if not assignments:
                continue  # an attribute name or a builtin
            if not all(isinstance(getattr(a, "node", None), (cst.Import, cst.ImportFrom, cst.FunctionDef)) for a in assignments):
                return False
        return True

    # -- rewriting -----------------------------------------------------------------------------------
    def call(self, name: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression | None:
        """The K.gradients / K.function calls of a plan are left as they are (their statements are replaced)."""
        if id(original) in self._calls:
            return updated
        if name == "gradients":
            self.codemod.flag(
                original.func,
                "TFM504",
                f"`{source_of(original.func)}` has no Keras 3 counterpart and this use is not the `K.gradients(loss, x)[0]` + "
                "`K.function([x], [...])` pattern the rule rewrites: compute the gradients with `tf.GradientTape` "
                "around a call of the model",
            )
            return updated
        return None

    def statement(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine) -> cst.BaseStatement | cst.FlattenSentinel | cst.RemovalSentinel | None:
        plan = self._by_line.get(id(original))
        if plan is None:
            return None
        if original is plan.gradient_line:
            return cst.RemoveFromParent()
        if original in plan.transforms:
            plan.moved.append(updated)
            return cst.RemoveFromParent()
        message = (
            f"`{plan.name} = K.function(...)` with `K.gradients`: now a function computing the gradient with `tf.GradientTape`"
            if plan.gradient
            else f"`{plan.name} = K.function(...)`: now a function calling a `keras.Model` over its inputs and outputs"
        )
        if not self.codemod.offer_fix(original.body[0], "TFM504", message):  # type: ignore[arg-type]
            return None
        return cst.FlattenSentinel(self._replacement(plan, updated))

    def _replacement(self, plan: Plan, updated: cst.SimpleStatementLine) -> list[cst.BaseStatement]:
        from .imports import schedule_removal_of_imports_used_by, tensorflow_name

        keras = self.codemod.keras()
        tf = tensorflow_name(self.codemod.context, self.codemod._module)
        schedule_removal_of_imports_used_by(self.codemod.context, plan.function_line)
        model = f"_{plan.name}_model"
        symbolic = [o for o in plan.outputs if o != plan.gradient]
        if plan.loss is not None and plan.loss not in symbolic:
            symbolic.append(plan.loss)
        config = self.codemod._module.config_for_parsing
        head = cst.parse_statement(f"{model} = {keras}.Model([{', '.join(plan.inputs)}], [{', '.join(symbolic)}])\n", config=config)
        head = head.with_changes(leading_lines=updated.leading_lines)
        call = f"{model}(inputs)"
        lines = [f"def {plan.name}(inputs):"]
        indent = "    "
        names = [_as_name(o, i) for i, o in enumerate(symbolic)]
        unpack = names[0] if len(names) == 1 else ", ".join(names)
        if plan.gradient is None:
            lines.append(f"{indent}outputs = [{call}]" if len(symbolic) == 1 else f"{indent}outputs = {call}")
            lines.append(f"{indent}return [{keras}.ops.convert_to_numpy(value) for value in outputs]")
        else:
            lines.append(f"{indent}inputs = [{tf}.convert_to_tensor(value, dtype=tensor.dtype) for value, tensor in zip(inputs, {model}.inputs)]")
            lines.append(f"{indent}with {tf}.GradientTape() as tape:")
            lines.append(f"{indent * 2}tape.watch(inputs[0])")
            lines.append(f"{indent * 2}{unpack} = {call}")
            loss_name = names[symbolic.index(plan.loss)]  # type: ignore[arg-type]
            lines.append(f"{indent}{plan.gradient} = tape.gradient({loss_name}, inputs[0])")
            for statement in plan.moved:
                lines.append(indent + cst.Module(body=[statement.with_changes(leading_lines=[])]).code.strip())
            returned = [plan.gradient if o == plan.gradient else names[symbolic.index(o)] for o in plan.outputs]
            values = ", ".join(returned) + ("," if len(returned) == 1 else "")
            lines.append(f"{indent}return [{keras}.ops.convert_to_numpy(value) for value in ({values})]")
        function = cst.parse_statement("\n".join(lines) + "\n", config=config)
        blank = cst.EmptyLine(indent=False, newline=cst.Newline())
        at_module = any(s is plan.function_line for s in self.codemod._module.body)
        function = function.with_changes(leading_lines=[blank, blank] if at_module else [])
        return [head, function]


def _as_name(source: str, index: int) -> str:
    """A local name for a symbolic output: itself when it is a plain name, else `output_<i>`."""
    return source if source.isidentifier() else f"output_{index}"


def _mentions(statement: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in find(statement, cst.Name))  # type: ignore[arg-type]
