"""TFM401-TFM407 api-renames: every TF1 `tf.X` left after the scenario rules, mapped through the API table.

What it matches
    Every reference to a TensorFlow name spelled through a `tensorflow` import: an attribute chain on
    the module alias (`tf.log`, `tensorflow.nn.dropout`), a name from `from tensorflow import log` or
    `from tensorflow import nn` (`nn.dropout`), whether it is called or passed as a value. The name is
    looked up in the TF1 -> TF2 table (`codemods.api_table`, generated from the installed TensorFlow).

    Names spelled through `tensorflow.compat.v1` (an `import tensorflow.compat.v1 as tf` alias, or
    `tf.compat.v1.X`) are left alone: they exist in TF 2.21 and are the graph-mode fallback other rules
    write on purpose (they are only checked to exist, TFM407). Names spelled `tensorflow.compat.v2.X` are
    already TF2. `tf.contrib.*` belongs to the legacy-call rules (TFM3xx); `tf.keras.*` is only checked
    to exist (the Keras rules rewrite it); `tensorflow.python.*` is private and left alone.

What it writes
    TFM401  the native TF2 name: `tf.log(x)` -> `tf.math.log(x)`, `tf.random_normal` -> `tf.random.normal`.
    TFM402  keywords renamed (`keep_dims=` -> `keepdims=`, `dimension=` -> `axis=`), keywords TF2 ignores
            dropped, and positional arguments passed by keyword where TF2 reordered the parameters.
            The arguments are edited in place, so their comments and line breaks stay.
    TFM403  a rewrite that changes an argument's meaning or the shape of the call, as the table's
            hand-written entries say: `keep_prob=k` -> `rate=1 - k`, `tf.to_float(x)` ->
            `tf.cast(x, tf.float32)`, `tf.losses.mean_squared_error(y, p)` -> the mean of the squared
            differences. Entries whose TF2 result differs slightly (`tf.image.resize_images`) are unsafe.
    TFM404  no native equivalent, or a call the rule cannot convert (a `*args` call, an argument TF2
            does not have, a function with changed arguments passed as a value): `tf.compat.v1.X`, which
            behaves as TF1 did. Applied, and reported so the user knows the code is not native TF2 yet.
    TFM405  removed from TF 2.21 altogether (not even in `tf.compat.v1`): reported, to rewrite by hand.
    TFM406  a TF1 name that TF 2.21 still has under the same name with a different behaviour
            (`tf.where`, `tf.summary.scalar`, `tf.train.Checkpoint`, the `tf.assert_*` family, a
            `tf.nn.softmax_cross_entropy_with_logits(labels=...)` call TF2 would accept as it is): reported,
            never rewritten, because the same spelling is also correct TF2 code (other rules write it).
            Only lines as they were read are reported, not lines an earlier rule just wrote.
    TFM407  check-only: a TF1 name of the table that does not exist in TF 2.21 (a `tf.placeholder` the
            session rules left, `tf.layers.dense`, `tf.nn.rnn_cell.LSTMCell`). Every other missing name (a
            misspelt one, `tf.compat.v1.X` and `tf.keras.X` spellings, imports, names through `keras` and
            `from` imports) is reported under the same code by the completeness pass that runs last
            (`codemods/missing_names.py`), so that `tf2migrate check` lists them all.

    TFM405/TFM407 stay quiet where another rule of the same run reports the same thing: a removed API the
    legacy-call rules know (TFM320/TFM330), and `tf.compat.v1` names in a graph-mode fallback file (TFM261).
    Scenario names left behind (`tf.placeholder`) are reported even if their rule reported the construct:
    whether it did cannot be told cheaply, and a missing name must never go unreported.

    Every rewrite is a fixed point: when the TF2 name written is itself a TF1 name with other arguments
    (TF2's `tf.batch_to_space` is TF1's `batch_to_space_nd`; TF2's `tf.nn.avg_pool` is N-dimensional), a
    second run would convert it again, so the call falls back to `tf.compat.v1` instead (TFM404).

    Table snippets spell TensorFlow `tf`; the rule writes the alias the file imports it under (adding
    `import tensorflow as tf` when the name came from a `from tensorflow import ...`, whose import is
    dropped once unused).

Why
    After the scenario rules (layer variables, TF1 variables, sessions, graph plumbing) have rewritten
    the constructs they own, code still calls hundreds of TF1 names that TF 2.21 renamed, changed or
    removed. `tf_upgrade_v2` sends nearly all of them to `tf.compat.v1`; this rule uses the native
    name wherever the table proves one exists, converting arguments as needed, and falls back to
    `tf.compat.v1` only when there is none, so that every name left exists in TF 2.21 or is reported.
"""

from __future__ import annotations

import builtins
import dataclasses
import re
from collections.abc import Sequence
from typing import cast

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import CODEMOD_MODULES, api_table, removed_apis
from .api_table import ApiEntry, CallPlan
from .base import Codemod, Rule
from .builders import dotted, source_of
from .graph_plumbing import PLUMBING_CALLS, manual_plumbing_factories
from .imports import module_alias, schedule_removal_of_imports_used_by
from .names import imported as imported_names
from .names import at_module_level, module_imports
from .plumbing import fallback_cannot_switch, value_only_handed
from .source_text import module_text

RENAME = Rule(
    code="TFM401",
    name="api-rename",
    fix=FixKind.SAFE,
    summary="Rename a TF1 name to its native TF2 name (`tf.log` -> `tf.math.log`).",
    explanation="""
        TensorFlow 2 moved hundreds of TF1 symbols into modules (`tf.log` is `tf.math.log`,
        `tf.random_normal` is `tf.random.normal`, `tf.gfile.GFile` is `tf.io.gfile.GFile`) and removed the
        old names from the `tf` namespace. The rule renames every reference, called or passed as a value,
        to the TF2 name the API table (generated from the installed TensorFlow) proves to be the same API.
        A name imported with `from tensorflow import X` is written through the file's `tensorflow` alias; where
        it is used, as the module runs, before the file's own `import tensorflow as tf`, it is reported instead
        (the alias is not bound there yet): move that import above it.
    """,
    before="""
        import tensorflow as tf
        y = tf.log(tf.random_normal([3]))
        fn = tf.squared_difference
    """,
    after="""
        import tensorflow as tf
        y = tf.math.log(tf.random.normal([3]))
        fn = tf.math.squared_difference
    """,
)

