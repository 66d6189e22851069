"""TFM271 collection-var-list: a scope's trainable variables, listed by a TF1 collection and given to `minimize`.

What it matches
    In a Session program whose `tf.layers` calls TFM230 moved to Keras layers created once, a module-level
    `gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")` (or
    `tf.trainable_variables("Generator")`) whose name is used only as `var_list=` of `optimizer.minimize(...)`,
    where every `tf.variable_scope("Generator")` of the file was removed by TFM230 (it held only converted
    layers and direct `tf.*` calls: no helper of the file, no `tf.Variable` or `tf.get_variable`), no other
    scope or layer name starts with "Generator" (TF1 matched the scope as a regular expression on the
    variable names), and the function holding the scope is called by an earlier module-level statement (TF1
    listed what existed when the collection was read).

What it writes
    The list, where it is used: `minimize(loss, var_list=[*generator_dense.trainable_variables, ...])`, one
    entry per layer created in the scope (in the order of the calls); the collection statement goes.
    The Session rewrite (codemods/sessions.py) computes `var_list` in the train step after the loss, when
    the Keras layers have made their variables on their first call.

Why
    TF2 has no collections: `tf.get_collection` lists nothing, so a GAN's two optimizers would update nothing
    (or, with the list dropped, both would update every variable). The layers' `trainable_variables` are
    the variables TF1 created under the scope (TRAINABLE_VARIABLES only; a `trainable=False` layer is in
    neither). Not in a file left in graph mode (TFM260): there the collection stays, reported (TFM232).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Codemod, Rule

RULE = Rule(
    code="TFM271",
    name="collection-var-list",
    fix=FixKind.SAFE,
    summary="`tf.get_collection(TRAINABLE_VARIABLES, scope)` given to `minimize(var_list=)`: the scope's Keras layers' `trainable_variables`.",
    explanation="""
        GANs give each optimizer the variables of one network: `gen_vars = tf.get_collection(
        tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")`, then `minimize(gen_loss, var_list=gen_vars)`.
        TensorFlow 2 has no collections. When TFM230 has moved every `tf.layers` call of the scope into Keras
        layers created once (and removed the scope), the scope's trainable variables are those layers'
        `trainable_variables`: the list is written where `minimize` uses it, and the Session rewrite computes
        it in the train step, after the loss (Keras layers make their variables on their first call). Only
        when the name is used for nothing else, every `tf.variable_scope` of that name held only converted
        layers and `tf.*` calls, no other scope or layer name starts with the scope's (TF1 matched it as a
        regular expression), and the model was built before the collection was read. Otherwise, and in a
        file left in graph mode, TFM232 reports the collection.
    """,
    before="""
        def generator(z):
            with tf.variable_scope("Generator"):
                return tf.layers.dense(z, 4)

        sample = generator(noise)
        gen_loss = tf.reduce_mean(sample)
        gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="Generator")
        train_gen = tf.train.AdamOptimizer(0.001).minimize(gen_loss, var_list=gen_vars)
    """,
    after="""
        generator_dense = tf.keras.layers.Dense(4)


        def generator(z):
            return generator_dense(z)

        sample = generator(noise)
        gen_loss = tf.reduce_mean(sample)
        train_gen = tf.train.AdamOptimizer(0.001).minimize(gen_loss, var_list=[*generator_dense.trainable_variables])
    """,
)

SCOPE_CALLS = frozenset({"tf.variable_scope", "tf.name_scope", "tf.compat.v1.variable_scope", "tf.compat.v1.name_scope"})
VARIABLE_MAKERS = ("tf.Variable", "tf.get_variable", "tf.get_local_variable", "tf.contrib.", "tf.layers.", "tf.keras.", "tf.nn.rnn_cell", "tf.make_template")


@dataclass
class Rewrites:
    """What TFM271 changes: statements removed, `var_list=` arguments given their list."""

    removed: set[cst.SimpleStatementLine] = field(default_factory=set)
    var_lists: dict[cst.Arg, cst.BaseExpression] = field(default_factory=dict)


def plan(codemod: Codemod, module: cst.Module, call: cst.Call, qualified: str, sites, owns_variables, unwrap: set[cst.With], withs: list[cst.With], rewrites: Rewrites) -> bool:  # noqa: ANN001
    """Plan TFM271 for one collection call; True when it is rewritten (no TFM232 finding then). `sites`: the
    converted layer calls (TFM230) -> their sites; `owns_variables(site)`: whether that layer makes variables."""
    scope_name = _trainable_scope(codemod, call, qualified)
    if scope_name is None or not codemod.enabled(RULE.code):
        return False
    statement, target = _module_assignment(codemod, module, call)
    if statement is None or target is None:
        return False
    scoped = [w for w in withs if _scope_of(codemod, w) == scope_name]
    if not scoped or any(w not in unwrap for w in scoped):
        return False
    if _other_names_overlap(codemod, module, scope_name, scoped):
        return False
    layers: list[str] = []
    functions: set[str] = set()
    for block in scoped:
        function = _enclosing_function(codemod, block)
        if function is None:
            return False
        functions.add(function.name.value)
        for inner in find(block.body, cst.Call):
            site = sites.get(inner)
            if site is not None:
                if not owns_variables(site):
                    continue  # pooling, flatten, dropout: no variables
                if not site.hoisted or not site.object_name:
                    return False
                if site.object_name not in layers:
                    layers.append(site.object_name)
                continue
            name = codemod.qualified_name(inner) or ""
            if not name.startswith("tf.") or name.startswith(VARIABLE_MAKERS):
                return False  # a helper of the file or a variable made another way: not only the layers' variables
    if not layers or not _built_before(module, statement, functions):
        return False
    uses = _var_list_uses(codemod, module, statement, target)
    if not uses:
        return False
    value = cst.List(elements=[
        cst.StarredElement(cst.Attribute(value=cst.Name(layer), attr=cst.Name("trainable_variables")))
        for layer in layers
    ])
    value = value.with_changes(elements=[
        e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in value.elements[:-1]
    ] + [value.elements[-1]])
    listed = ", ".join(f"`{layer}`" for layer in layers)
    message = f"`{qualified}(...)` (scope `{scope_name}`) given to `minimize(var_list=)`: now the trainable variables of the Keras layers made in that scope ({listed}), listed where `minimize` uses them"
    if not codemod.offer_fix(call, RULE.code, message):
        return False
    rewrites.removed.add(statement)
    for argument in uses:
        rewrites.var_lists[argument] = value
    return True


def _trainable_scope(codemod: Codemod, call: cst.Call, qualified: str) -> str | None:
    """The scope string of `tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope)` /
    `tf.trainable_variables(scope)`, or None."""
    if qualified == "tf.get_collection":
        keys = ("key", "scope")
    elif qualified == "tf.trainable_variables":
        keys = ("scope",)
    else:
        return None
    values: dict[str, cst.BaseExpression] = {}
    for index, argument in enumerate(call.args):
        if argument.star:
            return None
        keyword = argument.keyword.value if argument.keyword else (keys[index] if index < len(keys) else "")
        if keyword not in keys:
            return None
        values[keyword] = argument.value
    if "key" in keys:
        key = values.get("key")
        if key is None or codemod.qualified_name(key) != "tf.GraphKeys.TRAINABLE_VARIABLES":
            return None
    scope = values.get("scope")
    if not isinstance(scope, cst.SimpleString) or not isinstance(scope.evaluated_value, str):
        return None
    text = scope.evaluated_value
    if not text or re.escape(text) != text:
        return None  # a regular expression: which names it matched is not followed
    return text


def _module_assignment(codemod: Codemod, module: cst.Module, call: cst.Call) -> tuple[cst.SimpleStatementLine | None, str | None]:
    """`name = <call>` as a module-level statement of its own: (statement, name)."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return statement, small.targets[0].target.value
    return None, None


