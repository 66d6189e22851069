"""The graph-mode fallback's analysis (TFM260/TFM261, part 2 of `graph_plumbing`).

Matches a file that still drives a TF1 graph: a graph driver (`tf.Session`, `tf.placeholder`, ...) or a
`feed_dict=` among its references, and no eager switch. For such a file it finds how TensorFlow is
imported (which `import tensorflow as X` to switch to `tensorflow.compat.v1`, or the `compat.v1` alias
already there), where `disable_v2_behavior()` goes (or that it is already called), which names would
not run even in graph mode (blockers), which TF2-only names need `tf.compat.v2.`, and which legacy
Keras names run on tf_keras with `--legacy-keras-fallback`.

Writes nothing: it answers with a `FallbackPlan` that `GraphPlumbing` reports and applies.
Why a fallback at all is in `graph_plumbing`'s docstring; the functions take the `GraphPlumbing`
visitor (its metadata, node index and `_reported_by_legacy_calls`) as their first argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
import libcst.matchers as m
from libcst.metadata import GlobalScope, ParentNodeProvider, ScopeProvider

from tf2migrate.traversal import walk

from . import api_table, legacy_keras
from .graph_mode import EAGER_SWITCHES, GRAPH_DRIVERS, GRAPH_MODE_NAMES
from .names import dotted_name, imported

if TYPE_CHECKING:
    from .base import Codemod
    from .graph_plumbing import GraphPlumbing

DISABLE_CALLS = frozenset({"tf.disable_v2_behavior", "tf.disable_eager_execution"})
KERAS_SESSION_FUNCTIONS = frozenset({"keras.backend.get_session", "keras.backend.set_session", "keras.backend.get_graph"})


def _imported_names(visitor: Codemod, node: cst.CSTNode) -> set[str]:
    """Fully qualified (not canonical) names an expression refers to through imports (QualifiedNameProvider's
    names with the IMPORT source, answered from the import bindings where they settle it: `names.imported`)."""
    return {q.name for q in imported(visitor, node)}  # type: ignore[attr-defined]


def outermost_chain(visitor: Codemod, node: cst.CSTNode) -> bool:
    """True for a Name/Attribute that is not the `.value` of a longer attribute chain."""
    parent = visitor.get_metadata(ParentNodeProvider, node, None)
    return not (isinstance(parent, cst.Attribute) and parent.value is node)


@dataclass
class FallbackPlan:
    """What the fallback found in a file (built from the original tree)."""

    reasons: dict[str, cst.CSTNode] = field(default_factory=dict)  # construct -> first use
    blockers: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    v2_names: list[cst.CSTNode] = field(default_factory=list)  # TF2-only names under a switched alias
    switch_imports: list[cst.Import] = field(default_factory=list)  # `import tensorflow as tf` to switch
    disable_call: str | None = None  # how to spell tf.compat.v1.disable_v2_behavior in this file
    disable_present: bool = False
    insert_after: int | None = None  # index in module.body after which the disable call goes
    cannot_switch: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    legacy_names: list[cst.CSTNode] = field(default_factory=list)  # run on tf_keras (--legacy-keras-fallback)
    legacy_present: bool = False  # the file sets TF_USE_LEGACY_KERAS itself
    legacy_insert_at: int | None = None  # index in module.body where the two legacy lines go
    references: list[tuple[cst.CSTNode, str, str]] = field(default_factory=list)  # node, qualified, canonical

    @property
    def needed(self) -> bool:
        return bool(self.reasons)

    @property
    def has_work(self) -> bool:
        if not self.needed or self.cannot_switch:
            return False
        if not self.disable_present and self.insert_after is None:
            return False  # switching the import alone would not run: eager execution must be disabled too
        return bool(self.switch_imports) or not self.disable_present


def _bound_at_module_level(visitor: GraphPlumbing, node: cst.CSTNode, name: str) -> bool:
    """True when `name`, where `node` uses it, is the module's own binding (not a function's
    `import tensorflow as tf`, which switching the module's import would not reach)."""
    scope = visitor.get_metadata(ScopeProvider, node, None)
    if scope is None:
        return True
    assignments = scope[name]
    return bool(assignments) and all(isinstance(a.scope, GlobalScope) for a in assignments)