KEYWORDS = Rule(
    code="TFM402",
    name="api-keywords",
    fix=FixKind.SAFE,
    summary="Rename keywords changed in TF2 (`keep_dims` -> `keepdims`) and pass arguments by keyword where the order changed.",
    explanation="""
        Many TF2 functions kept their name but renamed keywords (`keep_dims` -> `keepdims`,
        `reduction_indices` and `dimension` -> `axis`, `squeeze_dims` -> `axis`, `filter` -> `filters`),
        dropped keywords that had no effect (`use_cudnn_on_gpu`), or put their parameters in another
        order, so a positional argument would now land in the wrong parameter. The rule renames the
        keywords and passes every positional argument after the first changed position by its keyword.
        Only the arguments are edited: comments and line breaks inside the call are kept. Calls that
        unpack `*args`/`**kwargs` cannot be converted and fall back to `tf.compat.v1` (TFM404).
    """,
    before="""
        import tensorflow as tf
        s = tf.reduce_sum(x, reduction_indices=1, keep_dims=True)
        m = tf.argmax(logits, dimension=1)
        top = tf.nn.in_top_k(logits, labels, 5)
        y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", True)
    """,
    after="""
        import tensorflow as tf
        s = tf.reduce_sum(x, axis=1, keepdims=True)
        m = tf.argmax(logits, axis=1)
        top = tf.nn.in_top_k(predictions=logits, targets=labels, k=5)
        y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    """,
)

SEMANTIC = Rule(
    code="TFM403",
    name="api-semantic-rewrite",
    fix=FixKind.SAFE,
    summary="Rewrite calls whose arguments changed meaning (`keep_prob=k` -> `rate=1 - k`, `tf.to_float`, `tf.losses.*`).",
    explanation="""
        Some TF1 calls have a TF2 equivalent only after their arguments are rewritten: `tf.nn.dropout`
        takes the drop rate (`rate=1 - keep_prob`), `tf.to_float(x)` is `tf.cast(x, tf.float32)`, TF1's
        `tf.nn.softmax_cross_entropy_with_logits` did not backpropagate into the labels (TF2's does: the
        labels are wrapped in `tf.stop_gradient`), `tf.image.resize_images(x, size, method=1)` is
        `tf.image.resize(x, size, method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)`, and a TF1 loss with
        default weights (`tf.losses.mean_squared_error(labels, predictions)`) is the mean of the TF2
        per-example loss. Each rewrite is a hand-written entry of the API table with a golden fixture.
        Entries whose TF2 result differs numerically (the image resizes use half-pixel centers in TF2)
        are unsafe fixes: run with `--unsafe-fixes` after checking the difference does not matter.
        A call with arguments the TF2 form cannot express (weights, label smoothing, a reduction) falls
        back to `tf.compat.v1` (TFM404).
    """,
    before="""
        import tensorflow as tf
        h = tf.nn.dropout(h, keep_prob=0.8)
        n = tf.to_float(tf.shape(x)[0])
        loss = tf.losses.mean_squared_error(y, pred)
    """,
    after="""
        import tensorflow as tf
        h = tf.nn.dropout(h, rate=1 - 0.8)
        n = tf.cast(tf.shape(x)[0], tf.float32)
        loss = tf.reduce_mean(tf.math.squared_difference(tf.cast(pred, tf.float32), tf.cast(y, tf.float32)))
    """,
)

FALLBACK = Rule(
    code="TFM404",
    name="compat-v1-fallback",
    fix=FixKind.SAFE,
    summary="A TF1 name with no native TF2 equivalent becomes `tf.compat.v1.X` (reported: not native yet).",
    explanation="""
        Some TF1 APIs have no TF2 counterpart with the same behaviour (`tf.assign`, `tf.logging`,
        `tf.app.run`, the TF1 `tf.losses` with weights), and some calls cannot be converted (a call that
        unpacks `*args`, an argument TF2 does not have, a function with changed arguments passed as a
        value). TensorFlow 2.21 still ships them under `tf.compat.v1`, where they behave as in TF1, so
        the rule writes that spelling and reports it: the program runs, but the code is not native TF2.
        The message says why and, where there is one, what the native replacement is.
    """,
    before="""
        import tensorflow as tf
        tf.logging.info("step %d", step)
        op = tf.assign(v, 0.0)
    """,
    after="""
        import tensorflow as tf
        tf.compat.v1.logging.info("step %d", step)
        op = tf.compat.v1.assign(v, 0.0)
    """,
)

REMOVED = Rule(
    code="TFM405",
    name="removed-api",
    fix=FixKind.MANUAL,
    summary="A TF1 API removed from TF 2.21 (not even in `tf.compat.v1`): rewrite it by hand.",
    explanation="""
        A few TF1 modules and symbols are gone from TensorFlow 2.21 entirely (`tf.estimator`,
        `tf.pywrap_tensorflow`, some `tf.tpu.experimental` classes): neither a TF2 name nor a
        `tf.compat.v1` fallback exists. The rule reports each use with the table's note; replace it with
        the Keras or core TF2 API that does the job. (`tf.contrib` is reported by the TFM3xx rules.)
    """,
    before="""
        import tensorflow as tf
        estimator = tf.estimator.DNNClassifier(hidden_units=[10])
    """,
    after="""
        import tensorflow as tf
        estimator = tf.estimator.DNNClassifier(hidden_units=[10])  # rewrite with tf.keras
    """,
)