def _scope_of(codemod: Codemod, block: cst.With) -> str | None:
    if len(block.items) != 1 or not isinstance(block.items[0].item, cst.Call):
        return None
    scope_call = block.items[0].item
    if (codemod.qualified_name(scope_call) or "") != "tf.variable_scope" or not scope_call.args:
        return None
    first = scope_call.args[0]
    if first.keyword is not None and first.keyword.value != "name_or_scope":
        return None
    if isinstance(first.value, cst.SimpleString) and isinstance(first.value.evaluated_value, str):
        return first.value.evaluated_value
    return None


def _other_names_overlap(codemod: Codemod, module: cst.Module, scope_name: str, scoped: list[cst.With]) -> bool:
    """Another name a TF1 variable could get that starts with the scope's (`Generator_2/...`, `name="Generator1"`):
    TF1's `re.match(scope, name)` would have listed its variables too. Any scope not spelled as a string counts."""
    for call in find(module, cst.Call):
        name = codemod.qualified_name(call) or ""
        if name in SCOPE_CALLS:
            if any(call is w.items[0].item for w in scoped):
                continue
            named = [a.value for a in call.args if a.keyword is not None and a.keyword.value in ("name_or_scope", "name")]
            first = named[0] if named else call.args[0].value if call.args and call.args[0].keyword is None else None
            if not (isinstance(first, cst.SimpleString) and isinstance(first.evaluated_value, str)):
                if name.endswith("variable_scope"):
                    return True
                continue
            if first.evaluated_value.startswith(scope_name):
                return True
        for argument in call.args:
            if argument.keyword is not None and argument.keyword.value == "name":
                value = argument.value
                if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str) and value.evaluated_value.startswith(scope_name):
                    if not any(call is w.items[0].item for w in scoped):
                        return True
    return False


