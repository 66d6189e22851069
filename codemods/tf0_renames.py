"""TFM408/TFM409 tf0-renames: TensorFlow 0.x spellings become their TF 1.x names before any TF1 rule runs.

What it matches
    References through a `tensorflow` import (an attribute chain on the module alias: `tf.pack`,
    `tf.train.SummaryWriter`) to the names TensorFlow 1.0 renamed, and calls in the 0.x argument order.
    The table is TensorFlow's own 0.x -> 1.0 upgrade table (`tensorflow/tools/compatibility/tf_upgrade.py`
    of TF 1.x, and the 1.0 release notes), restricted to entries whose target is a TF1 name that TF 2.21
    still has under `tf.compat.v1` (the test checks each one against the API table).

What it writes
    TFM408  the TF1 name: `tf.pack` -> `tf.stack`, `tf.mul` -> `tf.multiply`, `tf.sub` -> `tf.subtract`,
            `tf.neg` -> `tf.negative`, `tf.batch_matmul` -> `tf.matmul` (`adj_x=` -> `adjoint_a=`),
            `tf.initialize_all_variables` -> `tf.global_variables_initializer`, `tf.all_variables` ->
            `tf.global_variables`, ... The later rules then treat the code as TF 1.x code (`tf.stack` is
            native TF2; `tf.global_variables_initializer` is the session rules' business). Where TF 2.21 has
            the TF1 name with another behaviour, the TF1 behaviour is written explicitly:
            `tf.select` -> `tf.compat.v1.where`, `tf.scalar_summary` -> `tf.compat.v1.summary.scalar`,
            `tf.image_summary(max_images=)` -> `tf.compat.v1.summary.image(max_outputs=)`,
            `tf.train.SummaryWriter` -> `tf.compat.v1.summary.FileWriter` (these keep TF1 semantics and are
            reported by the later rules as not native TF2).
    TFM409  a call in the 0.x argument order, when the order is evident from the call: `tf.concat(1, [a, b])`
            (an int literal first, or a list second) -> `tf.concat([a, b], 1)`; `tf.split(1, 2, x)` (an int
            literal first, not last) -> `tf.split(x, 2, 1)`; `concat_dim=` / `split_dim=` / `num_split=`
            keywords -> `axis=` / `num_or_size_splits=`; `tf.reverse(x, [False, True])` (a list of bool
            literals) -> `tf.reverse(x, [1])`; `tf.nn.softmax_cross_entropy_with_logits(logits, labels)`
            (positional, which TF1 refused) -> `logits=`, `labels=` keywords (the softmax one's labels wrapped in
            `tf.stop_gradient`: TF 0.x/1.x did not backpropagate into them, TF2 does).
    A call whose order cannot be told (`tf.concat(axis, tensors)`) is left as it is: it reads as TF1 code.

Why
    Tutorials written for TF 0.x are still around. Their names do not exist in TF 1.x either, so no TF1 -> TF2
    rule recognised them: `tf.initialize_all_variables()` kept a Session program from being converted, and
    `tf.pack` was only reported. Renaming them first gives such files the same treatment as TF 1.x code.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate.findings import FixKind
from tf2migrate.selection import Selection

from .base import Codemod, Rule
from .builders import dotted

RENAME = Rule(
    code="TFM408",
    name="tf0-rename",
    fix=FixKind.SAFE,
    summary="Rename a TensorFlow 0.x name to its TF 1.x name (`tf.pack` -> `tf.stack`) before the TF1 rules run.",
    explanation="""
        TensorFlow 1.0 renamed part of the 0.x API (`tf.pack` is `tf.stack`, `tf.mul` is `tf.multiply`,
        `tf.image_summary` is `tf.summary.image`, `tf.train.SummaryWriter` is `tf.summary.FileWriter`,
        `tf.initialize_all_variables` is `tf.global_variables_initializer`). The rule applies TensorFlow's own
        0.x -> 1.0 table first, so the TF1 -> TF2 rules then migrate the code like any TF 1.x code. Where
        TF 2.21 kept the TF1 name with another behaviour (`tf.where`, `tf.summary.*`), the rule writes the
        `tf.compat.v1` spelling, which behaves as TF1 did, and the later rules report it as not native TF2.
    """,
    before="""
        import tensorflow as tf
        x = tf.pack([a, b])
        y = tf.mul(x, 2.0)
        init = tf.initialize_all_variables()
    """,
    after="""
        import tensorflow as tf
        x = tf.stack([a, b])
        y = tf.multiply(x, 2.0)
        init = tf.global_variables_initializer()
    """,
)

ORDER = Rule(
    code="TFM409",
    name="tf0-argument-order",
    fix=FixKind.SAFE,
    summary="Put a TensorFlow 0.x call's arguments in the TF 1.x order (`tf.concat(1, xs)` -> `tf.concat(xs, 1)`).",
    explanation="""
        TensorFlow 1.0 swapped arguments of some functions: `tf.concat(concat_dim, values)` became
        `tf.concat(values, axis)`, `tf.split(split_dim, num_split, value)` became `tf.split(value,
        num_or_size_splits, axis)`, `tf.reverse` takes axes instead of a list of booleans, and the
        cross-entropy functions take `labels=` and `logits=` by keyword. The rule converts a call only when
        the call itself shows the 0.x order: an int literal where TF1 expects a tensor, a list where TF1
        expects the axis, a 0.x keyword, booleans for `tf.reverse`, positional cross-entropy arguments
        (TF1 refused them). Any other call reads as TF1 code and is left to the TF1 rules.
    """,
    before="""
        import tensorflow as tf
        h = tf.concat(1, [a, b])
        parts = tf.split(0, 2, x)
        loss = tf.nn.softmax_cross_entropy_with_logits(logits, y)
    """,
    after="""
        import tensorflow as tf
        h = tf.concat([a, b], 1)
        parts = tf.split(x, 2, 0)
        loss = tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=tf.stop_gradient(y))
    """,
)

# TF 0.x name -> TF 1.x name (written as is), from TensorFlow's 0.x -> 1.0 upgrade table. The TF 1.x names in
# TF2_DIFFERS behave differently in TF 2.21 under the same spelling: their `tf.compat.v1` spelling is written.
RENAMES: dict[str, str] = {
    "tf.pack": "tf.stack",
    "tf.unpack": "tf.unstack",
    "tf.mul": "tf.multiply",
    "tf.sub": "tf.subtract",
    "tf.neg": "tf.negative",
    "tf.inv": "tf.reciprocal",
    "tf.listdiff": "tf.setdiff1d",
    "tf.list_diff": "tf.setdiff1d",
    "tf.select": "tf.where",
    "tf.complex_abs": "tf.abs",
    "tf.batch_matmul": "tf.matmul",
    "tf.scalar_summary": "tf.summary.scalar",
    "tf.histogram_summary": "tf.summary.histogram",
    "tf.audio_summary": "tf.summary.audio",
    "tf.image_summary": "tf.summary.image",
    "tf.merge_summary": "tf.summary.merge",
    "tf.merge_all_summaries": "tf.summary.merge_all",
    "tf.contrib.deprecated.scalar_summary": "tf.summary.scalar",
    "tf.contrib.deprecated.histogram_summary": "tf.summary.histogram",
    "tf.train.SummaryWriter": "tf.summary.FileWriter",
    "tf.image.per_image_whitening": "tf.image.per_image_standardization",
    "tf.all_variables": "tf.global_variables",
    "tf.initialize_all_variables": "tf.global_variables_initializer",
    "tf.initialize_variables": "tf.variables_initializer",
    "tf.initialize_local_variables": "tf.local_variables_initializer",
    "tf.batch_matrix_diag": "tf.matrix_diag",
    "tf.batch_matrix_diag_part": "tf.matrix_diag_part",
    "tf.batch_matrix_band_part": "tf.matrix_band_part",
    "tf.batch_matrix_set_diag": "tf.matrix_set_diag",
    "tf.batch_matrix_transpose": "tf.matrix_transpose",
    "tf.batch_matrix_determinant": "tf.matrix_determinant",
    "tf.batch_matrix_inverse": "tf.matrix_inverse",
    "tf.batch_cholesky": "tf.cholesky",
    "tf.batch_cholesky_solve": "tf.cholesky_solve",
    "tf.batch_matrix_solve": "tf.matrix_solve",
    "tf.batch_matrix_triangular_solve": "tf.matrix_triangular_solve",
    "tf.batch_matrix_solve_ls": "tf.matrix_solve_ls",
    "tf.batch_self_adjoint_eig": "tf.self_adjoint_eig",
    "tf.batch_self_adjoint_eigvals": "tf.self_adjoint_eigvals",
    "tf.batch_svd": "tf.svd",
    "tf.batch_fft": "tf.fft",
    "tf.batch_ifft": "tf.ifft",
    "tf.batch_fft2d": "tf.fft2d",
    "tf.batch_ifft2d": "tf.ifft2d",
    "tf.batch_fft3d": "tf.fft3d",
    "tf.batch_ifft3d": "tf.ifft3d",
}

# TF1 names TF 2.21 has with another behaviour: the 0.x call is written as `tf.compat.v1.<TF1 name>`.
TF2_DIFFERS = {
    "tf.where": "TF2's `tf.where` broadcasts; TF 0.x `select` did not",
    "tf.summary.scalar": "TF2's `tf.summary.scalar` needs a step and a default writer",
    "tf.summary.histogram": "TF2's `tf.summary.histogram` needs a step and a default writer",
    "tf.summary.audio": "TF2's `tf.summary.audio` needs a step and a default writer",
    "tf.summary.image": "TF2's `tf.summary.image` needs a step and a default writer",
    "tf.summary.merge": "TF2 has no summary ops to merge",
    "tf.summary.merge_all": "TF2 has no summary ops to merge",
    "tf.summary.FileWriter": "TF2's writer is `tf.summary.create_file_writer`",
}

# Keywords TF 1.0 renamed, by TF 0.x name (TF1 no longer accepts the old ones).
KEYWORDS: dict[str, dict[str, str]] = {
    "tf.batch_matmul": {"adj_x": "adjoint_a", "adj_y": "adjoint_b"},
    "tf.concat": {"concat_dim": "axis"},
    "tf.split": {"split_dim": "axis", "num_split": "num_or_size_splits"},
    "tf.image_summary": {"max_images": "max_outputs"},
}

CROSS_ENTROPY = {
    "tf.nn.softmax_cross_entropy_with_logits": ("logits", "labels", "dim", "name"),
    "tf.nn.sparse_softmax_cross_entropy_with_logits": ("logits", "labels", "name"),
    "tf.nn.sigmoid_cross_entropy_with_logits": ("logits", "labels", "name"),
}

_LEAVES = sorted({name.rsplit(".", 1)[-1] for name in (*RENAMES, *KEYWORDS, *CROSS_ENTROPY)} | {"reverse"})
# The last part of every name the rules act on: the one cheap test before a name is resolved.
_RENAMED_LEAVES = frozenset(name.rsplit(".", 1)[-1] for name in RENAMES)
_CALL_LEAVES = frozenset(name.rsplit(".", 1)[-1] for name in (*KEYWORDS, *CROSS_ENTROPY, "tf.concat", "tf.split", "tf.reverse"))
_WANTED = re.compile(r"\b(" + "|".join(map(re.escape, _LEAVES)) + r")\b")


def _int_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, cst.Integer)


def _sequence_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.List, cst.Tuple, cst.ListComp))


def _tf0_spelling(node: cst.CSTNode) -> str | None:
    """What `Tf0Renames._tf0_name` returns for `node` whenever it returns a name, read from the spelling alone
    (`tf.X` for a dotted chain rooted at a Name, whatever that Name is bound to); None where it returns None too.

    The resolved name of a chain rooted at `import tensorflow [as alias]` is the chain with the alias read as
    `tensorflow` (LibCST: the import's name plus what follows the alias), so a name that this spelling rules out
    needs no resolution (and no scope analysis of the module)."""
    root = node
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name) or root is node:
        return None
    spelled = get_full_name_for_node(node)
    return None if spelled is None else "tf" + spelled[len(root.value) :]


class Tf0Renames(Codemod):
    RULES = (RENAME, ORDER)
    TRIGGERS = ("tensorflow",)

    @classmethod
    def wanted(cls, text: str, selection: Selection) -> bool:
        return super().wanted(text, selection) and _WANTED.search(text) is not None

    def _tf0_name(self, node: cst.CSTNode) -> str | None:
        """`tf.X` for a dotted chain rooted at a `tensorflow` module alias (`import tensorflow as tf`)."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or root is node:
            return None
        found = self.get_metadata(QualifiedNameProvider, node, None) or set()
        if len(found) != 1:
            return None
        (qualified,) = found
        if qualified.source is not QualifiedNameSource.IMPORT or not qualified.name.startswith("tensorflow."):
            return None
        root_names = self.get_metadata(QualifiedNameProvider, root, None) or set()
        if {q.name for q in root_names} != {"tensorflow"}:
            return None  # `import tensorflow.compat.v1 as tf`, `from tensorflow import nn`: not 0.x code
        return "tf" + qualified.name[len("tensorflow") :]

    def _offer_order(self, original: cst.Call, message: str) -> bool:
        """`offer_fix` for TFM409, once the callee resolves to the TF 0.x name its spelling was read as
        (`_tf0_spelling`); when it does not resolve, the call is left as it is, unreported."""
        return self._tf0_name(original.func) is not None and self.offer_fix(original, ORDER.code, message)

    # -- names --------------------------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value not in _RENAMED_LEAVES:
            return updated_node  # a resolved name ends with the attribute as written: it cannot be one of RENAMES
        name = _tf0_spelling(original_node)
        if name not in RENAMES:
            return updated_node  # the resolved name is this one or None
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if isinstance(parent, cst.Attribute) and parent.value is original_node:
            return updated_node
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)):
            return updated_node
        if self._tf0_name(original_node) is None:
            return updated_node
        target = RENAMES[name]
        written = ("tf.compat.v1." + target[3:]) if target in TF2_DIFFERS else target
        why = f" ({TF2_DIFFERS[target]}: the TF1 behaviour is kept)" if target in TF2_DIFFERS else ""
        if not self.offer_fix(original_node, RENAME.code, f"TF 0.x `{name}` is `{target}` since TF 1.0: now `{written}`{why}"):
            return updated_node
        root = get_full_name_for_node(original_node) or ""
        alias = root.split(".")[0]
        return dotted(alias + written[2:])

    # -- calls --------------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _CALL_LEAVES:
            return updated_node  # `_tf0_name` names dotted chains only, and every call handled below ends so
        # The name is read from the spelling, and resolved (`_tf0_name`: a scope analysis of the whole module at the
        # first call) only where the call would be reported (`_offer_order`): most files have no TF 0.x call.
        name = _tf0_spelling(func)
        if name is None or (name not in KEYWORDS and name not in CROSS_ENTROPY and name not in ("tf.concat", "tf.split", "tf.reverse")):
            return updated_node
        args = list(updated_node.args)
        if name in KEYWORDS:
            renamed = self._rename_keywords(original_node, args, KEYWORDS[name], name)
            if renamed is not None:
                return updated_node.with_changes(args=renamed)
        if any(arg.star for arg in original_node.args):
            return updated_node
        positional = [arg for arg in original_node.args if arg.keyword is None]
        if name == "tf.concat" and len(positional) == 2 and len(original_node.args) <= 3:
            first, second = positional[0].value, positional[1].value
            if (_int_literal(first) or _sequence_literal(second)) and not _sequence_literal(first):
                return self._reorder(original_node, updated_node, [1, 0], "`tf.concat(concat_dim, values)` is `tf.concat(values, axis)` since TF 1.0")
        if name == "tf.split" and len(positional) == 3:
            first, third = positional[0].value, positional[2].value
            if _int_literal(first) and not _int_literal(third):
                return self._reorder(original_node, updated_node, [2, 1, 0], "`tf.split(split_dim, num_split, value)` is `tf.split(value, num_or_size_splits, axis)` since TF 1.0")
        if name == "tf.reverse" and len(positional) == 2:
            return self._reverse(original_node, updated_node)
        if name in CROSS_ENTROPY and positional:
            return self._keywords_for_positional(original_node, updated_node, name)
        return updated_node

    def _rename_keywords(self, original: cst.Call, args: list[cst.Arg], renames: dict[str, str], name: str) -> list[cst.Arg] | None:
        changed = [arg.keyword.value for arg in original.args if arg.keyword is not None and arg.keyword.value in renames]
        if not changed:
            return None
        listing = ", ".join(f"`{k}=` -> `{renames[k]}=`" for k in changed)
        if not self._offer_order(original, f"TF 0.x keywords of `{name}`: {listing}"):
            return None
        return [
            arg.with_changes(keyword=cst.Name(renames[arg.keyword.value])) if arg.keyword is not None and arg.keyword.value in renames else arg
            for arg in args
        ]

    def _reorder(self, original: cst.Call, updated: cst.Call, order: list[int], message: str) -> cst.BaseExpression:
        if len(original.args) != len(order) and not all(a.keyword is not None for a in original.args[len(order) :]):
            return updated
        if not self._offer_order(original, message):
            return updated
        args = list(updated.args)
        moved = [args[i] for i in order]
        rest = args[len(order) :]
        result = []
        for index, arg in enumerate(moved + rest):
            result.append(arg.with_changes(comma=args[index].comma))
        return updated.with_changes(args=result)

    def _reverse(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        dims = original.args[1].value
        if not isinstance(dims, (cst.List, cst.Tuple)) or not dims.elements:
            return updated
        flags = [get_full_name_for_node(element.value) for element in dims.elements]
        if any(flag not in ("True", "False") for flag in flags):
            return updated
        axes = [str(index) for index, flag in enumerate(flags) if flag == "True"]
        new_dims = cst.parse_expression("[" + ", ".join(axes) + "]")
        if not self._offer_order(original, f"TF 0.x `tf.reverse(x, dims)` took one boolean per dimension: now the axes `[{', '.join(axes)}]`"):
            return updated
        args = list(updated.args)
        args[1] = args[1].with_changes(value=new_dims)
        return updated.with_changes(args=args)

    def _keywords_for_positional(self, original: cst.Call, updated: cst.Call, name: str) -> cst.BaseExpression:
        parameters = CROSS_ENTROPY[name]
        args = list(updated.args)
        if len([a for a in original.args if a.keyword is None]) > len(parameters):
            return updated
        stop = name == "tf.nn.softmax_cross_entropy_with_logits"
        note = " (its labels get no gradient, as in TF 0.x/1.x: `tf.stop_gradient`)" if stop else ""
        if not self._offer_order(original, f"TF 0.x `{name}({', '.join(parameters[:2])}, ...)` positional: TF 1.x takes `logits=` and `labels=` by keyword{note}"):
            return updated
        equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
        alias = (get_full_name_for_node(original.func) or "tf").split(".")[0]
        result = []
        for index, arg in enumerate(args):
            if original.args[index].keyword is None:
                arg = arg.with_changes(keyword=cst.Name(parameters[index]), equal=equal)
                if stop and parameters[index] == "labels":
                    arg = arg.with_changes(value=cst.Call(func=dotted(f"{alias}.stop_gradient"), args=[cst.Arg(value=arg.value)]))
            result.append(arg)
        return updated.with_changes(args=result)


CODEMOD = Tf0Renames
