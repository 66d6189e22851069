"""Write codemods/data/keras_backend.json: every Keras 2 backend function and what Keras 3 writes for it.

Run by a developer after upgrading the target Keras (never at install or test time):

    .venv/bin/python scripts/generate_keras_backend_table.py

The Keras 2 reference is the `tf_keras` package (Keras 2.x for this TensorFlow): its `backend` module gives
each function's signature. A function whose `keras.ops` namesake takes the same parameters in the same
positions with the same defaults (extra Keras 3 parameters optional) is a plain rename ("op"); keyword
names that differ (`dot(x, y)` vs `ops.dot(x1, x2)`) are recorded. Everything else comes from the
hand-checked `scripts/keras_backend_manual.py`, which must classify every name introspection cannot.
Every target written is checked to exist in the installed Keras 3. The numeric proof of each entry is
`tests/test_keras_backend_exec.py`.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from keras_backend_manual import MANUAL  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "codemods" / "data" / "keras_backend.json"
_EMPTY = inspect.Parameter.empty


def _signature(function: object) -> tuple[list[str], dict[str, str]] | None:
    try:
        parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    names: list[str] = []
    defaults: dict[str, str] = {}
    for parameter in parameters:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        names.append(parameter.name)
        if parameter.default is not _EMPTY:
            defaults[parameter.name] = repr(parameter.default)
    return names, defaults


def _plain_rename(k2: tuple[list[str], dict[str, str]], k3: tuple[list[str], dict[str, str]]) -> dict[str, str] | None:
    """Keyword map when Keras 3's function accepts every Keras 2 call with the same meaning, else None."""
    k2_names, k2_defaults = k2
    k3_names, k3_defaults = k3
    if len(k2_names) > len(k3_names):
        return None
    keywords: dict[str, str] = {}
    for index, name in enumerate(k2_names):
        other = k3_names[index]
        if (name in k2_defaults) != (other in k3_defaults) and name in k2_defaults:
            return None
        if name in k2_defaults and k2_defaults[name] != k3_defaults[other]:
            return None
        if other != name:
            keywords[name] = other
    if any(name not in k3_defaults for name in k3_names[len(k2_names) :]):
        return None
    return keywords


def _exists(dotted: str) -> bool:
    import importlib

    module, _, attribute = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


_TARGET = re.compile(r"\bkeras\.[\w.]+")


def main() -> int:
    import keras
    import tf_keras
    from keras import ops
    from tf_keras import backend as k2

    entries: dict[str, dict[str, object]] = {}
    names = sorted(n for n in dir(k2) if not n.startswith("_") and callable(getattr(k2, n)))
    for name in sorted(set(names) | set(MANUAL)):
        hand = dict(MANUAL.get(name, {}))
        signature = _signature(getattr(k2, name)) if name in names else None
        if signature is None and "params" in hand:
            signature = (list(hand["params"]), dict(hand["defaults"]))
        entry: dict[str, object] = {}
        if signature is not None:
            entry["params"], entry["defaults"] = signature
        if hand:
            entry.update({k: v for k, v in hand.items() if k not in ("params", "defaults")})
        else:
            k3_function = getattr(ops, name, None)
            k3 = _signature(k3_function) if k3_function is not None else None
            keywords = _plain_rename(signature, k3) if signature is not None and k3 is not None else None
            if keywords is None:
                raise SystemExit(f"{name}: no plain keras.ops rename; classify it in scripts/keras_backend_manual.py")
            entry.update({"kind": "op", "target": f"keras.ops.{name}", "keywords": keywords})
        if entry["kind"] in ("op", "rewrite") and "params" not in entry:
            raise SystemExit(f"{name}: no Keras 2 signature; give params/defaults in the manual table")
        sources = [str(entry.get("target", ""))] + [str(form["expr"]) for form in entry.get("forms", [])]  # type: ignore[union-attr]
        for source in sources:
            for target in _TARGET.findall(source):
                if not _exists(target):
                    raise SystemExit(f"{name}: {target} does not exist in Keras {keras.__version__}")
        entries[name] = entry
    header = {"keras2": f"tf_keras {tf_keras.__version__}", "keras3": f"keras {keras.__version__}"}
    OUTPUT.write_text(json.dumps({"versions": header, "entries": entries}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for entry in entries.values():
        kinds[str(entry["kind"])] = kinds.get(str(entry["kind"]), 0) + 1
    print(f"wrote {len(entries)} entries to {OUTPUT}: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