def _enclosing_function(codemod: Codemod, node: cst.CSTNode) -> cst.FunctionDef | None:
    """The module-level function holding `node` (None: at module level, or in a class or a nested function)."""
    found = None
    current = codemod.get_metadata(ParentNodeProvider, node, None)
    while current is not None and not isinstance(current, cst.Module):
        if isinstance(current, cst.ClassDef):
            return None
        if isinstance(current, cst.FunctionDef):
            if found is not None:
                return None
            found = current
        current = codemod.get_metadata(ParentNodeProvider, current, None)
    return found


def _built_before(module: cst.Module, statement: cst.SimpleStatementLine, functions: set[str]) -> bool:
    """Each function holding the scope is called by a module-level statement before the collection is read."""
    called: set[str] = set()
    for other in module.body:
        if other is statement:
            break
        if isinstance(other, (cst.FunctionDef, cst.ClassDef)):
            continue
        for call in find(other, cst.Call):
            if isinstance(call.func, cst.Name):
                called.add(call.func.value)
    return functions <= called


def _var_list_uses(codemod: Codemod, module: cst.Module, statement: cst.SimpleStatementLine, target: str) -> list[cst.Arg]:
    """The `var_list=<target>` arguments of `.minimize(...)` calls, when they are all the name's uses and it is
    bound only here (else [])."""
    scope = codemod.get_metadata(ScopeProvider, statement.body[0], None)
    if scope is None or len(scope.assignments[target]) != 1:
        return []
    uses: list[cst.Arg] = []
    for access in scope.accesses[target]:
        node = access.node
        parent = codemod.get_metadata(ParentNodeProvider, node, None)
        if not isinstance(parent, cst.Arg) or parent.value is not node:
            return []
        call = codemod.get_metadata(ParentNodeProvider, parent, None)
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "minimize"):
            return []
        index = call.args.index(parent)
        keyword = parent.keyword.value if parent.keyword else ("", "", "var_list")[index] if index < 3 else ""
        if keyword != "var_list":
            return []
        uses.append(parent)
    return uses
