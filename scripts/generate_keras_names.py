"""Write codemods/data/keras_public_names.txt (every public name under `tensorflow.keras` in the installed TF)
and codemods/data/keras3_names.txt (every public name under the standalone `keras` package, Keras 3).

Run by a developer after upgrading the target TensorFlow (never at install or test time):

    python scripts/generate_keras_names.py

The rules use the lists to know whether `tensorflow.keras.<module>.<name>` / `keras.<module>.<name>` exists
without importing TensorFlow. The two differ: TF 2.21's `tf.keras` still carries legacy names (`preprocessing.text`,
`ImageDataGenerator`, about 150 `backend` functions) that the `keras` package no longer has. One dotted name per line, sorted; the first line records the versions it was read from.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

DATA = Path(__file__).resolve().parent.parent / "codemods" / "data"
OUTPUT = DATA / "keras_public_names.txt"
KERAS3_OUTPUT = DATA / "keras3_names.txt"


def walk(prefix: str, module: object, seen: set[int], names: set[str], depth: int = 0) -> None:
    if depth > 6 or id(module) in seen:
        return
    seen.add(id(module))
    for attribute in sorted(dir(module)):
        if attribute.startswith("_"):
            continue
        try:
            value = getattr(module, attribute)
        except Exception:  # lazy modules can fail to load optional parts
            continue
        dotted = f"{prefix}.{attribute}"
        names.add(dotted)
        if isinstance(value, types.ModuleType):
            walk(dotted, value, seen, names, depth + 1)


def main() -> int:
    import keras
    import tensorflow as tf

    names: set[str] = {"tensorflow.keras"}
    walk("tensorflow.keras", tf.keras, set(), names)
    header = f"# tensorflow {tf.__version__}, keras {keras.__version__}: public names under tensorflow.keras\n"
    OUTPUT.write_text(header + "\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} names to {OUTPUT}", file=sys.stderr)

    standalone: set[str] = {"keras"}
    walk("keras", keras, set(), standalone)
    standalone = {name for name in standalone if not name.startswith("keras.src")}
    header = f"# keras {keras.__version__} (with tensorflow {tf.__version__}): public names under the standalone keras package\n"
    KERAS3_OUTPUT.write_text(header + "\n".join(sorted(standalone)) + "\n", encoding="utf-8")
    print(f"wrote {len(standalone)} names to {KERAS3_OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
