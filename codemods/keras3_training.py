"""TFM530-TFM539 the Keras 2 training API on Keras 3: generator methods, optimizer arguments, Keras 1 names.

What it matches
    - `model.fit_generator / evaluate_generator / predict_generator(...)` (TFM530);
    - `keras.optimizers.X(lr=..., decay=..., epsilon=None)` and `keras.optimizers.legacy.X(...)` calls (TFM531);
    - `<...>.optimizer.lr` and `opt.lr` for an optimizer made in this file (TFM532);
    - Keras 1 keywords Keras 2 still converted (`output_dim=`, `init=`, `W_regularizer=`, `border_mode=`,
      `subsample=`, `nb_filter=`, `p=`, `dim_ordering=`, ...), `fit(nb_epoch=)`, `Model(input=, output=)` (TFM533);
    - `Convolution2D(nb_filter, nb_row, nb_col)` / `Convolution3D(n, d1, d2, d3)` positional kernel sizes (TFM534);
    - `def get_output_shape_for(self, input_shape)` in a Keras layer (TFM535);
    - what cannot be rewritten exactly: worker and queue arguments that change how batches are produced,
      Keras 1 arguments with no Keras 3 meaning, custom optimizers built on `get_updates` (TFM539, manual).

What it writes
    `fit` / `evaluate` / `predict` with Keras 2's positional arguments passed by keyword, `generator=` -> `x=`,
    `workers=0|1`, `use_multiprocessing=False` and `max_queue_size=` dropped (one worker keeps the batch order:
    only the prefetching goes), and `verbose=0` written for `evaluate` / `predict` (Keras 2's `*_generator`
    default; Keras 3's is a progress bar). `lr=` -> `learning_rate=`; `decay=d` -> `learning_rate=
    keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`, which is Keras 2's
    `lr / (1 + decay * iterations)`; `.lr` -> `.learning_rate`; the Keras 2 names of the Keras 1 keywords;
    `Convolution2D(32, 3, 3)` -> `Convolution2D(32, (3, 3))` (Keras 3 reads the third positional as strides,
    silently); `get_output_shape_for` -> `compute_output_shape`.

Why
    Keras 3 dropped every one of these: `fit_generator` and `optimizer.lr` raise `AttributeError`, `lr=` and the
    Keras 1 keywords raise `ValueError` / `TypeError`, `decay=` is ignored with a warning, and
    `Convolution2D(8, 3, 3)` builds a layer with strides 3 without any error. `keras.backend` functions
    (`K.set_value(model.optimizer.lr, v)`: the call is the backend rules', the `.lr` is this module's) and
    `tf_keras` (Keras 2 on purpose) are left alone.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from tf2migrate import traversal

from . import imports
from .base import Codemod
from .keras3_training_calls import TrainingCalls
from .keras3_training_constructors import Constructors
from .keras3_training_rules import GENERATOR_METHODS, LR_ATTRIBUTE, OPTIMIZER_ARGUMENTS, OUTPUT_SHAPE_METHOD, PREDICT_CLASSES, RULES, TRAINING_MANUAL
from .keras3_training_tables import CONV_KERNEL_ARITY, GENERATOR_TARGETS, KERAS1_CLASS_KEYWORDS, KERAS1_KEYWORDS, KERAS2_OPTIMIZERS, LAYER_KEYWORDS, MODEL_CLASSES, OPTIMIZER_ALIASES, RATE_CALLBACKS, REPORTED_LAYER_KEYWORDS, _DecayingOptimizers, defined_generator_methods, owns_generator_call, owns_predict_classes
from .names import enclosing, last_name, only_assign

MODEL_FACTORIES = (*MODEL_CLASSES, "keras.Sequential", "keras.models.Sequential", "keras.models.load_model", "keras.saving.load_model")

# re-exported for legacy_calls, bench/keras3_leftovers.py and the tests: GENERATOR_METHODS, TRAINING_MANUAL, PREDICT_CLASSES, OPTIMIZER_ARGUMENTS, KERAS1_KEYWORDS, KERAS1_CLASS_KEYWORDS, KERAS2_OPTIMIZERS, defined_generator_methods, owns_generator_call, owns_predict_classes, RULES


class Keras3Training(TrainingCalls, Constructors, Codemod):
    RULES = RULES
    TRIGGERS = ("keras",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source_module: cst.Module | None = None
        self._defined_methods: set[str] = set()
        self._optimizer_names: set[str] = set()
        self._keras_ns: tuple[str, tuple[str, str | None] | None] | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self.source_module = node
        self._defined_methods = defined_generator_methods(node)
        finder = _DecayingOptimizers()
        traversal.visit(node, finder)
        # the file's only optimizer gets a decay schedule (TFM531): a rate set in it is that schedule's; with several
        # optimizers the rule cannot tell which one a callback sets, and says so in the TFM532 message
        self._decays = finder.decaying == finder.optimizers == 1
        self._maybe_decays = finder.decaying > 0 and not self._decays

    # -- helpers ------------------------------------------------------------------------------
    def rate_callback(self) -> cst.Call | None:
        """The file's first Keras callback that sets the optimizer's rate as training runs (a Keras 3 schedule's rate
        cannot be set: TFM531), asked only for an optimizer given `decay=`."""
        assert self.source_module is not None
        return next((call for call in traversal.find(self.source_module, cst.Call) if last_name(call) in RATE_CALLBACKS), None)

    def _raw_keras(self, node: cst.CSTNode) -> str | None:
        """Canonical `keras.*` name of a callee imported from `keras` / `tensorflow.keras` (not `tf_keras`)."""
        func = node.func if isinstance(node, cst.Call) else node
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        if not raw or any(r.startswith("tf_keras") for r in raw):
            return None
        canonical = self.qualified_name(func)
        return canonical if canonical is not None and canonical.startswith("keras.") else None

    def _standalone(self, node: cst.Call) -> bool:
        found = self.get_metadata(QualifiedNameProvider, node.func, None) or set()
        raw = [q.name for q in found if q.source is QualifiedNameSource.IMPORT]
        return bool(raw) and all(r == "keras" or r.startswith("keras.") for r in raw)

    def _namespace(self, func: cst.BaseExpression) -> str:
        """How to spell `keras` for a schedule next to this optimizer callee."""
        written = get_full_name_for_node(func) or ""
        parts = written.split(".")
        if "optimizers" in parts[1:]:
            return ".".join(parts[: parts.index("optimizers", 1)])
        found = self.get_metadata(QualifiedNameProvider, func, None) or set()
        if all(q.name.startswith("keras.") for q in found if q.source is QualifiedNameSource.IMPORT):
            assert self.source_module is not None
            return imports.require_module(self.context, self.source_module, "keras", "keras")  # standalone Keras 2 code
        if self._keras_ns is None:
            assert self.source_module is not None
            self._keras_ns = imports.keras_namespace(self.source_module)
        imports.require_keras_namespace(self.context, self._keras_ns[1])
        return self._keras_ns[0]

    # -- calls ----------------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and (last_name(node.value) or "") in (*KERAS2_OPTIMIZERS, *OPTIMIZER_ALIASES) and self._optimizer_class(node.value) is not None:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._optimizer_names.add(target.target.value)

    @staticmethod
    def _worth_resolving(node: cst.Call) -> bool:
        name = last_name(node) or ""
        if name in KERAS2_OPTIMIZERS or name in OPTIMIZER_ALIASES or name in CONV_KERNEL_ARITY or name in ("Model", "TensorBoard"):
            return True
        return any(a.keyword is not None and (a.keyword.value in LAYER_KEYWORDS or a.keyword.value in REPORTED_LAYER_KEYWORDS) for a in node.args)

    def _optimizer_class(self, node: cst.Call) -> str | None:
        name = self._raw_keras(node)
        if name is None:
            return None
        for prefix in ("keras.optimizers.legacy.", "keras.optimizers."):
            if name.startswith(prefix):
                cls = OPTIMIZER_ALIASES.get(name[len(prefix) :], name[len(prefix) :])
                return cls if cls in KERAS2_OPTIMIZERS else None
        return None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in GENERATOR_TARGETS and method not in self._defined_methods:
                return self._generator_call(original_node, updated_node, method)
            if method in ("fit", "evaluate", "predict"):
                return self._fit_call(original_node, updated_node)
            if method == "compile":
                self._compile_call(original_node)
            if method == "add_loss":
                self._add_loss_call(original_node)
            if method == "predict_classes":
                return self._predict_classes(original_node, updated_node)
        if not self._worth_resolving(original_node):
            return updated_node  # cheap spelling filter: most calls are none of these
        optimizer = self._optimizer_class(original_node)
        if optimizer is not None:
            return self._optimizer_call(original_node, updated_node, optimizer)
        name = self._raw_keras(original_node)
        if name is None:
            return updated_node
        if name in MODEL_CLASSES:
            return self._model_call(original_node, updated_node)
        if name == "keras.callbacks.TensorBoard":
            self._tensorboard_call(original_node)
            return updated_node
        if name.startswith("keras.layers."):
            return self._layer_call(original_node, updated_node, name.rsplit(".", 1)[1])
        return updated_node

    # -- TFM532: optimizer.lr -----------------------------------------------------------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value == "lr":
            value = original_node.value
            owner = (isinstance(value, cst.Attribute) and value.attr.value == "optimizer") or (isinstance(value, cst.Name) and value.value in self._optimizer_names)
            if owner and self._decays and self._written(original_node):
                self.flag(original_node, TRAINING_MANUAL.code, "the learning rate is set here, and this file gives an optimizer `decay=`, which becomes a Keras 3 `InverseTimeDecay` schedule: a schedule's rate cannot be set (Keras 2 changed the base rate under the decay); write the whole policy as a `keras.callbacks.LearningRateScheduler` or a custom schedule, then use `learning_rate`")
                return updated_node
            caveat = ""
            if owner and self._maybe_decays and self._written(original_node):
                caveat = "; if this is the optimizer given `decay=` in this file, its rate is now a schedule, which cannot be set: use a `LearningRateScheduler` there"
            if owner and self.offer_fix(original_node, LR_ATTRIBUTE.code, "Keras 3 optimizers have no `lr`: now `learning_rate`" + caveat):
                return updated_node.with_changes(attr=cst.Name("learning_rate"))
            return updated_node
        if original_node.attr.value == "metrics_names" and isinstance(original_node.value, cst.Name) and self._keras_model_name(original_node.value):
            self.flag(original_node, TRAINING_MANUAL.code, f"`{original_node.value.value}.metrics_names` is `['loss', 'compile_metrics']` in Keras 3 (Keras 2 listed one name per compiled metric, such as `['loss', 'acc']`), so results paired with it get other names: use `model.evaluate(..., return_dict=True)` (names to values) or the History's keys")
            return updated_node
        if original_node.attr.value == "get_output_shape_for" and isinstance(original_node.value, cst.Name) and original_node.value.value == "self":
            klass = self._enclosing_class(original_node)
            if klass is not None and self._renames_output_shape(klass) and self.enabled(OUTPUT_SHAPE_METHOD.code):
                return updated_node.with_changes(attr=cst.Name("compute_output_shape"))
        return updated_node

    def _keras_model_name(self, name: cst.Name) -> bool:
        """`name` is bound once, to a Keras model made in this file (`Sequential(...)`, `Model(...)`, `load_model(...)`)."""
        assign = only_assign(self, name)
        return assign is not None and isinstance(assign.value, cst.Call) and self.qualified_name(assign.value) in MODEL_FACTORIES

    def _written(self, node: cst.Attribute) -> bool:
        """`K.set_value(<node>, v)`, `<node>.assign(v)`, `<node> = v`: the rate is set, not read."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.AugAssign) and parent.target is node):
            return True
        if isinstance(parent, cst.Attribute) and parent.attr.value in ("assign", "assign_add", "assign_sub"):
            return True
        if isinstance(parent, cst.Arg):
            call = self.get_metadata(ParentNodeProvider, parent, None)
            return isinstance(call, cst.Call) and last_name(call) == "set_value" and bool(call.args) and call.args[0] is parent
        return False

    # -- TFM535 / TFM539: classes -------------------------------------------------------------------
    def _enclosing_class(self, node: cst.CSTNode) -> cst.ClassDef | None:
        return enclosing(self, node, cst.ClassDef)  # type: ignore[return-value]

    def _keras_bases(self, klass: cst.ClassDef) -> list[str]:
        found = []
        for base in klass.bases:
            name = self.qualified_name(base.value)
            if name is not None and name.startswith("keras."):
                found.append(name)
        return found

    def _methods(self, klass: cst.ClassDef) -> dict[str, cst.FunctionDef]:
        return {s.name.value: s for s in klass.body.body if isinstance(s, cst.FunctionDef)}

    def _renames_output_shape(self, klass: cst.ClassDef) -> bool:
        methods = self._methods(klass)
        return "get_output_shape_for" in methods and "compute_output_shape" not in methods and bool(self._keras_bases(klass))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        # the method first: resolving the bases asks for the module's scope analysis, which no other class needs
        if "get_updates" in self._methods(node) and any(b.startswith("keras.optimizers") for b in self._keras_bases(node)):
            self.flag(node, TRAINING_MANUAL.code, f"`{node.name.value}` is a Keras 2 optimizer built on `get_updates(loss, params)`: Keras 3 never calls it (`fit` raises `NotImplementedError` from `update_step`); port the update rule to `build(self, variables)` and `update_step(self, gradient, variable, learning_rate)`")

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if original_node.name.value != "get_output_shape_for":
            return updated_node
        klass = self._enclosing_class(original_node)
        if klass is None or not self._renames_output_shape(klass) or self._methods(klass).get("get_output_shape_for") is not original_node:
            return updated_node
        if self.offer_fix(original_node, OUTPUT_SHAPE_METHOD.code, "Keras 1 `get_output_shape_for` is never called by Keras 3: now `compute_output_shape`"):
            return updated_node.with_changes(name=cst.Name("compute_output_shape"))
        return updated_node


CODEMOD = Keras3Training
