"""TFM545 Keras 2's model fed by a TF1 dataset iterator (`Input(tensor=)` + `compile(target_tensors=)`) gets the dataset in `fit`.

What it matches
    In one scope (the module or a function), the pattern of Keras 2.2's examples/mnist_dataset_api.py:

        iterator = dataset.make_one_shot_iterator()     # or tf.compat.v1.data.make_one_shot_iterator(dataset)
        inputs, targets = iterator.get_next()
        model_input = layers.Input(tensor=inputs)
        ...
        model = Model(inputs=model_input, outputs=...)
        model.compile(..., target_tensors=[targets])
        model.fit(epochs=..., steps_per_epoch=...)

    where `iterator`, `inputs` and `targets` are bound once and used only there, `dataset` is a name bound before the
    iterator, and `model` is bound once and otherwise only compiled once, trained with `fit` calls that pass no data,
    or used by `summary()` / `save_weights()` / `get_weights()` & co.

What it writes
    The two iterator lines go; `Input(tensor=inputs)` becomes `Input(batch_shape=tuple(dataset.element_spec[0].shape),
    dtype=dataset.element_spec[0].dtype.name)` (the shape and dtype Keras 2 took from the tensor);
    `target_tensors=` goes; each `model.fit(...)` gets `dataset` as its data.

Why
    Keras 3 has no `Input(tensor=)` and no `compile(target_tensors=)`, and TF 2 datasets no `make_one_shot_iterator`.
    Keras 2 drew one batch from the one-shot iterator per training step, continuing across epochs; Keras 3's `fit`
    given the dataset and `steps_per_epoch` draws from one iterator over the dataset that also continues across
    epochs, so the model sees the same batches in the same order (a `shuffle` without a seed shuffles differently
    on every run, in both). Other `Input(tensor=)` calls are reported (TFM545, manual).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from .base import Codemod, Rule

INPUT_TENSORS = Rule(
    code="TFM545",
    name="keras-input-tensor-dataset",
    fix=FixKind.SAFE,
    summary="A Keras 2 model fed by a TF1 one-shot iterator (`Input(tensor=)` + `compile(target_tensors=)`) gets the dataset in `fit`.",
    explanation="""
        Keras 2 models could be wired to a TF1 dataset iterator: `inputs, targets = iterator.get_next()`,
        `Input(tensor=inputs)`, `compile(..., target_tensors=[targets])`, `fit(epochs=, steps_per_epoch=)` with
        no data (Keras 2.2's examples/mnist_dataset_api.py). Keras 3 has neither `Input(tensor=)` nor
        `target_tensors=`, and TF 2 datasets have no `make_one_shot_iterator` (it fails under tf_keras on TF 2.21
        as well). When `iterator = dataset.make_one_shot_iterator()` (or `tf.compat.v1.data.make_one_shot_iterator(
        dataset)`) and `inputs, targets = iterator.get_next()` are used only there, `dataset` is a name bound before
        them, and the model (bound once) is compiled once with `target_tensors=[targets]` and trained by `fit`
        calls that pass no data (other uses: `summary()`, `save_weights()`, `get_weights()` & co), the iterator
        lines go, the input becomes `Input(batch_shape=tuple(dataset.element_spec[0].shape),
        dtype=dataset.element_spec[0].dtype.name)` (what Keras 2 read from the tensor), `target_tensors=` goes and
        `fit` gets the dataset. Keras 2 drew one batch per step from the iterator, continuing across epochs;
        Keras 3's `fit` with `steps_per_epoch` keeps one iterator over the dataset across epochs too: the same
        batches in the same order. Other `Input(tensor=)` calls (`evaluate()` without data, a second model on the
        same tensors, queue runners) are reported here, with the `target_tensors=` (TFM539) and the iterator
        (TFM320) they come with.
    """,
    before="""
        iterator = dataset.make_one_shot_iterator()
        inputs, targets = iterator.get_next()
        model_input = layers.Input(tensor=inputs)
        train_model = keras.models.Model(inputs=model_input, outputs=cnn_layers(model_input))
        train_model.compile(optimizer='rmsprop', loss='categorical_crossentropy', target_tensors=[targets])
        train_model.fit(epochs=epochs, steps_per_epoch=steps_per_epoch)
    """,
    after="""
        model_input = layers.Input(batch_shape=tuple(dataset.element_spec[0].shape), dtype=dataset.element_spec[0].dtype.name)
        train_model = keras.models.Model(inputs=model_input, outputs=cnn_layers(model_input))
        train_model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
        train_model.fit(dataset, epochs=epochs, steps_per_epoch=steps_per_epoch)
    """,
)

RULES = (INPUT_TENSORS,)

INPUT_CALLEES = ("keras.Input", "keras.layers.Input")
MODEL_CLASSES = ("keras.Model", "keras.models.Model", "keras.engine.training.Model")
HARMLESS_METHODS = frozenset({"summary", "get_weights", "set_weights", "save_weights", "load_weights", "count_params", "get_layer", "save", "to_json", "get_config"})
HARMLESS_ATTRIBUTES = frozenset({"layers", "weights", "trainable_weights", "non_trainable_weights", "inputs", "outputs", "input", "output", "name", "metrics_names", "history"})
DATA_KEYWORDS = frozenset({"x", "y", "sample_weight"})


@dataclass
class _Plan:
    dataset: str
    removed: set[cst.CSTNode] = field(default_factory=set)  # original statements that go
    inputs: dict[cst.Call, str] = field(default_factory=dict)  # original Input call -> dataset name
    compiles: set[cst.Call] = field(default_factory=set)
    fits: dict[cst.Call, str] = field(default_factory=dict)


class Keras3InputTensors(Codemod):
    RULES = RULES

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        return "target_tensors" in text and "tensor=" in text and "make_one_shot_iterator" in text and super().wanted(text, selection)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._removed: set[cst.CSTNode] = set()
        self._inputs: dict[cst.Call, str] = {}
        self._compiles: set[cst.Call] = set()
        self._fits: dict[cst.Call, str] = {}

    # -- finding the pattern (before any statement is left: the iterator lines come first) -----
    def visit_Module(self, node: cst.Module) -> None:
        for call in _input_tensor_calls(node):
            self._consider(call)

    def _consider(self, node: cst.Call) -> None:
        tensor = next((a for a in node.args if a.keyword is not None and a.keyword.value == "tensor"), None)
        if tensor is None or not isinstance(tensor.value, cst.Name) or node in self._inputs:
            return
        if self._raw_keras(node.func) not in INPUT_CALLEES or any(a.star for a in node.args):
            return
        plan = self._plan(node, tensor.value)
        if plan is None:
            self.flag(node, INPUT_TENSORS.code, "Keras 3's `Input` has no `tensor=` (TypeError) and `compile` no `target_tensors=`: declare the input with `Input(shape=..., dtype=...)` and give `fit` / `evaluate` the data, e.g. the `tf.data.Dataset` of `(inputs, targets)` the tensors came from (with `steps_per_epoch` / `steps`)")
            return
        if not self.offer_fix(node, INPUT_TENSORS.code, f"Keras 3 has no `Input(tensor=)` / `compile(target_tensors=)`, TF 2 datasets no `make_one_shot_iterator`: the model's input takes the shape and dtype of `{plan.dataset}`'s elements and `fit` gets `{plan.dataset}` (the same batches in the same order)"):
            return
        self._removed |= plan.removed
        self._inputs.update(plan.inputs)
        self._compiles |= plan.compiles
        self._fits.update(plan.fits)

    def _plan(self, input_call: cst.Call, tensor: cst.Name) -> _Plan | None:
        scope = self.get_metadata(ScopeProvider, tensor, None)
        if scope is None:
            return None
        # inputs, targets = iterator.get_next()
        unpack = self._single_assignment(scope, tensor.value)
        if unpack is None or not isinstance(unpack.targets[0].target, cst.Tuple) or len(unpack.targets) != 1:
            return None
        elements = [e.value for e in unpack.targets[0].target.elements]
        if len(elements) != 2 or not all(isinstance(e, cst.Name) for e in elements) or elements[0].value != tensor.value:  # type: ignore[union-attr]
            return None
        targets = elements[1]
        assert isinstance(targets, cst.Name)
        get_next = unpack.value
        if not (isinstance(get_next, cst.Call) and not get_next.args and isinstance(get_next.func, cst.Attribute) and get_next.func.attr.value == "get_next" and isinstance(get_next.func.value, cst.Name)):
            return None
        iterator = get_next.func.value.value
        made = self._single_assignment(scope, iterator)
        if made is None or len(made.targets) != 1 or not isinstance(made.targets[0].target, cst.Name):
            return None
        dataset = self._one_shot_dataset(made.value)
        if dataset is None or dataset in (iterator, tensor.value, targets.value):
            return None
        if len(self._uses(scope, iterator)) != 1 or len(self._uses(scope, tensor.value)) != 1:
            return None
        made_at = self._start(made)
        if any(self._start(a.node) >= made_at for a in scope.assignments[dataset]) or not scope.assignments[dataset]:
            return None  # the dataset is rebound after the iterator was made
        if self._start(unpack) <= made_at or self._start(input_call) <= self._start(unpack):
            return None
        # model.compile(..., target_tensors=[targets])
        target_uses = self._uses(scope, targets.value)
        if len(target_uses) != 1:
            return None
        compile_call = self._target_tensors_compile(target_uses[0], targets)
        if compile_call is None:
            return None
        assert isinstance(compile_call.func, cst.Attribute) and isinstance(compile_call.func.value, cst.Name)
        model = compile_call.func.value.value
        model_assign = self._single_assignment(scope, model)
        if model_assign is None or not isinstance(model_assign.value, cst.Call) or self._raw_keras(model_assign.value.func) not in MODEL_CLASSES:
            return None
        plan = _Plan(dataset=dataset, removed={self._statement(made), self._statement(unpack)}, inputs={input_call: dataset}, compiles={compile_call})
        if None in plan.removed:
            return None
        for access in self._uses(scope, model):
            kind = self._model_use(access, compile_call)
            if kind is None:
                return None
            if isinstance(kind, cst.Call):
                if self._start(kind) <= self._start(compile_call):
                    return None
                plan.fits[kind] = dataset
        return plan if plan.fits else None

    def _single_assignment(self, scope, name: str) -> cst.Assign | None:  # type: ignore[no-untyped-def]
        assignments = [a for a in scope.assignments[name] if a.scope is scope]
        if len(assignments) != 1 or not isinstance(assignments[0].node, cst.Name):
            return None
        node: cst.CSTNode | None = assignments[0].node
        while node is not None and not isinstance(node, (cst.Assign, cst.BaseStatement)):
            node = self.get_metadata(ParentNodeProvider, node, None)
        return node if isinstance(node, cst.Assign) else None

    def _statement(self, assign: cst.Assign) -> cst.CSTNode | None:
        line = self.get_metadata(ParentNodeProvider, assign, None)
        return line if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None

    def _uses(self, scope, name: str) -> list[cst.CSTNode]:  # type: ignore[no-untyped-def]
        return [a.node for a in scope.accesses[name]]

    def _start(self, node: cst.CSTNode) -> tuple[int, int]:
        position = self.get_metadata(PositionProvider, node).start
        return position.line, position.column

    def _one_shot_dataset(self, value: cst.BaseExpression) -> str | None:
        """`dataset.make_one_shot_iterator()` or `tf.compat.v1.data.make_one_shot_iterator(dataset)`: the dataset's name."""
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute) or value.func.attr.value != "make_one_shot_iterator":
            return None
        if not value.args and isinstance(value.func.value, cst.Name):
            return value.func.value.value
        if len(value.args) == 1 and value.args[0].keyword is None and isinstance(value.args[0].value, cst.Name):
            if self.qualified_name(value.func) in ("tensorflow.compat.v1.data.make_one_shot_iterator", "tensorflow.data.make_one_shot_iterator"):
                return value.args[0].value.value
        return None

    def _target_tensors_compile(self, use: cst.CSTNode, targets: cst.Name) -> cst.Call | None:
        parent = self.get_metadata(ParentNodeProvider, use, None)
        if isinstance(parent, cst.Element):
            listed = self.get_metadata(ParentNodeProvider, parent, None)
            if not isinstance(listed, (cst.List, cst.Tuple)) or len(listed.elements) != 1:
                return None
            parent = self.get_metadata(ParentNodeProvider, listed, None)
        if not (isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "target_tensors"):
            return None
        call = self.get_metadata(ParentNodeProvider, parent, None)
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "compile" and isinstance(call.func.value, cst.Name) and not any(a.star for a in call.args):
            return call
        return None

    def _model_use(self, use: cst.CSTNode, compile_call: cst.Call) -> cst.CSTNode | bool | None:
        """A `fit` call without data (returned), the compile call or a harmless use (True), else None."""
        parent = self.get_metadata(ParentNodeProvider, use, None)
        if isinstance(parent, cst.AssignTarget):
            return True  # the binding itself
        if isinstance(parent, cst.Arg) and isinstance(self.get_metadata(ParentNodeProvider, parent, None), cst.Call):
            call = self.get_metadata(ParentNodeProvider, parent, None)
            if self._raw_keras(call.func) in MODEL_CLASSES:  # type: ignore[union-attr]
                return None
        if not (isinstance(parent, cst.Attribute) and parent.value is use):
            return None
        if parent.attr.value in HARMLESS_ATTRIBUTES:
            return True
        call = self.get_metadata(ParentNodeProvider, parent, None)
        if not (isinstance(call, cst.Call) and call.func is parent):
            return None
        method = parent.attr.value
        if call is compile_call:
            return True
        if method in HARMLESS_METHODS:
            return True
        if method == "fit" and not any(a.keyword is None or a.star or a.keyword.value in DATA_KEYWORDS for a in call.args):
            return call
        return None

    def _raw_keras(self, func: cst.BaseExpression) -> str | None:
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        if not raw or any(r.startswith("tf_keras") for r in raw):
            return None
        name = self.qualified_name(func)
        return name if name is not None and name.startswith("keras.") else None

    # -- writing ------------------------------------------------------------------------------
    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine) -> cst.BaseStatement | cst.RemovalSentinel:
        if original_node in self._removed:
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in self._inputs:
            dataset = self._inputs[original_node]
            spec = f"{dataset}.element_spec[0]"
            args = []
            for arg in updated_node.args:
                if arg.keyword is not None and arg.keyword.value == "tensor":
                    args.append(arg.with_changes(keyword=cst.Name("batch_shape"), value=cst.parse_expression(f"tuple({spec}.shape)"), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
                    args.append(cst.Arg(keyword=cst.Name("dtype"), value=cst.parse_expression(f"{spec}.dtype.name"), equal=arg.equal, comma=arg.comma))
                else:
                    args.append(arg)
            return updated_node.with_changes(args=args)
        if original_node in self._compiles:
            args = [a for a in updated_node.args if not (a.keyword is not None and a.keyword.value == "target_tensors")]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(args=args)
        if original_node in self._fits:
            data = cst.Arg(cst.Name(self._fits[original_node]), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if updated_node.args else cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(args=[data, *updated_node.args])
        return updated_node


def _input_tensor_calls(module: cst.Module) -> list[cst.Call]:
    """Calls with a `tensor=` keyword, in source order."""
    found: list[cst.Call] = []

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if any(a.keyword is not None and a.keyword.value == "tensor" for a in node.args):
                found.append(node)

    traversal.visit(module, _Calls())
    return found


CODEMOD = Keras3InputTensors
