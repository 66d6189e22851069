"""Shapes of TF1 graph-building code that the Session rewrite (codemods/sessions.py) understands.

What it matches
    Small syntactic pieces of a Session program: tuple-unpacking assignments of a graph value
    (`D_prob, D_logit = discriminator(X)`), and calls that reach a random / stateful TensorFlow op,
    directly or through functions defined in the same file.

What it writes
    Nothing itself: it gives sessions.py the item expressions (`discriminator(X)[1]`) that stand for
    each unpacked name, and the stateful op that makes computing each item on its own unfaithful.

Why
    TF1 builds `a, b = f(x)` once: both names are outputs of one op. The eager rewrite computes each
    name in a function of its own, which is the same only when `f` gives the same value on each call.
"""

from __future__ import annotations

import libcst as cst

from tf2migrate.traversal import find


def unpacked_targets(assign: cst.Assign) -> list[str | None] | None:
    """`a, _, b = ...` -> ["a", None, "b"] (`_` is None); None when the target is anything else."""
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, (cst.Tuple, cst.List)):
        return None
    names: list[str | None] = []
    for element in assign.targets[0].target.elements:
        if not isinstance(element, cst.Element) or not isinstance(element.value, cst.Name):
            return None
        names.append(None if element.value.value == "_" else element.value.value)
    named = [n for n in names if n is not None]
    if not named or len(set(named)) != len(named):
        return None
    return names


def item_of(value: cst.BaseExpression, index: int) -> cst.BaseExpression:
    """`value[index]` (the original value node is kept, so its names keep their identity)."""
    if not isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) and not value.lpar:
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Subscript(value=value, slice=[cst.SubscriptElement(cst.Index(cst.Integer(str(index))))])


def stateful_call(codemod, node: cst.CSTNode, markers: tuple[str, ...], seen: set[str] | None = None) -> str | None:  # noqa: ANN001
    """The qualified name of a TensorFlow call under `node` (or in a function of this file that it calls)
    whose value changes from one call to the next (random ops, dropout, shuffles); None if there is none."""
    seen = set() if seen is None else seen
    for call in find(node, cst.Call):
        assert isinstance(call, cst.Call)
        qualified = codemod.qualified_name(call)
        if qualified is not None:
            if qualified.startswith("tf.") and any(marker in qualified for marker in markers):
                return qualified
            continue
        if isinstance(call.func, cst.Name) and call.func.value not in seen:
            seen.add(call.func.value)
            for definition in find(codemod.tree, cst.FunctionDef):
                if definition.name.value == call.func.value:  # type: ignore[attr-defined]
                    found = stateful_call(codemod, definition, markers, seen)
                    if found is not None:
                        return found
    return None


def builds_graph_through_helper(codemod, node: cst.CSTNode, not_graph: tuple[str, ...], seen: set[str] | None = None) -> bool:  # noqa: ANN001
    """`n = noise()` where `def noise(): return tf.random_normal([2])` is in this file: the call builds graph
    ops (a TensorFlow call other than the `not_graph` helpers, directly or through further local functions)."""
    seen = set() if seen is None else seen
    for call in find(node, cst.Call):
        assert isinstance(call, cst.Call)
        if not isinstance(call.func, cst.Name) or call.func.value in seen or codemod.qualified_name(call) is not None:
            continue
        seen.add(call.func.value)
        for definition in find(codemod.tree, cst.FunctionDef):
            if definition.name.value != call.func.value:  # type: ignore[attr-defined]
                continue
            for inner in find(definition, cst.Call):
                qualified = codemod.qualified_name(inner) or ""
                if qualified.startswith("tf.") and not qualified.startswith(not_graph):
                    return True
            if builds_graph_through_helper(codemod, definition, not_graph, seen):
                return True
    return False
