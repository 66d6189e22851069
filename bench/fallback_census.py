"""Census of TF1 Session programs in a folder of real code: converted natively, or left in graph mode, and why.

    python bench/fallback_census.py FOLDER [--legacy-keras-fallback] [--run SECONDS] [--json OUT]

Fetches nothing: FOLDER holds copies of real repositories (one sub-folder per repository). Each `.py` file
that drives a TF1 Session is migrated in memory (`migrate_text`, default options, plus the legacy-Keras
opt-in when asked) and counted per repository as
    native       no TF1 graph driver left (the Session program became eager TF2);
    fallback     left in graph mode (TFM260);
    blocked      a fallback whose TFM261 / TFM310 / TFM320 / TFM330 findings name what does not exist on TF 2.21
                 (so it cannot start; not a TFM320 name `tf.compat.v1` still has, which the fallback uses), by family:
                 `rnn` (tf.nn.rnn_cell / tf.contrib.rnn / *_rnn helpers), `contrib` (other tf.contrib,
                 slim), `layers` (tf.layers), `other`.
A Session program Python 3 cannot parse (Python 2 code, which the tool reports and leaves) counts as `not Python 3`,
a migration that fails otherwise as `tool failed`. With `--run SECONDS`, each fallback output is written to a temporary copy of its folder and started with
that time limit (a module of a package with `python -m`, the whole package migrated, from the folder above it):
`started` when it ran past TensorFlow's graph building (exit 0, a timeout, or an error
that is not a missing TF/Keras name), `fails-to-start` when it stops on an AttributeError / ImportError
naming TensorFlow or Keras (or raised by absl's flags, which serve `tf.flags`), or does not compile;
`stops-where-reported` instead when the line it stops on (in the program, or in a module of its folder or
package that the census migrated with it) is one a blocking or missing-name finding (TFM261 / TFM310 / TFM320 /
TFM330 / TFM407 / TFM590, manual) of that file's report names, with what to use instead: the report said the file cannot run (e.g.
`tf.contrib.tensor_forest`, whose training kernels TF 2 does not have). The modules
of the file's own folder that it imports (`import text_cnn`, `from text_cnn import TextCNN`) are migrated in
that copy too, as `tf2migrate fix` on the repository would have done.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tf2migrate.engine import Migration, MigrationError, migrate_text
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection

# What names a TF/Keras name missing on TF 2.21 in a fallback file: TFM261, and the removed names the legacy-call
# rules report instead (TFM310 tf.contrib, TFM320 removed tf.*, TFM330 removed Keras).
BLOCKING = frozenset({"TFM261", "TFM310", "TFM320", "TFM330"})
# What says a line cannot run as written: those, and the names the missing-name pass reports (TFM407, TFM590).
STOPPING = BLOCKING | {"TFM407", "TFM590"}
SESSION = re.compile(r"\b(Session|InteractiveSession)\s*\(")
MISSING_NAME = re.compile(r"(AttributeError|ImportError|ModuleNotFoundError).*(tensorflow|keras|tf\.|compat|contrib|is not available with Keras 3)", re.S)
LOCAL_IMPORT = re.compile(r"^\s*(?:from\s+(\w+)\s+import|import\s+(\w+(?:\s*,\s*\w+)*))", re.M)


def shimmed(message: str) -> bool:
    """A removed `tf.*` name that `tf.compat.v1` still has (TFM320 says so): the fallback runs through
    `tensorflow.compat.v1`, where it exists (`tf.train.Saver`, `tf.summary.FileWriter`, ...), so it does not block."""
    return "only a `tf.compat.v1` shim is left" in message


def family(message: str) -> str:
    if re.search(r"rnn_cell|contrib\.rnn|dynamic_rnn|static_rnn|bidirectional|rnn\b", message):
        return "rnn"
    if "contrib" in message or "slim" in message:
        return "contrib"
    if "tf.layers" in message or "layers." in message:
        return "layers"
    return "other"


def local_imports(text: str, folder: Path) -> list[Path]:
    """The modules of `folder` (`<name>.py`) that `text` imports by name."""
    found = []
    for match in LOCAL_IMPORT.finditer(text):
        for name in (match.group(1) or match.group(2)).split(","):
            module = folder / f"{name.strip()}.py"
            if module.is_file() and module not in found:
                found.append(module)
    return found


def package_root(path: Path) -> Path | None:
    """The outermost package folder holding `path` (folders with an `__init__.py`), or None for a script."""
    root = None
    folder = path.parent
    while (folder / "__init__.py").is_file():
        root, folder = folder, folder.parent
    return root


def start(path: Path, original: str, migration: Migration, seconds: float, selection: Selection) -> tuple[str, str]:
    """How the fallback output of `path` (`migration` of `original`) starts, and the source line it stopped on
    ("" when unknown): the last line of the traceback in a file the census migrated (the program, or a module of
    its folder or package), `stops-where-reported` when a blocking finding of that file's report names it."""
    text = migration.text
    try:
        compile(text, str(path), "exec")
    except SyntaxError:
        return "fails-to-start", ""
    package = package_root(path)
    with tempfile.TemporaryDirectory() as tmp:
        if package is None:
            copy = Path(tmp) / path.parent.name
            shutil.copytree(path.parent, copy, ignore=shutil.ignore_patterns("*.ipynb", ".git"))
            (copy / path.name).write_text(text, encoding="utf-8")
            modules = local_imports(text, copy)
            command, cwd = [sys.executable, path.name], copy
        else:  # a module of a package: the package migrated as `fix` on the repository would, the module run with -m
            top = Path(tmp) / package.parent.name
            shutil.copytree(package.parent, top, ignore=shutil.ignore_patterns("*.ipynb", ".git"))
            inside = top / path.relative_to(package.parent)
            inside.write_text(text, encoding="utf-8")
            modules = [m for m in (top / package.name).rglob("*.py") if m != inside]
            dotted = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            command, cwd = [sys.executable, "-m", dotted], top
        migrated = {str(inside if package is not None else copy / path.name): (original, migration)}
        for module in modules:
            source = module.read_text(encoding="utf-8", errors="replace")
            try:
                done_module = migrate_text(source, selection, filename=str(module))
            except MigrationError:
                continue
            module.write_text(done_module.text, encoding="utf-8")
            migrated[str(module)] = (source, done_module)
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg"}
        env.pop("TF_USE_LEGACY_KERAS", None)
        try:
            done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            return "started", ""
        if done.returncode == 0:
            return "started", ""
        tail = "\n".join(done.stderr.strip().splitlines()[-3:])
        flags_attribute = "absl/flags" in tail and tail.splitlines()[-1].startswith("AttributeError")  # `tf.flags.FLAGS.<gone>`
        if not (MISSING_NAME.search(tail) or flags_attribute):
            return "started", ""
        frames = [(m.group(1), int(m.group(2))) for m in re.finditer(r'File "([^"]*)", line (\d+)', done.stderr) if m.group(1) in migrated]
    if not frames:
        return "fails-to-start", ""
    file, line = frames[-1]
    source, result = migrated[file]
    stopped = result.text.splitlines()[line - 1].strip() if 0 < line <= result.text.count("\n") + 1 else ""
    return ("stops-where-reported" if reported(line, source, result) else "fails-to-start"), stopped


