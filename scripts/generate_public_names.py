"""Write codemods/data/public_names.txt: every public name of `tensorflow.compat.v1`, `tensorflow.keras` and `keras`.

Run by a developer after upgrading the target TensorFlow / Keras (never at install or test time):

    python scripts/generate_public_names.py            # write the file
    python scripts/generate_public_names.py --check    # exit 1 if the committed file is stale

The completeness rules (`codemods/missing_names.py`, TFM407/TFM590) use it, with `tf2_names.txt` (the TF2
`tf` namespace, written by `generate_api_table.py`), to tell whether a name the migrated code still uses exists
in TF 2.21 / Keras 3 without importing either. Format: one `<dotted name> <kind>` per line, sorted, where kind
is `m` (a module: a member it does not list is missing), `c` (class), `f` (function or other callable) or `v`
(any other value). Members of classes and values are not listed (an attribute of an object is out of scope).
A name whose lookup raises (TF 2.21's lazy `tf.compat.v1.nn.rnn_cell` says "not available with Keras 3") is
left out: code that uses it fails. `keras.src` (Keras 3's private implementation) is not walked.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import types
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

OUTPUT = Path(__file__).resolve().parent.parent / "codemods" / "data" / "public_names.txt"
SKIP = {"keras.src", "tensorflow.compat.v1.compat", "tensorflow.keras.src"}
MAX_DEPTH = 8


def _kind(value: object) -> str:
    if isinstance(value, types.ModuleType):
        return "m"
    if inspect.isclass(value):
        return "c"
    if callable(value):
        return "f"
    return "v"


def walk(prefix: str, module: object, names: dict[str, str], ancestors: set[int], depth: int = 0) -> None:
    """Record every public attribute of `module` under `prefix`, descending into modules.

    A module reached under two paths (`tf.compat.v1.flags` is `tf.compat.v1.app.flags`) is listed under both;
    only a module that contains itself (a cycle) is not descended into again.
    """
    if depth > MAX_DEPTH or id(module) in ancestors:
        return
    ancestors = ancestors | {id(module)}
    try:
        attributes = sorted(dir(module))
    except Exception:  # a lazy loader whose target does not import
        return
    for attribute in attributes:
        if attribute.startswith("_"):
            continue
        dotted = f"{prefix}.{attribute}"
        if dotted in SKIP:
            continue
        try:
            value = getattr(module, attribute)
        except Exception:  # lazy modules raise for parts that are gone (Keras 2 only, optional deps)
            continue
        kind = _kind(value)
        names[dotted] = kind
        if kind == "m" and _is_api(value):
            walk(dotted, value, names, ancestors, depth + 1)
        elif kind == "m":
            names[dotted] = "v"  # a third-party module re-exported (absl's flags): its members are not TF API


def _is_api(module: object) -> bool:
    """A module of TensorFlow's or Keras's public API (not numpy, absl, ... re-exported under it)."""
    try:
        name = object.__getattribute__(module, "__name__")
    except Exception:
        try:
            name = getattr(module, "__name__", "")
        except Exception:
            return True  # TF's lazy loader of Keras: its members are walked through it
    return isinstance(name, str) and (name.startswith(("tensorflow", "keras")) or name == "")


def collect() -> tuple[str, dict[str, str]]:
    sys.argv = sys.argv[:1]  # touching tf.compat.v1.flags.FLAGS makes absl parse sys.argv
    import keras
    import tensorflow as tf

    names: dict[str, str] = {"tensorflow.compat.v1": "m", "tensorflow.keras": "m", "keras": "m"}
    walk("tensorflow.compat.v1", tf.compat.v1, names, set())
    walk("tensorflow.keras", tf.keras, names, set())
    walk("keras", keras, names, set())
    header = (
        f"# tensorflow {tf.__version__}, keras {keras.__version__}: public names of tensorflow.compat.v1, tensorflow.keras, keras\n"
        "# <name> <kind>: m module (members listed), c class, f function, v value (members not listed)\n"
    )
    return header, names


def render(header: str, names: dict[str, str]) -> str:
    return header + "".join(f"{name} {kind}\n" for name, kind in sorted(names.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file would change")
    args = parser.parse_args(argv)
    text = render(*collect())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run scripts/generate_public_names.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10)) - 2} names to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
