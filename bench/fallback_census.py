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
With `--run SECONDS`, each fallback output is written to a temporary copy of its folder and started with
that time limit: `started` when it ran past TensorFlow's graph building (exit 0, a timeout, or an error
that is not a missing TF/Keras name), `fails-to-start` when it stops on an AttributeError / ImportError
naming TensorFlow or Keras (or raised by absl's flags, which serve `tf.flags`), or does not compile;
`stops-where-reported` instead when the line it stops on is one a blocking finding (TFM261 / TFM310 / TFM320 /
TFM330, manual) of the report names, with what to use instead: the report said the file cannot run (e.g.
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

from tf2migrate.engine import MigrationError, migrate_text
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection

# What names a TF/Keras name missing on TF 2.21 in a fallback file: TFM261, and the removed names the legacy-call
# rules report instead (TFM310 tf.contrib, TFM320 removed tf.*, TFM330 removed Keras).
BLOCKING = frozenset({"TFM261", "TFM310", "TFM320", "TFM330"})
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


def start(path: Path, text: str, seconds: float, selection: Selection) -> tuple[str, int]:
    """How the fallback output `text` of `path` starts, and the line of `text` it stopped on (0 when unknown)."""
    try:
        compile(text, str(path), "exec")
    except SyntaxError:
        return "fails-to-start", 0
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, copy, ignore=shutil.ignore_patterns("*.ipynb", ".git"))
        (copy / path.name).write_text(text, encoding="utf-8")
        for module in local_imports(text, copy):
            try:
                module.write_text(migrate_text(module.read_text(encoding="utf-8", errors="replace"), selection, filename=str(module)).text, encoding="utf-8")
            except MigrationError:
                pass
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg"}
        env.pop("TF_USE_LEGACY_KERAS", None)
        try:
            done = subprocess.run([sys.executable, path.name], cwd=copy, env=env, capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            return "started", 0
    if done.returncode == 0:
        return "started", 0
    tail = "\n".join(done.stderr.strip().splitlines()[-3:])
    flags_attribute = "absl/flags" in tail and tail.splitlines()[-1].startswith("AttributeError")  # `tf.flags.FLAGS.<gone>`
    if not (MISSING_NAME.search(tail) or flags_attribute):
        return "started", 0
    return "fails-to-start", stopped_on(done.stderr, path.name)


def stopped_on(stderr: str, name: str) -> int:
    """The line of `name` (the program) that the traceback in `stderr` shows last (0 when none)."""
    found = 0
    for match in re.finditer(r'File "[^"]*' + re.escape(os.sep + name) + r'", line (\d+)', stderr):
        found = int(match.group(1))
    return found


def reported(stopped: int, original: str, migrated: str, findings: list) -> bool:
    """True when line `stopped` of the fallback output `migrated` comes from a line of `original` that a blocking
    finding of the report names (the report said the file cannot run there, and what to use instead)."""
    if not stopped:
        return False
    line = LineMap(original, migrated).to_original(stopped)
    return any(f.code in BLOCKING and not shimmed(f.message) and f.line == line for f in findings)


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
            except MigrationError:
                row["tool failed"] += 1
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
                status, stopped = start(path, migration.text, args.run, selection)
                if status == "fails-to-start" and reported(stopped, text, migration.text, migration.findings):
                    status = "stops-where-reported"
                outcome["start"] = status
                if stopped:
                    outcome["stopped on"] = migration.text.splitlines()[stopped - 1].strip()
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
