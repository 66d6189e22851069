"""Model training calls for `codemods/keras3_training.py` (`Keras3Training`' base `TrainingCalls`):
`fit_generator` & co. -> `fit` (TFM530), compile / TensorBoard arguments Keras 3 rejects and `add_loss` (TFM539),
`predict_classes` (TFM536), and `fit`'s Keras 1 arguments."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from .builders import source_of
from .keras3_training_rules import GENERATOR_METHODS, KERAS1_ARGUMENTS, PREDICT_CLASSES, TRAINING_MANUAL
from .keras3_training_tables import COMPILE_REMOVED, GENERATOR_POSITIONAL, GENERATOR_TARGETS, KERAS1_FIT_KEYWORDS, PREDICT_CLASSES_FORM, SAMPLE_COUNTS, TENSORBOARD_REMOVED, WORKER_KEYWORDS, _kw, _literal_value, _rebuild, owns_predict_classes


class TrainingCalls:
    """`Keras3Training`'s model training calls (its base; bodies as they were in keras3_training.py)."""

    # TFM530
    def _generator_call(self, original: cst.Call, updated: cst.Call, method: str) -> cst.BaseExpression:
        problems: list[str] = []
        positional = [a for a in updated.args if a.keyword is None and not a.star]
        if any(a.star for a in updated.args):
            problems.append("`*args` / `**kwargs` whose Keras 2 meaning cannot be read")
        allowed = GENERATOR_POSITIONAL[method]
        if len(positional) > 1 + len(allowed):
            problems.append(f"more than {1 + len(allowed)} positional arguments (their meaning differs between Keras 2.2, 2.3 and tf.keras): pass them by keyword")
        args: list[cst.Arg] = []
        keywords: dict[str, cst.Arg] = {}
        for index, arg in enumerate(updated.args):
            if arg.star:
                args.append(arg)
                continue
            if arg.keyword is None:
                if index == 0:
                    args.append(arg)
                elif index - 1 < len(allowed):
                    args.append(_kw(allowed[index - 1], arg.value))
                continue
            key = arg.keyword.value
            if key == "generator":
                args.append(_kw("x", arg.value, arg))
                continue
            if key in SAMPLE_COUNTS:
                problems.append(f"`{key}=` counted samples (Keras 1); write `{SAMPLE_COUNTS[key]}=` as a number of batches")
                continue
            key = KERAS1_FIT_KEYWORDS.get(key, key)
            keywords[key] = arg
            args.append(_kw(key, arg.value, arg))
        problems.extend(self._worker_problems(keywords))
        if problems:
            self.flag(original, TRAINING_MANUAL.code, f"`{method}(...)`: Keras 3 has no `{method}` and this call cannot be rewritten exactly: " + "; ".join(problems) + f"; call `{GENERATOR_TARGETS[method]}(...)` with the arguments Keras 3 takes")
            return updated
        args = [a for a in args if a.keyword is None or a.keyword.value not in WORKER_KEYWORDS]
        dropped = [k for k in WORKER_KEYWORDS if k in keywords]
        target = GENERATOR_TARGETS[method]
        if target != "fit" and not any(a.keyword is not None and a.keyword.value == "verbose" for a in args):
            args.append(_kw("verbose", cst.Integer("0")))
        note = f" (dropped {', '.join(f'`{k}=`' for k in dropped)}: one producer, same batches in the same order)" if dropped else ""
        if not self.offer_fix(original, GENERATOR_METHODS.code, f"Keras 3 models have no `{method}`: now `{target}`{note}"):
            return updated
        assert isinstance(updated.func, cst.Attribute)
        return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(target)), args=_rebuild(list(updated.args), args))

    # TFM539: compile arguments Keras 3 rejects
    def _compile_call(self, original: cst.Call) -> None:
        for arg in original.args:
            if arg.keyword is not None and arg.keyword.value in COMPILE_REMOVED:
                self.flag(arg, TRAINING_MANUAL.code, f"`compile(..., {arg.keyword.value}=...)`: Keras 3's `compile` has no `{arg.keyword.value}` (TypeError); {COMPILE_REMOVED[arg.keyword.value]}")

    def _tensorboard_call(self, original: cst.Call) -> None:
        for arg in original.args:
            if arg.keyword is not None and arg.keyword.value in TENSORBOARD_REMOVED:
                self.flag(arg, TRAINING_MANUAL.code, f"`TensorBoard(..., {arg.keyword.value}=...)`: Keras 3's `TensorBoard` has no `{arg.keyword.value}` (TypeError); {TENSORBOARD_REMOVED[arg.keyword.value]}")

    def _add_loss_call(self, original: cst.Call) -> None:
        """`model.add_loss(tensor)` outside a class: a functional model's symbolic loss (Keras 3: NotImplementedError)."""
        func = original.func
        assert isinstance(func, cst.Attribute)
        if not isinstance(func.value, cst.Name) or func.value.value == "self" or not original.args:
            return
        node: cst.CSTNode | None = original
        while node is not None:
            if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
                return  # inside a layer's `call` or a function: the receiver may be a layer; not judged
            node = self.get_metadata(ParentNodeProvider, node, None)
        self.flag(original, TRAINING_MANUAL.code, f"`{func.value.value}.add_loss(...)` at module level: Keras 3 functional models take no symbolic loss tensors (NotImplementedError); compute the loss in a small `keras.layers.Layer` whose `call` does `self.add_loss(...)` and apply it to the tensors, or override `train_step`")

    # TFM536
    def _predict_classes(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`m.predict_classes(x, ...)` -> `(lambda proba: <Keras 2's body>)(m.predict(x, ..., verbose=0))`."""
        if not owns_predict_classes(original, self._defined_methods):
            return updated
        args = list(updated.args)
        positional = [a for a in args if a.keyword is None]
        if len(positional) < 3 and not any(a.keyword is not None and a.keyword.value == "verbose" for a in args):
            args.append(_kw("verbose", cst.Integer("0")))
        if not self.offer_fix(original, PREDICT_CLASSES.code, "Keras 3 models have no `predict_classes`: `predict` + Keras 2's argmax (several units) / 0.5 threshold (one unit)"):
            return updated
        assert isinstance(updated.func, cst.Attribute)
        predict = updated.with_changes(func=updated.func.with_changes(attr=cst.Name("predict")), args=_rebuild(list(updated.args), args))
        form = cst.parse_expression(f"({PREDICT_CLASSES_FORM})(_)")
        assert isinstance(form, cst.Call)
        return form.with_changes(args=[cst.Arg(predict)])

    def _worker_problems(self, keywords: dict[str, cst.Arg]) -> list[str]:
        problems = []
        workers = keywords.get("workers")
        if workers is not None and _literal_value(workers.value) not in (0, 1):
            problems.append(f"`workers={source_of(workers.value)}` (several producers)")
        multi = keywords.get("use_multiprocessing")
        if multi is not None and _literal_value(multi.value) is not False:
            problems.append(f"`use_multiprocessing={source_of(multi.value)}`")
        if problems:
            problems.append("give them to your `keras.utils.PyDataset` subclass (`super().__init__(workers=..., use_multiprocessing=..., max_queue_size=...)`)")
        return problems

    def _fit_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`fit(nb_epoch=)` -> `epochs=`; tf.keras 2.x `fit(..., workers=1, use_multiprocessing=False)` -> dropped."""
        keys = {a.keyword.value for a in original.args if a.keyword is not None}
        renames = {k: v for k, v in KERAS1_FIT_KEYWORDS.items() if k in keys}
        distinctive = keys & {"use_multiprocessing", "max_queue_size", "pickle_safe", "nb_worker"}
        if not renames and not distinctive:
            return updated
        args = []
        keywords: dict[str, cst.Arg] = {}
        for arg in updated.args:
            if arg.keyword is not None and arg.keyword.value in renames:
                arg = _kw(renames[arg.keyword.value], arg.value, arg)
            if arg.keyword is not None:
                keywords[arg.keyword.value] = arg
            args.append(arg)
        if distinctive or "workers" in keywords:
            problems = self._worker_problems(keywords)
            if problems:
                self.flag(original, TRAINING_MANUAL.code, f"Keras 3's `fit` / `evaluate` / `predict` take no worker arguments: " + "; ".join(problems))
                return updated
            args = [a for a in args if a.keyword is None or a.keyword.value not in WORKER_KEYWORDS]
        code = KERAS1_ARGUMENTS.code if renames else GENERATOR_METHODS.code
        message = "Keras 1 `nb_epoch=` is `epochs=`" if renames else "Keras 3's `fit` / `evaluate` / `predict` take no worker arguments: dropped (one producer: same batches)"
        if not self.offer_fix(original, code, message):
            return updated
        return updated.with_changes(args=_rebuild(list(updated.args), args))
