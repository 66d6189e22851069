"""Datasets iterated in Python inside a Session program: plain values for the Session rewrite (codemods/sessions.py).

What it matches
    `ds = tf.data.Dataset.from_tensor_slices(values)` and `ds = ds.batch(32)` (element-preserving methods) reading
    no graph name, where the dataset is only ever extended by such methods or iterated in Python (`iter(ds)`):
    what TFM265 (codemods/session_datasets.py) writes for a TF1 iterator.

What it writes
    Nothing itself: sessions.py leaves such statements as plain Python (they run eagerly, once, where they are).
    A dataset read any other way (`ds.make_one_shot_iterator()`) stays graph code, which the rewrite declines.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from .names import references_in

FACTORIES = frozenset({"tf.data.Dataset.from_tensor_slices"})
# Dataset methods that keep the element structure and dtypes.
METHODS = frozenset({"shuffle", "batch", "repeat", "prefetch", "take", "skip", "cache"})


def eager_dataset(codemod, program, statement: cst.CSTNode) -> bool:  # noqa: ANN001
    """`ds = tf.data.Dataset.from_tensor_slices(values)` / `ds = ds.batch(32)` reading no graph name, where the
    dataset is only ever iterated in Python (`iter(ds)`) or extended by such methods: a plain Python value in
    eager code (what TFM265 writes). A dataset read any other way (`ds.make_one_shot_iterator()`) is not."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1 or not isinstance(statement.body[0], cst.Assign):
        return False
    assign = statement.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return False
    name = assign.targets[0].target.value
    if chain_root(codemod, assign.value, name) is None:
        return False
    if any(reference.value in program.graph_names() for reference in references_in(assign.value)):
        return False
    scope = codemod.get_metadata(ScopeProvider, assign.targets[0].target, None)
    if scope is None:
        return False
    for assignment in scope.assignments[name]:
        for access in assignment.references:
            if not dataset_use(codemod, access.node, name):
                return False
    return True


def dataset_use(codemod, node: cst.CSTNode, name: str) -> bool:  # noqa: ANN001
    parent = codemod.get_metadata(ParentNodeProvider, node, None)
    if isinstance(parent, cst.Arg):
        call = codemod.get_metadata(ParentNodeProvider, parent, None)
        return isinstance(call, cst.Call) and m_name(call.func, "iter") and len(call.args) == 1
    if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in METHODS:
        call = codemod.get_metadata(ParentNodeProvider, parent, None)
        return isinstance(call, cst.Call) and call.func is parent
    return False


def m_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def chain_root(codemod, value: cst.BaseExpression, name: str) -> cst.Call | cst.Name | None:  # noqa: ANN001
    """The factory call or the name (`name` itself) a chain of dataset methods starts from; None if `value` is not one."""
    while isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value in METHODS:
        value = value.func.value
    if isinstance(value, cst.Name) and value.value == name:
        return value
    if isinstance(value, cst.Call) and codemod.qualified_name(value) in FACTORIES:
        return value
    return None
