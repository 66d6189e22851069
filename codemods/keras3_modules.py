"""TFM520-TFM521 Keras 2 module paths Keras 3 removed: `from keras.layers.core import Dense` -> `from keras.layers import Dense`.

What it matches
    `from M import a, b as c` where M is spelled `keras.*` or `tensorflow.keras.*` and either
    1. M is a Keras 2 module Keras 3 (3.15) no longer has: `keras.engine[.topology|.base_layer|.training|.input_layer|...]`,
       `keras.layers.core|merge|convolutional|recurrent|normalization|pooling|embeddings|advanced_activations|wrappers|...`,
       `keras.utils.np_utils|generic_utils|data_utils|vis_utils|layer_utils|io_utils|conv_utils`,
       `keras.optimizers.legacy`, `keras.preprocessing.text`, `keras.legacy`; or
    2. M exists in Keras 3 but an imported name does not (`from keras.applications.mobilenet import relu6`,
       `from keras.preprocessing.image import ImageDataGenerator`) and `removed_apis` has no entry for it
       (those are TFM330's to report).

What it writes
    TFM520: the statement on the module where Keras 3 keeps every imported name, checked against tables
    generated from the installed Keras 3.15 / TF 2.21 (`codemods/data/keras3_names.txt` for `keras.*`,
    `keras_public_names.txt` for `tensorflow.keras.*`; `scripts/generate_keras_names.py`). Names that moved to
    different modules (`Layer` -> `keras.layers`, `Model` -> `keras`) split the statement in one import per module.
    A name the `keras` package lost but TF 2.21's `tf.keras` still serves from its legacy copy
    (`keras.preprocessing.text.Tokenizer`, `ImageDataGenerator`) is imported from `tensorflow.keras`, and the
    finding names the Keras 3 way (`TextVectorization`, `image_dataset_from_directory` + preprocessing layers).
    TFM521: a name Keras 3 has nowhere (`Merge`, `Recurrent`, `HDF5Matrix`, `relu6`) is reported with the
    statement left as it is.

Why
    Keras 3 flattened Keras 2's internal module layout: these imports raise `ModuleNotFoundError` /
    `ImportError` on TF 2.16+ although the classes themselves are still there under the public module.
    `tensorflow.python.keras` is TFM001's; `keras.backend` is the backend rules'; `import keras.engine...`
    statements and spelled-out uses stay TFM330's (removed-keras-api).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import keras_api, names, removed_apis
from .base import Codemod, Rule
from .builders import dotted

_KERAS3_DATA = Path(__file__).resolve().parent / "data" / "keras3_names.txt"

LAYER_SUBMODULES = (
    "core", "merge", "convolutional", "recurrent", "normalization", "pooling", "embeddings", "advanced_activations",
    "wrappers", "noise", "local", "convolutional_recurrent", "cudnn_recurrent", "dense_attention", "merging",
    "reshaping", "activation", "attention", "rnn", "regularization", "preprocessing", "kernelized",
)
_ENGINE_TARGETS = ("layers", "", "models", "utils", "saving")

# Keras 2 module (without the `keras` prefix) -> where Keras 3 keeps its public names, most likely first.
MODULE_TARGETS: dict[str, tuple[str, ...]] = {
    "engine": _ENGINE_TARGETS,
    "engine.topology": _ENGINE_TARGETS,
    "engine.base_layer": _ENGINE_TARGETS,
    "engine.training": ("", "models", "utils"),
    "engine.network": ("", "models", "utils"),
    "engine.functional": ("", "models", "utils"),
    "engine.sequential": ("", "models"),
    "engine.input_layer": ("", "layers"),
    "engine.input_spec": ("layers", ""),
    "engine.saving": ("models", "saving"),
    "engine.training_utils": ("utils",),
    **{f"layers.{sub}": ("layers",) for sub in LAYER_SUBMODULES},
    "utils.np_utils": ("utils",),
    "utils.generic_utils": ("utils", "saving"),
    "utils.data_utils": ("utils",),
    "utils.vis_utils": ("utils",),
    "utils.layer_utils": ("utils",),
    "utils.io_utils": ("utils",),
    "utils.conv_utils": ("utils",),
    "optimizers.legacy": ("optimizers",),
    "preprocessing.text": ("preprocessing.text",),
    "legacy.interfaces": (),
    "objectives": ("losses",),
    "backend.tensorflow_backend": ("backend",),
    "backend.theano_backend": (),
    "backend.cntk_backend": (),
}
# `from keras.backend import tensorflow_backend`: Keras 2's backend implementation modules.
BACKEND_MODULES = ("tensorflow_backend", "theano_backend", "cntk_backend")
# Where Keras 3 keeps what Keras 2 application modules defined for themselves.
APPLICATION_HELPER_TARGETS = ("layers", "activations")

# Listed by Keras 3 but unusable: `keras.optimizers.legacy.Adam()` raises "not supported in Keras 3".
UNUSABLE = frozenset({"optimizers.legacy"})

# Keras 3 ways named in the finding when a name is only served by TF 2.21's legacy `tf.keras` copy.
LEGACY_ONLY_ADVICE: dict[str, str] = {
    "preprocessing.text": "Keras 3's way is a `keras.layers.TextVectorization` layer",
    "preprocessing.image.ImageDataGenerator": (
        "Keras 3's way is `keras.utils.image_dataset_from_directory` with augmentation layers "
        "(`keras.layers.RandomFlip`, `RandomRotation`, `Rescaling`)"
    ),
    "preprocessing.image.DirectoryIterator": "Keras 3's way is `keras.utils.image_dataset_from_directory`",
    "preprocessing.image.NumpyArrayIterator": "Keras 3's way is a `tf.data.Dataset.from_tensor_slices` pipeline",
    "preprocessing.image": "Keras 3's way is `keras.utils.image_dataset_from_directory` with preprocessing layers",
    "preprocessing.sequence": "Keras 3's way is `keras.utils.timeseries_dataset_from_array`",
}

REMOVED_MODULE = Rule(
    code="TFM520",
    name="keras-removed-module",
    fix=FixKind.SAFE,
    summary="Imports from Keras 2 modules Keras 3 removed (`keras.layers.core`, `keras.engine.topology`, `keras.utils.np_utils`) move to the public module.",
    explanation="""
        Keras 3 has no `keras.engine`, no `keras.layers.core` / `merge` / `convolutional` / `recurrent` / ...
        submodules, no `keras.utils.np_utils` / `generic_utils` / `data_utils`, no `keras.optimizers.legacy`:
        importing from them raises `ModuleNotFoundError` on TF 2.16+, although the classes are still there.
        Each `from ... import` statement is rewritten to the module where Keras 3 keeps every imported name,
        checked against a table generated from Keras 3.15 and TF 2.21 (never by importing Keras): `Layer` and
        `InputSpec` -> `keras.layers`, `Model` / `Input` -> `keras`, `to_categorical` -> `keras.utils`,
        `Progbar` / `get_custom_objects` -> `keras.utils`. Names that went to different modules get one import
        each. A name that only TF 2.21's `tf.keras` still serves from its legacy copy
        (`keras.preprocessing.text.Tokenizer`, `ImageDataGenerator`) is imported from `tensorflow.keras`; the
        finding names the Keras 3 way. `keras.optimizers.legacy.X` becomes `keras.optimizers.X`: the optimizer
        arguments Keras 3 rejects (`lr=`, `decay=`) are TFM531's. Names Keras 3 lacks are TFM521's.
        A removed module imported as a name (`from keras.utils import np_utils`, `from keras.layers import
        merge`) becomes the one public module that keeps it (`from keras import utils as np_utils`) when the
        file only reads attributes of it that this module has (`np_utils.to_categorical`); otherwise TFM330
        reports the import.
    """,
    before="""
        from keras.engine.topology import Layer, InputSpec
        from keras.engine.training import Model
        from keras.layers.core import Dense, Activation
        from keras.utils.np_utils import to_categorical
    """,
    after="""
        from keras.layers import Layer, InputSpec
        from keras import Model
        from keras.layers import Dense, Activation
        from keras.utils import to_categorical
    """,
)

MISSING_NAME = Rule(
    code="TFM521",
    name="keras-name-missing",
    fix=FixKind.MANUAL,
    summary="A name imported from a Keras 2 module that Keras 3 does not have anywhere.",
    explanation="""
        The import names something Keras 3.15 has in none of its public modules (`keras.layers.recurrent.Recurrent`,
        `keras.layers.merge.Merge`, `keras.utils.io_utils.HDF5Matrix`, `keras.applications.imagenet_utils._obtain_input_shape`,
        `keras.engine.topology.Network`...). The statement is left as it is and every missing name is listed, with
        the replacement when one is known. Port the code that uses them (`Merge` -> `Concatenate` / `Add`,
        `Network` -> `keras.Model`), then run the tool again. Helpers Keras 2 application modules defined for themselves
        and Keras 3 keeps elsewhere (`mobilenet.relu6` -> `keras.activations.relu6`, `mobilenet.DepthwiseConv2D` ->
        `keras.layers.DepthwiseConv2D`) are TFM520's.
    """,
    before="""
        from keras.layers.recurrent import Recurrent, LSTM
    """,
    after="""
        from keras.layers import LSTM, RNN  # subclass keras.layers.RNN with a cell instead of Recurrent
    """,
)

SPECIFIC_ADVICE: dict[str, str] = {
    "Merge": "use `keras.layers.Concatenate` / `Add` / `Multiply` / `Average` / `Dot` (or `concatenate(...)`, `add(...)`)",
    "Recurrent": "subclass `keras.layers.RNN` with a cell (`keras.layers.LSTMCell`, or your own cell layer)",
    "Network": "use `keras.Model`",
    "relu6": "use `keras.layers.ReLU(6.0)` or `keras.activations.relu6`",
    "HDF5Matrix": "read the data with `h5py` and feed numpy arrays or a `tf.data.Dataset`",
    "to_list": "write `x if isinstance(x, list) else [x]`",
    "multi_gpu_model": "use `tf.distribute.MirroredStrategy()` and build the model in `strategy.scope()`",
    "interfaces": "the Keras 1 -> 2 argument-conversion decorators are gone: call the Keras 3 API directly",
    "model_from_config": "use `keras.saving.deserialize_keras_object(config)` or `keras.Model.from_config(config)`",
    "convert_all_kernels_in_model": "Theano kernels are gone with Theano: drop the call",
    "_Merge": "subclass `keras.layers.Layer` (Keras 3's merge base class is private)",
    "_obtain_input_shape": "Keras 3 keeps it private: pass `input_shape` explicitly or copy the helper into your project",
}


@cache
def keras3_names() -> frozenset[str]:
    lines = _KERAS3_DATA.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _join(relative: str, name: str) -> str:
    return f"{relative}.{name}" if relative else name


def _tf(relative: str) -> str:
    return "tensorflow.keras" + (f".{relative}" if relative else "")


def _standalone(relative: str) -> str:
    return "keras" + (f".{relative}" if relative else "")


def exists(spelling: str, relative: str) -> bool:
    """`relative` (`layers.Dense`) exists in Keras 3 under this spelling's root (`keras` or `tensorflow.keras`)."""
    if spelling == "keras":
        return _standalone(relative) in keras3_names()
    return keras_api.exists(_tf(relative))


