"""Import edits shared by the rules: find how a module is imported, add or drop imports.

Additions and removals are scheduled as requests for LibCST's import visitors on the codemod's context;
the engine applies them after each codemod (`apply_import_edits`: `import_editor` where it is certain
to give the visitors' result, else the visitors themselves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import libcst as cst
from libcst import MetadataDependent
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.codemod.visitors._remove_imports import RemovedNodeVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, ScopeProvider

from tf2migrate import traversal
from tf2migrate.import_uses import imports_used_by
from tf2migrate.metadata import import_bindings, resolve_all

from .base import without_matcher_decorators
from .import_editor import add_imports, edit_imports
from .source_text import module_text


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
    AddImportsVisitor.add_needed_import(context, target, asname=None if preferred_alias == target else preferred_alias)
    return preferred_alias


def tensorflow_name(context: CodemodContext, module: cst.Module) -> str:
    """How to spell the `tensorflow` (TF2) module in this file: its alias, adding `import tensorflow as tf`."""
    return require_module(context, module, "tensorflow", "tf")


def schedule_unused_import_removal(context: CodemodContext, module_name: str, obj: str | None = None, asname: str | None = None) -> None:
    """Drop `import module_name` / `from module_name import obj` if nothing uses it any more."""
    RemoveImportsVisitor.remove_unused_import(context, module_name, obj, asname)


def schedule_removal_of_imports_used_by(context: CodemodContext, node: cst.CSTNode) -> None:
    """`RemoveImportsVisitor.remove_unused_import_by_node`: drop the imports `node` (about to be
    removed) refers to, if nothing else uses them.

    The same requests as LibCST's, found by its own `RemovedNodeVisitor`; only that visitor is made
    without the per-instance scan for matcher decorators it does not have (about 10 ms each time,
    and rules call this for every node they drop), walks the node without rebuilding it, and takes
    the imports a name refers to from the module's import bindings where they tell, without a scope
    analysis (`_RemovedNodeVisitor`).
    """
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        RemoveImportsVisitor.remove_unused_import_by_node(context, node)
        return
    visitor = _RemovedNodeVisitor.__new__(_RemovedNodeVisitor)  # ContextAwareVisitor.__init__ without the scan
    MetadataDependent.__init__(visitor)
    cst.CSTVisitor.__init__(visitor)
    without_matcher_decorators(visitor)
    visitor.context = context
    traversal.visit(node, visitor)


class _RemovedNodeVisitor(RemovedNodeVisitor):
    """LibCST's visitor, with the import statements behind a name from `tf2migrate.import_uses` where certain.

    LibCST's own lookup (the node's scope, then the import assignments of its full name up to the module's
    scope) runs otherwise, the scopes then resolved the cheaper way (`tf2migrate.metadata`)."""

    def _visit_name_attr_alike(self, node: cst.Name | cst.Attribute) -> None:
        wrapper = self.context.wrapper
        bindings = import_bindings(wrapper) if wrapper is not None else None
        statements = imports_used_by(bindings, node) if bindings is not None else None
        if statements is not None and len(statements) > 1 and _ambiguous(statements):
            statements = None
        if statements is None:
            if wrapper is not None:
                resolve_all(wrapper, (ScopeProvider,))  # LibCST's lookup asks the wrapper for scopes: the cheaper ones
            super()._visit_name_attr_alike(node)
            return
        local_name = get_full_name_for_node(node)
        for statement in statements:
            if isinstance(statement, cst.Import):
                self._remove_imports_from_import_stmt(local_name, statement)  # type: ignore[arg-type]
            else:
                self._remove_imports_from_importfrom_stmt(local_name, statement)  # type: ignore[arg-type]


def _ambiguous(statements: list[cst.Import | cst.ImportFrom]) -> bool:
    """True when the order of the requests could matter: two of the statements import one module as a whole
    under different aliases (`import m` and `import m as m`; LibCST's order is that of a set)."""
    aliases: dict[str, set[str | None]] = {}
    for statement in statements:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                aliases.setdefault(get_full_name_for_node(alias.name) or "", set()).add(
                    get_full_name_for_node(alias.asname.name) if alias.asname is not None else None  # type: ignore[arg-type]
                )
    return any(len(found) > 1 for found in aliases.values())


def apply_import_edits(
    context: CodemodContext, tree: cst.Module, fresh: Callable[[cst.Module], cst.Module], text_of: Callable[[cst.Module], str] | None = None
) -> cst.Module:
    """Carry out the import edits the codemod scheduled (nothing scheduled: no work).

    `import_editor.edit_imports` makes them on the module's statements, with LibCST's visitors' exact
    result, wherever it is certain of that result (almost always); otherwise LibCST's visitors run:
    `fresh(tree)` re-parses a tree from its code, and the visitors, which resolve scopes of their own,
    are given such a tree without shared nodes. `text_of(module)`: `module.code`, as the caller renders it.
    """
    additions = context.scratch.get(AddImportsVisitor.CONTEXT_KEY) or []
    removals = context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY) or []
    if context.full_package_name is None:
        edited = edit_imports(tree, additions, removals, text_of)
        if edited is not None:
            return edited
    reparsed = False
    if additions:
        added = add_imports(tree, additions) if context.full_package_name is None else None
        if added is None:
            tree, reparsed = fresh(tree), True
            added = _transform_without_copy(AddImportsVisitor(context), tree)
        tree = added
    if removals:
        if not reparsed:
            tree = fresh(tree)
        tree = _transform_without_copy(RemoveImportsVisitor(context), tree)
    return tree


def _transform_without_copy(visitor: ContextAwareTransformer, tree: cst.Module) -> cst.Module:
    """`visitor.transform_module(tree)` without its deep copy of the tree (as costly as a parse).

    The copy guards against one node object appearing twice in a tree. The engine hands in a tree
    freshly parsed from the rule's output (and AddImportsVisitor only inserts new statements), so
    the metadata of these visitors (scopes, to find imports nothing uses any more) is computed on a
    tree without shared nodes, as with the copy.
    """
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    resolve_all(wrapper, visitor.get_inherited_dependencies())  # the cheaper equivalents, where there are some
    outer = visitor.context
    with visitor.resolve(wrapper):
        visitor.context = replace(outer, wrapper=wrapper)
        try:
            return visitor.transform_module_impl(wrapper.module)
        finally:
            visitor.context = outer


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
    bound = _from_tensorflow_import_keras(module)
    if bound is not None:
        return bound, None
    if "tensorflow" not in module_text(module):
        return "keras", ("keras", None)
    return "tf.keras", ("tensorflow", "tf")


def _from_tensorflow_import_keras(module: cst.Module) -> str | None:
    """The name a module-level `from tensorflow import keras [as k]` binds, if any."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or small.relative or isinstance(small.names, cst.ImportStar):
                continue
            if get_full_name_for_node(small.module) != "tensorflow":
                continue
            for alias in small.names:
                if get_full_name_for_node(alias.name) == "keras":
                    return get_full_name_for_node(alias.asname.name) if alias.asname is not None else "keras"
    return None


def require_keras_namespace(context: CodemodContext, needed: tuple[str, str | None] | None) -> None:
    """Schedule the import `keras_namespace` said its spelling needs (nothing if None)."""
    if needed is not None:
        AddImportsVisitor.add_needed_import(context, needed[0], asname=needed[1])
