"""Keras 2 -> Keras 3 on a real code base: what `tf2migrate fix` rewrites, what it reports, what it leaves silent.

    python bench/keras3_leftovers.py FOLDER [FOLDER...]

Each folder is copied to a temporary directory and migrated with `tf2migrate fix` (all rules). Then the migrated
copy is scanned (with `ast`, never importing Keras) for the Keras 2 constructs of the TFM52x-TFM54x rules that
Keras 3.15 / TF 2.21 lacks:
  - `from <keras module> import names` / `import <keras module>` where the module or a name does not exist
    (tables `codemods/data/keras3_names.txt`, `keras_public_names.txt`; `keras.backend` is left out: the backend
    rules own it);
  - `.fit_generator(` / `.evaluate_generator(` / `.predict_generator(` calls, `lr=` / `decay=` keywords of
    `*optimizers*` calls, `.optimizer.lr`, Keras 1 keywords of the TFM533 table;
  - a Keras layer's `weights=` (but `Embedding` / `Bidirectional`), `batch_size=` (but `Input`), `batch_input_shape=`,
    `TensorBoard`'s and `compile`'s arguments Keras 3 rejects, `<...model>.reset_states()`;
and each leftover is "reported" when `tf2migrate check` has a finding on one of its lines, else "silent".
Prints, per folder: files, fixes applied per rule, findings left per rule, leftovers reported / silent (listed).
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tf2migrate.codemods import keras3_modules
from tf2migrate.codemods.keras3_layers import TENSORBOARD_DROPPED
from tf2migrate.codemods.keras3_training import KERAS1_KEYWORDS

GENERATORS = {"fit_generator", "evaluate_generator", "predict_generator"}
# Layer keywords Keras 3 rejects -> the layer classes that still take them (TFM537 / TFM538 / TFM539).
LAYER_ONLY = {"weights": ("Embedding", "Bidirectional"), "batch_size": ("Input", "InputLayer"), "batch_input_shape": ()}


def _layer_class(callee: str) -> bool:
    name = callee.split(".")[-1]
    return name[:1].isupper() and keras3_modules.exists("keras", f"layers.{name}")
KERAS1_ONLY = set(KERAS1_KEYWORDS) - {"output_dim", "bias", "init"}  # distinctive enough on any call


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tf2migrate", *args], capture_output=True, text=True)


def _split(module: str) -> tuple[str, str] | None:
    for root in ("tensorflow.keras", "keras"):
        if module == root:
            return root, ""
        if module.startswith(root + "."):
            return root, module[len(root) + 1 :]
    return None


def _module_exists(root: str, relative: str) -> bool:
    return relative == "" or (keras3_modules.exists(root, relative) and relative not in keras3_modules.UNUSABLE)


def leftovers(path: Path) -> list[tuple[int, str, int]]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return []
    found: list[tuple[int, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            split = _split(node.module)
            if split is None or split[1].startswith("backend") or split[1] == "backend":
                continue
            root, relative = split
            if not _module_exists(root, relative):
                found.append((node.lineno, f"module {node.module}", node.lineno))
                continue
            for alias in node.names:
                name = f"{relative}.{alias.name}" if relative else alias.name
                if alias.name != "*" and alias.name != "backend" and not alias.name.startswith("__") and not keras3_modules.exists(root, name):
                    found.append((node.lineno, f"name {node.module}.{alias.name}", node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                split = _split(alias.name)
                if split is not None and not split[1].startswith("backend") and not _module_exists(*split):
                    found.append((node.lineno, f"module {alias.name}", node.lineno))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in GENERATORS:
                found.append((node.lineno, f"method {func.attr}", node.lineno))
            callee = ast.unparse(func)
            for keyword in node.keywords:
                if keyword.arg in ("lr", "decay") and "optimizers" in callee or keyword.arg in ("lr",) and callee.split(".")[-1] in ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam"):
                    found.append((node.lineno, f"keyword {callee}({keyword.arg}=)", node.end_lineno or node.lineno))
                elif keyword.arg == "nb_epoch" or keyword.arg in KERAS1_ONLY and keras3_modules.exists("keras", f"layers.{callee.split('.')[-1]}"):
                    found.append((node.lineno, f"keyword {callee}({keyword.arg}=)", node.end_lineno or node.lineno))
                elif keyword.arg in LAYER_ONLY and _layer_class(callee) and callee.split(".")[-1] not in LAYER_ONLY[keyword.arg]:
                    found.append((node.lineno, f"keyword {callee}({keyword.arg}=)", node.end_lineno or node.lineno))
                elif keyword.arg in TENSORBOARD_DROPPED and callee.split(".")[-1] == "TensorBoard":
                    found.append((node.lineno, f"keyword {callee}({keyword.arg}=)", node.end_lineno or node.lineno))
                elif keyword.arg in ("target_tensors", "sample_weight_mode") and callee.endswith(".compile"):
                    found.append((node.lineno, f"keyword {callee}({keyword.arg}=)", node.end_lineno or node.lineno))
            if isinstance(func, ast.Attribute) and func.attr == "reset_states" and "model" in ast.unparse(func.value).split(".")[-1].lower():
                found.append((node.lineno, f"method {ast.unparse(func.value)}.reset_states", node.lineno))
        elif isinstance(node, ast.Attribute) and node.attr == "lr" and isinstance(node.value, ast.Attribute) and node.value.attr == "optimizer":
            found.append((node.lineno, "attribute optimizer.lr", node.lineno))
    return sorted(set(found))


def measure(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".git"))
        fixed = run("fix", "--format", "json", "--jobs", "1", str(copy))
        report = json.loads(fixed.stdout)
        applied: Counter[str] = Counter()
        for entry in report["files"]:
            for finding in entry["findings"]:
                if finding["fix"] == "applied":
                    applied[finding["code"]] += 1
        checked = json.loads(run("check", "--format", "json", "--jobs", "1", str(copy)).stdout)
        left: Counter[str] = Counter()
        lines: dict[str, set[int]] = {}
        for entry in checked["files"]:
            for finding in entry["findings"]:
                left[finding["code"]] += 1
                lines.setdefault(str(Path(entry["path"]).resolve()), set()).add(finding["line"])
        reported, silent = 0, []
        files = sorted(copy.rglob("*.py"))
        for path in files:
            at = lines.get(str(path.resolve()), set())
            for line, what, end in leftovers(path):
                if any(line <= at_line <= end for at_line in at):  # a finding on the construct's lines (a keyword's call: all its lines)
                    reported += 1
                else:
                    silent.append(f"{path.relative_to(copy)}:{line}: {what}")
        mine = lambda c: c.startswith(("TFM52", "TFM53", "TFM54", "TFM103", "TFM330"))  # noqa: E731
        print(f"== {folder.name}: {len(files)} files, {report['summary']['changed']} changed")
        print("   applied (TFM52x-54x, TFM103, TFM330):", dict(sorted((k, v) for k, v in applied.items() if mine(k))))
        print("   left to a person (same codes):", dict(sorted((k, v) for k, v in left.items() if mine(k))))
        print("   all codes applied:", sum(applied.values()), "left:", sum(left.values()))
        print(f"   Keras 2 leftovers in scope after fix: {reported} reported, {len(silent)} silent")
        for item in silent:
            print("     silent:", item)


def main() -> int:
    for argument in sys.argv[1:]:
        measure(Path(argument))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
