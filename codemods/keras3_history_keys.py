"""TFM548 Keras 2's history keys `'acc'` (of `metrics=['accuracy']`) and `'lr'` become Keras 3's `'accuracy'` and `'learning_rate'`.

What it matches
    The string literals `'acc'` and `'val_acc'` where a program reads a training metric by its name: subscripts of a
    History's dict (`history.history['acc']`) and the `monitor=` argument of a call (`ModelCheckpoint(...,
    monitor='val_acc')`, `EarlyStopping`, `ReduceLROnPlateau`), in a file that uses Keras.

What it writes
    `'accuracy'` / `'val_accuracy'` (same quotes), when every `compile(..., metrics=[...])` of the file is a literal
    list naming `'accuracy'` and none names `'acc'`. A file that compiles with `metrics=['acc']` keeps its keys
    (Keras 3 names the metric `acc` too). Where the file compiles nothing, or its metrics are not literal, the read
    is reported (manual). `history.history['lr']` becomes `['learning_rate']` in a file that uses
    `LearningRateScheduler` or `ReduceLROnPlateau` and writes no `'lr'` log itself; reported in a file that uses
    neither.

Why
    Keras 2.2 (and the `tf.keras` of TF 1.x) logged `metrics=['accuracy']` as `acc` / `val_acc`; Keras 2.3 and
    Keras 3 log it as `accuracy` / `val_accuracy` (measured on Keras 3: `metrics=['accuracy']` gives the keys
    `accuracy`, `val_accuracy`; `metrics=['acc']` gives `acc`, `val_acc`). The old reads raise `KeyError`
    (`history.history['acc']`); `ModelCheckpoint`, `EarlyStopping` and `ReduceLROnPlateau` with
    `monitor='val_acc'` raise `ValueError` when training starts (mode `auto` cannot tell whether to maximize it),
    and with an explicit `mode='max'` they only warn: `EarlyStopping` never stops (measured on Keras 3). Keras 2's
    rate callbacks logged the rate as `lr`; Keras 3's log `learning_rate` (measured), so `history.history['lr']`
    raises KeyError.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from tf2migrate import traversal
from tf2migrate.findings import FixKind

from . import names
from .base import Codemod, Rule
from .keras3_training_tables import RATE_CALLBACKS

HISTORY_KEYS = Rule(
    code="TFM548",
    name="keras-history-keys",
    fix=FixKind.SAFE,
    summary="Keras 2's history keys become Keras 3's: `'acc'` / `'val_acc'` of `metrics=['accuracy']` -> `'accuracy'` / `'val_accuracy'`, the rate callbacks' `'lr'` -> `'learning_rate'`.",
    explanation="""
        Keras 2.2 named the metric `metrics=['accuracy']` `acc` in the training history and in the logs callbacks
        read (`val_acc` on validation data); Keras 2.3 and Keras 3 name it `accuracy` / `val_accuracy`. Reading the
        old key raises `KeyError` (`history.history['acc']`); a callback monitoring `val_acc` raises `ValueError`
        when training starts (its default mode cannot tell whether to maximize it), and with `mode='max'` it
        only warns: `EarlyStopping` never stops, `ModelCheckpoint` cannot pick the best model.

        The rule renames the literal where the file reads a metric by name (a subscript of `<x>.history`, a
        `monitor=` argument) when the file's `compile` calls all pass a literal `metrics` list that names
        `'accuracy'` and none that names `'acc'` (`metrics=['acc']` keeps the `acc` key in Keras 3: nothing to
        do). When the file compiles no model, or passes metrics that are not a literal list, the read is reported:
        use `'accuracy'` if the model was compiled with `metrics=['accuracy']`. Keras 2's `LearningRateScheduler`
        and `ReduceLROnPlateau` logged the rate as `lr`, Keras 3's as `learning_rate`: `history.history['lr']`
        becomes `['learning_rate']` in a file that uses one of them and writes no `'lr'` log itself (reported in a
        file that uses neither).
    """,
    before="""
        from keras.callbacks import ModelCheckpoint
        model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
        checkpoint = ModelCheckpoint('best.h5', monitor='val_acc', save_best_only=True)
        history = model.fit(x, y, validation_split=0.2, callbacks=[checkpoint])
        plt.plot(history.history['acc'])
    """,
    after="""
        from keras.callbacks import ModelCheckpoint
        model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
        checkpoint = ModelCheckpoint('best.h5', monitor='val_accuracy', save_best_only=True)
        history = model.fit(x, y, validation_split=0.2, callbacks=[checkpoint])
        plt.plot(history.history['accuracy'])
    """,
)

RULES = (HISTORY_KEYS,)

RENAMED = {"acc": "accuracy", "val_acc": "val_accuracy", "lr": "learning_rate"}


class Keras3HistoryKeys(Codemod):
    RULES = RULES
    TRIGGERS = ("'acc'", '"acc"', "'val_acc'", '"val_acc"', "'lr'", '"lr"')

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        return super().wanted(text, selection) and "keras" in text

    def __init__(self, context, run) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, run)
        self._verdict: str | None = None  # "rename", "keep" or "unknown", decided on the first key read
        self._rate_verdict: str | None = None  # the same for the rate's key `'lr'`

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.BaseExpression:
        key = _literal(original_node)
        if key not in RENAMED or not self._read_as_metric(original_node):
            return updated_node
        if key == "lr":
            return self._rate_key(original_node, updated_node)
        verdict = self._file_verdict()
        if verdict == "keep":
            return updated_node
        new_key = RENAMED[key]
        if verdict == "unknown":
            self.flag(original_node, HISTORY_KEYS.code, f"`'{key}'`: Keras 3 logs `metrics=['accuracy']` as `'{new_key}'` (Keras 2.2 logged `'{key}'`); this file compiles no model with a literal `metrics` list, so the rule cannot tell which: use `'{new_key}'` if the model was compiled with `metrics=['accuracy']` (else a KeyError, or a callback that cannot see its monitor)")
            return updated_node
        if not self.offer_fix(original_node, HISTORY_KEYS.code, f"`'{key}'`: Keras 2.2 logged `metrics=['accuracy']` as `'{key}'`, Keras 3 as `'{new_key}'` (the old key raises KeyError, or a callback cannot see its monitor): now `'{new_key}'`"):
            return updated_node
        return _with_text(original_node, updated_node, new_key)

    def _rate_key(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.BaseExpression:
        """`history.history['lr']`: Keras 2's `LearningRateScheduler` / `ReduceLROnPlateau` logged the rate as `lr`,
        Keras 3's log it as `learning_rate`."""
        if self._rate_verdict is None:
            self._rate_verdict = _rate_verdict(self._module)
        if self._rate_verdict == "keep":
            return updated_node
        if self._rate_verdict == "unknown":
            self.flag(original_node, HISTORY_KEYS.code, "`'lr'`: Keras 3's `LearningRateScheduler` / `ReduceLROnPlateau` log the rate as `'learning_rate'` (Keras 2 logged `'lr'`); this file uses neither, so the rule cannot tell who logged it: use `'learning_rate'` if one of them did (else a KeyError); leave it if a callback of your own logs `'lr'`")
            return updated_node
        if not self.offer_fix(original_node, HISTORY_KEYS.code, "`'lr'`: Keras 2's `LearningRateScheduler` / `ReduceLROnPlateau` logged the rate as `'lr'`, Keras 3's as `'learning_rate'` (the old key raises KeyError): now `'learning_rate'`"):
            return updated_node
        return _with_text(original_node, updated_node, "learning_rate")

    def _read_as_metric(self, node: cst.SimpleString) -> bool:
        """`<x>.history['acc']`, or `monitor='val_acc'` in a call."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Arg):
            return parent.keyword is not None and parent.keyword.value == "monitor"
        if isinstance(parent, cst.Index):
            element = self.get_metadata(ParentNodeProvider, parent, None)
            subscript = self.get_metadata(ParentNodeProvider, element, None) if isinstance(element, cst.SubscriptElement) else None
            return isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1 and isinstance(subscript.value, cst.Attribute) and subscript.value.attr.value == "history"
        return False

    def _file_verdict(self) -> str:
        if self._verdict is None:
            self._verdict = _verdict(self._module)
        return self._verdict


def _verdict(module: cst.Module) -> str:
    """"rename" when every `compile(metrics=...)` of the file is a literal list naming 'accuracy' and none names 'acc';
    "keep" when one names 'acc'; "unknown" otherwise (no compile with metrics, or metrics the rule cannot read)."""
    named: set[str] = set()
    readable = True
    seen = False
    for call in traversal.find(module, cst.Call):
        if names.last_name(call) != "compile":
            continue
        for argument in call.args:  # type: ignore[attr-defined]
            if argument.keyword is None or argument.keyword.value != "metrics":
                continue
            seen = True
            value = argument.value
            if not isinstance(value, (cst.List, cst.Tuple)):
                readable = False
                continue
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString) and _literal(element.value) is not None:
                    named.add(_literal(element.value))  # type: ignore[arg-type]
                elif not isinstance(element.value, (cst.Attribute, cst.Call)):
                    readable = False  # a name may hold 'acc'; metric objects (`keras.metrics.AUC()`) have names of their own
    if "acc" in named:
        return "keep"
    if seen and readable and "accuracy" in named:
        return "rename"
    return "unknown"


def _rate_verdict(module: cst.Module) -> str:
    """"rename" when the file uses Keras' rate callbacks and writes no `'lr'` log of its own; "keep" when it writes
    one (`logs['lr'] = ...`: its own callback); "unknown" when it uses no rate callback."""
    for target in traversal.find(module, cst.AssignTarget):
        node = target.target  # type: ignore[attr-defined]
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            index = node.slice[0].slice.value
            if isinstance(index, cst.SimpleString) and _literal(index) == "lr":
                return "keep"
    if any(names.last_name(call) in RATE_CALLBACKS for call in traversal.find(module, cst.Call)):
        return "rename"
    return "unknown"


def _with_text(original: cst.SimpleString, updated: cst.SimpleString, text: str) -> cst.SimpleString:
    """The literal with another text, its prefix and quotes kept."""
    quote = original.value[len(original.prefix)]
    return updated.with_changes(value=f"{original.prefix}{quote}{text}{quote}")


def _literal(node: cst.SimpleString) -> str | None:
    """The text of a plain (not bytes, not f-) string literal."""
    value = node.evaluated_value
    return value if isinstance(value, str) else None


CODEMOD = Keras3HistoryKeys