CHANGED = Rule(
    code="TFM406",
    name="api-behaviour-changed",
    fix=FixKind.MANUAL,
    summary="A TF1 name TF2 still has with a different behaviour (`tf.where`, `tf.summary.scalar`): review it.",
    explanation="""
        TensorFlow 2 kept some TF1 names but gave them another behaviour: `tf.where` broadcasts,
        the `tf.assert_*` functions return None and order their arguments differently, `tf.summary.scalar`
        needs a `step` and a default writer, `tf.train.Checkpoint` is another class, the initializers
        take no dtype, and TF1's `tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...)` did not
        backpropagate into the labels (a call with a TF1-only keyword such as `dim=` is TF1 code for sure
        and is converted by TFM403). The same spelling is correct TF2 code, so the rule cannot tell whether a use is
        TF1 code to convert; it reports each use (on lines as they were read). If the code relied on the
        TF1 behaviour, write `tf.compat.v1.X` (or port it to the TF2 API); otherwise suppress the finding.
    """,
    before="""
        import tensorflow as tf
        y = tf.where(mask, a, b)
    """,
    after="""
        import tensorflow as tf
        y = tf.where(mask, a, b)  # TF1 semantics needed? tf.compat.v1.where(mask, a, b)
    """,
)

MISSING = Rule(
    code="TFM407",
    name="missing-tf-name",
    fix=FixKind.MANUAL,
    summary="A TensorFlow name that does not exist in TF 2.21 is still used.",
    explanation="""
        After every other rule ran, a name spelled through a TensorFlow import still does not exist in
        TensorFlow 2.21: a construct a scenario rule left in place (`tf.placeholder`, `tf.layers.dense`,
        `tf.nn.rnn_cell.LSTMCell`, `tf.compat.v1.layers.dense`), a name removed from `tf.keras`, or a
        misspelt name. The rule lists each one so that `tf2migrate check` shows everything that would
        raise `AttributeError` on TF 2.21; the findings of the scenario rules on the same line say how
        to migrate the construct.
    """,
    before="""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])
    """,
    after="""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])  # TFM2xx: migrate the Session program
    """,
)

OWNERS = {
    "sessions": "the session and graph rules (TFM2xx)",
    "variables": "the TF1 variable rules (TFM230-TFM249)",
    "layers": "the TF1 layer rules (TFM1xx/TFM230-TFM249)",
    "keras": "the Keras rules",
}

# Table entries whose keyword mapping is right but whose value is not: found by tests/test_api_renames_exec.py.
# Calls of these fall back to tf.compat.v1 (TFM404) with the reason.
VALUE_CHANGED = {
    "tf.space_to_batch": "TF2's `block_shape` is a list (one size per spatial dimension), TF1's `block_size` was one int",
    "tf.nn.space_to_batch": "TF2's `block_shape` is a list (one size per spatial dimension), TF1's `block_size` was one int",
    "tf.batch_to_space": "TF2's `block_shape` is a list (one size per spatial dimension), TF1's `block_size` was one int",
}

# The check-only part of TFM407 (a name outside the table, a `tf.compat.v1.X` / `tf.keras.X` spelling, an import)
# belongs to the completeness pass that runs last (codemods/missing_names.py), when it is in the pipeline.
_COMPLETENESS_PASS = "missing_names" in CODEMOD_MODULES

_TF_PREFIX = re.compile(r"(?<![\w.])tf\.")
_WRAPPER = re.compile(r"^([\w.]+)\(\{\}\)$")
_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def _respell(source: str, alias: str) -> str:
    """A table snippet's `tf.` prefix written as the file's TensorFlow alias."""
    return source if alias == "tf" else _TF_PREFIX.sub(alias + ".", source)


def _respell_entry(entry: ApiEntry, alias: str) -> ApiEntry:
    if alias == "tf":
        return entry
    exprs = {
        key: dataclasses.replace(
            spec,
            expr=_respell(spec.expr, alias) if spec.expr else spec.expr,
            values={k: _respell(v, alias) for k, v in spec.values.items()},
        )
        for key, spec in entry.exprs.items()
    }
    return dataclasses.replace(
        entry,
        target=_respell(entry.target, alias) if entry.target else entry.target,
        dtype=_respell(entry.dtype, alias) if entry.dtype else entry.dtype,
        template=_respell(entry.template, alias) if entry.template else entry.template,
        defaults={k: _respell(v, alias) for k, v in entry.defaults.items()},
        exprs=exprs,
    )


@dataclasses.dataclass(frozen=True)
class Spelled:
    """How a reference names TensorFlow: `name` is the TF1 key (`tf.X`), `space` where it was spelled."""

    name: str
    space: str  # "v1": the TF1 `tf` namespace (`import tensorflow`); "compat.v1"; "compat.v2"


