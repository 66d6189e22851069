"""TFM548 (codemods/keras3_history_keys.py) beyond its golden fixtures: the documented example, which compile calls
let the rule rename the keys, and which `'acc'` literals it reads as metric names."""

from __future__ import annotations

import pytest

from tf2migrate.codemods.keras3_history_keys import HISTORY_KEYS
from tf2migrate.engine import migrate_text
from tf2migrate.findings import FixState
from tf2migrate.selection import Selection

READS = "print(history.history['acc'], history.history['val_acc'])\nstop = EarlyStopping(monitor='val_acc')\n"


def _findings(migration):
    return [f for f in migration.findings if f.code == HISTORY_KEYS.code]


def test_documented_example_is_what_the_tool_does():
    migration = migrate_text(HISTORY_KEYS.before, Selection())
    assert migration.text == HISTORY_KEYS.after
    assert [f.fix for f in _findings(migration)] == [FixState.APPLIED, FixState.APPLIED]


@pytest.mark.parametrize(
    ("compile_call", "outcome"),
    [
        ("model.compile(loss='mse', optimizer='adam', metrics=['accuracy'])", "rename"),
        ("model.compile(loss='mse', metrics=('accuracy', keras.metrics.AUC()))", "rename"),  # metric objects name themselves
        ("model.compile(loss='mse', metrics=['acc'])", "keep"),  # Keras 3 logs `acc` too
        ("model.compile(loss='mse', metrics=['accuracy'])\nother.compile(loss='mse', metrics=['acc'])", "keep"),
        ("model.compile(loss='mse', metrics=[chosen])", "report"),  # a name may hold 'acc'
        ("model.compile(loss='mse', metrics={'out': 'accuracy'})", "report"),
        ("model.compile(loss='mse', metrics=METRICS)", "report"),
        ("model.compile(loss='mse')", "report"),  # no metrics: the reads are of a model compiled elsewhere
    ],
)
def test_the_files_compile_calls_decide(compile_call, outcome):
    text = "import keras\nfrom keras.callbacks import EarlyStopping\n" + compile_call + "\n" + READS
    migration = migrate_text(text, Selection())
    states = [f.fix for f in _findings(migration)]
    if outcome == "rename":
        assert states == [FixState.APPLIED] * 3
        assert "history.history['accuracy'], history.history['val_accuracy']" in migration.text
        assert "monitor='val_accuracy'" in migration.text
    elif outcome == "keep":
        assert states == [] and READS in migration.text
    else:
        assert states == [FixState.MANUAL] * 3 and READS in migration.text


def test_quotes_and_prefixes_are_kept():
    text = 'import keras\nmodel.compile(metrics=["accuracy"])\nprint(h.history["acc"], h.history[u"val_acc"])\n'
    assert 'print(h.history["accuracy"], h.history[u"val_accuracy"])' in migrate_text(text, Selection()).text


@pytest.mark.parametrize(
    "read",
    [
        "scores['acc']",  # the program's own dict
        "history['acc']",  # not `<x>.history[...]`: could be anything
        "history.history['acc', 1]",
        "log(key='acc')",
        "'acc'",
        "history.history[b'acc']",
    ],
)
def test_other_acc_literals_are_left_alone(read):
    text = f"import keras\nmodel.compile(metrics=['accuracy'])\nx = {read}\n"
    migration = migrate_text(text, Selection())
    assert not _findings(migration) and f"x = {read}\n" in migration.text


def test_files_without_keras_are_left_alone():
    text = "model.compile(metrics=['accuracy'])\nprint(history.history['acc'])\n"
    migration = migrate_text(text, Selection())
    assert migration.text == text and not _findings(migration)


@pytest.mark.parametrize(
    ("setup", "outcome"),
    [
        ("cb = keras.callbacks.ReduceLROnPlateau(monitor='loss')", "rename"),
        ("cb = LearningRateScheduler(lambda epoch: 0.1)", "rename"),
        ("cb = LearningRateScheduler(step)\nclass Log(keras.callbacks.Callback):\n    def on_epoch_end(self, epoch, logs=None):\n        logs['lr'] = 1.0", "keep"),
        ("cb = None", "report"),  # no rate callback here: who logged 'lr' is not known
    ],
)
def test_the_rate_key(setup, outcome):
    text = "import keras\nfrom keras.callbacks import LearningRateScheduler\n" + setup + "\nprint(history.history['lr'])\n"
    migration = migrate_text(text, Selection())
    states = [f.fix for f in _findings(migration)]
    expected = {"rename": [FixState.APPLIED], "keep": [], "report": [FixState.MANUAL]}[outcome]
    assert states == expected
    assert ("history.history['learning_rate']" in migration.text) is (outcome == "rename")
