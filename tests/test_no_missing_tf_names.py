"""The guarantee: after `fix`, every TF / Keras name the output still uses that TF 2.21 / Keras 3 lacks is
reported at its line.

Every fixture input of the project (`fixtures/**/*.py`, golden and execution fixtures alike, including the
ones other rule families add) and the real-like samples of `tests/data/real_like/` are migrated with the full
rule set and `--unsafe-fixes`, as a user finishing a migration would. Every reference of the output to a
TensorFlow or Keras module path (any alias of `tensorflow`, `tensorflow.compat.v1`, `tf.keras`, `keras`,
`keras.backend as K`, `from keras.X import Y`, import statements; see `tests/name_references.py`) is looked up
on the installed TensorFlow / Keras, in a subprocess (the tool itself never imports them).

A missing name is accepted only where the user is told about it at that line: the migration reported a
finding it did not apply (manual or unsafe) on that line, or the line carries a `# tf2migrate: ignore`
comment. One exception, the documented limit of the guarantee: a graph or session handle's factory
(`graph = tf.get_default_graph()`) is reported where the handle is used or handed over (TFM254, TFM301,
TFM302), by a finding that names the factory call ("from `tf.get_default_graph()`"). Files the tool reports as failed (fixtures of unparsable input) are skipped: the tool leaves them
untouched. Then `check` on the migrated text must list the same lines (nothing that remains goes unsaid).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import FIXTURES, NOT_INPUTS
from name_references import missing, references, suppressed_lines
from tf2migrate.engine import MigrationError, migrate_text
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection

pytestmark = pytest.mark.tensorflow

SAMPLES = Path(__file__).resolve().parent / "data" / "real_like"
FACTORIES = ("get_default_graph", "get_graph", "get_session", "Session", "InteractiveSession", "Graph")


def _factory_named(name: str, messages: str) -> bool:
    """A handle factory whose handle a finding of the file reports where it goes, naming the call."""
    leaf = name.rsplit(".", 1)[-1]
    return leaf in FACTORIES and f"{leaf}()`" in messages


def _inputs() -> list[Path]:
    fixtures = sorted(p for p in FIXTURES.rglob("*.py") if not p.name.endswith(NOT_INPUTS))
    return fixtures + sorted(SAMPLES.glob("*.py"))


def test_checker_finds_missing_names():
    assert missing(
        {"tensorflow.math.log", "tensorflow.log", "tensorflow.compat.v1.log", "tensorflow.keras.layers.Dense", "keras.backend.variable", "keras.backend.floatx", "keras.engine.topology", "tensorflow.keras.backend.variable"}
    ) == {"tensorflow.log", "keras.backend.variable", "keras.engine.topology"}


def test_references_through_every_alias_form():
    text = (
        "import tensorflow as tf\n"
        "import tensorflow.compat.v1 as v1\n"
        "import keras\n"
        "import keras.engine.topology\n"
        "from keras import backend as K\n"
        "from keras.layers import Dense\n"
        "from tensorflow.examples.tutorials.mnist import input_data\n"
        "a = tf.pack(x)\n"
        "b = v1.placeholder\n"
        "c = K.variable(1)\n"
        "d = input_data.read_data_sets('/tmp')\n"
        "e = Dense(3)\n"
        "f = tf.keras.backend.get_session\n"
        "g = tf.data.Dataset.range(3).prefetch\n"
    )
    found = set(references(text))
    assert {
        ("keras.engine.topology", 4),
        ("tensorflow.pack", 8),
        ("tensorflow.compat.v1.placeholder", 9),
        ("keras.backend.variable", 10),
        ("tensorflow.examples.tutorials.mnist.input_data.read_data_sets", 11),
        ("keras.layers.Dense", 12),
        ("tensorflow.keras.backend.get_session", 13),
        ("keras.layers.Dense", 6),
        ("tensorflow.examples.tutorials.mnist.input_data", 7),
        ("tensorflow.data.Dataset.range", 14),
    } <= found
    assert not any(name.endswith("prefetch") for name, _ in found)


def test_samples_exist():
    assert len(list(SAMPLES.glob("*.py"))) >= 4


def test_no_missing_name_left_unreported():
    selection = Selection(unsafe_fixes=True)
    leftovers: list[tuple[str, int, str, bool]] = []  # (file, line in the migrated text, name, told at the line)
    outputs: dict[str, str] = {}
    checked = 0
    for path in _inputs():
        original = path.read_text(encoding="utf-8")
        if "tensorflow" not in original and "keras" not in original:
            continue
        try:
            migration = migrate_text(original, selection, filename=str(path))
        except MigrationError:
            continue  # a fixture of input the tool refuses (and leaves untouched)
        checked += 1
        linemap = LineMap(original, migration.text)
        told = {f.line for f in migration.findings if f.needs_person}
        messages = " ".join(f.message for f in migration.findings if f.needs_person)
        quiet = suppressed_lines(original)
        relative = str(path.relative_to(FIXTURES.parent))
        outputs[relative] = migration.text
        for name, line in references(migration.text):
            at = linemap.to_original(line)
            leftovers.append((relative, line, name, at in told or at in quiet or _factory_named(name, messages)))
    assert checked >= 30
    gone = missing({name for _, _, name, _ in leftovers})
    unexplained = sorted({(f, line, name) for f, line, name, told in leftovers if name in gone and not told})
    assert not unexplained, "\n".join(f"{f}:{line}: {name} does not exist in TF 2.21 / Keras 3 and nothing reports it at its line" for f, line, name in unexplained)

    # `check` on the migrated text lists what remains, at the lines where it is
    for relative, text in outputs.items():
        lines = {line for f, line, name, _ in leftovers if f == relative and name in gone}
        if not lines:
            continue
        again = [f for f in migrate_text(text, selection).findings if f.needs_person]
        messages = " ".join(f.message for f in again)
        remaining = {f.line for f in again} | suppressed_lines(text)
        lines = {line for f, line, name, _ in leftovers if f == relative and name in gone and not _factory_named(name, messages)}
        assert lines <= remaining, f"{relative}: check on the output does not report lines {sorted(lines - remaining)}"