def plan_fallback(visitor: GraphPlumbing, module: cst.Module, consumed: set[cst.CSTNode]) -> FallbackPlan:
    plan = FallbackPlan()
    references: list[tuple[cst.CSTNode, str, str]] = []  # node, qualified, canonical
    for node in visitor._all(cst.Name, cst.Attribute):
        if not outermost_chain(visitor, node):
            continue
        canonical = visitor.qualified_name(node)
        if canonical is None:
            continue
        qualified = _imported_names(visitor, node)
        if len(qualified) != 1:
            continue
        references.append((node, qualified.pop(), canonical))
    plan.references = references

    inside_consumed = {id(n) for call in consumed for n in walk(call) if isinstance(n, (cst.Name, cst.Attribute))}
    references = [r for r in references if id(r[0]) not in inside_consumed]
    for node, _qualified, canonical in references:
        if canonical in GRAPH_MODE_NAMES:
            plan.reasons.setdefault(canonical, node)
    for call in visitor._all(cst.Call):
        if not any(arg.keyword is not None and arg.keyword.value == "feed_dict" for arg in call.args):
            continue
        plan.reasons.setdefault("feed_dict", call)
    drives_a_graph = any(name in GRAPH_DRIVERS for name in plan.reasons)
    eager = any(canonical in EAGER_SWITCHES for _node, _qualified, canonical in references)
    if not drives_a_graph or eager:
        # No session, placeholder or feed: optimizers and initializers alone may be used eagerly
        # (`model.compile(optimizer=tf.train.AdamOptimizer())`, TF1 eager programs): not a graph program.
        plan.reasons.clear()
        return plan

    # How TensorFlow is imported: switch `import tensorflow as X`, keep `import tensorflow.compat.v1 as X`.
    aliases: dict[str, str] = {}  # alias -> module
    imports_by_alias: dict[str, cst.Import] = {}
    plain_imports: dict[str, list[cst.Import]] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = dotted_name(alias.name)
                    if name in ("tensorflow", "tensorflow.compat.v1") and alias.asname is not None:
                        aliases[dotted_name(alias.asname.name)] = name
                        imports_by_alias[dotted_name(alias.asname.name)] = small
                        if name == "tensorflow":  # every one is switched (a file may import it twice)
                            plain_imports.setdefault(dotted_name(alias.asname.name), []).append(small)
    plain = sorted(a for a, name in aliases.items() if name == "tensorflow")
    v1 = sorted(a for a, name in aliases.items() if name == "tensorflow.compat.v1")

    def head(node: cst.CSTNode) -> str:
        return dotted_name(node).split(".")[0]

    switch = False
    for node, qualified, canonical in references:
        if not qualified.startswith("tensorflow.") or qualified.startswith("tensorflow.compat.v1."):
            continue
        if canonical not in GRAPH_MODE_NAMES:
            continue
        if aliases.get(head(node)) == "tensorflow" and _bound_at_module_level(visitor, node, head(node)):
            switch = True
        else:
            plan.cannot_switch.append(
                (node, f"`{dotted_name(node)}` comes from `tensorflow` through an import the graph-mode fallback "
                 "cannot switch; import TensorFlow as `import tensorflow as tf` and run the tool again")
            )
    if switch:
        plan.switch_imports = list(dict.fromkeys(found for a in plain for found in plain_imports[a]))
        plan.disable_call = f"{plain[0]}.disable_v2_behavior"
    elif v1:
        plan.disable_call = f"{v1[0]}.disable_v2_behavior"
    elif plain:
        plan.disable_call = f"{plain[0]}.compat.v1.disable_v2_behavior"

    # Already disabled? A module-level call to tf.disable_v2_behavior() / tf.disable_eager_execution().
    for statement in module.body:
        if m.matches(statement, m.SimpleStatementLine(body=[m.Expr(m.Call())])):
            call = statement.body[0].value  # type: ignore[attr-defined]
            if visitor.qualified_name(call) in DISABLE_CALLS:
                plan.disable_present = True
    if not plan.disable_present and plan.disable_call is not None:
        plan.insert_after = _insertion_point(module, set(aliases))
        if plan.insert_after is None:
            first = next(iter(plan.reasons.values()))
            plan.cannot_switch.append(
                (first, "no place for `disable_v2_behavior()` between the imports and the first use of TensorFlow "
                 "(an import shares its line with code?): put the imports on lines of their own and run the tool again")
            )

    # What will not run even in graph mode: names looked up under tensorflow.compat.v1 that it lacks.
    v1_heads = set(v1) | (set(plain) if switch else set())
    plan.legacy_present = legacy_keras.opted_in(module)
    legacy = plan.legacy_present or visitor.run.selection.legacy_keras_fallback
    if legacy and not plan.legacy_present:
        plan.legacy_insert_at = legacy_insertion_point(module)
    for node, qualified, canonical in references:
        if visitor._reported_by_legacy_calls(canonical):
            continue  # the legacy-call rules name the replacement (TFM310/TFM320/TFM330)
        if canonical in KERAS_SESSION_FUNCTIONS:
            plan.blockers.append((node, f"`{dotted_name(node) or canonical}` does not exist in Keras 3, not even in graph mode; remove it (Keras 3 has no session) or port the program to eager TF2"))
            continue
        if qualified.startswith("tensorflow.compat.v2") or canonical.startswith("tf.compat."):
            continue  # spelled through compat.v2 on purpose: exists as written
        through_v1 = qualified.startswith("tensorflow.compat.v1.") or head(node) in v1_heads
        if through_v1 and canonical.startswith("tf.") and not api_table.compat_v1_exists(canonical):
            if switch and head(node) in plain and api_table.tf2_name_exists(canonical):
                plan.v2_names.append(node)  # a TF2 name: keep it valid as `tf.compat.v2.X`
                continue
            if legacy_keras.exists(canonical):
                if legacy and (plan.legacy_present or plan.legacy_insert_at is not None):
                    plan.legacy_names.append(node)
                    continue
                plan.blockers.append((node, f"`{dotted_name(node) or canonical}` does not exist under `tf.compat.v1` with Keras 3: port the program to eager TF2, or run `tf2migrate fix {legacy_keras.OPTION}` to run it on tf_keras (`pip install tf_keras`; sets `{legacy_keras.ENV_VARIABLE}=1` before TensorFlow is imported)"))
                continue
            entry = api_table.lookup_prefix(canonical)
            note = f" ({entry[0].note})" if entry and entry[0].note else ""
            plan.blockers.append((node, f"`{dotted_name(node) or canonical}` does not exist under `tf.compat.v1` in TF 2.21{note}: the graph-mode fallback cannot run it; replace it or port the program to eager TF2"))
    return plan


def legacy_insertion_point(module: cst.Module) -> int | None:
    """Index of the first module-level import that is not `from __future__` (TensorFlow must come after)."""
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "__future__":
            continue
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return index
    return None


def _insertion_point(module: cst.Module, aliases: set[str]) -> int | None:
    """Index of the last module-level import before the first statement that uses TensorFlow."""
    last_import: int | None = None
    for index, statement in enumerate(module.body):
        is_import = m.matches(statement, m.SimpleStatementLine(body=[m.AtLeastN(m.Import() | m.ImportFrom(), n=1)]))
        if is_import:
            last_import = index
            continue
        if any(isinstance(n, cst.Name) and n.value in aliases for n in walk(statement)):
            break
    return last_import
