"""Mutants of Python files and the properties tf2migrate must keep on them (shared by `bench/fuzz.py` and
`tests/test_properties.py`).

Mutations: a line deleted, duplicated, two lines swapped, the text truncated anywhere, a TF1 call
injected at some line (with that line's indentation); then line endings (LF, CRLF, CR) and encoding
(UTF-8, UTF-8 with BOM, latin-1 with a coding cookie) chosen. `check()` migrates one mutant on disk the
way `fix --dry-run` and `fix` do and lists every broken promise: no internal error, dry-run and fix
agree, the output compiles where the input compiled (parses, where it did not), a second `fix` changes
nothing and has nothing left to apply, and the dry-run patch applied with `git apply` gives exactly the
bytes `fix` wrote.
"""

from __future__ import annotations

import random
import subprocess
import warnings
from pathlib import Path

import make_corpus

OPERATIONS = ("delete", "duplicate", "swap", "truncate", "inject")
NEWLINES = ("\n", "\r\n", "\r")
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1")
INJECTED = (
    "x_injected = tf.placeholder(tf.float32, [None, 3])",
    "session_injected = tf.Session()",
    "tf.reset_default_graph()",
    "v_injected = tf.get_variable('v_injected', shape=[2])",
    "y_injected = tf.to_float(tf.random_normal([2]))",
    "K.get_session().run(tf.global_variables_initializer())",
    "graph_injected = tf.get_default_graph()",
    "with tf.variable_scope('injected'):",
    "from tensorflow.python.keras import backend as K",
    "tf.enable_eager_execution()",
)


def generated_tf1(seed: int) -> str:
    """A TF1 script or a Keras 2 module from the benchmark corpus's templates."""
    names = make_corpus.Names(random.Random(seed))
    return make_corpus.tf1_script(names) if seed % 2 == 0 else make_corpus.keras_module(names)


def mutate(text: str, operation: str, first: int, second: int) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i, j = first % len(lines), second % len(lines)
    if operation == "delete":
        del lines[i]
    elif operation == "duplicate":
        lines.insert(i, lines[i])
    elif operation == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif operation == "truncate":
        return text[: first % (len(text) + 1)]
    elif operation == "inject":
        indentation = lines[i][: len(lines[i]) - len(lines[i].lstrip(" \t"))]
        snippet = INJECTED[second % len(INJECTED)]
        lines.insert(i, indentation + snippet + ("\n    pass\n" if snippet.endswith(":") else "\n"))
    return "".join(lines)


def encode(text: str, newline: str, encoding: str) -> bytes:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)
    if encoding == "latin-1":
        try:
            return ("# -*- coding: latin-1 -*-" + newline + text).encode("latin-1")
        except UnicodeEncodeError:
            encoding = "utf-8"
    return text.encode(encoding)


def compiles(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, "<mutant>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def check(data: bytes, folder: Path, name: str = "m.py") -> list[str]:
    """Every property `data` breaks (an empty list when it keeps them all)."""
    return check_with_status(data, folder, name)[1]


def check_with_status(data: bytes, folder: Path, name: str = "m.py") -> tuple[str, list[str]]:
    """The tool's status for the mutant (changed, unchanged, skipped, failed) and the properties it breaks."""
    import libcst

    from tf2migrate.diffs import diff_bytes
    from tf2migrate.engine import Options, process_file
    from tf2migrate.findings import FileStatus

    fixed, patched = folder / "fixed", folder / "patched"
    for place in (fixed, patched):
        place.mkdir(parents=True, exist_ok=True)
        (place / name).write_bytes(data)
    try:
        dry = process_file(str(patched / name), Options(), display_path=name)
        fix = process_file(str(fixed / name), Options(write=True), display_path=name)
    except BaseException as error:  # noqa: BLE001 - what we are looking for
        return "crash", [f"crash: {type(error).__name__}: {error}"]
    problems = [f"{label}: {r.reason}" for label, r in (("dry-run", dry), ("fix", fix)) if "internal error" in r.reason]
    if (dry.status, dry.diff, dry.findings) != (fix.status, fix.diff, fix.findings):
        problems.append("dry-run and fix disagree")
    if (patched / name).read_bytes() != data:
        problems.append("dry-run wrote the file")
    if fix.status is not FileStatus.CHANGED:
        if (fixed / name).read_bytes() != data:
            problems.append(f"file written although {fix.status.value}")
        return fix.status.value, problems
    out = (fixed / name).read_bytes()
    if compiles(data) and not compiles(out):
        problems.append("output does not compile although the input did")
    else:
        try:
            libcst.parse_module(out)
        except Exception as error:  # noqa: BLE001
            problems.append(f"output does not parse: {error}")
    patch = folder / "change.patch"
    patch.write_bytes(diff_bytes(dry.diff))
    applied = subprocess.run(["git", "apply", str(patch)], cwd=patched, capture_output=True, text=True)
    if applied.returncode != 0:
        problems.append(f"git apply rejects the dry-run patch: {applied.stderr.strip()}")
    elif (patched / name).read_bytes() != out:
        problems.append("the dry-run patch does not give what fix wrote")
    try:
        second = process_file(str(fixed / name), Options(write=True), display_path=name)
    except BaseException as error:  # noqa: BLE001
        return fix.status.value, [*problems, f"crash on second fix: {type(error).__name__}: {error}"]
    if second.status not in (FileStatus.UNCHANGED, FileStatus.SKIPPED) or (fixed / name).read_bytes() != out:
        problems.append(f"second fix changes the file ({second.status.value}: {second.reason})")
    if any(f.fix.value == "applied" for f in second.findings):
        problems.append("second fix still has fixes to apply")
    return fix.status.value, problems
