"""Fetches of a Session program that are not graph names: variable updates run in place, unread results.

What it matches (called by the Session rewrite in `codemods/sessions.py` while it checks each `sess.run`):
- `sess.run(v.assign(e))`, `sess.run(v.assign_add(e))`, `sess.run(v.assign_sub(e))` where `v` is a variable
  created at the top level of the program (`tf.Variable`) and `e` is built from the program's names: the
  update is done where the run was (`v.assign(e).numpy()`: TF1's run returned the value after the
  update; an eager `assign` returns the variable holding it; as a statement of its own, `v.assign(e)`).
  `tf.assign(v, e)` (and `tf.assign_add`, `tf.assign_sub`) is written as the method. The receiver must
  be a plain name bound to the variable; `e` is checked like any fetched expression (its placeholders
  must be fed). Several updates in one run are done one after the other only when that order cannot
  matter: different variables, no update's value reading (directly or through tensors) a variable
  another one writes, no other value fetched with them (TF1 runs them in no fixed order).
- `v.assign(e).eval()` (a TF1 tutorial's way to set an epoch counter): the same as `sess.run(v.assign(e))`.
- `opt = sess.run(train_op, feed)` where the name `opt` is never read anywhere: TF1 returned None, the
  binding is dead, so the step's return value bound there instead changes nothing the program can see.

Why: both shapes are common in tutorials (an epoch counter saved with the model, `opt = sess.run(...)`
kept out of habit) and each kept whole programs in graph mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from .base import Codemod

UPDATES = ("assign", "assign_add", "assign_sub")
FUNCTIONS = {f"tf.{method}": method for method in UPDATES}


class Update(NamedTuple):
    variable: cst.Name  # the variable's name at the fetch
    method: str  # assign, assign_add or assign_sub
    value: cst.BaseExpression  # what is assigned (or added, subtracted)


def variable_update(visitor: Codemod, variables: set[str], item: cst.BaseExpression) -> Update | None:
    """`v.assign(e)` / `v.assign_add(e)` / `v.assign_sub(e)` / `tf.assign(v, e)` (and `_add`, `_sub`)
    with plain positional arguments, when `v` is one of `variables` (the program's top-level variables)."""
    if not isinstance(item, cst.Call) or any(a.keyword is not None or a.star for a in item.args):
        return None
    if isinstance(item.func, cst.Attribute) and isinstance(item.func.value, cst.Name) and item.func.value.value in variables:
        if item.func.attr.value in UPDATES and len(item.args) == 1:
            return Update(item.func.value, item.func.attr.value, item.args[0].value)
        return None
    method = FUNCTIONS.get(visitor.qualified_name(item) or "")
    if method is None or len(item.args) != 2:
        return None
    target = item.args[0].value
    if not (isinstance(target, cst.Name) and target.value in variables):
        return None
    return Update(target, method, item.args[1].value)


def evaluated_update(visitor: Codemod, variables: set[str], update: cst.Call, session_names: set[str]) -> tuple[cst.Call, cst.Arg | None] | None:
    """`global_step.assign(i).eval()` (optionally `.eval(session=sess)`; `update` is the `v.assign(e)` call):
    the `.eval()` call and its session argument when the update is one `variable_update` takes; TF1 ran the
    assign op in the default session, the same as `sess.run(v.assign(e))`, which the rewrite does in place."""
    if variable_update(visitor, variables, update) is None:
        return None
    attribute = visitor.get_metadata(ParentNodeProvider, update, None)
    call = visitor.get_metadata(ParentNodeProvider, attribute, None) if attribute is not None else None
    if not (isinstance(attribute, cst.Attribute) and attribute.value is update and attribute.attr.value == "eval"):
        return None
    if not (isinstance(call, cst.Call) and call.func is attribute):
        return None
    if not call.args:
        return call, None
    session = call.args[0]
    if len(call.args) == 1 and session.keyword is not None and session.keyword.value == "session" and isinstance(session.value, cst.Name) and session.value.value in session_names:
        return call, session
    return None


def unordered(updates: list[Update], others: int, reads: Callable[[cst.BaseExpression], set[str]]) -> str | None:
    """Why the updates of one run cannot be done one after the other (TF1 ran them in no fixed order), or
    None: several updates of one variable, an update's value reading a variable another one writes, or
    updates fetched together with other values (which may read what they write)."""
    if not updates or len(updates) + others == 1:
        return None
    if others:
        return "a variable update fetched together with other values (TF1 does not order them): fetch it in a run of its own"
    targets = [u.variable.value for u in updates]
    if len(set(targets)) != len(targets):
        return "one variable updated twice in one run (TF1 does not order the updates)"
    for update in updates:
        crossed = reads(update.value) & (set(targets) - {update.variable.value})
        if crossed:
            return f"`{update.variable.value}`'s update reads `{sorted(crossed)[0]}`, which the same run updates (TF1 does not order them)"
    return None


def method_form(visitor: Codemod, variables: set[str], fetch: cst.BaseExpression) -> cst.BaseExpression:
    """`tf.assign(v, e)` in a fetch written `v.assign(e)` (the eager method; the nodes of `v` and `e` are kept,
    so the rewrite's later replacements by node still apply)."""

    class Methods(cst.CSTTransformer):
        def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
            update = variable_update(visitor, variables, original_node)
            if update is None or isinstance(original_node.func, cst.Attribute) and original_node.func.value is update.variable:
                return updated_node
            value = updated_node.args[1].value
            return cst.Call(func=cst.Attribute(value=updated_node.args[0].value, attr=cst.Name(update.method)), args=[cst.Arg(value)])

    result = fetch.visit(Methods())
    assert isinstance(result, cst.BaseExpression)
    return result


def unread_binding(visitor: Codemod, call: cst.Call) -> bool:
    """`name = <call>` where the plain name `name` is never read: none of its bindings is referenced."""
    assign = visitor.get_metadata(ParentNodeProvider, call, None)
    if not (isinstance(assign, cst.Assign) and assign.value is call and len(assign.targets) == 1):
        return False
    target = assign.targets[0].target
    if not isinstance(target, cst.Name):
        return False
    scope = visitor.get_metadata(ScopeProvider, target, None)
    if scope is None:
        return False
    assignments = scope.assignments[target.value]
    # (an assignment's references include the reads of nested functions, `global` declarations and `del`)
    return all(isinstance(a.node, cst.Name) and not a.references for a in assignments) and not scope.accesses[target.value]


def statement_form(replacement: cst.BaseExpression) -> cst.BaseExpression:
    """`v.assign(e).numpy()` run as a statement of its own: the value is dropped, so the update alone."""
    if (
        isinstance(replacement, cst.Call)
        and not replacement.args
        and isinstance(replacement.func, cst.Attribute)
        and replacement.func.attr.value == "numpy"
        and isinstance(inner := replacement.func.value, cst.Call)
        and isinstance(inner.func, cst.Attribute)
        and inner.func.attr.value in UPDATES
    ):
        return inner
    return replacement
