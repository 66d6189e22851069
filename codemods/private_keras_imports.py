"""TFM001 private-keras-import: `tensorflow.python.keras` imports become `tensorflow.keras` imports.

What it matches
    `import tensorflow.python.keras[.sub] [as X]` and `from tensorflow.python.keras[.sub] import a, b`.

What it writes
    The same statement on the public path, when the public module exists in TensorFlow 2.16+ and,
    for `from ... import` statements, every imported name exists there too:

        from tensorflow.python.keras import backend as K  ->  from tensorflow.keras import backend as K
        from tensorflow.python.keras.layers import Dense  ->  from tensorflow.keras.layers import Dense

    Classes imported from private engine modules move to where Keras exports them
    (`tensorflow.python.keras.engine.base_layer.Layer` -> `tensorflow.keras.layers.Layer`).

Why
    `tensorflow.python.keras` is TensorFlow's private, frozen copy of Keras 2: it still imports on
    TF 2.21, but its layers, models and backend do not work with `tf.keras` (Keras 3) objects, and on
    releases between 2.6 and 2.15 it raised the seed article's
    `module 'tensorflow.python.keras.backend' has no attribute 'get_graph'`. When a name has no
    public counterpart (`get_graph`, `get_session`, ...), the statement is left alone and reported:
    the code that uses the name has to change first (see TFM002 and the TFM2xx/TFM3xx rules).
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf2migrate.findings import FixKind

from . import keras_api
from .base import Codemod, Rule
from .builders import dotted

PRIVATE = "tensorflow.python.keras"
PUBLIC = "tensorflow.keras"

# Private engine modules whose classes Keras exports elsewhere: (module, name) -> public module.
ENGINE_EXPORTS: dict[tuple[str, str], str] = {
    ("engine.base_layer", "Layer"): "tensorflow.keras.layers",
    ("engine.base_layer", "InputSpec"): "tensorflow.keras.layers",
    ("engine.input_spec", "InputSpec"): "tensorflow.keras.layers",
    ("engine.training", "Model"): "tensorflow.keras",
    ("engine.sequential", "Sequential"): "tensorflow.keras",
    ("engine.input_layer", "Input"): "tensorflow.keras",
    ("engine.input_layer", "InputLayer"): "tensorflow.keras.layers",
    ("engine.functional", "Functional"): "tensorflow.keras",
}

RULE = Rule(
    code="TFM001",
    name="private-keras-import",
    fix=FixKind.SAFE,
    summary="Import Keras from `tensorflow.keras`, not the private `tensorflow.python.keras`.",
    explanation="""
        `tensorflow.python.keras` is TensorFlow's private, frozen copy of Keras 2. On TensorFlow 2.16+
        `tf.keras` is Keras 3, and objects from the private copy do not work with it; on earlier 2.x
        releases it raised `AttributeError: module 'tensorflow.python.keras.backend' has no attribute
        'get_graph'`. The rule moves each import to the public module when that module, and every name
        imported from it, exists in TensorFlow 2.21. Names that no longer exist (for example
        `get_graph`, `get_session`, `set_session`) are reported instead: remove or migrate the code
        that uses them (TFM002, TFM2xx), then run the tool again.
    """,
    before="""
        from tensorflow.python.keras import backend as K
        from tensorflow.python.keras.layers import Dense
        from tensorflow.python.keras.engine.base_layer import Layer
    """,
    after="""
        from tensorflow.keras import backend as K
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.layers import Layer
    """,
)


def public_module(private: str) -> str | None:
    """tensorflow.python.keras.layers -> tensorflow.keras.layers, if that module is public."""
    if private == PRIVATE:
        return PUBLIC
    candidate = PUBLIC + private[len(PRIVATE) :]
    return candidate if keras_api.is_public_module(candidate) else None


def _is_private(name: str | None) -> bool:
    return name is not None and (name == PRIVATE or name.startswith(PRIVATE + "."))


class PrivateKerasImports(Codemod):
    RULES = (RULE,)
    TRIGGERS = ("tensorflow.python.keras",)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        new_names = []
        changed = False
        for alias in updated_node.names:
            name = get_full_name_for_node(alias.name)
            if not _is_private(name):
                new_names.append(alias)
                continue
            target = public_module(name)  # type: ignore[arg-type]
            if target is None:
                self.flag(original_node, RULE.code, f"`{name}` has no public counterpart in tf.keras (Keras 3); import the public API you need instead")
                new_names.append(alias)
                continue
            if alias.asname is None:
                # `import tensorflow.python.keras...` binds `tensorflow`; the code spells the private path at every use.
                self.flag(original_node, RULE.code, f"`import {name}` without an alias: import `{target}` under an alias and use that")
                new_names.append(alias)
                continue
            if self.offer_fix(original_node, RULE.code, f"private module `{name}` imported: now `{target}`"):
                new_names.append(alias.with_changes(name=dotted(target)))
                changed = True
            else:
                new_names.append(alias)
        return updated_node.with_changes(names=new_names) if changed else updated_node

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.BaseSmallStatement | cst.RemovalSentinel:
        if updated_node.relative or updated_node.module is None:
            return updated_node
        name = get_full_name_for_node(updated_node.module)
        if name == "tensorflow.python" and not isinstance(updated_node.names, cst.ImportStar):
            imported = {get_full_name_for_node(alias.name) for alias in updated_node.names}
            if imported == {"keras"} and self.offer_fix(original_node, RULE.code, "private `tensorflow.python.keras` imported: now `tensorflow.keras`"):
                return updated_node.with_changes(module=dotted("tensorflow"))
            return updated_node
        if not _is_private(name):
            return updated_node
        assert name is not None
        if isinstance(updated_node.names, cst.ImportStar):
            self.flag(original_node, RULE.code, f"`from {name} import *`: import the public names you use from `tensorflow.keras` instead")
            return updated_node
        imported = [get_full_name_for_node(alias.name) or "" for alias in updated_node.names]
        target = self._target_for(name, imported)
        if target is None:
            missing = self._missing(name, imported)
            detail = f"{', '.join(missing)} not in public tf.keras (Keras 3)" if missing else "no public module to import from"
            self.flag(original_node, RULE.code, f"`from {name} import ...`: {detail}; migrate the code that uses it, then import from `tensorflow.keras`")
            return updated_node
        if self.offer_fix(original_node, RULE.code, f"private module `{name}` imported: now `{target}`"):
            return updated_node.with_changes(module=dotted(target))
        return updated_node

    def _target_for(self, private: str, imported: list[str]) -> str | None:
        relative = private[len(PRIVATE) + 1 :]
        engine_targets = {ENGINE_EXPORTS.get((relative, n)) for n in imported}
        if len(engine_targets) == 1 and None not in engine_targets:
            return engine_targets.pop()
        target = public_module(private)
        if target is None:
            return None
        if all(keras_api.exists(f"{target}.{n}") for n in imported):
            return target
        return None

    def _missing(self, private: str, imported: list[str]) -> list[str]:
        target = public_module(private)
        if target is None:
            return []
        return [f"`{n}`" for n in imported if not keras_api.exists(f"{target}.{n}")]


CODEMOD = PrivateKerasImports
