"""TFM543 Keras 2's `model.add_loss(<symbolic tensor>)` on a functional model, rewritten to a loss layer in the model.

What it matches
    A statement `m.add_loss(loss)` at module level (also inside `if` / `with` / `try` blocks, not in a function,
    class or loop) where `m` is bound once in the module, by `m = Model(...)` (`keras.Model` / `keras.models.Model`,
    from `keras` or `tensorflow.keras`), earlier in the file, and `m` is not used between that binding and the call
    but by `m.summary()`, `m.get_weights()`, `m.set_weights(...)`, `m.load_weights(...)`, `m.predict(...)`,
    `m.layers` & co or `plot_model(m, ...)` (so the model is not compiled, trained or handed anywhere before the loss
    is added, as Keras 2 required).

What it writes
    `m = keras.Model(m.input, KerasAddedLoss()(m.output, loss), name=m.name)`, with a small layer defined once at
    module level (before the first such statement): `call(self, outputs, loss)` does `self.add_loss(loss)` and
    returns `outputs`. The rebuilt model has the same inputs, outputs, name and weights (the same layer objects);
    the loss tensor, built from the model's tensors as Keras 2 code built it, becomes part of the model's graph.

Why
    Keras 3 functional models raise `NotImplementedError` for `add_loss` of a symbolic tensor (the VAE examples of
    Keras 2.2); Keras 3 takes a loss only from a layer's `call`. Keras 2 added the tensor to the model's total loss
    (`compile` with no `loss`, or the compiled loss plus it); Keras 3 adds the layer losses of a forward pass to
    the compiled loss the same way, so the value and its gradient are the same. What differs: `m.layers` /
    `m.summary()` also list the layers and operations of the loss. Other `add_loss` calls are left to TFM539.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate.findings import FixKind

from . import imports
from .base import Codemod, Rule

FUNCTIONAL_LOSS = Rule(
    code="TFM543",
    name="keras-functional-add-loss",
    fix=FixKind.SAFE,
    summary="Keras 2's `model.add_loss(tensor)` on a functional model becomes a small layer in the model that calls `self.add_loss` (Keras 3: NotImplementedError).",
    explanation="""
        Keras 2 let a functional model take a loss built from its symbolic tensors, `vae.add_loss(vae_loss)` (the
        VAE examples of Keras 2.2: reconstruction + KL loss from `inputs`, `outputs`, `z_mean`, `z_log_var`), and
        added it to the total loss of `compile` / `fit`. Keras 3 functional models raise `NotImplementedError`; a
        loss can only come from a layer's `call`. When `m` is bound once in the module by `m = Model(...)` and not
        used between that line and `m.add_loss(loss)` but by `summary()`, `get_weights()`, `set_weights()`,
        `load_weights()`, `predict()`, `m.layers` & co or `plot_model(m)` (a module-level statement, also inside `if` / `with` / `try`,
        not in a function or loop), the call becomes `m = keras.Model(m.input, KerasAddedLoss()(m.output, loss),
        name=m.name)`, with `KerasAddedLoss` (a layer whose `call(outputs, loss)` does `self.add_loss(loss)` and
        returns `outputs`) defined once before it. Same inputs, outputs, name and weights; Keras 3 adds the
        loss to the compiled loss (none, or the one given to `compile`) as Keras 2 did, so the value and the
        gradient are the same. `m.layers` and `m.summary()` also list the loss's layers and operations. Other
        `add_loss` calls (in a function, on a model used before, with `inputs=`) are left to TFM539's report.
    """,
    before="""
        vae = Model(inputs, outputs, name='vae_mlp')
        kl_loss = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        vae_loss = K.mean(reconstruction_loss + kl_loss)
        vae.add_loss(vae_loss)
        vae.compile(optimizer='adam')
    """,
    after="""
        vae = Model(inputs, outputs, name='vae_mlp')
        kl_loss = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        vae_loss = K.mean(reconstruction_loss + kl_loss)
        class KerasAddedLoss(keras.layers.Layer):
            \"\"\"Keras 2's `model.add_loss(tensor)`: adds `loss` to the model's losses, returns `outputs`.\"\"\"

            def call(self, outputs, loss):
                self.add_loss(loss)
                return outputs


        vae = keras.Model(vae.input, KerasAddedLoss()(vae.output, vae_loss), name=vae.name)
        vae.compile(optimizer='adam')
    """,
)

RULES = (FUNCTIONAL_LOSS,)

MODEL_CLASSES = ("keras.Model", "keras.models.Model", "keras.engine.training.Model")
HELPER = "KerasAddedLoss"
HELPER_SOURCE = '''
class {name}({layers}.Layer):
    """Keras 2's `model.add_loss(tensor)`: adds `loss` to the model's losses, returns `outputs`."""

    def call(self, outputs, loss):
        self.add_loss(loss)
        return outputs
'''
# Uses of the model before `add_loss` that neither compile or train it nor keep a reference to it.
HARMLESS_METHODS = frozenset({"summary", "get_weights", "set_weights", "load_weights", "count_params", "get_layer", "predict", "to_json", "get_config"})
HARMLESS_ATTRIBUTES = frozenset({"layers", "weights", "trainable_weights", "non_trainable_weights", "inputs", "outputs", "input", "output", "name"})
BLOCKS_OUTSIDE = (cst.FunctionDef, cst.ClassDef, cst.For, cst.While, cst.Lambda)


class Keras3FunctionalLoss(Codemod):
    RULES = RULES

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        return ".add_loss(" in text and "keras" in text and super().wanted(text, selection)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._module: cst.Module | None = None
        self._helper: str | None = None  # the layer base class spelling, once the helper is needed
        self._top_statement: cst.CSTNode | None = None  # the original top-level statement the helper goes before

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    # -- the statement ------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine) -> cst.BaseStatement:
        if len(original_node.body) != 1 or not isinstance(original_node.body[0], cst.Expr):
            return updated_node
        call = original_node.body[0].value
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_loss" and isinstance(call.func.value, cst.Name)):
            return updated_node
        model = call.func.value.value
        loss = self._loss_argument(call)
        if loss is None or model == "self":
            return updated_node
        top = self._top_level(original_node)
        if top is None:
            return updated_node
        namespace = self._model_binding(original_node, call.func.value, model)
        if namespace is None:
            return updated_node
        if self._module is not None and HELPER in {n.value for n in _bound_names(self._module)}:
            return updated_node  # a name of the file's own: not ours to define again
        if not self.offer_fix(call, FUNCTIONAL_LOSS.code, f"`{model}.add_loss(tensor)`: Keras 3 functional models raise NotImplementedError; the loss now comes from a `{HELPER}` layer in `{model}` (same inputs, outputs, name and weights)"):
            return updated_node
        self._helper = f"{namespace}.layers"
        if self._top_statement is None:
            self._top_statement = top
        updated_loss = self._loss_argument(updated_node.body[0].value)  # type: ignore[attr-defined]
        assert updated_loss is not None
        statement = cst.parse_statement(f"{model} = {namespace}.Model({model}.input, {HELPER}()({model}.output, _), name={model}.name)")
        assert isinstance(statement, cst.SimpleStatementLine)
        assign = statement.body[0]
        assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
        added = assign.value.args[1].value
        assert isinstance(added, cst.Call)
        added = added.with_changes(args=[added.args[0], added.args[1].with_changes(value=updated_loss)])
        new_value = assign.value.with_changes(args=[assign.value.args[0], assign.value.args[1].with_changes(value=added), assign.value.args[2]])
        return updated_node.with_changes(body=[assign.with_changes(value=new_value)])

    @staticmethod
    def _loss_argument(call: cst.Call) -> cst.BaseExpression | None:
        if len(call.args) != 1 or call.args[0].star:
            return None
        arg = call.args[0]
        if arg.keyword is not None and arg.keyword.value not in ("losses", "loss"):
            return None
        return arg.value

    def _top_level(self, statement: cst.CSTNode) -> cst.CSTNode | None:
        """The module-level statement holding `statement`, or None inside a function, class or loop."""
        node: cst.CSTNode = statement
        while True:
            parent = self.get_metadata(ParentNodeProvider, node, None)
            if parent is None:
                return None
            if isinstance(parent, BLOCKS_OUTSIDE):
                return None
            if isinstance(parent, cst.Module):
                return node
            node = parent

    def _model_binding(self, statement: cst.CSTNode, name_node: cst.Name, model: str) -> str | None:
        """The Keras namespace to spell `Model` with when `model` is bound once, by `model = Model(...)`, and unused until here."""
        scope = self.get_metadata(ScopeProvider, name_node, None)
        if scope is None or self.get_metadata(ScopeProvider, statement, None) is not scope:
            return None
        assignments = list(scope.assignments[model])
        if len(assignments) != 1:
            return None
        binding = assignments[0].node
        parent = self.get_metadata(ParentNodeProvider, binding, None) if isinstance(binding, cst.Name) else None
        if not (isinstance(parent, cst.AssignTarget)):
            return None
        assign = self.get_metadata(ParentNodeProvider, parent, None)
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.value, cst.Call)):
            return None
        name = self._raw_keras(assign.value.func)
        if name not in MODEL_CLASSES:
            return None
        bound_at = self.get_metadata(PositionProvider, assign).start
        here = self.get_metadata(PositionProvider, statement).start
        if (bound_at.line, bound_at.column) >= (here.line, here.column):
            return None
        for access in scope.accesses[model]:
            where = self.get_metadata(PositionProvider, access.node).start
            if (bound_at.line, bound_at.column) < (where.line, where.column) < (here.line, here.column) and not self._harmless_use(access.node):
                return None  # used before the loss is added: the old model may be compiled, trained or held elsewhere
        return self._namespace(assign.value.func)

    def _harmless_use(self, node: cst.CSTNode) -> bool:
        """`m.summary()`, `m.get_weights()`, `m.set_weights(...)`, `m.load_weights(...)`, `plot_model(m, ...)`: keep no reference."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value in HARMLESS_ATTRIBUTES:
                return True
            call = self.get_metadata(ParentNodeProvider, parent, None)
            return isinstance(call, cst.Call) and call.func is parent and parent.attr.value in HARMLESS_METHODS
        if isinstance(parent, cst.Arg) and parent.keyword is None:
            call = self.get_metadata(ParentNodeProvider, parent, None)
            return isinstance(call, cst.Call) and call.args[0] is parent and self._raw_keras(call.func) in ("keras.utils.plot_model", "keras.utils.vis_utils.plot_model")
        return False

    def _raw_keras(self, func: cst.BaseExpression) -> str | None:
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        if not raw or any(r.startswith("tf_keras") for r in raw):
            return None
        name = self.qualified_name(func)
        return name if name is not None and name.startswith("keras.") else None

    def _namespace(self, func: cst.BaseExpression) -> str:
        """How to spell `keras` next to this `Model` (adding `import keras` to standalone Keras code)."""
        assert self._module is not None
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        if all(q.name == "keras" or q.name.startswith("keras.") for q in found if q.source is QualifiedNameSource.IMPORT):
            return imports.require_module(self.context, self._module, "keras", "keras")
        spelling, needed = imports.keras_namespace(self._module)
        imports.require_keras_namespace(self.context, needed)
        return spelling

    # -- the helper layer ---------------------------------------------------------------------
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self._helper is None or self._top_statement is None:
            return updated_node
        helper = cst.parse_module(HELPER_SOURCE.format(name=HELPER, layers=self._helper)).body[0]
        body = list(updated_node.body)
        index = next(i for i, statement in enumerate(original_node.body) if statement is self._top_statement)
        blank = cst.EmptyLine()
        body.insert(index, helper.with_changes(leading_lines=[blank, blank]))
        following = body[index + 1]
        kept = list(following.leading_lines)
        while kept and kept[0].comment is None:
            kept.pop(0)
        body[index + 1] = following.with_changes(leading_lines=[blank, blank, *kept])
        return updated_node.with_changes(body=body)


def _bound_names(module: cst.Module) -> list[cst.Name]:
    """Names a module binds at top level by `class` / `def` / assignment."""
    found: list[cst.Name] = []
    for statement in module.body:
        if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            found.append(statement.name)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    found.extend(t.target for t in small.targets if isinstance(t.target, cst.Name))
    return found


CODEMOD = Keras3FunctionalLoss
