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


# The last tree's function definitions by name: the helpers below and the Session rewrite look up a local
# function per call they follow, and a walk of the whole tree per lookup made large files quadratic
# (a 4,000-line generated TF1 file: 213 s, 2,000 lines: 39 s).
_DEFINITIONS: tuple[cst.CSTNode | None, dict[str, list[cst.FunctionDef]]] = (None, {})


def function_definitions(tree: cst.CSTNode, name: str) -> list[cst.FunctionDef]:
    """The `def name(...)` statements anywhere in `tree`, in source order (what filtering `find(tree, FunctionDef)`
    by name gives), from a table built once per tree."""
    global _DEFINITIONS
    if _DEFINITIONS[0] is not tree:
        table: dict[str, list[cst.FunctionDef]] = {}
        for definition in find(tree, cst.FunctionDef):
            assert isinstance(definition, cst.FunctionDef)
            table.setdefault(definition.name.value, []).append(definition)
        _DEFINITIONS = (tree, table)
    return _DEFINITIONS[1].get(name, [])


# TensorFlow calls that load or describe data rather than build graph ops (a helper using only these is plain Python).
DATA_HELPERS = ("tf.keras.datasets.", "tf.keras.utils.", "tf.keras.preprocessing.", "tf.io.", "tf.errors.", "tf.test.", "tf.print", "tf.get_logger", "tf.core.")  # tf.core.*: protocol buffer classes, no graph ops


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


def unpacked_variables(value: cst.BaseExpression, count: int, is_variable) -> list[cst.BaseExpression] | None:  # noqa: ANN001
    """`[tf.Variable(p) for p in INIT]` or `[tf.Variable(0.0), tf.Variable(1.0)]` unpacked into `count` names:
    the variable constructor calls (each item a variable); None for any other value."""
    if isinstance(value, cst.ListComp) and is_variable(value.elt) and value.for_in.inner_for_in is None:
        return [value.elt]
    if isinstance(value, (cst.List, cst.Tuple)) and len(value.elements) == count:
        items = [e.value for e in value.elements if isinstance(e, cst.Element)]
        if len(items) == count and all(is_variable(item) for item in items):
            return items
    return None


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
            for definition in function_definitions(codemod.tree, call.func.value):
                found = stateful_call(codemod, definition, markers, seen)
                if found is not None:
                    return found
    return None


def builds_graph_through_helper(codemod, node: cst.CSTNode, not_graph: tuple[str, ...], creates: tuple[str, ...]) -> bool:  # noqa: ANN001
    """`n = noise()` where `def noise(): return tf.random_normal([2])` is in this file: the call builds graph
    ops (a TensorFlow call other than the `not_graph` helpers, directly or through further local functions).
    A helper that creates variables (`creates`: `w = init_weights(shape)`) does not count: what it returns is
    made once, where it is called, as in TF1."""
    for call in find(node, cst.Call):
        assert isinstance(call, cst.Call)
        if not isinstance(call.func, cst.Name) or codemod.qualified_name(call) is not None:
            continue
        called = _tf_calls_of(codemod, call.func.value, set())
        if any(q.startswith(creates) for q in called):
            continue
        if any(q.startswith("tf.") and not q.startswith(not_graph + DATA_HELPERS) for q in called):
            return True
    return False


# The last tree's answers of `_tf_calls_of` for a name followed from the top (an empty `seen`): the same helpers
# are looked up for every value that calls them, and a large file defines and calls them hundreds of times.
_CALLS_OF: tuple[cst.CSTNode | None, dict[str, list[str]]] = (None, {})


def _tf_calls_of(codemod, name: str, seen: set[str]) -> list[str]:  # noqa: ANN001
    """Qualified names of the TensorFlow calls in the local function(s) `name`, and in the ones they call."""
    global _CALLS_OF
    if seen:
        return _tf_calls_followed(codemod, name, seen)
    if _CALLS_OF[0] is not codemod.tree:
        _CALLS_OF = (codemod.tree, {})
    known = _CALLS_OF[1]
    if name not in known:
        known[name] = _tf_calls_followed(codemod, name, seen)
    return known[name]


def _tf_calls_followed(codemod, name: str, seen: set[str]) -> list[str]:  # noqa: ANN001
    if name in seen:
        return []
    seen.add(name)
    found: list[str] = []
    for definition in function_definitions(codemod.tree, name):
        for inner in find(definition, cst.Call):
            assert isinstance(inner, cst.Call)
            qualified = codemod.qualified_name(inner)
            if qualified is not None:
                found.append(qualified)
            elif isinstance(inner.func, cst.Name):
                found.extend(_tf_calls_followed(codemod, inner.func.value, seen))
    return found
