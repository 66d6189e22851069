"""TFM540-TFM549 Keras 2 saving and model-inspection calls Keras 3 rejects.

What it matches
    - `x.save_weights(path)` / `x.load_weights(path)` and `ModelCheckpoint(path, ...)` whose file name Keras 3
      refuses (`w.h5` for weights, `x.hdf5` for a checkpoint) (TFM540);
    - `model.layers[i].output_shape` / `.input_shape`, `model.get_layer(...).output_shape`, and the same on the
      variable of a `for layer in model.layers:` loop (TFM541);
    - `model.save("dir")` / `load_model("dir")` without a file extension (a TF SavedModel), `save_format=`,
      and `save_weights` / weights-only checkpoints whose path the rule cannot read (TFM549, manual).

What it writes
    TFM540: the string literal (or the literal tail of an f-string) with the extension Keras 3 wants:
    `save_weights("w.h5")` -> `save_weights("w.weights.h5")` and every `load_weights` of the same literal in
    the file; `ModelCheckpoint("m.{epoch:02d}.hdf5")` -> `"m.{epoch:02d}.h5"` (full model, HDF5 as before) or
    `".weights.h5"` with `save_weights_only=True`, and `load_model` / `load_weights` of the same literal.
    TFM541: `.output_shape` -> `.output.shape`, `.input_shape` -> `.input.shape` (a Keras 3 layer has no shape
    attributes; its symbolic output's shape is the same tuple).

Why
    Keras 3 raises `ValueError` for `save_weights` paths that do not end in `.weights.h5` and for checkpoint
    paths that do not end in `.keras` / `.h5`, and `AttributeError` for `layer.output_shape`. A SavedModel
    directory is not a Keras 3 save format at all: reloading for training wants `.keras`, serving wants
    `model.export(dir)` / `keras.layers.TFSMLayer(dir, call_endpoint="serving_default")`, and which one was
    meant is the author's call.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from .base import Codemod, Rule

SAVE_NAMES = Rule(
    code="TFM540",
    name="keras-save-file-names",
    fix=FixKind.SAFE,
    summary="Weight and checkpoint file names Keras 3 rejects get the extension it wants (`w.h5` -> `w.weights.h5`, `x.hdf5` -> `x.h5`).",
    explanation="""
        Keras 3's `save_weights` only writes `.weights.h5` files and `ModelCheckpoint` only accepts `.keras` /
        `.h5` paths (`.weights.h5` with `save_weights_only=True`); Keras 2 wrote HDF5 under any name. The string
        literal (or the literal a path expression ends with: `f"{run}/w.h5"`, `log_dir + "w.h5"`, `"w{:02d}.h5".format(epoch)`,
        `"w%02d.h5" % epoch`, `os.path.join(folder, "w.h5")`) gets the extension Keras 3 wants: `.h5` /
        `.hdf5` weights -> `.weights.h5`; a full-model `.hdf5` checkpoint -> `.h5` (still HDF5, as Keras 2 wrote
        it). `load_weights` / `load_model` calls on the same literal in the file follow, so the program reads
        what it wrote. A `load_weights("old.h5")` of a file written elsewhere is left alone: Keras 3 still reads
        Keras 2 HDF5 weights. A path held in a name (`weight_path = os.path.join(tmp, 'saved_wt.h5')`) is
        rewritten where the name is bound, when it is bound once and used only as the path of `save_weights` /
        `load_weights` calls. Paths the rule cannot read are TFM549's.
    """,
    before="""
        model.save_weights("model.h5")
        model.load_weights("model.h5")
        checkpoint = ModelCheckpoint("best.hdf5", save_best_only=True)
    """,
    after="""
        model.save_weights("model.weights.h5")
        model.load_weights("model.weights.h5")
        checkpoint = ModelCheckpoint("best.h5", save_best_only=True)
    """,
)

LAYER_SHAPE = Rule(
    code="TFM541",
    name="keras-layer-shape-attributes",
    fix=FixKind.SAFE,
    summary="`layer.output_shape` / `layer.input_shape` become `layer.output.shape` / `layer.input.shape`.",
    explanation="""
        Keras 3 layers have no `output_shape` / `input_shape` attributes (`AttributeError`); the symbolic tensors
        `layer.output` / `layer.input` carry the same shape tuple (`(None, 10)`). The attribute is rewritten on
        `model.layers[i]`, `model.get_layer(...)` and on the variable of `for layer in model.layers:`, where the
        object is certainly a layer. A `Model` keeps its `output_shape` in Keras 3 and is left alone.
    """,
    before="""
        for layer in model.layers:
            print(layer.name, layer.output_shape)
    """,
    after="""
        for layer in model.layers:
            print(layer.name, layer.output.shape)
    """,
)

SAVING_MANUAL = Rule(
    code="TFM549",
    name="keras-saving-manual",
    fix=FixKind.MANUAL,
    summary="Keras 2 saving Keras 3 does not do: SavedModel directories, `save_format=`, weight paths the rule cannot read.",
    explanation="""
        - `model.save("dir")` (no extension) wrote a TF SavedModel; Keras 3 raises. Save `"dir.keras"` to reload
          for training, or `model.export("dir")` for serving (TF Serving, TFLite).
        - `load_model("dir")` of a SavedModel: Keras 3 cannot; wrap it with
          `keras.layers.TFSMLayer("dir", call_endpoint="serving_default")` for inference, or re-save the model
          as `.keras` with Keras 2 (`tf_keras`).
        - `save_format="tf"` / `"h5"`: gone; the file name decides the format.
        - `save_weights(path)` and `ModelCheckpoint(path, save_weights_only=True)` with a path the rule cannot
          read: make sure it ends in `.weights.h5`.
    """,
    before="""
        model.save("export/1")
        restored = keras.models.load_model("export/1")
    """,
    after="""
        model.export("export/1")
        restored = keras.layers.TFSMLayer("export/1", call_endpoint="serving_default")
    """,
)

RULES = (SAVE_NAMES, LAYER_SHAPE, SAVING_MANUAL)

KERAS_EXTENSIONS = (".keras", ".h5", ".hdf5")
CHECKPOINT = "keras.callbacks.ModelCheckpoint"
LOAD_MODEL = ("keras.models.load_model", "keras.saving.load_model")


def _string_tail(node: cst.BaseExpression) -> str | None:
    """The literal text a path expression ends with (a plain string, or an f-string's last literal part)."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString) and node.parts and isinstance(node.parts[-1], cst.FormattedStringText):
        return node.parts[-1].value
    if isinstance(node, cst.ConcatenatedString):
        return _string_tail(node.right)  # type: ignore[arg-type]
    if _is_path_join(node):
        return _string_tail(node.args[-1].value)  # type: ignore[union-attr]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _string_tail(node.right)  # `log_dir + "w.h5"`
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return _string_tail(node.left)  # `"w%02d.h5" % epoch`
    if _is_format_call(node):
        return _string_tail(node.func.value)  # type: ignore[attr-defined]  # `"w_{}.h5".format(epoch)`
    return None


def _is_format_call(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
        and isinstance(node.func.value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_path_join(node: cst.BaseExpression) -> bool:
    """`os.path.join(folder, "w.h5")` (its last argument is the file name)."""
    return (
        isinstance(node, cst.Call)
        and bool(node.args)
        and node.args[-1].keyword is None
        and not node.args[-1].star
        and (get_full_name_for_node(node.func) or "").endswith("path.join")
    )


def _with_tail(node: cst.BaseExpression, old: str, new: str) -> cst.BaseExpression:
    """Replace the literal ending `old` of the path expression by `new`."""
    if isinstance(node, cst.SimpleString):
        quote_start = len(node.prefix) + len(node.quote)
        body = node.value[quote_start : len(node.value) - len(node.quote)]
        return node.with_changes(value=node.value[:quote_start] + body[: len(body) - len(old)] + new + node.value[len(node.value) - len(node.quote) :])
    if isinstance(node, cst.FormattedString):
        last = node.parts[-1]
        assert isinstance(last, cst.FormattedStringText)
        return node.with_changes(parts=[*node.parts[:-1], last.with_changes(value=last.value[: len(last.value) - len(old)] + new)])
    if isinstance(node, cst.ConcatenatedString):
        return node.with_changes(right=_with_tail(node.right, old, new))  # type: ignore[arg-type]
    if _is_path_join(node):
        assert isinstance(node, cst.Call)
        last = node.args[-1]
        return node.with_changes(args=[*node.args[:-1], last.with_changes(value=_with_tail(last.value, old, new))])
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return node.with_changes(right=_with_tail(node.right, old, new))
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return node.with_changes(left=_with_tail(node.left, old, new))
    if _is_format_call(node):
        assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        return node.with_changes(func=node.func.with_changes(value=_with_tail(node.func.value, old, new)))
    return node


def _key(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)


def _weights_name(tail: str) -> str | None:
    """`w.h5` -> `.h5` (the part to replace with `.weights.h5`), None when Keras 3 accepts it or it is no HDF5 name."""
    if tail.endswith(".weights.h5"):
        return None
    for extension in (".h5", ".hdf5", ".weights"):
        if tail.endswith(extension):
            return extension
    return None


# What the rules below can act on, spelled in the text: a call of (or a name) `save_weights`, `ModelCheckpoint`,
# `load_weights`, `load_model`, or an attribute `.save` / `.input_shape` / `.output_shape` (the dot may be followed
# by spaces, line continuations and comments). A file without any of them produces nothing here. A comment runs to
# the end of its line (`(?![^\n])`): without that, a run of `#` after a dot could be split into comments in
# exponentially many ways, and a file with `.` before a `####...` banner took minutes to be rejected.
_CAN_ACT = re.compile(r"save_weights|ModelCheckpoint|load_weights|load_model|\.(?:\s|\\|#[^\n]*(?![^\n]))*(?:save|input_shape|output_shape)\b")


class Keras3Saving(Codemod):
    RULES = RULES
    TRIGGERS = ("save_weights", "load_weights", "ModelCheckpoint", "load_model", ".save(", "output_shape", "input_shape")

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        return "keras" in text and super().wanted(text, selection) and _CAN_ACT.search(text) is not None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._renamed: dict[str, tuple[str, str]] = {}  # path literal as written -> (old tail, new tail)
        self._module: cst.Module | None = None
        self._bound_paths: dict[cst.BaseExpression, tuple[str, str]] = {}  # value of `name = path` -> (old, new)
        self._named_saves: set[cst.Call] = set()  # save_weights(name) calls whose name's binding is rewritten
        self._named_writes: list[cst.Call] = []  # save_weights(name) calls, found by the first pass

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        # first pass: which literals are written by save_weights / ModelCheckpoint (their loads follow)
        traversal.visit(node, _Writes(self))
        for call in self._named_writes:
            self._plan_named_path(call)

    def _plan_named_path(self, call: cst.Call) -> None:
        """`save_weights(name)` where `name = <path ending in .h5>` is bound once and used only by save / load_weights."""
        path = call.args[0].value
        assert isinstance(path, cst.Name)
        scope = self.get_metadata(ScopeProvider, path, None)
        if scope is None:
            return
        assignments = list(scope.assignments[path.value])
        if len(assignments) != 1 or not isinstance(assignments[0].node, cst.Name):
            return
        target = self.get_metadata(ParentNodeProvider, assignments[0].node, None)
        assign = self.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.AssignTarget) else None
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and assign.targets[0] is target):
            return
        tail = _string_tail(assign.value)
        if tail is not None and tail.endswith(".weights.h5"):
            self._named_saves.add(call)  # a path Keras 3 accepts: nothing to report
            return
        old = _weights_name(tail) if tail is not None else None
        if old is None:
            return
        for access in scope.accesses[path.value]:
            arg = self.get_metadata(ParentNodeProvider, access.node, None)
            user = self.get_metadata(ParentNodeProvider, arg, None) if isinstance(arg, cst.Arg) else None
            if not (isinstance(user, cst.Call) and user.args and user.args[0] is arg and arg.keyword is None and isinstance(user.func, cst.Attribute) and user.func.attr.value in ("save_weights", "load_weights")):
                return
        if self.offer_fix(path, SAVE_NAMES.code, f"Keras 3 `save_weights` writes only `.weights.h5` files: `{path.value}` is bound to a `{old}` path; `{old}` -> `.weights.h5` where it is bound (its `load_weights` follow)"):
            self._bound_paths[assign.value] = (old, ".weights.h5")
        self._named_saves.add(call)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node.value in self._bound_paths:
            old, new = self._bound_paths[original_node.value]
            return updated_node.with_changes(value=_with_tail(updated_node.value, old, new))
        return updated_node

    # -- helpers ---------------------------------------------------------------------------------
    def _api(self, node: cst.Call) -> str | None:
        found = self.get_metadata(QualifiedNameProvider, node.func, None) or set()
        if any(q.name.startswith("tf_keras") for q in found if q.source is QualifiedNameSource.IMPORT):
            return None
        return self.qualified_name(node)

    def planned_write(self, call: cst.Call) -> tuple[cst.BaseExpression, str, str] | None:
        """(path node, old tail, new tail) for a weights / checkpoint write Keras 3 would reject."""
        func = call.func
        path = call.args[0].value if call.args and call.args[0].keyword is None and not call.args[0].star else None
        if path is None:
            path = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "filepath"), None)
        if path is None:
            return None
        tail = _string_tail(path)
        if isinstance(func, cst.Attribute) and func.attr.value == "save_weights":
            if tail is None:
                return None
            old = _weights_name(tail)
            return (path, old, ".weights.h5") if old is not None else None
        if isinstance(func, (cst.Name, cst.Attribute)) and (func.attr.value if isinstance(func, cst.Attribute) else func.value) == "ModelCheckpoint" and self._api(call) == CHECKPOINT:
            if tail is None:
                return None
            weights_only = any(a.keyword is not None and a.keyword.value == "save_weights_only" and isinstance(a.value, cst.Name) and a.value.value == "True" for a in call.args)
            if weights_only:
                old = _weights_name(tail)
                return (path, old, ".weights.h5") if old is not None else None
            if tail.endswith(".hdf5"):
                return path, ".hdf5", ".h5"
        return None

    # -- calls -----------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        plan = self.planned_write(original_node)
        if plan is not None:
            path, old, new = plan
            what = "`save_weights` writes only `.weights.h5` files" if method == "save_weights" else "`ModelCheckpoint` accepts only `.keras` / `.h5` paths (`.weights.h5` for weights only)"
            if self.offer_fix(path, SAVE_NAMES.code, f"Keras 3 {what}: `{old}` -> `{new}`"):
                return self._replace_path(original_node, updated_node, path, old, new)
            return updated_node
        callee = method if method is not None else (func.value if isinstance(func, cst.Name) else None)
        if method == "load_weights" or (callee == "load_model" and self._api(original_node) in LOAD_MODEL):
            path = original_node.args[0].value if original_node.args and original_node.args[0].keyword is None else None
            if path is not None and _key(path) in self._renamed:
                old, new = self._renamed[_key(path)]
                if self.offer_fix(path, SAVE_NAMES.code, f"reads the file written above under Keras 3's name: `{old}` -> `{new}`"):
                    return self._replace_path(original_node, updated_node, path, old, new)
                return updated_node
            if path is not None and method != "load_weights":
                tail = _string_tail(path)
                if tail is not None and "." not in tail.rsplit("/", 1)[-1] and tail:
                    self.flag(original_node, SAVING_MANUAL.code, f"`load_model({_key(path)})` reads a TF SavedModel directory, which Keras 3 cannot load as a model: for inference use `keras.layers.TFSMLayer({_key(path)}, call_endpoint=\"serving_default\")`; to keep training, re-save it as a `.keras` file with Keras 2 (`tf_keras`)")
            return updated_node
        if method == "save_weights":
            path = original_node.args[0].value if original_node.args and original_node.args[0].keyword is None else None
            if original_node in self._named_saves:
                return updated_node  # the path's binding is rewritten (TFM540 above)
            if path is not None and _string_tail(path) is None:
                self.flag(original_node, SAVING_MANUAL.code, f"`save_weights({_key(path)})`: Keras 3 writes only `.weights.h5` files (ValueError otherwise); make sure the path ends in `.weights.h5`")
            return updated_node
        if method == "save":
            self._check_save(original_node)
        return updated_node

    def _check_save(self, node: cst.Call) -> None:
        positional = [a for a in node.args if a.keyword is None]
        keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
        if "save_format" in keywords:
            self.flag(node, SAVING_MANUAL.code, "`save_format=` is gone in Keras 3: the file name decides (`.keras`, or `.h5` for HDF5); for a SavedModel use `model.export(dir)`")
            return
        if len(positional) != 1 or set(keywords) - {"overwrite", "include_optimizer"}:
            return
        receiver = node.func.value  # type: ignore[attr-defined]
        if self.qualified_name(receiver) is not None:
            return  # a module (`np.save`) or an imported object, not a model
        tail = _string_tail(positional[0].value)
        if tail is None or not tail or tail.endswith(KERAS_EXTENSIONS) or "." in tail.rsplit("/", 1)[-1]:
            return
        self.flag(node, SAVING_MANUAL.code, f"`{_key(node.func)}({_key(positional[0].value)})` wrote a TF SavedModel; Keras 3 raises: save `{_key(positional[0].value)[:-1]}.keras{_key(positional[0].value)[-1]}` to reload it for training, or `model.export(...)` to serve it")

    def _replace_path(self, original: cst.Call, updated: cst.Call, path: cst.BaseExpression, old: str, new: str) -> cst.Call:
        args = []
        for o, u in zip(original.args, updated.args):
            if o.value is path:
                u = u.with_changes(value=_with_tail(u.value, old, new))
            args.append(u)
        return updated.with_changes(args=args)

    # -- TFM541 ----------------------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        attr = original_node.attr.value
        if attr not in ("output_shape", "input_shape"):
            return updated_node
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign)) or (isinstance(parent, cst.Assign)):
            return updated_node
        if not self._is_layer(original_node.value):
            return updated_node
        tensor = attr.split("_")[0]
        if self.offer_fix(original_node, LAYER_SHAPE.code, f"Keras 3 layers have no `{attr}`: now `.{tensor}.shape`"):
            return cst.Attribute(value=updated_node.with_changes(attr=cst.Name(tensor)), attr=cst.Name("shape"))
        return updated_node

    def _is_layer(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute) and node.value.attr.value == "layers":
            return True
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get_layer":
            return True
        if isinstance(node, cst.Name):
            scope = self.get_metadata(ScopeProvider, node, None)
            if scope is None:
                return False
            assignments = list(scope.assignments[node.value])
            if len(assignments) != 1:
                return False
            target = getattr(assignments[0], "node", None)
            loop = self.get_metadata(ParentNodeProvider, target, None) if target is not None else None
            return isinstance(loop, cst.For) and loop.target is target and isinstance(loop.iter, cst.Attribute) and loop.iter.attr.value == "layers"
        return False


class _Writes(cst.CSTVisitor):
    """Which path literals the file writes under a name Keras 3 changes (their loads follow)."""

    def __init__(self, owner: Keras3Saving) -> None:
        self.owner = owner
        owner._named_writes = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "save_weights" and node.args and node.args[0].keyword is None and isinstance(node.args[0].value, cst.Name) and self.owner.enabled(SAVE_NAMES.code):
            self.owner._named_writes.append(node)
        try:
            plan = self.owner.planned_write(node)
        except KeyError:  # a node without metadata
            return
        if plan is not None and self.owner.enabled(SAVE_NAMES.code):
            path, old, new = plan
            self.owner._renamed[_key(path)] = (old, new)


CODEMOD = Keras3Saving
