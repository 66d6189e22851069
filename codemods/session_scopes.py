"""`with tf.variable_scope("Inputs"):` blocks around a Session program's placeholders and plain ops
(for the Session rewrite, codemods/sessions.py).

What it matches
    A top-level `with tf.variable_scope("<literal>"):` (one positional literal name, no `reuse`, no `as`)
    whose body creates no variable (no `tf.Variable`, `tf.get_variable`, layer, cell or variable store call:
    the tf1-variables rules, which run first, have already turned the layers into objects created once
    and unwrapped the scopes that held only them):

        with tf.variable_scope('Inputs'):
            tf_x = tf.placeholder(tf.float32, x.shape, name='x')
            tf_y = tf.placeholder(tf.float32, y.shape, name='y')

What it writes
    Nothing itself. For sessions.py: the block is transparent, its body is the program's own top level
    (as for `with tf.name_scope("..."):`), and the block goes with the graph. The names ops get in it are
    recorded with the scope's prefix (`"Inputs/x:0"`, as TF1 named them), and only when that prefix is
    certain: every enclosing scope is a literal used once in the file (TF1 made a repeated name unique).

Why
    A variable scope that creates no variable only names ops (it opens the name scope of the same name).
    Eager code has no op names, so nothing is lost but the names, and fetches by name still resolve to the
    right tensor.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate.traversal import find

SCOPES = frozenset({"tf.name_scope", "tf.variable_scope"})
# Calls that create variables, left in a scope's body: the scope would name them (checkpoint keys), not transparent.
# (A Keras layer object made in the scope, as the tf1-variables rules leave one when the scope holds summaries,
# ignores variable scopes: it is allowed.)
CREATES_VARIABLES = ("tf.Variable", "tf.get_variable", "tf.layers.", "tf.contrib.", "tf.nn.rnn_cell.", "tf.make_template")


def literal_scope(codemod, item: cst.BaseExpression) -> str | None:  # noqa: ANN001
    """The name of `tf.variable_scope("X")` / `tf.name_scope("X")` given as one positional literal, else None."""
    if not isinstance(item, cst.Call) or codemod.qualified_name(item) not in SCOPES:
        return None
    if len(item.args) != 1 or item.args[0].keyword is not None or item.args[0].star:
        return None
    value = item.args[0].value
    if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
        return value.evaluated_value
    return None


def variable_scope_block(codemod, statement: cst.With) -> bool:  # noqa: ANN001
    """`with tf.variable_scope("X"):` whose body creates no variable (see the module docstring)."""
    item = statement.items[0].item
    if not isinstance(item, cst.Call) or codemod.qualified_name(item) != "tf.variable_scope" or literal_scope(codemod, item) is None:
        return False
    for call in find(statement.body, cst.Call):
        qualified = codemod.qualified_name(call) or ""
        if qualified.startswith(CREATES_VARIABLES) or "variable_store" in qualified or store_call(call):
            return False
    return True


def store_call(call: cst.Call) -> bool:
    """`variable_store.get(...)` / `store.scope(...)` written by the tf1-variables rules (not a `tf.` name)."""
    func = call.func
    return isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and "variable_store" in func.value.value


def op_prefix(codemod, statement: cst.CSTNode) -> str | None:  # noqa: ANN001
    """`"Inputs/"` for an op made in `with tf.variable_scope("Inputs"):` (`""` outside any scope); None when a scope
    around it is not a literal used once in the file (TF1 made a repeated scope name unique: the name is uncertain)."""
    scopes: list[str] = []
    node = codemod.get_metadata(ParentNodeProvider, statement, None)
    while node is not None and not isinstance(node, (cst.FunctionDef, cst.Module)):
        if isinstance(node, cst.With):
            for item in node.items:
                if (codemod.qualified_name(item.item) or "") in SCOPES:
                    name = literal_scope(codemod, item.item)
                    if name is None:
                        return None
                    scopes.insert(0, name)
        node = codemod.get_metadata(ParentNodeProvider, node, None)
    if not scopes:
        return ""
    used = [name for call in find(codemod.tree, cst.Call) if (name := literal_scope(codemod, call)) is not None]
    if any(used.count(scope) != 1 for scope in scopes):
        return None
    return "".join(f"{scope}/" for scope in scopes)
