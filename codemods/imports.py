"""Import edits shared by the rules: find how a module is imported, add or drop imports.

Adding and removing go through LibCST's own import visitors, scheduled on the codemod's context;
the engine applies them after each codemod.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node


def module_alias(module: cst.Module, target: str) -> str | None:
    """The name a module-level `import target [as alias]` binds, e.g. 'tf' for tensorflow."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                if get_full_name_for_node(alias.name) != target:
                    continue
                if alias.asname is not None:
                    return get_full_name_for_node(alias.asname.name)
                return target
    return None


def require_module(context: CodemodContext, module: cst.Module, target: str, preferred_alias: str) -> str:
    """The name to write for module `target`; schedules `import target as preferred_alias` if absent."""
    existing = module_alias(module, target)
    if existing is not None:
        return existing
    AddImportsVisitor.add_needed_import(context, target, asname=preferred_alias)
    return preferred_alias


def tensorflow_name(context: CodemodContext, module: cst.Module) -> str:
    """How to spell the `tensorflow` (TF2) module in this file: its alias, adding `import tensorflow as tf`."""
    return require_module(context, module, "tensorflow", "tf")


def schedule_unused_import_removal(context: CodemodContext, module_name: str, obj: str | None = None, asname: str | None = None) -> None:
    """Drop `import module_name` / `from module_name import obj` if nothing uses it any more."""
    RemoveImportsVisitor.remove_unused_import(context, module_name, obj, asname)


def apply_import_edits(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """Run LibCST's import visitors for what the codemod scheduled (nothing scheduled: no work)."""
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        tree = AddImportsVisitor(context).transform_module(tree)
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        tree = RemoveImportsVisitor(context).transform_module(tree)
    return tree


def keras_namespace(module: cst.Module) -> tuple[str, tuple[str, str | None] | None]:
    """How to spell the Keras API (`<this>.initializers.Zeros`) in this file, and the import it needs.

    `<alias>.keras` when TensorFlow is imported (`tensorflow`, or `tensorflow.compat.v1/v2`, whose
    `keras` is the same Keras), else `keras` when the file imports Keras itself. Otherwise the second
    item is the import to add, as (module, alias), through `require_keras_namespace` once a fix is
    really made: `import keras` in a file that never mentions TensorFlow, else `import tensorflow as tf`.
    """
    for target in ("tensorflow", "tensorflow.compat.v1", "tensorflow.compat.v2"):
        alias = module_alias(module, target)
        if alias is not None and alias != target:
            return f"{alias}.keras", None
        if alias == "tensorflow":
            return "tensorflow.keras", None
    if module_alias(module, "keras") == "keras":
        return "keras", None
    if "tensorflow" not in module.code:
        return "keras", ("keras", None)
    return "tf.keras", ("tensorflow", "tf")


def require_keras_namespace(context: CodemodContext, needed: tuple[str, str | None] | None) -> None:
    """Schedule the import `keras_namespace` said its spelling needs (nothing if None)."""
    if needed is not None:
        AddImportsVisitor.add_needed_import(context, needed[0], asname=needed[1])
