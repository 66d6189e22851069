"""`arg_scope` blocks expanded into the contrib layer calls they cover (for TFM237 in `tf1_variables`).

What it matches
    `with slim.arg_scope([slim.conv2d, slim.fully_connected], padding="VALID", ...):` (also
    `tf.contrib.framework.arg_scope`, `tf.contrib.layers.arg_scope`): a single `with` item, no `as`, a list or
    tuple of contrib layer functions, keyword defaults.
What it writes
    Nothing by itself: `expand()` gives, for each call of a listed function written inside such a block, the
    defaults it receives (keywords the call does not give itself), and the blocks whose
    `with` can go once their calls are converted. TF1 applied the defaults dynamically, to every call made while
    the block ran: the expansion is only planned when every call that can run there is written there, so a
    block that calls a function of this file (or a method) is not expanded, nor one whose default values use a
    name the block rebinds, nor a file whose `arg_scope` is used any other way (`as`, `**`, a list built
    elsewhere), nor nested scopes. Then every contrib layer of the file is reported, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from tf2migrate.traversal import find

from .names import dotted


@dataclass
class Expansion:
    defaults: dict[cst.Call, list[tuple[str, cst.BaseExpression]]] = field(default_factory=dict)  # layer call -> defaults
    blocks: dict[cst.With, list[cst.Call]] = field(default_factory=dict)  # arg_scope block -> the layer calls it covers
    scope_calls: list[cst.Call] = field(default_factory=list)


def expand(
    module: cst.Module,
    resolve: Callable[[cst.BaseExpression], str | None],
    scopes: frozenset[str],
    layer_names: Callable[[str], bool],
    local_functions: set[str],
) -> Expansion | None:
    """The expansion of the file's `arg_scope` blocks, or None when it cannot be proven exact.

    `resolve` gives a node's qualified name, `layer_names(name)` tells a contrib layer function, and
    `local_functions` are the names of the file's own functions (calls to them inside a block are refused).
    """
    result = Expansion()
    blocks: list[tuple[cst.With, dict[str, list[tuple[str, cst.BaseExpression]]]]] = []
    for node in find(module, cst.With):
        assert isinstance(node, cst.With)
        item = node.items[0].item if len(node.items) == 1 else None
        if not (isinstance(item, cst.Call) and resolve(item.func) in scopes):
            if any(isinstance(i.item, cst.Call) and resolve(i.item.func) in scopes for i in node.items):
                return None
            continue
        if node.items[0].asname is not None or not item.args or item.args[0].keyword is not None:
            return None
        listed = item.args[0].value
        if not isinstance(listed, (cst.List, cst.Tuple)):
            return None
        functions = []
        for element in listed.elements:
            name = resolve(element.value)
            if isinstance(element, cst.StarredElement) or name is None or not layer_names(name):
                return None
            functions.append(name)
        keywords = []
        for arg in item.args[1:]:
            if arg.star or arg.keyword is None:
                return None
            keywords.append((arg.keyword.value, arg.value))
        rebound = {n.value for target in find(node.body, cst.AssignTarget) for n in find(target, cst.Name)}  # type: ignore[attr-defined]
        if any(isinstance(n, cst.Name) and n.value in rebound for _, value in keywords for n in find(value, cst.Name)):
            return None
        for call in find(node.body, cst.Call):
            assert isinstance(call, cst.Call)
            callee = dotted(call.func) or ""
            if callee in local_functions or callee.startswith("self."):
                return None  # TF1 applied the scope inside the functions it calls too
        blocks.append((node, {name: keywords for name in functions}))
        result.scope_calls.append(item)
    # calls of `arg_scope` other than as such a `with` item
    for call in find(module, cst.Call):
        assert isinstance(call, cst.Call)
        if resolve(call.func) in scopes and call not in result.scope_calls:
            return None
    if not blocks:
        return None
    for node, by_function in blocks:
        covered = []
        inner_blocks = [other for other, _ in blocks if other is not node and other in set(find(node.body, cst.With))]
        for call in find(node.body, cst.Call):
            assert isinstance(call, cst.Call)
            name = resolve(call.func)
            if name is None or name not in by_function:
                continue
            covered.append(call)
            given = result.defaults.setdefault(call, [])
            known = {key for key, _ in given}
            for key, value in by_function[name]:
                if key not in known:
                    given.append((key, value))
        result.blocks[node] = covered
        if inner_blocks:
            return None  # nested scopes: the order of precedence is not modelled
    return result