def reported(stopped: int, original: str, migration: Migration) -> bool:
    """True when line `stopped` of the fallback output comes from a line of `original` that a blocking finding of
    the report names (the report said the file cannot run there, and what to use instead)."""
    line = LineMap(original, migration.text).to_original(stopped)
    return any(f.code in STOPPING and not shimmed(f.message) and f.line == line for f in migration.findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--legacy-keras-fallback", action="store_true")
    parser.add_argument("--run", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    selection = Selection(legacy_keras_fallback=args.legacy_keras_fallback) if args.legacy_keras_fallback else Selection()
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    details = []
    for repo in sorted(p for p in args.folder.iterdir() if p.is_dir()):
        for path in sorted(repo.rglob("*.py")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if not SESSION.search(text) or "tensorflow" not in text:
                continue
            row = table[repo.name]
            row["session programs"] += 1
            try:
                migration = migrate_text(text, selection, filename=str(path))
            except MigrationError as error:
                # a file Python 3 cannot parse (Python 2 code) is reported and left as it is, not a failure of the tool
                row["not Python 3" if str(error).startswith("syntax error") else "tool failed"] += 1
                continue
            codes = {f.code for f in migration.findings}
            if "TFM260" not in codes and not SESSION.search(migration.text):
                row["native"] += 1
                details.append({"file": str(path.relative_to(args.folder)), "outcome": "native"})
                continue
            row["fallback"] += 1
            families = sorted({family(f.message) for f in migration.findings if f.code in BLOCKING and not shimmed(f.message)})
            for name in families:
                row[f"blocked:{name}"] += 1
            if families:
                row["blocked"] += 1
            outcome = {"file": str(path.relative_to(args.folder)), "outcome": "fallback", "blocked": families}
            if args.run:
                status, stopped = start(path, text, migration, args.run, selection)
                outcome["start"] = status
                if stopped:
                    outcome["stopped on"] = stopped
                row[status] += 1
            details.append(outcome)
    total: collections.Counter = collections.Counter()
    for repo, row in table.items():
        total.update(row)
        print(f"{repo:45s} " + ", ".join(f"{k} {v}" for k, v in sorted(row.items())))
    print(f"{'TOTAL':45s} " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    if args.json:
        args.json.write_text(json.dumps(details, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