class ApiRenames(Codemod):
    RULES = (RENAME, KEYWORDS, SEMANTIC, FALLBACK, REMOVED, CHANGED, MISSING)
    TRIGGERS = ("tensorflow",)

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self._alias: str | None = None  # the alias to write ("tf"); None: cannot be written
        self._alias_exists = False
        self._fallback_file = False

    # -- setup ------------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._manual_plumbing: set[int] | None = None  # computed on the first TFM407 that needs it
        self._fallback_file = (
            "graph_plumbing" in CODEMOD_MODULES and self.enabled("TFM261") and "disable_v2_behavior" in module_text(node)
        )
        existing = module_alias(node, "tensorflow") or self._global_import_alias(node)
        self._alias_statement: cst.BaseStatement | None | bool = False  # False: not looked for yet (`_alias_unbound`)
        if existing is not None:
            self._alias, self._alias_exists = existing, True
            return
        self._alias = None
        for candidate in ("tf", "tensorflow"):  # `tf` may be `tensorflow.compat.v1` (the graph-mode fallback)
            if not self._module_binds(node, candidate):
                self._alias = candidate
                break

    def _binding_statement(self, module: cst.Module, alias: str) -> cst.BaseStatement | None:
        """The module-level statement (or the `try:` / `if` block at module level) whose `import tensorflow [as alias]`
        binds the alias first."""
        for found in find(module, cst.Import):
            if not at_module_level(self, found):
                continue
            for item in cast(cst.Import, found).names:
                bound = source_of(item.asname.name) if item.asname else source_of(item.name)
                if source_of(item.name) == "tensorflow" and bound == alias:
                    return self._module_statement(found)[0]
        return None

    def _module_statement(self, node: cst.CSTNode) -> tuple[cst.BaseStatement | None, bool]:
        """The statement of the module body that holds `node`, and whether a function or lambda lies between (the
        code then runs when it is called, not as the module runs)."""
        deferred = False
        current = node
        parent = self.get_metadata(ParentNodeProvider, current, None)
        while parent is not None and not isinstance(parent, cst.Module):
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                deferred = True
            current, parent = parent, self.get_metadata(ParentNodeProvider, parent, None)
        return (current if isinstance(parent, cst.Module) else None), deferred  # type: ignore[return-value]

    def _alias_unbound(self, original: cst.CSTNode) -> str | None:
        """Why the alias cannot be written in place of this from-imported name: the file's `import tensorflow as tf`
        comes after it, and the line runs as the module runs (before that import). None when it can."""
        if not self._alias_exists or self._root_is_module(original):
            return None
        if self._alias_statement is False:
            self._alias_statement = self._binding_statement(self._module, self._alias)  # type: ignore[arg-type]
        if self._alias_statement is None:
            return None
        statement, deferred = self._module_statement(original)
        if deferred or statement is None:
            return None
        body = list(self._module.body)
        if statement not in body or self._alias_statement not in body or body.index(statement) >= body.index(self._alias_statement):
            return None
        line = self.run.linemap.to_original(self.position(self._alias_statement)[0])  # type: ignore[arg-type]
        return f"the file's `import tensorflow` binding `{self._alias}` comes later (line {line}), so `{self._alias}` is not bound here yet: move that import above this line"

    def _module_binds(self, module: cst.Module, name: str) -> bool:
        """`name in scope` for the module's scope: from the import bindings when only imports bind `name` (no
        scope analysis), else from LibCST's scopes."""
        statements = module_imports(self, name)
        if statements is not None:
            return bool(statements) or hasattr(builtins, name)
        scope = self.get_metadata(ScopeProvider, module, None)
        return scope is not None and name in scope

    def _global_import_alias(self, module: cst.Module) -> str | None:
        """The name of an `import tensorflow [as x]` at module level inside `try:`/`if` blocks."""
        for found in find(module, cst.Import):
            if not at_module_level(self, found):
                continue
            for alias in cast(cst.Import, found).names:
                if source_of(alias.name) == "tensorflow":
                    return source_of(alias.asname.name) if alias.asname else "tensorflow"
        return None

    def _use_alias(self) -> str:
        assert self._alias is not None
        if not self._alias_exists:
            asname = None if self._alias == "tensorflow" else self._alias
            AddImportsVisitor.add_needed_import(self.context, "tensorflow", asname=asname)
            self._alias_exists = True
        return self._alias

    # -- name resolution --------------------------------------------------------------------------
    def _raw(self, node: cst.CSTNode) -> str | None:
        """The one qualified name of `node` when it is an imported one. The imported names are asked first: they
        are known without a scope analysis also where the whole set is not (a name no import binds has none)."""
        imported = {q.name for q in imported_names(self, node)}
        if len(imported) != 1:
            return None
        names = self.get_metadata(QualifiedNameProvider, node, None)
        if not names or len(names) != 1:
            return None
        return imported.pop()

    def _spelled(self, node: cst.CSTNode) -> Spelled | None:
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return None  # `tf.train.Saver().save`: LibCST names attributes of a call's result through the call
        raw = self._raw(node)
        if raw is None or not (raw == "tensorflow" or raw.startswith("tensorflow.")):
            return None
        if raw.startswith(("tensorflow.python.", "tensorflow.keras")) or raw == "tensorflow.python":
            if raw.startswith("tensorflow.keras"):
                return Spelled("tf" + raw[len("tensorflow") :], "v1")
            return None
        for space in ("compat.v1", "compat.v2"):
            prefix = "tensorflow." + space
            if raw == prefix or raw.startswith(prefix + "."):
                name = "tf" + raw[len(prefix) :]
                while name.startswith(("tf.compat.v1.", "tf.compat.v2.")):  # tf.compat.v1.compat.v1.X is tf.compat.v1.X
                    space, name = name[len("tf.") : len("tf.compat.v1")], "tf" + name[len("tf.compat.v1") :]
                return Spelled(name, space)
        if raw in ("tensorflow", "tensorflow.compat"):
            return None
        return Spelled("tf" + raw[len("tensorflow") :], "v1")

    def _root_is_module(self, node: cst.CSTNode) -> bool:
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        return isinstance(root, cst.Name) and self._raw(root) == "tensorflow"

    def _is_chain_top(self, node: cst.CSTNode) -> bool:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Attribute) and (parent.value is node or parent.attr is node):
            return False
        if isinstance(parent, (cst.ImportAlias, cst.Import, cst.ImportFrom)):
            return False
        return True

    def _on_original_line(self, node: cst.CSTNode) -> bool:
        """True unless an earlier rule of this run wrote the line (its names are TF2 code already)."""
        line, _ = self.position(node)
        blocks = getattr(self.run.linemap, "_blocks", [])
        for _i1, _i2, j1, j2, tag in blocks:
            if j1 <= line - 1 < j2:
                return tag == "equal"
        return True

    def _report_gone(self, node: cst.CSTNode, code: str, name: str, message: str) -> None:
        """TFM405/TFM407, unless the legacy-call rules report the same removed API (TFM320/TFM330) in this run."""
        canonical = api_table.normalize(name)
        if canonical == "tf.keras" or canonical.startswith("tf.keras."):
            key, family, owner_code = "keras" + canonical[len("tf.keras") :], "keras", "TFM330"
        else:
            key, family, owner_code = canonical, "tf", "TFM320"
        removal = removed_apis.find(key)
        if removal is not None and removal.family == family and "legacy_calls" in CODEMOD_MODULES and self.enabled(owner_code):
            return
        if name.startswith("tf.compat.v1.") and self._fallback_file:
            return  # a graph-mode fallback file: the fallback rule reports what tf.compat.v1 lacks (TFM261)
        if code == MISSING.code and fallback_cannot_switch(self, node):
            return  # the fallback rule reports this graph driver's import as the thing to change (TFM261)
        call = self.get_metadata(ParentNodeProvider, node, None)
        if code == MISSING.code and isinstance(call, cst.Call) and call.func is node and value_only_handed(self, call):
            return  # a graph/session factory whose value is handed to other code: legacy_calls reports it (TFM301/302)
        if code == MISSING.code and isinstance(call, cst.Call) and call.func is node and self._reported_as_plumbing(call):
            return  # graph_plumbing reports this handle as manual, with what to do (TFM253/TFM254)
        self.flag(node, code, message)

    def _reported_as_plumbing(self, call: cst.Call) -> bool:
        if self.qualified_name(call) not in PLUMBING_CALLS:
            return False
        if self._manual_plumbing is None:
            self._manual_plumbing = manual_plumbing_factories(self, self._module)
        return id(call) in self._manual_plumbing

    # -- rewriting names --------------------------------------------------------------------------
    def _replacement(self, original: cst.BaseExpression, name: str) -> cst.BaseExpression:
        """`name` (`tf.math.log`) spelled with the file's alias; the from-import it replaces is dropped if unused."""
        alias = self._use_alias()
        if not self._root_is_module(original):
            schedule_removal_of_imports_used_by(self.context, original)
        return dotted(alias + name[len("tf") :])

    def _fallback(self, original: cst.BaseExpression, updated: cst.BaseExpression, name: str, reason: str) -> cst.BaseExpression:
        """TFM404 `tf.compat.v1.X` for `name`, or a TFM405/TFM407 finding when TF 2.21 has no such name."""
        entry = api_table.lookup(name)
        compat = "tf.compat.v1." + name[len("tf.") :]
        if not api_table.compat_v1_exists(name):
            if entry is not None and entry.kind == "removed":
                self._report_gone(original, REMOVED.code, name, f"`{name}` was removed from TensorFlow 2 (not even in tf.compat.v1): {entry.note or 'rewrite it with the TF2/Keras API'}")
            else:
                self._report_gone(original, MISSING.code, name, f"`{name}` does not exist in TensorFlow 2.21 ({reason}); rewrite it with the TF2 API")
            return updated
        if self._alias is None:
            self.flag(original, FALLBACK.code, f"`{name}`: {reason}; use `{compat}` (`tf` and `tensorflow` both name something else in this file, so the rule did not write it)")
            return updated
        unbound = self._alias_unbound(original)
        if unbound is not None:
            self.flag(original, FALLBACK.code, f"`{name}`: {reason}; use `{compat}` ({unbound})")
            return updated
        hint = f" ({entry.note})" if entry is not None and entry.note else ""
        if self.offer_fix(original, FALLBACK.code, f"`{name}`: {reason}: now `{compat}`, which behaves as TF1 did (not native TF2){hint}"):
            return self._replacement(original, compat)
        return updated

    def _tf2_summary_call(self, original: cst.BaseExpression, name: str) -> bool:
        """`tf.summary.scalar(tag, value, step=step)`: TF1's summary ops had no `step`, so this is TF2's."""
        call = self.get_metadata(ParentNodeProvider, original, None)
        return name.startswith("tf.summary.") and isinstance(call, cst.Call) and any(a.keyword is not None and a.keyword.value == "step" for a in call.args)

    def _handle_name(self, original: cst.BaseExpression, updated: cst.BaseExpression, *, called: bool) -> cst.BaseExpression:
        spelled = self._spelled(original)
        if spelled is None:
            return updated
        name = spelled.name
        if name == "tf.contrib" or name.startswith("tf.contrib."):
            return updated  # the legacy-call rules (TFM3xx) own tf.contrib
        if spelled.space != "v1" or name == "tf.keras" or name.startswith("tf.keras."):
            full = name if spelled.space == "v1" else "tf." + spelled.space + name[len("tf") :]
            if not _COMPLETENESS_PASS and not api_table.tf2_name_exists(full):
                self._report_gone(original, MISSING.code, full, f"`{full}` does not exist in TensorFlow 2.21; rewrite it with the TF2 API")
            return updated  # checked by the completeness pass (missing_names), which names the replacement
        found = api_table.lookup_prefix(name)
        if found is None:
            if not _COMPLETENESS_PASS and not api_table.tf2_name_exists(name):
                self._report_gone(original, MISSING.code, name, f"`{name}` does not exist in TensorFlow 2.21; rewrite it with the TF2 API")
            return updated
        entry, rest = found
        full_target = lambda target: target + ("." + rest if rest else "")  # noqa: E731
        if entry.kind == "unchanged":
            if rest and not api_table.tf2_name_exists(name):
                self._report_gone(original, MISSING.code, name, f"`{name}` does not exist in TensorFlow 2.21; rewrite it with the TF2 API")
            return updated
        if entry.kind == "removed":
            self._report_gone(original, REMOVED.code, name, f"`{name}` was removed from TensorFlow 2 (not even in tf.compat.v1): {entry.note or 'rewrite it with the TF2/Keras API'}")
            return updated
        if entry.kind == "scenario":
            if not api_table.tf2_name_exists(name):
                owner = OWNERS.get(entry.owner or "", "the scenario rules")
                self._report_gone(original, MISSING.code, name, f"`{name}` does not exist in TensorFlow 2.21 and was left by {owner}: migrate the construct that uses it (see their findings)")
            return updated
        if entry.kind == "compat_v1":
            if api_table.tf2_name_exists(entry.name):
                if self._on_original_line(original) and not (called and self._tf2_summary_call(original, name)):
                    note = f": {entry.note}" if entry.note else ""
                    self.flag(original, CHANGED.code, f"`{name}` exists in TF2 with a different behaviour{note}; if this code relies on TF1's, use `tf.compat.v1.{name[3:]}`")
                return updated
            return self._fallback(original, updated, name, "no native TF2 equivalent")
        # rename / kwarg_rename / kwarg_expr / cast / template
        assert entry.target is not None or entry.kind == "template"
        if entry.target == entry.name:
            return updated  # same name in TF2 (its arguments are the call's business)
        if entry.kind == "rename" and (not entry.changes_arguments if not rest else entry.via == "identity"):
            if not rest:
                parent = self.get_metadata(ParentNodeProvider, original, None)
                arguments = _arguments(parent) if called and isinstance(parent, cst.Call) else None
                unstable = self._unstable(entry.target, arguments)
                if unstable is not None:
                    return self._fallback(original, updated, name, unstable)
            if self._alias is None:
                self.flag(original, RENAME.code, f"`{name}` is `{full_target(entry.target)}` in TF2 (`tf` and `tensorflow` both name something else in this file, so the rule did not write it)")
                return updated
            unbound = self._alias_unbound(original)
            if unbound is not None:
                self.flag(original, RENAME.code, f"`{name}` is `{full_target(entry.target)}` in TF2 ({unbound})")
                return updated
            if self.offer_fix(original, RENAME.code, f"`{name}` is `{full_target(entry.target)}` in TF2"):
                return self._replacement(original, full_target(entry.target))
            return updated
        why = "its TF2 form takes other arguments, and it is not called here" if not called else "the call cannot be converted"
        if rest:
            why = f"TF2's `{entry.target or entry.name}` is not the same object, so `.{rest}` cannot be assumed"
        return self._fallback(original, updated, name, why)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._leave_reference(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._leave_reference(original_node, updated_node)

    def _leave_reference(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        if not self._is_chain_top(original):
            return updated
        parent = self.get_metadata(ParentNodeProvider, original, None)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)) and getattr(parent, "target", None) is original:
            return updated  # `tf.log = my_log`: a patch of the module, not a use
        called = isinstance(parent, cst.Call) and parent.func is original
        if called and self._call_entry(parent) is not None:  # type: ignore[arg-type]
            return updated  # leave_Call converts the whole call
        return self._handle_name(original, updated, called=called)

    # -- rewriting calls --------------------------------------------------------------------------
    def _call_entry(self, call: cst.Call) -> tuple[Spelled, ApiEntry] | None:
        """The table entry if `call` is a TF1 call whose arguments the table converts."""
        spelled = self._spelled(call.func)
        if spelled is None or spelled.space != "v1":
            return None
        entry = api_table.lookup(spelled.name)
        if entry is None or entry.kind in ("unchanged", "compat_v1", "removed", "scenario"):
            return None
        if entry.target == entry.name and not entry.changes_arguments:
            return None
        if entry.kind == "rename" and not entry.changes_arguments:
            return None  # a plain rename: the callee is renamed as a name
        return spelled, entry

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        found = self._call_entry(original_node)
        if found is None:
            return updated_node
        spelled, entry = found
        name = spelled.name
        if self._alias is None:
            self.flag(original_node.func, KEYWORDS.code, f"`{name}(...)` needs converting to TF2 (`tf` and `tensorflow` both name something else in this file, so the rule did not write it)")
            return updated_node
        unbound = self._alias_unbound(original_node.func)
        if unbound is not None:
            self.flag(original_node.func, KEYWORDS.code, f"`{name}(...)` needs converting to TF2 ({unbound})")
            return updated_node
        if name in VALUE_CHANGED:
            return self._call_fallback(original_node, updated_node, name, VALUE_CHANGED[name])
        alias = self._alias
        local = _respell_entry(entry, alias)
        arguments: list[tuple[str | None, str]] = []
        for arg in original_node.args:
            if arg.star:
                arguments.append((arg.star, source_of(arg.value)))
            else:
                arguments.append((arg.keyword.value if arg.keyword else None, source_of(arg.value)))
        plan = api_table.plan_call(local, arguments)
        if isinstance(plan, str):
            return self._call_fallback(original_node, updated_node, name, plan)
        return self._apply_plan(original_node, updated_node, name, entry, local, plan)

    def _call_fallback(self, original: cst.Call, updated: cst.Call, name: str, reason: str) -> cst.BaseExpression:
        new_func = self._fallback(original.func, updated.func, name, reason)
        return updated if new_func is updated.func else updated.with_changes(func=new_func)

    def _apply_plan(self, original: cst.Call, updated: cst.Call, name: str, entry: ApiEntry, local: ApiEntry, plan: CallPlan) -> cst.BaseExpression:
        semantic = entry.kind in ("cast", "template") or plan.unsafe
        if plan.expression is not None:
            new: cst.BaseExpression = cst.parse_expression(plan.expression)
            message = f"`{name}(...)` is `{_summary(plan.expression)}` in TF2" + (f" ({entry.note})" if entry.note else "")
            return self._offer(original, updated, SEMANTIC.code, message, new, unsafe=plan.unsafe)

        changes: list[str] = []
        new_args: list[cst.Arg] = []
        v1_args = entry.v1_args or ()
        tf1_evident = False  # a TF1-only keyword, or a positional argument TF2 reads differently
        for argument in plan.arguments:
            if argument.index is None:
                assert argument.value is not None
                value_node = cst.parse_expression(argument.value)
                if argument.keyword is None:
                    new_args.append(cst.Arg(value=value_node))
                else:
                    new_args.append(cst.Arg(keyword=cst.Name(argument.keyword), value=value_node, equal=_EQUAL))
                    changes.append(f"`{argument.keyword}={argument.value}` added")
                tf1_evident = True
                continue
            arg = updated.args[argument.index]
            old_arg = original.args[argument.index]
            old_keyword = old_arg.keyword.value if old_arg.keyword else None
            label = f"`{old_keyword}=`" if old_keyword else f"argument {argument.index + 1}"
            if old_keyword is None and argument.index < len(v1_args):
                label += f" (`{v1_args[argument.index]}`)"
            value = argument.value
            if value is not None and self._already_wrapped(local, old_arg, old_keyword, argument.index):
                value = None
            if argument.keyword != old_keyword:
                tf1_evident = True
                if argument.keyword is None:
                    arg = arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
                elif old_keyword is None:
                    arg = arg.with_changes(keyword=cst.Name(argument.keyword), equal=_EQUAL)
                else:
                    arg = arg.with_changes(keyword=cst.Name(argument.keyword))
            if value is not None:
                arg = arg.with_changes(value=cst.parse_expression(value))
                before = f"`{old_keyword}={source_of(old_arg.value)}`" if old_keyword else f"{label} `{source_of(old_arg.value)}`"
                changes.append(f"{before} is `{argument.keyword}={value}`")
                semantic = True
            elif argument.keyword != old_keyword and argument.keyword is not None:
                changes.append(f"{label} is `{argument.keyword}=`" if old_keyword else f"{label} passed as `{argument.keyword}=`")
            new_args.append(arg)
        kept = {a.index for a in plan.arguments if a.index is not None}
        for index, old_arg in enumerate(original.args):
            if index not in kept:
                tf1_evident = True
                dropped = f"`{old_arg.keyword.value}=`" if old_arg.keyword else f"argument {index + 1}"
                if old_arg.keyword is None and index < len(v1_args):
                    dropped += f" (`{v1_args[index]}`)"
                changes.append(f"{dropped} dropped (no effect in TF2)")
        new_args = _punctuate(new_args, updated.args)
        callee_changed = plan.callee is not None and entry.target != entry.name
        new_func: cst.BaseExpression = dotted(plan.callee) if callee_changed and plan.callee else updated.func
        if not changes and not callee_changed:
            return updated
        if not callee_changed and not tf1_evident and api_table.tf2_name_exists(name):
            # Only argument values would change, under keywords TF2 has too: the call is valid TF2 code as it
            # is (possibly this tool's own output), so it cannot be told from TF1 code: report, do not rewrite.
            if self._on_original_line(original):
                note = f": {entry.note}" if entry.note else ""
                self.flag(original.func, CHANGED.code, f"`{name}(...)` behaves differently in TF2{note}; if this is TF1 code, " + "; ".join(changes))
            return updated
        new_call = updated.with_changes(func=new_func, args=new_args)
        unstable = self._unstable(entry.target or name, _arguments(new_call))
        if unstable is not None:
            return self._call_fallback(original, updated, name, unstable)
        if entry.kind == "cast":
            message = f"`{name}(x)` is `{entry.target}(x, {entry.dtype})` in TF2"
        else:
            message = f"`{name}(...)`" + (f" is `{entry.target}(...)` in TF2" if callee_changed else " in TF2")
            if changes:
                message += ": " + "; ".join(changes)
            if entry.note and semantic:
                message += f" ({entry.note})"
        code = SEMANTIC.code if semantic else (KEYWORDS.code if changes else RENAME.code)
        return self._offer(original, updated, code, message, new_call, unsafe=plan.unsafe)

    def _unstable(self, target: str, arguments: list[tuple[str | None, str]] | None) -> str | None:
        """Why `target` (called with `arguments`, or used as a value when None) is not a fixed point, or None.

        A TF2 name can be a TF1 name too (`tf.batch_to_space`, `tf.nn.avg_pool`, `tf.nn.ctc_beam_search_decoder`
        are TF1 names with another signature): writing it would make the next run convert it again. Then the
        rule falls back to `tf.compat.v1` instead, so that running the tool twice changes nothing.
        """
        entry = api_table.lookup(target)
        if entry is None or entry.kind == "unchanged":
            return None
        why = f"TF2's `{target}` is also a TF1 name with other arguments, so the converted call would be ambiguous"
        if target in VALUE_CHANGED or entry.kind in ("compat_v1", "removed", "scenario") or entry.target != entry.name:
            return why
        if arguments is None:
            return None  # a same-name function passed as a value is left as it is
        plan = api_table.plan_call(_respell_entry(entry, self._alias or "tf"), arguments)
        if isinstance(plan, str) or plan.expression is not None:
            return why
        evident = len(plan.arguments) != len(arguments) or any(
            a.index is None or a.keyword != arguments[a.index][0] for a in plan.arguments
        )
        valued = any(
            a.value is not None and not _is_wrapped(entry, arguments[a.index], self._alias or "tf")
            for a in plan.arguments
            if a.index is not None
        )
        # Only values under keywords TF2 has too: a later run reports the call (TFM406) and leaves it as it is.
        if evident or (valued and not api_table.tf2_name_exists(target)):
            return why
        return None

    def _already_wrapped(self, local: ApiEntry, old_arg: cst.Arg, old_keyword: str | None, index: int) -> bool:
        """`labels=tf.stop_gradient(y)` is not wrapped a second time (the rule's own output stays as it is)."""
        keyword = old_keyword or (local.v1_args[index] if local.v1_args and index < len(local.v1_args) else None)
        spec = local.exprs.get(keyword or "")
        if spec is None or spec.expr is None:
            return False
        match = _WRAPPER.match(spec.expr)
        if match is None or not isinstance(old_arg.value, cst.Call):
            return False
        wrapper = api_table.normalize(match.group(1).replace(self._alias or "tf", "tf", 1))
        return self.qualified_name(old_arg.value) == wrapper

    def _offer(self, original: cst.Call, updated: cst.Call, code: str, message: str, new: cst.BaseExpression, *, unsafe: bool) -> cst.BaseExpression:
        if not self.offer_fix(original.func, code, message, unsafe=unsafe):
            return updated
        alias = self._alias or "tf"
        if not self._alias_exists and re.search(r"(?<![\w.])" + re.escape(alias) + r"\.", source_of(new)):
            self._use_alias()
        if not self._root_is_module(original.func):
            schedule_removal_of_imports_used_by(self.context, original.func)
        if updated.lpar:
            new = new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return new

    # -- imports (check only) -----------------------------------------------------------------------
    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        if _COMPLETENESS_PASS:
            return updated_node  # imports of missing names: the completeness pass (missing_names) reports them
        if original_node.relative or original_node.module is None or isinstance(original_node.names, cst.ImportStar):
            return updated_node
        module = source_of(original_node.module)
        if module != "tensorflow" and not module.startswith("tensorflow."):
            return updated_node
        if module.startswith(("tensorflow.python", "tensorflow.contrib", "tensorflow.keras", "tensorflow.compat.v1.keras")):
            return updated_node
        for alias in original_node.names:
            imported = f"{module}.{source_of(alias.name)}"
            self._check_unused_import(alias, imported)
        return updated_node

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        if _COMPLETENESS_PASS:
            return updated_node
        for alias in original_node.names:
            imported = source_of(alias.name)
            if imported.startswith("tensorflow.") and not imported.startswith(("tensorflow.python", "tensorflow.contrib", "tensorflow.keras")):
                if alias.asname is not None:
                    self._check_unused_import(alias, imported)
                elif not api_table.tf2_name_exists(_tf2_spelling(imported)):
                    self._report_gone(alias, MISSING.code, _tf2_spelling(imported), f"`import {imported}`: no such module in TensorFlow 2.21")
        return updated_node

    def _check_unused_import(self, alias: cst.ImportAlias, imported: str) -> None:
        """An imported TensorFlow name that nothing in this file uses (the uses are checked where they are)."""
        bound = source_of(alias.asname.name if alias.asname else alias.name).split(".")[0]
        scope = self.get_metadata(ScopeProvider, alias, None)
        if scope is None:
            return
        if any(assignment.references for assignment in scope.assignments[bound]):
            return
        if imported.startswith("tensorflow.contrib") or imported.startswith("tensorflow.compat.v1.contrib"):
            return
        if not api_table.tf2_name_exists(_tf2_spelling(imported)):
            self._report_gone(alias, MISSING.code, _tf2_spelling(imported), f"`{imported}` is imported but does not exist in TensorFlow 2.21")