def _split(module: str) -> tuple[str, str] | None:
    """`keras.layers.core` -> ("keras", "layers.core"); `tensorflow.keras.engine` -> ("tensorflow.keras", "engine")."""
    for root in ("tensorflow.keras", "keras"):
        if module == root:
            return root, ""
        if module.startswith(root + "."):
            return root, module[len(root) + 1 :]
    return None


def owns_import_from(module: str) -> bool:
    """True when TFM520/TFM521 judge `from <module> import ...` (a removed module of `MODULE_TARGETS`)."""
    split = _split(module)
    if split is None:
        return False
    root, relative = split
    return relative in MODULE_TARGETS and _gone(root, relative)


def _gone(root: str, relative: str) -> bool:
    return relative in UNUSABLE or not exists(root, relative)


def _module_node(module: str) -> cst.Attribute | cst.Name:
    return dotted(module)


class _NameUses(cst.CSTVisitor):
    """Attributes read on each plain name of a module (`np_utils.to_categorical`), and names used otherwise."""

    def __init__(self) -> None:
        self.attributes: dict[str, set[str]] = {}
        self.bare: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name):
            self.attributes.setdefault(node.value.value, set()).add(node.attr.value)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        self.bare.add(node.value)


class Keras3Modules(Codemod):
    RULES = (REMOVED_MODULE, MISSING_NAME)
    TRIGGERS = ("from keras", "from tensorflow.keras")  # the only statements this codemod reads

    def visit_Module(self, node: cst.Module) -> None:
        self._uses = _NameUses()
        traversal.visit(node, self._uses)

    def _module_alias(self, node: cst.ImportFrom) -> cst.ImportFrom | None:
        """`from keras.utils import np_utils` -> `from keras import utils as np_utils` (every attribute read exists)."""
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar) or len(node.names) != 1:
            return None
        split = _split(get_full_name_for_node(node.module) or "")
        alias = node.names[0]
        name = get_full_name_for_node(alias.name) or ""
        if split is None or "." in name:
            return None
        root, relative = split
        removed = _join(relative, name)
        targets = MODULE_TARGETS.get(removed, ())
        if len(targets) != 1 or not targets[0] or not _gone(root, removed) or not exists(root, targets[0]):
            return None
        binding = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
        read = self._uses.attributes.get(binding, set())
        if binding in self._uses.bare or not read or not all(exists(root, _join(targets[0], attr)) for attr in read):
            return None
        parent, _, last = targets[0].rpartition(".")
        module = (_standalone if root == "keras" else _tf)(parent)
        if not self.offer_fix(node, REMOVED_MODULE.code, f"`{root}.{removed}` does not exist in Keras 3: `{binding}` is now `{root}.{targets[0]}`, which has {', '.join(f'`{a}`' for a in sorted(read))}"):
            return None
        as_name = cst.AsName(name=cst.Name(binding)) if binding != last else None
        return node.with_changes(module=_module_node(module), names=[cst.ImportAlias(name=cst.Name(last), asname=as_name)])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(original_node.body) != 1 or not isinstance(original_node.body[0], cst.ImportFrom):
            return updated_node
        statement = original_node.body[0]
        renamed = self._module_alias(statement)
        if renamed is not None:
            return updated_node.with_changes(body=[renamed])
        plan = self._plan(statement)
        if plan is None:
            return updated_node
        groups, message = plan
        if not self.offer_fix(statement, REMOVED_MODULE.code, message):
            return updated_node
        updated = updated_node.body[0]
        assert isinstance(updated, cst.ImportFrom) and not isinstance(updated.names, cst.ImportStar)
        aliases = {get_full_name_for_node(a.name): a for a in updated.names}
        lines: list[cst.BaseStatement] = []
        for index, (target, imported) in enumerate(groups.items()):
            chosen = [aliases[n] for n in imported]
            chosen = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) if i == len(chosen) - 1 else a for i, a in enumerate(chosen)]
            new_import = updated.with_changes(module=_module_node(target), names=chosen)
            if len(groups) == 1:
                return updated_node.with_changes(body=[new_import])
            line = updated_node.with_changes(body=[new_import])
            if index > 0:
                line = line.with_changes(leading_lines=[])
            lines.append(line)
        return cst.FlattenSentinel(lines)

    def _plan(self, node: cst.ImportFrom) -> tuple[dict[str, list[str]], str] | None:
        """{target module: imported names} and the message, or None (nothing to do, or reported)."""
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return None
        module = get_full_name_for_node(node.module) or ""
        split = _split(module)
        if split is None:
            return None
        root, relative = split
        if relative == "backend" and not isinstance(node.names, cst.ImportStar):
            gone = [get_full_name_for_node(a.name) for a in node.names if get_full_name_for_node(a.name) in BACKEND_MODULES]
            if gone:
                self.flag(node, MISSING_NAME.code, f"`from {module} import {', '.join(gone)}`: Keras 3 has no backend implementation modules; the backend is `keras.backend` itself (its math is in `keras.ops`, GPUs are listed by `tf.config.list_logical_devices('GPU')`): use those and drop this import")
            return None  # the rest of keras.backend is the backend rules' (keras.ops)
        if relative.startswith("backend.") and relative not in MODULE_TARGETS:
            return None
        imported = list(dict.fromkeys(get_full_name_for_node(alias.name) or "" for alias in node.names))
        if any(n.startswith("__") for n in imported):
            return None  # `from keras import __version__`: dunders are not in the generated tables
        module_gone = _gone(root, relative)
        if module_gone and relative not in MODULE_TARGETS:
            return None  # TFM330's (removed_apis), or not a module Keras ever had
        if not module_gone:
            missing = [n for n in imported if not exists(root, _join(relative, n))]
            if not missing or any(removed_apis.find(names.canonical(f"{module}.{n}")) is not None for n in missing):
                return None  # all there, or TFM330 knows the name
        targets: dict[str, list[str]] = {}
        legacy: list[str] = []
        unknown: list[str] = []
        for name in imported:
            target = self._target(root, relative, name, module_gone)
            if target is None:
                unknown.append(name)
                continue
            targets.setdefault(target, []).append(name)
            if target.startswith("tensorflow.keras") and root == "keras":
                legacy.append(name)
        if unknown:
            details = []
            for name in unknown:
                advice = SPECIFIC_ADVICE.get(name)
                if advice is None:
                    removal = removed_apis.find(names.canonical(f"{module}.{name}")) or removed_apis.find(f"keras.layers.{name}") or removed_apis.find(f"keras.utils.{name}")
                    advice = removal.advice if removal is not None else None
                details.append(f"`{name}`" + (f" ({advice})" if advice else ""))
            where = f"`{module}` does not exist in Keras 3" if module_gone else f"`{module}` in Keras 3 lacks them"
            self.flag(node, MISSING_NAME.code, f"`from {module} import ...`: {', '.join(details)} not in Keras 3 ({where}); port the code that uses them, then import the rest from the public modules")
            return None
        if module_gone and list(targets) == [module]:
            return None
        moved = ", ".join(f"`{t}`" for t in targets)
        gone = "is not supported in Keras 3 (its classes raise when built)" if relative in UNUSABLE else "does not exist in Keras 3"
        message = f"`{module}` {gone}: the names are imported from {moved}" if module_gone else f"`{module}` in Keras 3 lacks {', '.join(f'`{n}`' for n in imported if n in legacy or not exists(root, f'{relative}.{n}'))}: imported from {moved}"
        if legacy:
            advice = LEGACY_ONLY_ADVICE.get(f"{relative}.{legacy[0]}") or LEGACY_ONLY_ADVICE.get(relative)
            message += (
                f"; {', '.join(f'`{n}`' for n in legacy)} only survive{'s' if len(legacy) == 1 else ''} in TF 2.21's legacy `tf.keras` copy (deprecated)"
                + (f": {advice}" if advice else "")
            )
        return targets, message

    def _target(self, root: str, relative: str, name: str, module_gone: bool) -> str | None:
        if not module_gone and exists(root, _join(relative, name)):
            return (_standalone if root == "keras" else _tf)(relative)
        candidates = MODULE_TARGETS.get(relative, ()) if module_gone else ()
        if not module_gone and relative.startswith("applications."):
            # helpers Keras 2.1/2.2 applications defined for themselves (`mobilenet.relu6`, `mobilenet.DepthwiseConv2D`)
            candidates = APPLICATION_HELPER_TARGETS
        for candidate in candidates:
            if exists(root, _join(candidate, name)):
                return (_standalone if root == "keras" else _tf)(candidate)
        if root == "keras":
            # the `keras` package lost it, TF 2.21's `tf.keras` still serves it (legacy copy)
            for candidate in (relative, *candidates):
                if keras_api.exists(_tf(_join(candidate, name))) and keras_api.is_public_module(_tf(candidate)):
                    return _tf(candidate)
        return None


CODEMOD = Keras3Modules
