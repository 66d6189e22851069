"""TF1 variable collections in a file whose variables moved, for tf1_variables (TFM232, TFM271).

What it matches
    `tf.trainable_variables()`, `tf.global_variables()`, `tf.get_collection(...)` and the other lookups of
    `COLLECTION_LOOKUPS` in a file where TFM230/TFM231 moved variables into Keras layer objects or the
    variable store (`_flag_collections`).

What it writes
    TFM271 (codemods/collection_var_lists.py): in a Session program that converts, a `var_list=` built from a
    collection becomes the variables of the layers that held them. Otherwise a TFM232 finding at the call:
    which objects now hold the variables of the scope asked for (`layer.trainable_variables`,
    `variable_store.variables`), what else TF1's list held (`_prefix_caveat`: TF1 matched the scope as a name
    prefix; all-variable lists, `_lists_all_variables`, also held optimizer slots), and that `UPDATE_OPS` is
    empty in TF2.

Why: TensorFlow 2 has no collections: such a call lists nothing. `CollectionFindings` is a part of the
`Tf1Variables` codemod: its methods run with `self` the codemod.
"""

from __future__ import annotations

import libcst as cst

from tf2migrate.traversal import find

from . import collection_var_lists
from .tf1_variables_rules import COLLECTION_RULE
from .tf1_variables_tables import LAYERS


COLLECTION_LOOKUPS = frozenset(
    {"tf.trainable_variables", "tf.global_variables", "tf.all_variables", "tf.model_variables", "tf.local_variables",
     "tf.get_collection", "tf.get_collection_ref", "tf.moving_average_variables"}
)  # fmt: skip

GLOBAL_KEYS = ("GLOBAL_VARIABLES", "VARIABLES")  # `tf.GraphKeys.<key>`: every variable, trainable or not


def _lists_all_variables(name: str, call: cst.Call) -> bool:
    """`tf.global_variables()` / `tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, ...)`: TF1 listed the
    non-trainable variables too (a target network made with `trainable=False`, optimizer slots)."""
    if name in ("tf.global_variables", "tf.all_variables"):
        return True
    if name not in ("tf.get_collection", "tf.get_collection_ref") or not call.args:
        return False
    key = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "key"), call.args[0].value if call.args[0].keyword is None else None)
    if isinstance(key, cst.Attribute):
        return key.attr.value in GLOBAL_KEYS
    return isinstance(key, cst.SimpleString) and key.evaluated_value == "variables"


def _prefix_caveat(scopes: list[str], scope_layers: dict[str, list[str]], everything: bool) -> str:
    """TF1 filtered a collection with `re.match(scope, name)`: a name prefix with no `/` boundary, so
    `scope="q"` also selected `q_next/...` (and, for all variables, the optimizer slots `q/.../Adam`)."""
    wider = sorted({other for scope in scopes for other in scope_layers if other != scope and other.startswith(scope) and not other.startswith(scope + "/")})
    notes = []
    if wider:
        layers = ", ".join(f"`{obj}`" for other in wider for obj in scope_layers[other])
        notes.append(f"the {'' if everything else 'trainable '}variables of scope(s) {', '.join(f'`{w}`' for w in wider)} ({layers}), the scope matching as a name prefix")
    if everything and scopes:
        notes.append(f"any optimizer slot variables made under `{scopes[0]}/` (Adam's, Momentum's), which Keras optimizers keep to themselves")
    return "; TF1's list also held " + " and ".join(notes) if notes else ""


class CollectionFindings:
    """Reports (or, TFM271, rewrites) the collection lookups of a converted file (a part of `Tf1Variables`)."""

    # -- collections (TFM232) -------------------------------------------------------------------------------------
    def _flag_collections(self, module: cst.Module) -> None:
        layers = [site.object_name for site in self.plan.sites.values() if site.object_name]
        for call in self.candidates:
            name = self.resolved[call]
            if name not in COLLECTION_LOOKUPS:
                continue
            if any(isinstance(n, cst.Name) and n.value == "UPDATE_OPS" for n in find(call, cst.Name)):
                self.flag(call, COLLECTION_RULE.code, "`UPDATE_OPS` is empty in TF2 (no collections): Keras `BatchNormalization` updates its moving statistics itself when called with `training=True`; drop the control dependency on these ops")
                continue
            if self.sessions and not self.run.graph_mode and not self.plan.store_calls and collection_var_lists.plan(self, module, call, name, self.plan.sites, lambda site: site.kind not in LAYERS or LAYERS[site.kind].stateful, self.plan.unwrap, self.withs, self.var_lists):
                self.run.graph_unproven += 1  # the list is right in the eager program only: a file left in graph mode keeps the collection
                continue
            scopes = [a.value.evaluated_value for a in call.args if isinstance(a.value, cst.SimpleString) and isinstance(a.value.evaluated_value, str)]
            held = [obj for scope in scopes for obj in self.plan.scope_layers.get(scope, [])] if scopes else layers
            everything = _lists_all_variables(name, call)
            attribute = "variables" if everything else "trainable_variables"
            where = []
            if held:
                where.append(", ".join(f"`{obj}.{attribute}`" for obj in held))
            if self.plan.store_calls:
                prefix = f" (names starting with `{scopes[0]}/`)" if scopes else ""
                where.append(f"`{self.plan.store_name}.{attribute}`{prefix}")
            found = " and ".join(where) if where else "the Keras layers and variables this file now creates"
            if everything and where:
                found += " (trainable or not: a layer made with `trainable=False` has no trainable variables)"
            found += _prefix_caveat(scopes, self.plan.scope_layers, everything)
            self.flag(call, COLLECTION_RULE.code, f"`{name}(...)` lists nothing in TF2 (no collections): the variables it meant are now in {found}; take them from there once the model has run, or use `tape.watched_variables()`")
