"""Every reference a Python text makes to a TensorFlow / Keras module path, and which of them the installed
TensorFlow 2.21 / Keras 3 lack. Used by tests/test_no_missing_tf_names.py and bench/missing_names.py.

A reference is a maximal attribute chain or a name that resolves, through exactly one import binding, to
`tensorflow.*` or `keras.*` (any alias: `tf`, `tensorflow.compat.v1 as tf`, `from keras import backend as K`,
`from tensorflow.examples.tutorials.mnist import input_data`), plus each module and name an import statement
names (`import keras.engine.topology`, `from keras.layers import merge`). Not references: attributes of a
call's result (`tf.data.Dataset.range(3).prefetch`), assignment targets (`tf.log = f` creates the name),
names bound more than one way (`try: from keras.layers import X` / `except ImportError: X = None`), imports
in a `try:` that catches ImportError, and the private `tensorflow.python.*` / `keras.src.*`.

Whether a name exists is decided by the real packages, in a subprocess (the test process never imports
TensorFlow): attribute by attribute from the top module, importing submodules that are not attributes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, QualifiedNameProvider, QualifiedNameSource

PRIVATE = ("tensorflow.python", "keras.src", "tensorflow.keras.src")
GUARDS = ("ImportError", "ModuleNotFoundError", "Exception", "BaseException")

CHECKER = """
import importlib, json, sys
missing = []
for name in json.load(sys.stdin):
    parts = name.split(".")
    try:
        obj = importlib.import_module(parts[0])
    except Exception:
        missing.append(name)
        continue
    for index, part in enumerate(parts[1:], 1):
        try:
            obj = getattr(obj, part)
        except Exception:
            try:  # a submodule not loaded as an attribute (`import tensorflow.X.Y`)
                obj = importlib.import_module(".".join(parts[: index + 1]))
            except Exception:
                missing.append(name)
                break
print(json.dumps(missing))
"""


def judged(name: str) -> bool:
    if not (name in ("tensorflow", "keras") or name.startswith(("tensorflow.", "keras."))):
        return False
    return not any(name == p or name.startswith(p + ".") for p in PRIVATE)


def _value(value):  # type: ignore[no-untyped-def]
    """LibCST computes some metadata lazily (a callable standing for the value)."""
    return value() if callable(value) and not isinstance(value, cst.CSTNode) else value


def _guarded(node: cst.CSTNode, parents) -> bool:
    """An import statement inside `try:` (or its handler) that catches ImportError."""
    current = _value(parents.get(node))
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Module)):
        if isinstance(current, cst.Try):
            for handler in current.handlers:
                if handler.type is None:
                    return True
                caught = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
                if any(get_full_name_for_node(e.value if isinstance(e, cst.Element) else e) in GUARDS for e in caught):
                    return True
        current = _value(parents.get(current))
    return False


def references(text: str) -> list[tuple[str, int]]:
    """(fully qualified name, line) of every TF / Keras reference of `text` (see the module docstring)."""
    wrapper = MetadataWrapper(cst.parse_module(text))
    qualified = wrapper.resolve(QualifiedNameProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    positions = wrapper.resolve(PositionProvider)
    found: list[tuple[str, int]] = []
    for node, names in qualified.items():
        if not isinstance(node, (cst.Name, cst.Attribute)):
            continue
        parent = _value(parents.get(node))
        if isinstance(parent, cst.Attribute) and (parent.value is node or parent.attr is node):
            continue  # part of a longer chain
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)) and getattr(parent, "target", None) is node:
            continue
        if isinstance(parent, (cst.ImportAlias, cst.Import, cst.ImportFrom)):
            continue  # import statements are collected below
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            continue
        names = _value(names)
        if len(names) != 1:
            continue
        (only,) = names
        if only.source is QualifiedNameSource.IMPORT and judged(only.name):
            found.append((only.name, positions[node].start.line))
    for node in parents:
        if isinstance(node, cst.Import) and not _guarded(node, parents):
            for alias in node.names:
                name = get_full_name_for_node(alias.name) or ""
                if judged(name):
                    found.append((name, positions[node].start.line))
        elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative and not _guarded(node, parents):
            module = get_full_name_for_node(node.module) or ""
            if not judged(module):
                continue
            if isinstance(node.names, cst.ImportStar):
                found.append((module, positions[node].start.line))
                continue
            for alias in node.names:
                found.append((f"{module}.{get_full_name_for_node(alias.name)}", positions[alias].start.line))
    return found


def missing(names: set[str], python: str = sys.executable) -> set[str]:
    """The names the installed TensorFlow / Keras lack (run in a subprocess of `python`)."""
    if not names:
        return set()
    env = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    done = subprocess.run([python, "-c", CHECKER], input=json.dumps(sorted(names)), capture_output=True, text=True, timeout=900, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def suppressed_lines(text: str) -> set[int]:
    """Lines a `# tf2migrate: ignore` comment covers (its own line, and the next line if it stands alone)."""
    lines = set()
    for number, line in enumerate(text.splitlines(), 1):
        if "tf2migrate: ignore" in line:
            lines.add(number)
            if line.strip().startswith("#"):
                lines.add(number + 1)
    return lines
