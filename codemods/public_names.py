"""Does a dotted TensorFlow / Keras name exist in TF 2.21 / Keras 3?  Answered from shipped data only.

Sources (generated from the installed packages by scripts, never imported at run time):

* `data/tf2_names.txt` (`scripts/generate_api_table.py`): the TF2 `tf` namespace, `tf.X <kind>`;
* `data/public_names.txt` (`scripts/generate_public_names.py`): `tensorflow.compat.v1.*`, `tensorflow.keras.*`
  (TF 2.21's `tf.keras`, whose `backend` still has ~140 Keras 2 functions) and `keras.*` (Keras 3), with kinds.

A name is looked up by its fully qualified spelling (`keras.backend.variable`, `tensorflow.compat.v1.contrib`).
The longest listed prefix decides: the name itself is listed -> it exists; the prefix is a module -> the next
part is missing; the prefix is a class, function or value -> an attribute of an object, assumed to exist (the
lists hold no members of objects). `tensorflow.python.*` and `keras.src.*` are private and not judged.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_LETTERS = {"module": "m", "class": "c", "function": "f", "value": "v"}

PRIVATE = ("tensorflow.python", "keras.src", "tensorflow.keras.src", "tensorflow.compat.v1.keras.src", "tensorflow.core", "tensorflow.tsl", "tensorflow.lite.python")


@cache
def _kinds() -> dict[str, str]:
    """Fully qualified name -> kind letter (m, c, f, v)."""
    kinds: dict[str, str] = {"tensorflow": "m", "tensorflow.compat": "m"}
    for line in (_DATA / "tf2_names.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, letter = line.partition(" ")
            if name.startswith("tf."):
                kinds["tensorflow" + name[2:]] = letter
    for line in (_DATA / "public_names.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, letter = line.partition(" ")
            kinds[name] = letter
    return kinds


def is_judged(qualified: str) -> bool:
    """A name of the TF / Keras public API (not a private module, not another package)."""
    if not (qualified in ("tensorflow", "keras") or qualified.startswith(("tensorflow.", "keras."))):
        return False
    return not any(qualified == p or qualified.startswith(p + ".") for p in PRIVATE)


def _spelling(qualified: str) -> str:
    """`tensorflow.compat.v2.X` is `tensorflow.X`; `tensorflow.compat.v1.compat.v1.X` is `tensorflow.compat.v1.X`."""
    while True:
        for prefix, into in (("tensorflow.compat.v2", "tensorflow"), ("tensorflow.compat.v1.compat.v1", "tensorflow.compat.v1"), ("tensorflow.compat.v1.compat.v2", "tensorflow")):
            if qualified == prefix or qualified.startswith(prefix + "."):
                qualified = into + qualified[len(prefix) :]
                break
        else:
            return qualified


def _dunder(part: str) -> bool:
    return part.startswith("__") and part.endswith("__")


def first_missing(qualified: str) -> str | None:
    """The shortest prefix of `qualified` that TF 2.21 / Keras 3 lacks (`keras.engine` for
    `keras.engine.topology.Layer`), or None when the name exists or is not judged (private, an attribute of
    an object, another package)."""
    parts = qualified.split(".")
    dunder = next((index for index, part in enumerate(parts) if index and _dunder(part)), None)
    if dunder is not None:  # `tf.__version__`, `keras.__version__.startswith`: what every module has; its module is judged
        qualified = ".".join(parts[:dunder])
    if not is_judged(qualified):
        return None
    name = _spelling(qualified)
    kinds = _kinds()
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        kind = kinds.get(prefix)
        if kind is None:
            continue
        if end == len(parts) or kind != "m":
            return None
        missing = prefix + "." + parts[end]
        return qualified if missing == name else _respell(qualified, name, missing)
    return None


def _respell(qualified: str, name: str, missing: str) -> str:
    """`missing`, a prefix of the normalised `name`, as a prefix of `qualified` as it was written."""
    extra = len(name.split(".")) - len(missing.split("."))
    parts = qualified.split(".")
    return ".".join(parts[: len(parts) - extra]) if extra else qualified


def exists(qualified: str) -> bool:
    return first_missing(qualified) is None


def kind(qualified: str) -> str | None:
    """"module", "class", "function", "value" for a listed name, else None."""
    letter = _kinds().get(_spelling(qualified))
    return {v: k for k, v in _LETTERS.items()}.get(letter) if letter else None


@cache
def _by_leaf() -> dict[str, tuple[str, ...]]:
    leaves: dict[str, list[str]] = defaultdict(list)
    for name in _kinds():
        if name.startswith(("keras.", "tensorflow.")) and not name.startswith(("tensorflow.compat.", "tensorflow.keras.")):
            leaves[name.rsplit(".", 1)[-1]].append(name)
    return {leaf: tuple(sorted(names, key=lambda n: (n.count("."), n))) for leaf, names in leaves.items()}


def same_leaf(leaf: str, family: str) -> tuple[str, ...]:
    """Public names of `family` ("keras" or "tensorflow") ending in `.leaf`, shortest first (`Layer` ->
    `keras.Layer`, `keras.layers.Layer`). Legacy and internal-looking trees are left out."""
    found = _by_leaf().get(leaf, ())
    return tuple(n for n in found if n.startswith(family + ".") and ".legacy." not in n and ".experimental." not in n)