def _arguments(call: cst.Call) -> list[tuple[str | None, str]]:
    """A call's arguments as `plan_call` takes them: (keyword, or "*"/"**", or None; value source)."""
    return [(arg.star or (arg.keyword.value if arg.keyword else None), source_of(arg.value)) for arg in call.args]


def _is_wrapped(entry: ApiEntry, argument: tuple[str | None, str], alias: str) -> bool:
    """The value is already the entry's wrapper call (`labels=tf.stop_gradient(y)`)."""
    keyword, source = argument
    spec = entry.exprs.get(keyword or "")
    if spec is None or spec.expr is None:
        return False
    match = _WRAPPER.match(_respell(spec.expr, alias))
    return match is not None and source.strip().startswith(match.group(1) + "(") and source.strip().endswith(")")


def _tf2_spelling(imported: str) -> str:
    """`tensorflow.compat.v1.X` -> `tf.compat.v1.X`, `tensorflow.X` -> `tf.X` (as `tf2_name_exists` reads them)."""
    return "tf" + imported[len("tensorflow") :]


def _summary(expression: str, limit: int = 100) -> str:
    return expression if len(expression) <= limit else expression[: limit - 3] + "..."


def _last_comma(arg: cst.Arg, old_last: cst.Arg) -> cst.Comma | cst.MaybeSentinel:
    """The trailing comma of an argument that becomes the last one: as the original last argument had it,
    keeping this argument's own end-of-line comment (the dropped argument's comment goes with it)."""
    if not isinstance(old_last.comma, cst.Comma):
        return old_last.comma
    if not isinstance(arg.comma, cst.Comma):
        return old_last.comma
    own, old = arg.comma.whitespace_after, old_last.comma.whitespace_after
    if isinstance(own, cst.ParenthesizedWhitespace) and isinstance(old, cst.ParenthesizedWhitespace):
        return arg.comma.with_changes(whitespace_after=own.with_changes(indent=old.indent, last_line=old.last_line))
    return old_last.comma


def _punctuate(new_args: list[cst.Arg], old_args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Commas between arguments; the last argument takes the original last argument's trailing punctuation."""
    if not new_args or not old_args:
        return new_args
    old_last = old_args[-1]
    result = []
    for index, arg in enumerate(new_args):
        is_last = index == len(new_args) - 1
        if is_last:
            if arg is not old_last:
                arg = arg.with_changes(comma=_last_comma(arg, old_last), whitespace_after_arg=old_last.whitespace_after_arg)
        else:
            if arg is old_last:
                arg = arg.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
            if not isinstance(arg.comma, cst.Comma):
                arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        result.append(arg)
    return result


CODEMOD = ApiRenames
