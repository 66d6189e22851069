"""Name resolution shared by every rule: what TensorFlow or Keras object does this expression name?

Rules compare *canonical* names, so that every import style of the same object looks the same:

    tf.Session                 <- import tensorflow as tf; tf.Session
                               <- import tensorflow.compat.v1 as tf; tf.Session
    keras.backend.get_graph    <- tf.keras.backend.get_graph
                               <- from tensorflow.keras import backend as K; K.get_graph
                               <- from keras import backend as K; K.get_graph
                               <- import keras.backend as K; K.get_graph
                               <- from tensorflow.python.keras.backend import get_graph

`tf.X` means the TF1 `tf` namespace (what `tf.compat.v1.X` is today); `keras.X` means the Keras
API whichever package provides it (`tensorflow.keras`, `tensorflow.python.keras`, `keras`, `tf_keras`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, QualifiedName, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate import traversal

if TYPE_CHECKING:
    from libcst import MetadataDependent
    from libcst.metadata import BaseAssignment

# Longest prefix first: the first match wins.
_CANONICAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tensorflow.compat.v1.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras", "keras"),
    ("tensorflow.compat.v1", "tf"),
    ("tensorflow.compat.v2", "tf"),
    ("tensorflow", "tf"),
)


def canonical(qualified: str) -> str:
    """Map a fully qualified dotted name to its canonical spelling (see module docstring).

    `tensorflow.python.*` outside Keras is TensorFlow's private tree: it keeps its full name.
    Names outside TensorFlow and Keras are returned unchanged.
    """
    if qualified.startswith("tensorflow.python.") and not qualified.startswith("tensorflow.python.keras"):
        return qualified
    for prefix, replacement in _CANONICAL_PREFIXES:
        if qualified == prefix:
            return _keras2_backend_module(replacement)
        if qualified.startswith(prefix + "."):
            return _keras2_backend_module(replacement + qualified[len(prefix) :])
    return qualified


def _keras2_backend_module(name: str) -> str:
    """Keras 2 defined the backend functions in `keras.backend.tensorflow_backend`: `set_session` imported from there
    is `keras.backend.set_session`."""
    if name == "keras.backend.tensorflow_backend" or name.startswith("keras.backend.tensorflow_backend."):
        return "keras.backend" + name[len("keras.backend.tensorflow_backend") :]
    return name


def is_tensorflow_or_keras(name: str) -> bool:
    return name in ("tf", "keras") or name.startswith(("tf.", "keras.", "tensorflow."))


def _pick(names: set[QualifiedName]) -> str | None:
    imported = sorted({canonical(q.name) for q in names if q.source is QualifiedNameSource.IMPORT})
    if not imported:
        return None
    tensorflow_names = [name for name in imported if is_tensorflow_or_keras(name)]
    if len(tensorflow_names) == 1 or (tensorflow_names and len(set(tensorflow_names)) == 1):
        return tensorflow_names[0]
    if len(imported) == 1:
        return imported[0]
    return None  # ambiguous (the name is bound to different things on different paths)


def resolve(visitor: "MetadataDependent", node: cst.CSTNode) -> str | None:
    """Canonical name of an imported object that `node` refers to, or None.

    Works on `Name` and `Attribute` nodes of the tree the visitor's metadata was computed for
    (pass *original* nodes), and on `Call` nodes (the callee is resolved). Local names, builtins
    and names bound differently on different paths resolve to None.
    """
    if isinstance(node, cst.Call):
        node = node.func
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return None
    # One answer per node and per tree: the qualified-name mapping is shared by every rule until the tree
    # changes, and so is this cache (rules ask about the same callee many times).
    try:
        mapping = visitor.metadata[QualifiedNameProvider]
        cache = _RESOLVED.get(mapping)
        if cache is None:
            cache = _RESOLVED[mapping] = {}
    except (KeyError, TypeError):  # no qualified names for this visitor, or a mapping that cannot be weakly keyed
        cache = None
    if cache is not None:
        try:
            return cache[node]
        except KeyError:
            pass
    names = imported(visitor, node)
    found = _pick(names) if names else None
    if cache is not None:
        cache[node] = found
    return found


def imported(visitor: "MetadataDependent", node: cst.CSTNode) -> "set[QualifiedName]":
    """The qualified names of `node` that come from imports (source IMPORT), as LibCST's QualifiedNameProvider
    gives them. The engine's mapping answers these from the module's import bindings, without a scope
    analysis, wherever they settle it (`tf2migrate.import_bindings`); other mappings are filtered."""
    try:
        mapping = visitor.metadata[QualifiedNameProvider]
    except KeyError:
        mapping = None  # not declared or gone: `get_metadata` says so as before
    answer = getattr(mapping, "imported", None)
    if answer is not None:
        return answer(node)
    found = visitor.get_metadata(QualifiedNameProvider, node, None) or set()
    return {q for q in found if q.source is QualifiedNameSource.IMPORT}


def module_imports(visitor: "MetadataDependent", name: str) -> "list[cst.Import | cst.ImportFrom] | None":
    """The statements of the module scope's assignments of `name` when only module-level imports bind it ([] when
    nothing binds it), known without a scope analysis; None when they are not (ask ScopeProvider)."""
    try:
        mapping = visitor.metadata[QualifiedNameProvider]
    except KeyError:
        return None
    bindings = getattr(mapping, "bindings", None)
    return bindings().module_imports(name) if bindings is not None else None


def bound_by_an_import(visitor: "MetadataDependent", root: str) -> bool | None:
    """True if an import anywhere in the module binds `root` (or `root.x`), known without a scope analysis; None
    when that is not known."""
    try:
        mapping = visitor.metadata[QualifiedNameProvider]
    except KeyError:
        return None
    bindings = getattr(mapping, "bindings", None)
    return bindings().bound_by_an_import(root) if bindings is not None else None


# qualified-name mapping of a tree -> {node: canonical name or None}
_RESOLVED: "WeakKeyDictionary[object, dict[cst.CSTNode, str | None]]" = WeakKeyDictionary()


def dotted(node: cst.CSTNode) -> str | None:
    """The source spelling of a dotted name (`a.b.c`), or None for anything else."""
    return get_full_name_for_node(node)


def dotted_name(node: cst.CSTNode) -> str:
    """`dotted`, with "" for anything that is not a dotted name."""
    return get_full_name_for_node(node) or ""


def last_name(node: cst.CSTNode) -> str | None:
    """Last part of a dotted name, or of the callee of a call (`variable` for `K.variable(...)`):
    a cheap filter on spelling before a name is resolved through the imports."""
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return None


def only_binding(visitor: "MetadataDependent", name: cst.Name) -> "BaseAssignment | None":
    """The one binding of `name` in its scope; None if the scope is unknown or the name is bound
    more or less than once there."""
    scope = visitor.get_metadata(ScopeProvider, name, None)
    if scope is None:
        return None
    assignments = scope.assignments[name.value]
    return next(iter(assignments)) if len(assignments) == 1 else None


def only_assign(visitor: "MetadataDependent", name: cst.Name) -> cst.Assign | None:
    """The `name = ...` statement when that is the one binding of `name` in its scope."""
    return assign_of(visitor, only_binding(visitor, name))


def assign_of(visitor: "MetadataDependent", binding: "BaseAssignment | None") -> cst.Assign | None:
    """The `name = ...` statement that made `binding`, or None (another kind of binding, or none)."""
    node = getattr(binding, "node", None)
    target = visitor.get_metadata(ParentNodeProvider, node, None) if node is not None else None
    assign = visitor.get_metadata(ParentNodeProvider, target, None) if isinstance(target, cst.AssignTarget) else None
    return assign if isinstance(assign, cst.Assign) else None


def enclosing(visitor: "MetadataDependent", node: cst.CSTNode, kinds: "type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]") -> cst.CSTNode | None:
    """The nearest ancestor of `node` of one of these kinds, or None."""
    current = visitor.get_metadata(ParentNodeProvider, node, None)
    while current is not None and not isinstance(current, kinds):
        current = visitor.get_metadata(ParentNodeProvider, current, None)
    return current


def at_module_level(visitor: "MetadataDependent", statement: cst.CSTNode) -> bool:
    """The statement's scope is the module's (GlobalScope): no `def` or `class` holds it (statements are in no
    other scope), told by its parents without a scope analysis."""
    return isinstance(enclosing(visitor, statement, (cst.FunctionDef, cst.ClassDef, cst.Module)), cst.Module)


def through_compat_v1(visitor: "MetadataDependent", node: cst.CSTNode) -> bool:
    """True if `node` names something under `tensorflow.compat.v1` (`import tensorflow.compat.v1 as tf;
    tf.Session`, or `tf.compat.v1.Session`).

    `canonical` spells these `tf.X`, exactly like a plain `tensorflow.X`; but they exist in TF 2.21 as
    written (the graph-mode fallback, TFM260, writes them on purpose), so rules that rename TF1 names
    must leave them alone.
    """
    if isinstance(node, cst.Call):
        node = node.func
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return False
    names = [q.name for q in imported(visitor, node)]
    return bool(names) and all(
        name == "tensorflow.compat.v1" or name.startswith("tensorflow.compat.v1.") for name in names
    )


def references_in(node: cst.CSTNode) -> list[cst.Name]:
    """The Name nodes of `node` that are references (not attribute members or keyword names), in order."""
    found: list[cst.Name] = []

    class Collector(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            traversal.visit(node.value, self)
            return False

        def visit_Arg(self, node: cst.Arg) -> bool:
            traversal.visit(node.value, self)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

    traversal.visit(node, Collector())
    return found
