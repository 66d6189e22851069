"""TFM311 unused-contrib-import: an import of a `tf.contrib` module or name that the file never uses goes.

What it matches
    Import statements (not inside a `try:` that catches ImportError) binding a name from `tf.contrib` (gone in
    TF 2.0) that no code of the file reads: `from tensorflow.contrib import layers` in a file that only ever
    writes `tf.contrib.layers.xavier_initializer()` (which TFM235 rewrites), `import tensorflow.contrib.slim as
    slim` left over after an edit. A file that spells `__all__`, `globals(` or `eval(` is left alone (a name can
    be read there without being written), and so is an import whose TFM310 finding the person suppressed.

What it writes
    The unused name is removed from its import (the statement goes when nothing is left of it).

Why
    On TensorFlow 2 the import itself raises ModuleNotFoundError, so the program stops at that line even when the
    rest is migrated, and TFM310 could only report it. An import whose name is never read does nothing else (the
    contrib module's own side effects, registering its ops, do not exist in TF 2 either): removing it is exact.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from . import names, removed_apis
from .base import Codemod, Rule

RULE = Rule(
    code="TFM311",
    name="unused-contrib-import",
    fix=FixKind.SAFE,
    summary="An import of a `tf.contrib` module or name that the file never uses is removed (on TF 2 the import alone stops the program).",
    explanation="""
        `tf.contrib` is gone from TensorFlow 2: `from tensorflow.contrib import layers` raises
        ModuleNotFoundError, so a program stops at that line even when every use of contrib was rewritten (a file
        that writes `tf.contrib.layers.xavier_initializer()` in full and imports `layers` besides, never reading
        it). When no code of the file reads the imported name, the rule removes it from the import (and the
        statement when nothing is left). A name that is read is left to TFM310, which says what replaces it; an
        import inside a `try:` that catches ImportError, an import whose TFM310 is suppressed on its line, and
        files that spell `__all__`, `globals(` or `eval(`, are left alone.
    """,
    before="""
        import tensorflow as tf
        from tensorflow.contrib import layers
        W = tf.get_variable("W", [784, 10], initializer=tf.contrib.layers.xavier_initializer())
    """,
    after="""
        import tensorflow as tf
        W = tf.get_variable("W", [784, 10], initializer=tf.contrib.layers.xavier_initializer())  # then TFM235
    """,
)


# legacy_calls' code for a contrib import that is kept: silenced on a line, the import stays.
CONTRIB_REPORT = "TFM310"


class UnusedRemovedImports(Codemod):
    RULES = (RULE,)
    TRIGGERS = ("contrib",)
    IDENTIFIERS = frozenset({"contrib"})

    def visit_Module(self, node: cst.Module) -> bool:
        self.unused: set[int] = set()  # ImportAlias nodes to remove
        statements = [*find(node, cst.Import), *find(node, cst.ImportFrom)]  # type: ignore[attr-defined]
        if not statements or self._opaque(node):
            return False
        for statement in statements:
            if isinstance(statement, cst.ImportFrom) and (statement.relative or statement.module is None or isinstance(statement.names, cst.ImportStar)):
                continue
            if self._guarded(statement):
                continue
            for alias in statement.names:  # type: ignore[union-attr]
                full = self._imported(statement, alias)
                if full is None or not full.startswith("tf.contrib"):
                    continue
                removal = removed_apis.find(full)
                if removal is None or removal.family != "contrib" or not self._never_read(alias):
                    continue
                if self.run.is_suppressed(CONTRIB_REPORT, self.position(alias)[0]):
                    continue  # the person silenced TFM310 on this import: they keep it knowingly
                written = f"import {get_full_name_for_node(alias.name)}" if isinstance(statement, cst.Import) else f"from {get_full_name_for_node(statement.module)} import {get_full_name_for_node(alias.name)}"
                if self.offer_fix(alias, RULE.code, f"`{written}`: `{full}` is gone (tf.contrib was removed in TF 2.0) and this file never reads the name it binds: the import is removed (on TF 2 it alone stops the program)"):
                    self.unused.add(id(alias))
        return bool(self.unused)

    @staticmethod
    def _imported(statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> str | None:
        name = get_full_name_for_node(alias.name)
        if name is None:
            return None
        if isinstance(statement, cst.ImportFrom):
            module = get_full_name_for_node(statement.module)  # type: ignore[arg-type]
            name = f"{module}.{name}"
        return names.canonical(name)

    def _never_read(self, alias: cst.ImportAlias) -> bool:
        """No access reaches the name `alias` binds (`import a.b.c` binds `a`: only with `as`)."""
        if alias.asname is None and isinstance(alias.name, cst.Attribute) and isinstance(self.get_metadata(ParentNodeProvider, alias, None), cst.Import):
            return False  # `import tensorflow.contrib.slim` binds `tensorflow`, which the file surely reads
        scope = self.get_metadata(ScopeProvider, alias, None)
        if scope is None:
            return False
        bound = (alias.asname.name if alias.asname else alias.name)
        name = get_full_name_for_node(bound)
        if name is None:
            return False
        statement = self.get_metadata(ParentNodeProvider, alias, None)
        assignments = list(scope.assignments[name])
        # LibCST's import assignment: `node` is the statement, `as_name` the name it binds
        own = [a for a in assignments if getattr(a, "node", None) is statement and getattr(a, "as_name", None) is bound]
        return len(own) == 1 and len(assignments) == 1 and not own[0].references

    def _guarded(self, node: cst.CSTNode) -> bool:
        """Inside a `try:` (or its `except`) anywhere up the tree: the code copes with a failing import itself."""
        current = self.get_metadata(ParentNodeProvider, node, None)
        while current is not None and not isinstance(current, cst.Module):
            if isinstance(current, (cst.Try, cst.TryStar, cst.ExceptHandler)):
                return True
            current = self.get_metadata(ParentNodeProvider, current, None)
        return False

    @staticmethod
    def _opaque(module: cst.Module) -> bool:
        """The file may read names without writing them (`__all__`, `globals()`, `eval`)."""
        for name in find(module, cst.Name):  # type: ignore[attr-defined]
            if name.value in ("__all__", "globals", "eval", "exec", "vars", "locals"):
                return True
        return False

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import | cst.RemovalSentinel:
        return self._kept(original_node, updated_node)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(original_node.names, cst.ImportStar):
            return updated_node
        return self._kept(original_node, updated_node)

    def _kept(self, original, updated):  # type: ignore[no-untyped-def]
        if not any(id(alias) in self.unused for alias in original.names):
            return updated
        kept = [new for old, new in zip(original.names, updated.names) if id(old) not in self.unused]
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=kept)


CODEMOD = UnusedRemovedImports
