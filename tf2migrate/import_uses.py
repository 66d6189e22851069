"""The imports a name about to be removed refers to, without LibCST's scope analysis where the imports tell.

Rules drop a node (`K.dot(...)` rewritten, a contrib layer replaced) and ask for the imports it used to be
removed if nothing else uses them (`codemods.imports.schedule_removal_of_imports_used_by`, LibCST's
`RemovedNodeVisitor`). For every Name / Attribute of the node, that visitor takes the node's scope from a scope
analysis of the whole tree (none: the node is skipped), and, from that scope up to the module's, every
assignment of the node's full dotted name made by an `import` / `from ... import`. Here the same import statements
come from the module's import bindings (`tf2migrate.import_bindings`) where that is certain:

- no import anywhere binds the node's first name (nor a dotted name starting with it): there are none;
- only module-level imports bind it, and nothing else anywhere: the module scope's assignments of the full name
  are those imports (and no other scope has one), found whatever the node's scope, if LibCST's scope visitor
  reaches the node (an attribute's `attr`, a keyword's name, the names inside an import it does not visit).

Otherwise (the name also bound by an assignment, a parameter, an import in a function, `global`; a file the
bindings are not sure of) the answer is None: the caller asks LibCST's scopes. `tests/test_import_uses.py` and
`scripts/check_import_uses.py` compare every answer with what the scopes give.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf2migrate.import_bindings import ImportBindings


def imports_used_by(bindings: ImportBindings, node: cst.Name | cst.Attribute) -> list[cst.Import | cst.ImportFrom] | None:
    """The import statements behind the import assignments `RemovedNodeVisitor` finds for `node` (one entry per
    assignment, as the scopes have them), or None when that cannot be told without the scopes."""
    full_name = get_full_name_for_node(node)
    if full_name is None:
        return []  # the visitor looks up nothing
    bound = bindings.bound_by_an_import(full_name.split(".")[0])
    if bound is None:
        return None
    if not bound:
        return []
    statements = bindings.module_imports(full_name)
    if statements is None:
        return None
    if not statements:
        return []
    reached = bindings.reached(node)
    if reached is None:
        return None
    return statements if reached else []
