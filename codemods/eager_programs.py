"""TF1 programs written for eager execution (`tf.enable_eager_execution()`, `tf.contrib.eager`).

What it matches
    TFM290: a statement `tf.enable_eager_execution()` (also `tfe.`) with no arguments. The spelling through
    `tf.compat.v1`, which TF 2.21 still has (and which may undo a `disable_v2_behavior()`), is left alone.
    TFM291: the uses of `tf.contrib.eager`, bound by `tfe = tf.contrib.eager`, `import
    tensorflow.contrib.eager as tfe` or spelled out: `tfe.Variable(...)`, `tfe.Iterator(dataset)`,
    `tfe.implicit_gradients(f)`, `tfe.implicit_value_and_gradients(f)`, a class deriving from `tfe.Network`
    (its `self.track_layer(layer)` calls), `tfe.enable_eager_execution()`.
    TFM292: in a file that enables eager execution, `opt = tf.train.<X>Optimizer(...)` whose every use is a
    statement `opt.apply_gradients(pairs)`.

What it writes
    TFM290: nothing (the statement is removed). TFM291: `tf.Variable(...)`, `iter(dataset)`, a helper
    `implicit_gradients` (a `tf.GradientTape` over the call, the gradients paired with the variables the
    tape watched) written into the file, `tf.keras.Model` with `self.track_layer(layer)` -> `layer`; the
    alias is dropped. TFM292: the Keras optimizer with the same update rule (the Session rewrite's table,
    `codemods/sessions.py: OPTIMIZERS`).

Why
    TF 2.x executes eagerly by default and has neither `tf.enable_eager_execution` nor `tf.contrib`: these
    programs (TensorFlow-Examples' `*_eager_api.py`) stop at their first lines. Each rewrite is TF's own
    TF2 spelling of the same object: `tfe.Variable` was a resource variable, `tfe.Iterator` the eager
    iterator `iter(dataset)` returns (with the same `.next()`), `implicit_gradients` recorded the call on a
    tape and paired the gradients with the tape's watched variables (TF1's
    `backprop.implicit_val_and_grad`), `tfe.Network` a Keras `Network` whose `track_layer` returned its
    argument. Anything else of `tf.contrib.eager` in the file (or a use not in this list) leaves the whole
    file's `tfe` uses as they are, reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from tf2migrate.findings import FixKind
from tf2migrate.traversal import find

from .base import Codemod, Rule
from .names import through_compat_v1
from .imports import module_alias, schedule_removal_of_imports_used_by, tensorflow_name
from .sessions import OPTIMIZERS

ENABLE = Rule(
    code="TFM290",
    name="enable-eager-execution",
    fix=FixKind.SAFE,
    summary="`tf.enable_eager_execution()` is removed: TF 2.x executes eagerly by default and no longer has it.",
    explanation="""
        TF 2.x runs eagerly from the start and removed `tf.enable_eager_execution` (and `tf.contrib.eager`);
        a TF1 program that switched eager execution on stops there with `AttributeError`. The statement is
        removed: the program then runs eagerly, as it did. A call with arguments (`config=`,
        `device_policy=`, `execution_mode=`) is reported instead: those settings have other TF2 homes
        (`tf.config.threading`, `tf.config.experimental`) and are not carried over.
    """,
    before="""
        import tensorflow as tf

        tf.enable_eager_execution()
        x = tf.constant(2.0)
    """,
    after="""
        import tensorflow as tf

        x = tf.constant(2.0)
    """,
)

CONTRIB_EAGER = Rule(
    code="TFM291",
    name="contrib-eager",
    fix=FixKind.SAFE,
    summary="`tf.contrib.eager` (`tfe.Variable`, `tfe.Iterator`, `tfe.implicit_gradients`, `tfe.Network`) becomes TF2's own API.",
    explanation="""
        `tf.contrib` is gone in TF 2.x. The eager helpers TF1 programs used are TF2 objects under other
        names: `tfe.Variable(...)` -> `tf.Variable(...)` (both resource variables; `collections=` or more
        than two positional arguments are reported), `tfe.Iterator(dataset)` -> `iter(dataset)` (the same
        eager iterator, `.next()` included), `tfe.implicit_gradients(f)` -> a helper written into the file
        that runs `f` under a `tf.GradientTape` and returns the gradients paired with the variables the
        tape watched (TF1's implementation, `implicit_val_and_grad`, did exactly this; likewise
        `implicit_value_and_gradients`), a class deriving from `tfe.Network` -> from `tf.keras.Model`,
        its `self.track_layer(layer)` -> `layer` (Keras tracks layers set as attributes). When the file uses
        anything else of `tf.contrib.eager`, or a `tfe` name in another way, nothing of it is rewritten and
        each use is reported.
    """,
    before="""
        import tensorflow as tf

        tfe = tf.contrib.eager
        W = tfe.Variable(tf.zeros([3, 1]))
        grad = tfe.implicit_gradients(loss_fn)
        optimizer.apply_gradients(grad(x, y))
    """,
    after="""
        import tensorflow as tf

        W = tf.Variable(tf.zeros([3, 1]))


        def implicit_gradients(f):
            \"\"\"TF1's `tf.contrib.eager.implicit_gradients`: ...\"\"\"
            ...


        grad = implicit_gradients(loss_fn)
        optimizer.apply_gradients(grad(x, y))
    """,
)

EAGER_OPTIMIZER = Rule(
    code="TFM292",
    name="eager-optimizer",
    fix=FixKind.SAFE,
    summary="A TF1 `tf.train.*Optimizer` used eagerly with `apply_gradients` becomes the Keras optimizer with the same update rule.",
    explanation="""
        In a program that enables eager execution, a TF1 optimizer applies gradients the program computed
        itself: `optimizer.apply_gradients(grads_and_vars)`. TF 2.x has no `tf.train.*Optimizer`; the Keras
        optimizer with the same update rule takes the same pairs (the mapping and defaults are the Session
        rewrite's, TFM205: `GradientDescentOptimizer` -> `SGD`, `AdamOptimizer` -> `Adam` with TF1's epsilon
        1e-8, ...; not `MomentumOptimizer`, whose sparse updates differ, nor `RMSPropOptimizer`). Only an optimizer bound to a name whose every use is a statement
        `name.apply_gradients(pairs)` (no `global_step=`) is rewritten; `minimize` or anything else is
        reported.
    """,
    before="""
        tf.enable_eager_execution()
        optimizer = tf.train.AdamOptimizer(learning_rate=0.001)
        optimizer.apply_gradients(grad(model, x, y))
    """,
    after="""
        optimizer = tf.keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-08)
        optimizer.apply_gradients(grad(model, x, y))
    """,
)

ENABLERS = frozenset({"tf.enable_eager_execution", "tf.contrib.eager.enable_eager_execution"})
CONTRIB_EAGER_MODULE = "tf.contrib.eager"
VARIABLE_KEYWORDS = frozenset({"initial_value", "trainable", "name", "dtype", "validate_shape", "caching_device", "constraint"})

# TF1 optimizers of the Session table not rewritten here, and why
NOT_EAGER = {
    "tf.train.RMSPropOptimizer": "Keras' RMSprop starts its mean square at 0, TF1's at 1 (the Session rewrite writes a class for it; not done here)",
    "tf.train.MomentumOptimizer": "over a sparse gradient (an embedding lookup) TF1 moved only the rows looked up, Keras' SGD moves every row; gradients are not traced here",
}

IMPLICIT_GRADIENTS = '''
def {name}(f):
    """TF1's `tf.contrib.eager.implicit_gradients`: a function returning the gradients of `f` with respect to
    the trainable variables `f` used, paired with those variables."""

    def grad_fn(*args, **kwargs):
        with {tf}.GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = tape.watched_variables()
        if not variables:
            raise ValueError("No trainable variables were accessed while the function was being computed.")
        return list(zip(tape.gradient(value, variables), variables))

    return grad_fn
'''

IMPLICIT_VALUE_AND_GRADIENTS = '''
def {name}(f):
    """TF1's `tf.contrib.eager.implicit_value_and_gradients`: a function returning the value of `f` and its
    gradients with respect to the trainable variables `f` used, paired with those variables."""

    def grad_fn(*args, **kwargs):
        with {tf}.GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = tape.watched_variables()
        if not variables:
            raise ValueError("No trainable variables were accessed while the function was being computed.")
        return value, list(zip(tape.gradient(value, variables), variables))

    return grad_fn
'''

HELPERS = {"implicit_gradients": IMPLICIT_GRADIENTS, "implicit_value_and_gradients": IMPLICIT_VALUE_AND_GRADIENTS}


@dataclass
class Plan:
    """What the analysis of the original tree decided, keyed by original node."""

    removed: dict[int, tuple[str, str]] = field(default_factory=dict)  # statement line -> (code, message)
    replaced: dict[int, cst.BaseExpression] = field(default_factory=dict)  # expression -> new expression
    messages: dict[int, tuple[cst.CSTNode, str, str]] = field(default_factory=dict)
    helpers: dict[str, str] = field(default_factory=dict)  # helper kind -> name written
    helper_before: int | None = None  # index of the module statement the helpers go before
    imports_dropped: list[cst.CSTNode] = field(default_factory=list)


class EagerPrograms(Codemod):
    RULES = (ENABLE, CONTRIB_EAGER, EAGER_OPTIMIZER)
    TRIGGERS = ("enable_eager_execution", "contrib.eager")

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self.plan = Plan()
        self.tf = "tf"
        self.removed_statements: set[int] = set()  # original module-level statements removed

    # -- analysis ------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node
        self.tf = module_alias(node, "tensorflow") or module_alias(node, "tensorflow.compat.v1") or ""
        enabled = self._plan_enablers(node)
        self._plan_contrib_eager(node)
        if enabled:
            self._plan_optimizers(node)

    def _spelling(self) -> str:
        if not self.tf:
            self.tf = tensorflow_name(self.context, self.tree)
        return self.tf

    def _statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The small statement `node` is the whole value of (`node` as an expression statement), else None."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Expr) and parent.value is node:
            return parent
        return None

    def _plan_enablers(self, module: cst.Module) -> bool:
        found = False
        for call in find(module, cst.Call):
            assert isinstance(call, cst.Call)
            if self._enabler(call):
                found = True
                statement = self._statement_of(call)
                if statement is None:
                    self.flag(call, ENABLE.code, "`enable_eager_execution()` used as a value: TF 2.x runs eagerly by default and has no such function; remove it")
                elif call.args:
                    self.flag(call, ENABLE.code, "`enable_eager_execution(...)` with arguments: TF 2.x runs eagerly by default; carry its settings over by hand (`tf.config.threading`, `tf.config.experimental`) and remove the call")
                else:
                    self.plan.removed[id(statement)] = (ENABLE.code, "`enable_eager_execution()` removed: TF 2.x executes eagerly by default")
        return found

    def _enabler(self, call: cst.Call) -> bool:
        name = self.qualified_name(call)
        if name in ENABLERS:
            # `tf.compat.v1.enable_eager_execution` still exists in TF 2.21 and may undo a `disable_v2_behavior()`
            # or `disable_eager_execution()` of the file: that spelling is left as it is
            return not through_compat_v1(self, call)
        func = call.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value == "enable_eager_execution"
            and isinstance(func.value, cst.Name)
            and self._eager_alias(func.value)
        )

    # tf.contrib.eager ---------------------------------------------------------------------------
    def _eager_alias(self, name: cst.Name) -> bool:
        """`name` is bound (once, at module level) to `tf.contrib.eager`."""
        return name.value in self._aliases

    @property
    def _aliases(self) -> dict[str, cst.CSTNode]:
        aliases = self.__dict__.get("_alias_table")
        if aliases is None:
            aliases = self.__dict__["_alias_table"] = self._find_aliases(self.tree)
        return aliases

    def _find_aliases(self, module: cst.Module) -> dict[str, cst.CSTNode]:
        """alias -> the small statement binding it (`tfe = tf.contrib.eager`, `import tensorflow.contrib.eager as tfe`)."""
        aliases: dict[str, cst.CSTNode] = {}
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    if self.qualified_name(small.value) == CONTRIB_EAGER_MODULE:
                        aliases[small.targets[0].target.value] = small
                elif isinstance(small, cst.Import):
                    for alias in small.names:
                        if cst.helpers.get_full_name_for_node(alias.name) == "tensorflow.contrib.eager" and alias.asname is not None:
                            asname = alias.asname.name
                            if isinstance(asname, cst.Name):
                                aliases[asname.value] = small
        scope = self.get_metadata(ScopeProvider, module, None)
        if scope is not None:
            for alias in list(aliases):
                if len(scope.assignments[alias]) != 1:
                    del aliases[alias]  # bound more than once: not provably the module
        return aliases

    def _plan_contrib_eager(self, module: cst.Module) -> None:
        uses: list[tuple[cst.Attribute, str]] = []  # (`tfe.X` node, X)
        for attribute in find(module, cst.Attribute):
            assert isinstance(attribute, cst.Attribute)
            value = attribute.value
            if isinstance(value, cst.Name) and value.value in self._aliases:
                if self._is_alias_reference(value):
                    uses.append((attribute, attribute.attr.value))
            elif isinstance(value, cst.Attribute) and self.qualified_name(value) == CONTRIB_EAGER_MODULE:
                uses.append((attribute, attribute.attr.value))
        for alias, binding in self._aliases.items():
            scope = self.get_metadata(ScopeProvider, module, None)
            for access in scope.accesses[alias] if scope is not None else ():
                parent = self.get_metadata(ParentNodeProvider, access.node, None)
                if not (isinstance(parent, cst.Attribute) and parent.value is access.node):
                    uses.append((access.node, ""))  # the module itself passed around
        if not uses and not self._aliases:
            return
        planned: dict[int, cst.BaseExpression] = {}
        problems: list[tuple[cst.CSTNode, str]] = []
        for node, member in uses:
            problem = self._plan_use(node, member, planned)
            if problem is not None:
                problems.append((node, problem))
        if problems:
            for node, problem in problems:
                self.flag(node, CONTRIB_EAGER.code, f"{problem}: the file's `tf.contrib.eager` uses are left as they are (tf.contrib is gone in TF 2.x)")
            return
        self.plan.replaced.update(planned)
        for alias, binding in self._aliases.items():
            self.plan.removed[id(binding)] = (CONTRIB_EAGER.code, f"`{alias}` (`tf.contrib.eager`, gone in TF 2.x): its uses became TF 2.x's own API")

    def _is_alias_reference(self, name: cst.Name) -> bool:
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return False
        assignments = scope.assignments[name.value]
        return len(assignments) == 1 and next(iter(assignments)).scope is self.get_metadata(ScopeProvider, self.tree, None)

    def _plan_use(self, node: cst.CSTNode, member: str, planned: dict[int, cst.BaseExpression]) -> str | None:
        """Plan the rewrite of one `tfe.<member>` use; the reason it cannot be rewritten, else None."""
        if not member:
            return "`tf.contrib.eager` used as a value"
        parent = self.get_metadata(ParentNodeProvider, node, None)
        called = isinstance(parent, cst.Call) and parent.func is node
        if member == "enable_eager_execution" and called:
            return None  # TFM290
        if member == "Variable" and called:
            assert isinstance(parent, cst.Call)
            positional = [a for a in parent.args if a.keyword is None]
            if any(a.star for a in parent.args) or len(positional) > 2:
                return "`tfe.Variable` with * / ** or more than two positional arguments"
            bad = [a.keyword.value for a in parent.args if a.keyword is not None and a.keyword.value not in VARIABLE_KEYWORDS]
            if bad:
                return f"`tfe.Variable(..., {bad[0]}=...)` has no `tf.Variable` counterpart"
            planned[id(node)] = cst.parse_expression(f"{self._spelling()}.Variable")
            return None
        if member == "Iterator" and called:
            assert isinstance(parent, cst.Call)
            if len(parent.args) != 1 or parent.args[0].keyword is not None or parent.args[0].star:
                return "`tfe.Iterator` called with other than one dataset"
            planned[id(node)] = cst.Name("iter")
            return None
        if member in HELPERS and called:
            assert isinstance(parent, cst.Call)
            if len(parent.args) != 1 or parent.args[0].keyword is not None or parent.args[0].star:
                return f"`tfe.{member}` called with other than one function"
            name = self.plan.helpers.get(member) or self._fresh(member)
            self.plan.helpers[member] = name
            index = self._module_index(node)
            if self.plan.helper_before is None or index < self.plan.helper_before:
                self.plan.helper_before = index
            planned[id(node)] = cst.Name(name)
            return None
        if member == "Network":
            return self._plan_network(node, parent, planned)
        return f"`tfe.{member}`" + ("" if called or member == "Network" else " (not called)")

    def _plan_network(self, node: cst.CSTNode, parent: cst.CSTNode | None, planned: dict[int, cst.BaseExpression]) -> str | None:
        klass = self.get_metadata(ParentNodeProvider, parent, None) if isinstance(parent, cst.Arg) else None
        if not isinstance(klass, cst.ClassDef) or len(klass.bases) != 1 or klass.keywords:
            return "`tfe.Network` other than as the one base of a class"
        for call in find(klass, cst.Call):
            assert isinstance(call, cst.Call)
            func = call.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
                if func.attr.value == "track_layer":
                    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
                        return "`self.track_layer` with other than one layer"
                    planned[id(call)] = call.args[0].value
                elif func.attr.value != "call" and not self._method_of(klass, func.attr.value) and not self._attribute_of(klass, func.attr.value):
                    return f"`self.{func.attr.value}(...)` of `tfe.Network` (only `track_layer` is rewritten)"
            elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and func.attr.value == "__init__":
                if call.args:
                    return "`tfe.Network.__init__` with arguments"
        planned[id(node)] = cst.parse_expression(f"{self._spelling()}.keras.Model")
        return None

    @staticmethod
    def _method_of(klass: cst.ClassDef, name: str) -> bool:
        return any(isinstance(s, cst.FunctionDef) and s.name.value == name for s in klass.body.body)

    @staticmethod
    def _attribute_of(klass: cst.ClassDef, name: str) -> bool:
        """`self.<name> = ...` somewhere in the class (a layer the class keeps and calls)."""
        for assign in find(klass, cst.Assign):
            assert isinstance(assign, cst.Assign)
            for target in assign.targets:
                node = target.target
                if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self" and node.attr.value == name:
                    return True
        return False

    def _module_index(self, node: cst.CSTNode) -> int:
        current: cst.CSTNode | None = node
        while current is not None:
            parent = self.get_metadata(ParentNodeProvider, current, None)
            if isinstance(parent, cst.Module):
                return parent.body.index(current)  # type: ignore[arg-type]
            current = parent
        return 0

    def _fresh(self, base: str) -> str:
        scope = self.get_metadata(ScopeProvider, self.tree, None)
        taken = set(self.plan.helpers.values())
        name, number = base, 1
        while name in taken or (scope is not None and (scope.assignments[name] or scope.accesses[name])):
            number += 1
            name = f"{base}_{number}"
        return name

    # optimizers ---------------------------------------------------------------------------------
    def _plan_optimizers(self, module: cst.Module) -> None:
        for assign in find(module, cst.Assign):
            assert isinstance(assign, cst.Assign)
            if not isinstance(assign.value, cst.Call):
                continue
            qualified = self.qualified_name(assign.value) or ""
            if not (qualified.startswith("tf.train.") and qualified.endswith("Optimizer")):
                continue
            problem = self._optimizer_problem(assign, qualified)
            if problem is not None:
                self.flag(assign.value, EAGER_OPTIMIZER.code, f"`{qualified}` in an eager program: {problem}; use a `tf.keras.optimizers` optimizer with the same update rule")
                continue
            self.plan.replaced[id(assign.value)] = self._keras_optimizer(assign.value, qualified)
            self.plan.messages[id(assign.value)] = (assign.value, EAGER_OPTIMIZER.code, f"`{qualified}` used eagerly: now `tf.keras.optimizers.{OPTIMIZERS[qualified].keras}` (same update rule)")

    def _optimizer_problem(self, assign: cst.Assign, qualified: str) -> str | None:
        mapping = OPTIMIZERS.get(qualified)
        if mapping is None or qualified in NOT_EAGER:
            return NOT_EAGER.get(qualified, "no Keras optimizer with the same update rule is written for it here")
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return "not bound to one name"
        target = assign.targets[0].target
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None or len(scope.assignments[target.value]) != 1:
            return "its name is bound more than once"
        call = assign.value
        assert isinstance(call, cst.Call)
        for index, argument in enumerate(call.args):
            if argument.star:
                return "arguments passed with * or **"
            keyword = argument.keyword.value if argument.keyword is not None else (mapping.v1_args[index] if index < len(mapping.v1_args) else None)
            if keyword is None or keyword not in mapping.v1_args:
                return "an argument that is not understood"
            if any((self.qualified_name(c) or "").startswith("tf.") for c in find(argument.value, cst.Call)):
                return f"its `{keyword}` is a tensor"
        given = {a.keyword.value if a.keyword is not None else mapping.v1_args[i] for i, a in enumerate(call.args)}
        if any(required not in given for required in mapping.required):
            return "a required argument is missing"
        for access in scope.accesses[target.value]:
            attribute = self.get_metadata(ParentNodeProvider, access.node, None)
            method = self.get_metadata(ParentNodeProvider, attribute, None) if isinstance(attribute, cst.Attribute) else None
            if not (
                isinstance(attribute, cst.Attribute)
                and attribute.attr.value == "apply_gradients"
                and isinstance(method, cst.Call)
                and method.func is attribute
                and len(method.args) == 1
                and method.args[0].keyword is None
                and not method.args[0].star
                and self._statement_of(method) is not None
            ):
                return "used other than as a statement `optimizer.apply_gradients(pairs)`"
        return None

    def _keras_optimizer(self, call: cst.Call, qualified: str) -> cst.Call:
        mapping = OPTIMIZERS[qualified]
        arguments: list[cst.Arg] = []
        given: set[str] = set()
        for index, argument in enumerate(call.args):
            keyword = argument.keyword.value if argument.keyword is not None else mapping.v1_args[index]
            given.add(keyword)
            if keyword in mapping.renames:
                arguments.append(cst.Arg(keyword=cst.Name(mapping.renames[keyword]), value=argument.value, equal=_EQUAL))
        for keyword, default in mapping.explicit.items():
            if not any(mapping.renames.get(k) == keyword for k in given):
                arguments.append(cst.Arg(keyword=cst.Name(keyword), value=cst.parse_expression(default), equal=_EQUAL))
        arguments = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in arguments[:-1]] + arguments[-1:]
        return cst.Call(func=cst.parse_expression(f"{self._spelling()}.keras.optimizers.{mapping.keras}"), args=arguments)

    # -- rewriting -------------------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def _replace(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        new = self.plan.replaced.get(id(original))
        if new is None:
            return updated
        known = self.plan.messages.get(id(original))
        code, message = (known[1], known[2]) if known else (CONTRIB_EAGER.code, f"`{cst.Module([]).code_for_node(original)}` (`tf.contrib.eager`): now TF 2.x's own API")
        if not self.offer_fix(original, code, message):
            return updated
        if isinstance(original, cst.Call) and code == CONTRIB_EAGER.code:  # self.track_layer(layer) -> layer, as rewritten inside
            assert isinstance(updated, cst.Call)
            return updated.args[0].value
        return new

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept = []
        for original, updated in zip(original_node.body, updated_node.body):
            removal = self.plan.removed.get(id(original))
            if removal is not None and self.offer_fix(original, *removal):
                schedule_removal_of_imports_used_by(self.context, original)
                continue
            kept.append(updated)
        if len(kept) == len(updated_node.body):
            return updated_node
        if not kept:
            self.removed_statements.add(id(original_node))
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=kept)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body or not original_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.plan.helpers or self.plan.helper_before is None:
            return updated_node
        anchor = original_node.body[self.plan.helper_before]
        body = list(updated_node.body)
        # the statement the helpers go before, found in the updated body by position among the kept originals
        index = self._updated_index(original_node, updated_node, anchor)
        if index is None:
            return updated_node
        tf = self._spelling()
        helpers = [cst.parse_statement(HELPERS[kind].format(name=name, tf=tf).lstrip("\n")) for kind, name in sorted(self.plan.helpers.items())]
        helpers = [h.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]) for h in helpers]
        following = body[index]
        body[index:index] = helpers
        body[index + len(helpers)] = following.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *_comments(following)])
        return updated_node.with_changes(body=body)

    def _updated_index(self, original: cst.Module, updated: cst.Module, anchor: cst.BaseStatement) -> int | None:
        """Index in `updated.body` of the rewrite of `anchor`: module statements are only removed here."""
        position = original.body.index(anchor)
        if id(anchor) in self.removed_statements:
            return None
        index = position - sum(1 for statement in original.body[:position] if id(statement) in self.removed_statements)
        return index if 0 <= index < len(updated.body) else None


def _comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    return [line for line in getattr(statement, "leading_lines", ()) if line.comment is not None]


_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))

CODEMOD = EagerPrograms
