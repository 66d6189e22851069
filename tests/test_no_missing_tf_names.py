"""After migration, no TensorFlow name is left that TF 2.21 does not have, unless the tool said so.

Every fixture input of the project (`fixtures/**/*.py`, golden and execution fixtures alike, including the
ones other rule families add) is migrated with the full rule set and `--unsafe-fixes`, as a user finishing a
migration would. The migrated text is walked with LibCST: each attribute chain or imported name that resolves
through a TensorFlow import (`tf.math.log`, `tf.compat.v1.assign`, `from tensorflow.keras import layers`) is
looked up attribute by attribute on the real `tensorflow` module, in a subprocess (no `eval`).

A missing name is accepted only where the user is told about it:
- the migration reported a finding it did not apply (manual or unsafe) on that line, or
- such a finding in the file names the API or its module (`tf.estimator`, `tf.contrib.slim`): the TFM3xx rules
  report a removed API once, at its first use or at the import, and list the other lines, or
- the line carries a `# tf2migrate: ignore` comment (the fixture tests suppression).
Files the tool reports as failed (fixtures of unparsable input) are skipped: the tool leaves them untouched.
Private `tensorflow.python.*` names are not TF API and are not checked, nor are assignment targets
(`tf.log = my_log` creates the name).
"""

from __future__ import annotations

import json
import subprocess
import sys

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, QualifiedNameProvider, QualifiedNameSource

from harness import FIXTURES, NOT_INPUTS
from tf2migrate.engine import MigrationError, migrate_text
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection

pytestmark = pytest.mark.tensorflow

CHECKER = """
import importlib, json, sys
import tensorflow
missing = []
for name in json.load(sys.stdin):
    obj, parts = tensorflow, name.split(".")[1:]
    for index, part in enumerate(parts):
        try:
            obj = getattr(obj, part)
        except Exception:
            try:  # a submodule not loaded as an attribute (`import tensorflow.X.Y`)
                obj = importlib.import_module(".".join(["tensorflow", *parts[: index + 1]]))
            except Exception:
                missing.append(name)
                break
print(json.dumps(missing))
"""


def _inputs():
    return sorted(p for p in FIXTURES.rglob("*.py") if not p.name.endswith(NOT_INPUTS))


def _tensorflow_names(text: str) -> list[tuple[str, int]]:
    """(dotted name, line) of every maximal chain or imported name that resolves through a TensorFlow import."""
    wrapper = MetadataWrapper(cst.parse_module(text))
    qualified = wrapper.resolve(QualifiedNameProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    positions = wrapper.resolve(PositionProvider)
    found = []
    for node, names in qualified.items():
        if not isinstance(node, (cst.Name, cst.Attribute)):
            continue
        parent = parents.get(node)
        if callable(parent) and not isinstance(parent, cst.CSTNode):
            parent = parent()
        if isinstance(parent, cst.Attribute) and (parent.value is node or parent.attr is node):
            continue  # part of a longer chain
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)) and parent.target is node:
            continue  # `tf.log = my_log` creates the name
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            continue  # `tf.data.Dataset.range(3).prefetch`: an attribute of a call's result, not a TF name
        if callable(names):  # LibCST computes qualified names lazily
            names = names()
        imported = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
        for name in imported:
            if (name == "tensorflow" or name.startswith("tensorflow.")) and not name.startswith("tensorflow.python"):
                found.append((name, positions[node].start.line))
    for node in wrapper.module.body:  # `from tensorflow... import name` whose name is never used
        if not isinstance(node, cst.SimpleStatementLine):
            continue
        for small in node.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None and not isinstance(small.names, cst.ImportStar):
                module = cst.Module([]).code_for_node(small.module)
                if module == "tensorflow" or module.startswith("tensorflow.") and not module.startswith("tensorflow.python"):
                    for alias in small.names:
                        found.append((f"{module}.{cst.Module([]).code_for_node(alias.name)}", positions[small].start.line))
    return found


def _named_in(name: str, messages: str) -> bool:
    """A finding of the file names this API or a module it belongs to (`tf.estimator` for
    `tensorflow.estimator.RunConfig`): rules that report a removed API once per file list its other uses there."""
    parts = ("tf" + name[len("tensorflow") :]).replace("tf.compat.v1.", "tf.", 1).split(".")
    for end in range(len(parts), 1, -1):
        prefix = ".".join(parts[:end])
        if prefix in ("tf.keras", "tf.compat"):
            break
        if f"`{prefix}`" in messages or f"`{prefix}." in messages or f"`{prefix}(" in messages or f"`tensorflow{prefix[2:]}" in messages:
            return True
    # a handle's factory named as the file spells it, through an alias: "from `K.get_graph()`"
    return f".{parts[-1]}()`" in messages


def _missing(names: set[str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHECKER], input=json.dumps(sorted(names)), capture_output=True, text=True, timeout=600,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_checker_finds_missing_names():
    assert _missing({"tensorflow.math.log", "tensorflow.log", "tensorflow.compat.v1.log", "tensorflow.keras.layers.Dense"}) == {"tensorflow.log"}


def test_no_tensorflow_name_left_that_tf221_lacks():
    selection = Selection(unsafe_fixes=True)
    leftovers: list[tuple[str, int, str]] = []  # (file, line in the migrated text, name)
    explained: dict[tuple[str, int], bool] = {}
    all_names: set[str] = set()
    checked = 0
    for path in _inputs():
        original = path.read_text(encoding="utf-8")
        if "tensorflow" not in original:
            continue
        try:
            migration = migrate_text(original, selection, filename=str(path))
        except MigrationError:
            continue  # a fixture of input the tool refuses (and leaves untouched)
        checked += 1
        linemap = LineMap(original, migration.text)
        told = {f.line for f in migration.findings if f.fix.value != "applied"}
        messages = " ".join(f.message for f in migration.findings if f.fix.value != "applied")
        original_lines = original.splitlines()
        relative = str(path.relative_to(FIXTURES))
        for name, line in _tensorflow_names(migration.text):
            all_names.add(name)
            at = linemap.to_original(line)
            suppressed = any("tf2migrate: ignore" in original_lines[i - 1] for i in (at, at - 1) if 0 < i <= len(original_lines))
            explained[(relative, line, name)] = at in told or suppressed or _named_in(name, messages)
            leftovers.append((relative, line, name))
    assert checked >= 30
    missing = _missing(all_names)
    unexplained = sorted({(f, line, name) for f, line, name in leftovers if name in missing and not explained[(f, line, name)]})
    assert not unexplained, "\n".join(f"{f}:{line}: {name} does not exist in TF 2.21 and nothing reports it" for f, line, name in unexplained)
