"""Classes of a Session program that keep the session and run it in their methods (report only).

What it matches: `m1 = Model(sess, "m1")` where `Model` is a class of the same file whose `__init__` stores
one of its parameters on `self` (`self.sess = sess`) and whose methods call `self.sess.run(...)` (the
DeepLearningZeroToAll `Model`/`Solver` classes, many RL agents).

What it writes: nothing. The Session rewrite (codemods/sessions.py) declines such programs (TFM211); this
module only names the class, the attribute and the methods in that finding, so that the message says
what to convert by hand. Rewriting them needs the whole Session analysis over `self.` attributes (the
placeholders, tensors and train ops built in `__init__` become methods taking the fed values) and is not
done: a guess there would change what the methods return.
"""

from __future__ import annotations

import libcst as cst

from tf2migrate import traversal


def _class_named(module: cst.Module, name: str) -> cst.ClassDef | None:
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == name:
            return statement
    return None


def _stored_parameters(init: cst.FunctionDef) -> dict[str, str]:
    """`self.<attr> = <param>` statements of `__init__`: parameter -> attribute."""
    stored: dict[str, str] = {}
    params = {p.name.value for p in init.params.params[1:]}
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        assign = statement.body[0]
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.value, cst.Name) and assign.value.value in params):
            continue
        target = assign.targets[0].target
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            stored[assign.value.value] = target.attr.value
    return stored


class _RunCalls(cst.CSTVisitor):
    def __init__(self, attribute: str) -> None:
        self.attribute = attribute
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "run"
            and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == self.attribute
            and isinstance(func.value.value, cst.Name)
            and func.value.value.value == "self"
        ):
            self.found = True


def session_keeping_class(module: cst.Module, value: cst.BaseExpression, session: str) -> str | None:
    """A sentence naming the class that `value` (a call passing the session `session`) builds, the attribute
    keeping the session and the methods running it; None when `value` is not such a call."""
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
        return None
    definition = _class_named(module, value.func.value)
    if definition is None:
        return None
    methods = [s for s in definition.body.body if isinstance(s, cst.FunctionDef)]
    init = next((f for f in methods if f.name.value == "__init__"), None)
    if init is None:
        return None
    positional = [p.name.value for p in init.params.params[1:]]
    parameter = None
    for index, argument in enumerate(value.args):
        if isinstance(argument.value, cst.Name) and argument.value.value == session:
            if argument.keyword is not None:
                parameter = argument.keyword.value
            elif index < len(positional) and not argument.star:
                parameter = positional[index]
    attribute = _stored_parameters(init).get(parameter or "")
    if attribute is None:
        return None
    running = []
    for method in methods:
        calls = _RunCalls(attribute)
        traversal.visit(method, calls)
        if calls.found:
            running.append(method.name.value)
    if not running:
        return None
    listed = ", ".join(f"`{name}`" for name in running)
    return (
        f"the class `{definition.name.value}` keeps the session (`self.{attribute}`) and runs it in {listed}: "
        "classes that build a graph are not rewritten; convert it by hand (variables created in `__init__`, "
        "each method an eager computation returning `.numpy()` values) or keep graph mode"
    )
