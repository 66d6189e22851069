"""Write codemods/data/legacy_keras_v1_names.txt: `tf.compat.v1` names that exist only with legacy Keras.

Run by a developer after upgrading the target TensorFlow (never at install or test time):

    python scripts/generate_legacy_keras_names.py

TensorFlow 2.16+ serves `tf.compat.v1.layers` and `tf.compat.v1.nn.rnn_cell` (and the RNN helpers built on
them) from the `tf_keras` package when `TF_USE_LEGACY_KERAS=1` is set before TensorFlow is imported; with
Keras 3 they are missing. The graph-mode fallback's `--legacy-keras-fallback` (TFM260/TFM261) uses this list
to know which names that opt-in makes run. Each module is read in a subprocess with and without the
variable; a name is listed (as `tf.X`, the TF1 spelling) when it exists only with it. The first line records
the versions it was read from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "codemods" / "data" / "legacy_keras_v1_names.txt"
MODULES = ("layers", "nn.rnn_cell", "nn")

PROBE = r"""
import json, sys, types
import tensorflow as tf
import importlib.metadata as md
names = set()
for module_path in sys.argv[1:]:
    module = tf.compat.v1
    try:  # Keras 3: the legacy modules are lazy loaders that raise when touched
        for part in module_path.split("."):
            module = getattr(module, part)
        attributes = dir(module)
    except Exception:
        continue
    names.add(module_path)
    for attribute in attributes:
        if attribute.startswith("_"):
            continue
        try:
            getattr(module, attribute)
        except Exception:
            continue
        names.add(f"{module_path}.{attribute}")
versions = {p: md.version(p) for p in ("tensorflow", "tf_keras")}
print(json.dumps({"names": sorted(names), "versions": versions}))
"""


def probe(legacy: bool) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("TF_USE_LEGACY_KERAS", None)
    if legacy:
        env["TF_USE_LEGACY_KERAS"] = "1"
    out = subprocess.run([sys.executable, "-c", PROBE, *MODULES], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    with_legacy, without = probe(True), probe(False)
    only = sorted(set(with_legacy["names"]) - set(without["names"]))
    versions = with_legacy["versions"]
    header = f"# tensorflow {versions['tensorflow']}, tf_keras {versions['tf_keras']}: tf.compat.v1 names that exist only with TF_USE_LEGACY_KERAS=1"
    OUTPUT.write_text("\n".join([header, *(f"tf.{name}" for name in only)]) + "\n", encoding="utf-8")
    print(f"{len(only)} names -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
