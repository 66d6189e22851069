"""TFM407/TFM590 missing names: the last pass, which makes sure nothing the output still uses is missing unsaid.

What it matches
    Every reference in the migrated text (what the earlier rules wrote included) that resolves through an
    import to a TensorFlow or Keras module path: an attribute chain on any alias of `tensorflow`,
    `tensorflow.compat.v1`, `tf.keras`, `keras` (`tf.pack`, `tf.compat.v1.contrib.layers.flatten`,
    `K.variable` after `from keras import backend as K`), a name from `from keras.X import Y` /
    `from tensorflow.X import Y` (`input_data.read_data_sets`), and the import statements themselves
    (`import keras.engine.topology`, `from keras.utils.np_utils import to_categorical`). Each is looked up in
    the public names of TF 2.21 and Keras 3 (`codemods.public_names`, data generated from the installed
    packages): a name whose module does not list it is missing. Attributes of objects (`x.numpy()`,
    `tf.data.Dataset.range(3).prefetch`, `tf.float32.max`) are out of scope, as are the private
    `tensorflow.python.*` and `keras.src.*`, and imports inside `try:` blocks that catch ImportError.

What it writes
    Nothing. TFM407 (names spelled through `tensorflow`, `tf.keras.*` included) or TFM590 (names spelled
    through the standalone `keras` package) at the line, naming the
    missing module or name and, where a table knows one, the replacement (the removed-API table of the
    legacy-call rules, the TF1 -> TF2 API table, Keras 3's `keras.ops` / `keras.random` for Keras 2 backend
    functions, or the public Keras 3 / TF 2.21 name with the same last part: `keras.engine.topology.Layer` ->
    `keras.layers.Layer`).

    One construct, one finding: a line where an earlier rule of the same run already left a finding for a
    person that names the construct (`tf.estimator` reported by TFM320, `tf.placeholder` by TFM407 of the
    api-renames pass, `K.get_session` by TFM330) gets nothing more, nor do the graph and session factories
    whose value the legacy-call rules report where it is handed over (TFM301/TFM302) or the graph-plumbing
    rule reports as manual (TFM253/TFM254).

Why
    A user reviews the diff and the findings and trusts that what is not reported works. Every reference to a
    name TF 2.21 / Keras 3 does not have raises `AttributeError` or `ImportError` when it runs: this pass turns
    each one the earlier rules neither rewrote nor reported at its line into a finding, so that `fix` reports
    it and `check` on the migrated tree lists exactly what remains.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate.findings import FixKind
from tf2migrate.selection import Selection

from . import CODEMOD_MODULES, api_table, legacy_keras, names, public_names, removed_apis
from .base import Codemod, Rule

MISSING_TF = "TFM407"  # the api-renames rule `missing-tf-name` (documented there): this pass reports it too

MISSING_KERAS = Rule(
    code="TFM590",
    name="missing-keras-name",
    fix=FixKind.MANUAL,
    summary="A name of the standalone `keras` package that Keras 3 does not have is still used.",
    explanation="""
        After every other rule ran, the code still uses a name of the standalone `keras` package that does
        not exist in Keras 3, spelled through any import: `K.variable` after `from keras import backend as K`
        (Keras 3's `keras.backend` keeps 14 names; TF 2.21's `tf.keras.backend` still has the Keras 2
        functions), `import keras.engine.topology`, `from keras.layers.merge import concatenate`, a name
        removed from `keras.layers` or `keras.utils`. It would raise `AttributeError` or `ImportError` on
        Keras 3. The finding names the replacement when a table knows it (`keras.ops.X`, `keras.Variable`,
        the public Keras 3 name with the same last part); otherwise look the API up in the Keras 3 docs.
        A line where another rule already reported the construct gets no second finding. (Missing names
        spelled through `tensorflow`, `tf.keras.*` included, are reported as TFM407.)
    """,
    before="""
        import keras
        model.compile(optimizer="adam", loss=keras.losses.cosine_proximity)
    """,
    after="""
        import keras
        model.compile(optimizer="adam", loss=keras.losses.cosine_similarity)  # also negative: same loss
    """,
)

# Keras 2 backend functions whose Keras 3 replacement is not `keras.ops.<same name>` (a hint; checked to exist).
BACKEND_HINTS: dict[str, tuple[str, str]] = {
    "variable": ("keras.Variable", "`keras.Variable(value)`"),
    "constant": ("keras.ops.convert_to_tensor", "`keras.ops.convert_to_tensor(value, dtype)`"),
    "get_value": ("keras.ops.convert_to_numpy", "`keras.ops.convert_to_numpy(x)` (or `variable.numpy()`)"),
    "batch_get_value": ("keras.ops.convert_to_numpy", "`[keras.ops.convert_to_numpy(x) for x in xs]`"),
    "eval": ("keras.ops.convert_to_numpy", "`keras.ops.convert_to_numpy(x)`"),
    "set_value": ("keras.Variable", "`variable.assign(value)`"),
    "batch_set_value": ("keras.Variable", "`variable.assign(value)` for each pair"),
    "update": ("keras.Variable", "`variable.assign(new_value)`"),
    "update_add": ("keras.Variable", "`variable.assign_add(increment)`"),
    "update_sub": ("keras.Variable", "`variable.assign_sub(decrement)`"),
    "int_shape": ("keras.ops.shape", "`x.shape` (a tuple of ints or None)"),
    "shape": ("keras.ops.shape", "`keras.ops.shape(x)`"),
    "ndim": ("keras.ops.ndim", "`keras.ops.ndim(x)`"),
    "dtype": ("keras.backend.standardize_dtype", "`keras.backend.standardize_dtype(x.dtype)`"),
    "zeros": ("keras.ops.zeros", "`keras.ops.zeros(shape)` (a tensor; `keras.Variable` for a variable)"),
    "ones": ("keras.ops.ones", "`keras.ops.ones(shape)` (a tensor; `keras.Variable` for a variable)"),
    "random_normal": ("keras.random.normal", "`keras.random.normal(shape, mean, stddev)`"),
    "random_uniform": ("keras.random.uniform", "`keras.random.uniform(shape, minval, maxval)`"),
    "random_normal_variable": ("keras.random.normal", "`keras.Variable(keras.random.normal(shape))`"),
    "random_uniform_variable": ("keras.random.uniform", "`keras.Variable(keras.random.uniform(shape))`"),
    "truncated_normal": ("keras.random.truncated_normal", "`keras.random.truncated_normal(shape)`"),
    "dropout": ("keras.random.dropout", "`keras.random.dropout(x, rate)` (or a `keras.layers.Dropout` layer)"),
    "learning_phase": ("keras.layers.Layer", "a `training` argument of `call` (Keras 3 has no global learning phase)"),
    "cast_to_floatx": ("keras.ops.cast", "`keras.ops.cast(x, keras.config.floatx())`"),
    "concatenate": ("keras.ops.concatenate", "`keras.ops.concatenate(tensors, axis=-1)`"),
    "batch_flatten": ("keras.ops.reshape", "`keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))`"),
    "batch_dot": ("keras.ops.matmul", "`keras.ops.matmul` / `keras.ops.einsum`"),
    "bias_add": ("keras.ops.add", "`x + bias` (`keras.ops.add`)"),
    "gradients": ("keras.ops.stop_gradient", "`tf.GradientTape` (gradients are not a Keras 3 backend function)"),
    "argmax": ("keras.ops.argmax", "`keras.ops.argmax(x, axis=-1)` (its default axis flattens)"),
    "argmin": ("keras.ops.argmin", "`keras.ops.argmin(x, axis=-1)` (its default axis flattens)"),
    "l2_normalize": ("keras.utils.normalize", "`keras.utils.normalize(x, axis=-1)`"),
    "count_params": ("keras.Layer", "`layer.count_params()` or `keras.ops.size(variable)`"),
    "get_uid": ("keras.backend.get_uid", "`keras.backend.get_uid(prefix)`"),
}

SYMBOLIC = "a Keras 3 backend has no graph, session or placeholder: build a `keras.Model` or use `tf.function`"


class MissingNames(Codemod):
    RULES = (MISSING_KERAS,)
    TRIGGERS = ("tensorflow", "keras")

    @classmethod
    def wanted(cls, text: str, selection: Selection) -> bool:
        return (selection.enabled(MISSING_TF) or selection.enabled(MISSING_KERAS.code)) and any(t in text for t in cls.TRIGGERS)

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._legacy_keras: bool | None = None
        self._manual_plumbing: set[int] | None = None
        told: dict[int, list[str]] = {}
        for finding in self.run.earlier:
            if finding.needs_person:
                told.setdefault(finding.line, []).append(finding.message)
        self._told = told

    # -- references --------------------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._reference(node)

    def visit_Name(self, node: cst.Name) -> bool:
        return self._reference(node)

    def _reference(self, node: cst.Attribute | cst.Name) -> bool:
        """Check a maximal dotted chain; True to descend (into what is not part of a plain chain)."""
        root: cst.BaseExpression = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return True  # `f(x).attr`: an attribute of a call's result; its arguments are visited
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Attribute) and (parent.value is node or parent.attr is node):
            return True  # not the top of the chain (reached only through a non-chain parent)
        if isinstance(parent, (cst.ImportAlias, cst.Import, cst.ImportFrom)):
            return False
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)) and getattr(parent, "target", None) is node:
            return False  # `tf.log = my_log`: creates the name
        qualified = self._imported_name(node)
        if qualified is None:
            return False
        through = _reexported_keras(qualified)
        if through is not None:
            self._reference_through(node, qualified, *through)
            return False
        missing = public_names.first_missing(qualified)
        if missing is None or self._served_by_legacy_keras(qualified):
            return False
        written = get_full_name_for_node(node) or qualified
        if self._reported_elsewhere(node, parent):
            return False
        self._report(node, written, qualified, missing)
        return False

    def _reference_through(self, node: cst.CSTNode, qualified: str, module: str, as_keras: str) -> None:
        """A chain on a `keras` that a project's own module re-exports (`from bert4keras.backend import keras`:
        it imported Keras 2 or `tf.keras`): the rules cannot tell which, so a Keras path Keras 3 lacks is
        reported with that condition (`keras.engine.base_layer.Node`)."""
        missing = public_names.first_missing(as_keras)
        if missing is None or not self.enabled(MISSING_KERAS.code):
            return
        line, _ = self.position(node)
        if self._already_told(self.run.linemap.to_original(line), as_keras, as_keras, missing) or self.run.is_suppressed(MISSING_KERAS.code, line) or self._suppression_at(line):
            return
        written = get_full_name_for_node(node) or as_keras
        self.flag(node, MISSING_KERAS.code, f"`{written}` (`{qualified}`): if the `keras` that `{module}` gives is the Keras package, `{missing}` does not exist in Keras 3; {hint(as_keras, missing)} (migrate `{module}` too)")

    def _served_by_legacy_keras(self, qualified: str) -> bool:
        """`tf.layers` / `tf.nn.rnn_cell` names exist in a graph-mode file that sets TF_USE_LEGACY_KERAS
        (the `--legacy-keras-fallback` route, `codemods/legacy_keras.py`): tf_keras serves them there."""
        if self._legacy_keras is None:
            self._legacy_keras = legacy_keras.opted_in(self._module)
        return self._legacy_keras and qualified.startswith("tensorflow.") and legacy_keras.exists(names.canonical(qualified))

    def _imported_name(self, node: cst.CSTNode) -> str | None:
        imported = names.imported(self, node)  # known without a scope analysis also where the whole set is not
        if len(imported) != 1:
            return None
        found = self.get_metadata(QualifiedNameProvider, node, None)
        if not found or len(found) != 1:
            return None  # unresolved, or bound several ways (`try: from keras... except ImportError: X = None`)
        (only,) = found
        return only.name if only.source is QualifiedNameSource.IMPORT else None

    def _reported_elsewhere(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> bool:
        """Graph and session factories the earlier rules report where their value goes (not at this line)."""
        if not (isinstance(parent, cst.Call) and parent.func is node):
            return False
        from .plumbing import fallback_cannot_switch, value_only_handed

        if "legacy_calls" in CODEMOD_MODULES and value_only_handed(self, parent):
            return True
        if fallback_cannot_switch(self, node):
            return True
        from .graph_plumbing import PLUMBING_CALLS, manual_plumbing_factories

        if self.qualified_name(parent) in PLUMBING_CALLS:
            if self._manual_plumbing is None:
                self._manual_plumbing = manual_plumbing_factories(self, self._module)
            return id(parent) in self._manual_plumbing
        return False

    # -- imports -------------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        if self._guarded(node):
            return False
        for alias in node.names:
            written = get_full_name_for_node(alias.name) or ""
            missing = public_names.first_missing(written)
            if missing is not None:
                self._report(alias, f"import {written}", written, missing)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None or self._guarded(node):
            return False
        module = get_full_name_for_node(node.module) or ""
        missing = public_names.first_missing(module)
        if missing is not None:
            imported = ", ".join(get_full_name_for_node(a.name) or "" for a in node.names) if not isinstance(node.names, cst.ImportStar) else "*"
            self._report(node, f"from {module} import {imported}", module, missing)
            return False
        if isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            imported = f"{module}.{get_full_name_for_node(alias.name)}"
            missing = public_names.first_missing(imported)
            if missing is not None:
                self._report(alias, f"from {module} import {get_full_name_for_node(alias.name)}", imported, missing)
        return False

    def _guarded(self, node: cst.CSTNode) -> bool:
        """An import in a `try:` that catches ImportError, or in such an `except` branch: the code copes."""
        from .legacy_calls import _catches_import_error

        line = self.get_metadata(ParentNodeProvider, node, None)
        block = self.get_metadata(ParentNodeProvider, line, None) if line is not None else None
        owner = self.get_metadata(ParentNodeProvider, block, None) if block is not None else None
        if isinstance(owner, cst.Try):
            return any(_catches_import_error(handler) for handler in owner.handlers)
        return isinstance(owner, cst.ExceptHandler) and _catches_import_error(owner)

    # -- reporting -----------------------------------------------------------------------------------
    def _report(self, node: cst.CSTNode, written: str, qualified: str, missing: str) -> None:
        keras = qualified == "keras" or qualified.startswith("keras.")  # standalone Keras; `tf.keras` is a TF name
        code = MISSING_KERAS.code if keras else MISSING_TF
        if not self.enabled(code):
            return
        line, _ = self.position(node)
        original_line = self.run.linemap.to_original(line)
        if self._already_told(original_line, written, qualified, missing):
            return
        if self.run.is_suppressed(code, line) or self._suppression_at(line):
            return  # (is_suppressed marks an `ignore[TFM590]` here as used)
        subject = f"`{written}`" if written == qualified or written.startswith(("import ", "from ")) else f"`{written}` (`{qualified}`)"
        where = "Keras 3" if keras else "TensorFlow 2.21"
        if written.startswith(("import ", "from ")):
            text = f"`{written}`: `{missing}` does not exist in {where}; {hint(qualified, missing)}"
        elif missing == qualified:
            text = f"{subject} does not exist in {where}: {hint(qualified, missing)}"
        else:
            text = f"{subject}: `{missing}` does not exist in {where}; {hint(qualified, missing)}"
        self.flag(node, code, text)

    def _suppression_at(self, line: int) -> bool:
        """A `# tf2migrate: ignore[...]` comment for this line, whatever its codes: the user has decided here
        (`ignore[TFM401]` keeps `tf.log` on purpose)."""
        index = self.run.suppressions.by_line
        return bool(index.get(line)) or any(s.own_line for s in index.get(line - 1, ()))

    def _already_told(self, line: int, written: str, qualified: str, missing: str) -> bool:
        """An earlier rule left a finding for a person at this line that names the construct."""
        messages = self._told.get(line)
        if not messages:
            return False
        words = {written.rsplit(".", 1)[-1], qualified.rsplit(".", 1)[-1], missing.rsplit(".", 1)[-1]}
        words.discard("")
        return any(word in message for message in messages for word in words)


def _reexported_keras(qualified: str) -> tuple[str, str] | None:
    """(`bert4keras.backend`, `keras.engine.base_layer.Node`) for `bert4keras.backend.keras.engine.base_layer.Node`:
    a name reached through a `keras` imported from a module that is not TensorFlow's or Keras' own."""
    if qualified.startswith(("keras.", "tensorflow.")) or qualified in ("keras", "tensorflow"):
        return None
    module, found, rest = qualified.partition(".keras.")
    if not found or not module or ".keras" in module or rest.split(".")[0] not in KERAS2_MODULES:
        return None  # `efficientnet.keras.EfficientNetB2`: a project's own `keras` module, not Keras re-exported
    return module, "keras." + rest


# Keras 2's top-level modules: a chain into one of them names Keras, whatever module re-exported it.
KERAS2_MODULES = frozenset({"engine", "legacy", "backend", "layers", "utils", "models", "optimizers", "callbacks", "preprocessing",
                            "wrappers", "applications", "activations", "initializers", "regularizers", "constraints", "losses",
                            "metrics", "datasets"})  # fmt: skip


def hint(qualified: str, missing: str) -> str:
    """What to do: the replacement a table knows for the missing name, else where to look."""
    canonical = names.canonical(qualified)
    keras = canonical.startswith("keras")
    removal = removed_apis.find(canonical) or removed_apis.find(names.canonical(missing))
    if removal is not None and (removal.family == "keras") == keras:
        return removal.advice
    if keras:
        return _keras_hint(qualified, canonical)
    return _tf_hint(canonical)


def _keras_hint(qualified: str, canonical: str) -> str:
    parts = canonical.split(".")
    leaf = parts[-1]
    if parts[:2] == ["keras", "backend"] and len(parts) == 3:
        if leaf in ("placeholder", "function", "get_session", "set_session", "get_graph", "clear_session"):
            return SYMBOLIC
        if leaf in BACKEND_HINTS and public_names.exists(BACKEND_HINTS[leaf][0]):
            return f"Keras 3: {BACKEND_HINTS[leaf][1]}"
        for module in ("keras.ops", "keras.random", "keras.config"):
            if public_names.exists(f"{module}.{leaf}"):
                return f"Keras 3 has `{module}.{leaf}` (check its arguments and defaults against the Keras 2 backend function)"
        if public_names.exists(f"tensorflow.keras.backend.{leaf}") and not qualified.startswith("tensorflow."):
            return f"TF 2.21's `tf.keras.backend.{leaf}` is the Keras 2 function; write it with `keras.ops` or TF ops"
        return "Keras 3's backend keeps only dtype and config functions: write it with `keras.ops` or TF ops"
    candidates = public_names.same_leaf(leaf, "keras")
    if candidates:
        return "Keras 3 has " + " and ".join(f"`{c}`" for c in candidates[:2])
    return "rewrite it with the Keras 3 API (see the Keras 3 migration guide)"


def _tf_hint(canonical: str) -> str:
    entry = api_table.lookup(canonical)
    if entry is not None:
        if entry.kind == "scenario":
            return "a TF1 construct the session, variable and layer rules did not convert: migrate the code around it (see their findings)"
        if entry.target and entry.target != entry.name and api_table.tf2_name_exists(entry.target):
            return f"TF2 has `{entry.target}` (check the arguments)"
        if entry.note:
            return entry.note
        if api_table.compat_v1_exists(canonical):
            return f"`tf.compat.v1.{canonical[3:]}` still exists (TF1 behaviour), or rewrite it with the TF2 API"
    leaf = canonical.rsplit(".", 1)[-1]
    candidates = [c for c in public_names.same_leaf(leaf, "tensorflow") if not c.startswith("tensorflow.raw_ops.")]
    if candidates and len(leaf) > 3:
        return "TF 2.21 has " + " and ".join(f"`tf{c[len('tensorflow'):]}`" for c in candidates[:2])
    return "rewrite it with the TF2 API"


CODEMOD = MissingNames
