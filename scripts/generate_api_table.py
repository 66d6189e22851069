"""Write codemods/data/tf_api.json and codemods/data/tf2_names.txt from the installed TensorFlow.

Run by a developer after upgrading the target TensorFlow (never at install or test time):

    python scripts/generate_api_table.py            # write both files
    python scripts/generate_api_table.py --check    # exit 1 if the committed files are stale
    python scripts/generate_api_table.py --report   # also print the entries that need a look

What it does:

1. Walks the public `tf.compat.v1` API (every API submodule; `tf.keras` and `tf.layers` are left to the
   Keras and layer rules) and the public TF2 `tf` API.
2. Classifies every TF1 name (`tf.X` == `tf.compat.v1.X`) by looking for the *same Python object* in the
   TF2 namespace (`unchanged` or `rename`), otherwise for a TF2 counterpart named by `tf_upgrade_v2`'s
   tables or with the same name, whose signature is then compared to derive keyword renames, dropped
   keywords, positional-order changes and changed defaults (`kwarg_rename` / `rename`); what has no TF2
   equivalent is `compat_v1`. Names the scenario rules own (sessions, placeholders, variable scopes,
   optimizers, layers) are `scenario`.
3. Adds the TF1 names that `tf_upgrade_v2`'s tables mention but that TF 2.21 no longer has at all
   (`removed`, `tf.contrib.*` excepted).
4. Merges the hand-written entries of `scripts/tf_api_manual.py` (semantic changes: `kwarg_expr`, `cast`,
   `template`, ...), then verifies every target against the live TensorFlow before writing.

`tf_upgrade_v2`'s tables are read from the installed TensorFlow here, and only here: the tool itself never
imports TensorFlow. The output format is described in `codemods/api_table.py`.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import enum
import importlib.util
import inspect
import json
import os
import platform
import re
import sys
import time
import types
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "codemods" / "data"
TABLE_PATH = DATA / "tf_api.json"
NAMES_PATH = DATA / "tf2_names.txt"
MANUAL_PATH = Path(__file__).resolve().parent / "tf_api_manual.py"

SCHEMA = 1
KINDS = (
    "unchanged",  # same object under the same name in TF2
    "rename",  # TF2 has it under another name (maybe with argument changes too)
    "kwarg_rename",  # same name, but keywords renamed/dropped or positional order changed
    "kwarg_expr",  # an argument's *value* changes: rate = 1 - keep_prob
    "cast",  # tf.to_float(x) -> tf.cast(x, tf.float32)
    "template",  # the call becomes an expression built from its arguments
    "compat_v1",  # no TF2 equivalent: keep it as tf.compat.v1.X and report it
    "removed",  # gone from TF 2.21 even under tf.compat.v1
    "scenario",  # owned by a scenario rule (sessions, variables, layers, keras)
)

# Subtrees that are not walked: other rules own them, or they are the compat tree itself.
V1_SKIP = {"tf.compat.v1", "tf.compat.v2", "tf.keras", "tf.layers"}
V2_SKIP = {"tf.compat.v1", "tf.compat.v2", "tf.keras"}
# Packages that appear as attributes of `tensorflow` only because they were imported: not public API.
V2_NOT_API = {"tf.dtensor", "tf.security", "tf.tools", "tf.core", "tf.python", "tf.compiler", "tf.include"}
# Non-API modules re-exported by the TF1 API whose members TF1 code used (`tf.flags.DEFINE_string`): their
# direct members are listed. Other non-API modules (`tf.test.mock` is unittest.mock) are listed as a name only.
LIST_MEMBERS = {"tf.flags", "tf.app.flags"}

# Keyword renames TF made over and over; used when tf_upgrade_v2 does not list a function, and only when
# the old keyword is not a TF2 parameter and the new one is.
COMMON_KWARG_RENAMES = {
    "keep_dims": "keepdims",
    "reduction_indices": "axis",
    "reduction_axes": "axis",
    "squeeze_dims": "axis",
    "dim": "axis",
    "dimension": "axis",
    "concat_dim": "axis",
    "split_dim": "axis",
    "seq_dim": "seq_axis",
    "batch_dim": "batch_axis",
    "output_dtype": "dtype",
    "preferred_dtype": "dtype_hint",
    "dilation_rate": "dilations",
    "rate": "dilations",
    "filter": "filters",
    "value": "input",
    "tensor": "input",
    "string_tensor": "input",
    "input_tensor": "input",
    "box_ind": "box_indices",
    "ksizes": "sizes",
    "bytes": "input_bytes",
}

_LITERAL_TYPES = (type(None), bool, int, float, complex, str, bytes)


# --------------------------------------------------------------------------------------------------
# walking the API


def _is_module(value: object) -> bool:
    return isinstance(value, types.ModuleType)


def _is_api_module(path: str, value: types.ModuleType) -> bool:
    """A public API module (as opposed to an implementation module that happens to be an attribute)."""
    if path in V2_NOT_API:
        return False
    name = getattr(value, "__name__", None) or ""
    if type(value).__name__ in ("KerasLazyLoader", "LazyLoader"):
        return True
    return name.startswith(("tensorflow._api.", "keras._tf_keras.", "keras.api.")) or name == "tensorflow.experimental"


def walk(root: types.ModuleType, skip: set[str]) -> tuple[dict[str, object], set[str]]:
    """Every public name under `root`, as `tf.<path>` -> object, plus the set of names that are modules.

    Only API modules are descended into; the names of a non-API module attribute (e.g. `tf.flags`, which
    is absl's flags module) are listed one level deep but not recursed into.
    """
    names: dict[str, object] = {}
    modules: set[str] = set()
    failed: list[str] = []

    def visit(module: types.ModuleType, path: str, recurse: bool, depth: int) -> None:
        try:
            attributes = sorted(dir(module))
        except Exception as error:  # a lazy loader whose target no longer imports
            failed.append(f"{path}: {type(error).__name__}")
            return
        for attribute in attributes:
            if attribute.startswith("_"):
                continue
            dotted = f"{path}.{attribute}"
            if dotted in skip:
                continue
            try:
                value = getattr(module, attribute)
            except Exception as error:
                failed.append(f"{dotted}: {type(error).__name__}")
                continue
            if _is_module(value):
                if not recurse or dotted in V2_NOT_API:
                    continue
                api = _is_api_module(dotted, value)
                names[dotted] = value
                modules.add(dotted)
                if depth < 8 and (api or dotted in LIST_MEMBERS):
                    visit(value, dotted, api, depth + 1)
            else:
                names[dotted] = value

    visit(root, "tf", True, 0)
    if failed:
        print(f"  {len(failed)} names could not be read: {', '.join(failed[:8])}", file=sys.stderr)
    return names, modules


# --------------------------------------------------------------------------------------------------
# signatures


@dataclass
class Sig:
    params: list[inspect.Parameter]
    var_positional: bool = False
    var_keyword: bool = False

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]

    @property
    def positional(self) -> list[str]:
        return [p.name for p in self.params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

    def get(self, name: str) -> inspect.Parameter | None:
        for param in self.params:
            if param.name == name:
                return param
        return None


def signature(obj: object) -> Sig | None:
    if not callable(obj):
        return None
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = []
    var_positional = var_keyword = False
    for param in sig.parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            var_positional = True
        elif param.kind is param.VAR_KEYWORD:
            var_keyword = True
        else:
            params.append(param)
    if inspect.isclass(obj) and params and params[0].name == "self":
        params = params[1:]
    if not params and (var_positional or var_keyword):
        # A metaclass __call__(*args, **kwargs) hides the constructor: look at __init__ itself.
        init = getattr(obj, "__init__", None) if inspect.isclass(obj) else None
        if init is not None and init is not object.__init__ and inspect.isfunction(inspect.unwrap(init)):
            inner = signature(init)
            if inner is not None and inner.params and inner.params[0].name == "self":
                inner.params = inner.params[1:]
            return inner if inner is not None and (inner.params or not inner.var_keyword) else None
        return None
    return Sig(params, var_positional, var_keyword)


def is_sentinel(param: inspect.Parameter) -> bool:
    """`_sentinel=None` / `keyword_required=KeywordRequired()`: TF1's way of forbidding positionals."""
    return param.name.startswith("_") or type(param.default).__name__ == "KeywordRequired"


def default_source(value: object, tf: Any) -> str | None:
    """Python source that evaluates to `value` given `import tensorflow as tf`, or None."""
    if isinstance(value, tf.dtypes.DType):
        return f"tf.{value.name}"
    if isinstance(value, enum.Enum):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, _LITERAL_TYPES) for v in value):
        return repr(value)
    if isinstance(value, _LITERAL_TYPES):
        text = repr(value)
        try:
            ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
        return text
    return None


def same_default(a: object, b: object) -> bool:
    if a is b:
        return True
    try:
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return list(a) == list(b)
        numbers = (int, float)
        if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
            return bool(a == b)
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def equivalent_default(param: str, old: object, new: object) -> bool:
    """Defaults that differ in spelling only.

    TF1 uses None for "not given" (keepdims=None means False, axis=None means -1, ...), so a TF1 default
    of None is never spelled out; and `dilations=[1, 1, 1, 1]` is what TF2's `dilations=None` means.
    """
    if same_default(old, new) or old is None:
        return True
    if param == "dilations" and new is None and isinstance(old, (list, tuple)) and all(v == 1 for v in old):
        return True
    return False


# --------------------------------------------------------------------------------------------------
# the table


@dataclass
class Generator:
    tf: Any
    v1: dict[str, object]
    v1_modules: set[str]
    v2: dict[str, object]
    v2_modules: set[str]
    spec: Any  # tf_upgrade_v2.TFAPIChangeSpec
    manual: Any  # the scripts/tf_api_manual.py module
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_id: dict[int, list[str]] = {}
        self.by_unwrapped: dict[int, list[str]] = {}
        for name, obj in self.v2.items():
            if isinstance(obj, _LITERAL_TYPES) or name in self.v2_modules:
                continue
            self.by_id.setdefault(id(obj), []).append(name)
            target = self.unwrap(obj)
            if target is not obj:
                self.by_unwrapped.setdefault(id(target), []).append(name)
        self.renames: dict[str, str] = dict(self.spec.symbol_renames)
        self.keyword_renames: dict[str, dict[str, str | None]] = dict(self.spec.function_keyword_renames)
        self.reorders: dict[str, list[str | None]] = dict(self.spec.function_reorders)

    # -- helpers ------------------------------------------------------------------------------------

    def unwrap(self, obj: object) -> object:
        from tensorflow.python.util import tf_decorator

        try:
            return tf_decorator.unwrap(obj)[1]
        except Exception:
            return obj

    def v2_exists(self, name: str) -> bool:
        return name in self.v2 or name in self.v2_modules

    def is_keras(self, name: str) -> bool:
        obj = self.v2.get(name)
        module = getattr(obj, "__module__", None) or getattr(obj, "__name__", "") or ""
        return isinstance(module, str) and module.startswith("keras")

    def preferred(self, v1_name: str, candidates: list[str]) -> str:
        """The TF2 name to emit: a top-level alias if there is one, else the canonical (first exported)."""
        candidates = sorted(set(candidates))
        suggested = self.renames.get(v1_name)
        if suggested in candidates:
            return suggested
        leaf = v1_name.rsplit(".", 1)[1]
        if f"tf.{leaf}" in candidates:
            return f"tf.{leaf}"
        top = [c for c in candidates if c.count(".") == 1]
        if top:
            return min(top, key=lambda c: (len(c), c))
        obj = self.v2[candidates[0]]
        for api_name in getattr(obj, "_tf_api_names", None) or ():
            if f"tf.{api_name}" in candidates:
                return f"tf.{api_name}"
        non_experimental = [c for c in candidates if "experimental" not in c and "raw_ops" not in c]
        return min(non_experimental or candidates, key=lambda c: (c.count("."), len(c), c))

    @staticmethod
    def matches(pattern: str, name: str) -> bool:
        """`tf.a.b` exactly, `tf.a.*` (the subtree, `tf.a` included), `tf.train.*Optimizer` (in a segment)."""
        if pattern.endswith(".*"):
            return name == pattern[:-2] or name.startswith(pattern[:-1])
        return re.fullmatch(re.escape(pattern).replace(r"\*", r"[A-Za-z0-9_]*"), name) is not None

    def scenario_owner(self, name: str) -> str | None:
        for pattern, owner in self.manual.SCENARIO.items():
            if self.matches(pattern, name):
                return owner
        return None

    # -- classification ----------------------------------------------------------------------------

    def classify_module(self, name: str) -> dict[str, Any]:
        if name in self.v2_modules and not self.is_keras_module(name):
            return {"kind": "unchanged", "target": name, "module": True, "via": "identity"}
        target = self.renames.get(name)
        if target and not target.startswith("tf.compat.") and target in self.v2_modules:
            return {"kind": "rename", "target": target, "module": True, "via": "tf_upgrade_v2"}
        return {"kind": "compat_v1", "target": f"tf.compat.v1.{name[3:]}", "module": True, "via": "missing"}

    def is_keras_module(self, name: str) -> bool:
        module = self.v2.get(name)
        return (getattr(module, "__name__", "") or "").startswith("keras")

    def classify(self, name: str, obj: object) -> dict[str, Any]:
        if isinstance(obj, _LITERAL_TYPES) or (isinstance(obj, (list, tuple, dict, frozenset, set))):
            if name in self.v2 and same_default(self.v2[name], obj):
                return {"kind": "unchanged", "target": name, "via": "value"}
            target = self.renames.get(name)
            if target and target in self.v2 and same_default(self.v2[target], obj):
                return {"kind": "rename", "target": target, "via": "value"}
            return self.compat(name, "missing")

        # 1. the very same object
        same = self.by_id.get(id(obj), [])
        if name in same:
            return {"kind": "unchanged", "target": name, "via": "identity"}
        if same:
            return {"kind": "rename", "target": self.preferred(name, same), "via": "identity"}
        unwrapped = self.unwrap(obj)
        same = self.by_id.get(id(unwrapped), []) + self.by_unwrapped.get(id(unwrapped), [])
        same = [s for s in same if self.unwrap(self.v2[s]) is unwrapped]
        if same:
            if name in same:
                return {"kind": "unchanged", "target": name, "via": "identity"}
            return {"kind": "rename", "target": self.preferred(name, same), "via": "identity"}

        # 2. tf_upgrade_v2 names a counterpart (or says there is none)
        target = self.renames.get(name)
        if target is not None:
            if target.startswith("tf.compat.v1."):
                return self.compat(name, "tf_upgrade_v2")
            if target.startswith("tf.compat.v2."):
                target = "tf." + target[len("tf.compat.v2.") :]
            if self.v2_exists(target):
                return self.match_signature(name, obj, target, "tf_upgrade_v2")
            self.review.append(f"{name}: tf_upgrade_v2 target {target} does not exist in TF2")

        # 3. a different object under the same name
        if name in self.v2 and not self.is_keras(name):
            return self.match_signature(name, obj, name, "signature")
        return self.compat(name, "missing")

    def compat(self, name: str, via: str, note: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": "compat_v1", "target": f"tf.compat.v1.{name[3:]}", "via": via}
        if note:
            entry["note"] = note
        return entry

    def match_signature(
        self, name: str, obj: object, target: str, via: str, manual: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Compare the TF1 signature of `name` with TF2's `target`; derive the argument changes.

        `manual` is a hand-written entry whose own argument handling (kwargs, exprs, drop, drop_if,
        defaults) is taken as given: the derived fields then only fill in the rest.
        """
        manual = manual or {}
        target_obj = self.v2[target] if target in self.v2 else self.lookup_obj(target)
        old, new = signature(obj), signature(target_obj)
        entry: dict[str, Any] = {"kind": "rename" if target != name else "kwarg_rename", "target": target, "via": via}
        if inspect.isclass(obj) != inspect.isclass(target_obj):
            return self.compat(name, via, f"TF2's {target} is a different kind of object")
        if old is None or new is None:
            if target != name:
                return entry
            if inspect.isclass(obj):
                return self.compat(name, via, f"TF2's {target} is a different class")
            return self.compat(name, via, "signatures cannot be compared")
        new_names = set(new.names)
        explicit = dict(self.keyword_renames.get(name, {}))
        explicit.update(manual.get("kwargs", {}))
        handled = set(manual.get("exprs", {})) | set(manual.get("drop_if", {})) | set(manual.get("drop", []))
        sentinels = {p.name for p in old.params if is_sentinel(p)}
        kwargs: dict[str, str] = {}
        drop: list[str] = []
        unsupported: list[str] = []
        for param in old.names:
            if param in sentinels or param in handled:
                continue
            if param in new_names and param not in explicit:
                continue
            if param in explicit:
                renamed = explicit[param]
                if renamed is None:
                    drop.append(param)
                elif renamed in new_names:
                    kwargs[param] = renamed
                else:
                    unsupported.append(param)
                continue
            renamed = COMMON_KWARG_RENAMES.get(param)
            if renamed in new_names and (renamed not in old.names or old.get(renamed) is not None):
                kwargs[param] = renamed
            elif new.var_keyword:
                continue
            else:
                unsupported.append(param)
        # A TF1 keyword and its deprecated alias may both map to one TF2 parameter; that is fine.
        covered = {kwargs.get(p, p) for p in old.names if p not in drop and p not in unsupported}
        covered |= {spec["to"] for spec in manual.get("exprs", {}).values()}
        covered |= set(manual.get("defaults", {}))
        for param in new.params:
            if param.default is inspect.Parameter.empty and param.name not in covered:
                return self.compat(name, via, f"TF2's {target} requires `{param.name}`, which TF1 had no equivalent of")
        # positional order
        positional = [p for p in old.positional if p not in sentinels]
        # An argument whose value is rewritten or that may be removed has to become a keyword first.
        mapped = [None if p in handled or p in drop else kwargs.get(p, p) for p in positional]
        keep = 0
        new_positional = new.positional
        while keep < len(mapped) and keep < len(new_positional) and mapped[keep] == new_positional[keep]:
            keep += 1
        if old.positional and old.positional[0] in sentinels:
            keep = 0  # a `_sentinel` first parameter: TF1 allowed keywords only
        # changed defaults: keep TF1 behaviour by spelling TF1's default out
        defaults: dict[str, str] = {}
        for param in old.params:
            if param.name in drop or param.name in unsupported or param.name in sentinels or param.name in handled:
                continue
            if param.default is inspect.Parameter.empty:
                continue
            new_param = new.get(kwargs.get(param.name, param.name))
            if new_param is None or new_param.default is inspect.Parameter.empty:
                continue
            if param.name in kwargs and old.get(kwargs[param.name]) is not None:
                continue  # a deprecated alias (keep_dims next to keepdims): its default is just "unset"
            if equivalent_default(param.name, param.default, new_param.default):
                continue
            source = default_source(param.default, self.tf)
            if source is None:
                self.review.append(
                    f"{name}: default of {param.name} changed ({param.default!r} -> {new_param.default!r}) "
                    "and cannot be written as source"
                )
                entry.setdefault("unsafe", True)
                continue
            defaults[new_param.name] = source
        if kwargs:
            entry["kwargs"] = kwargs
        if drop:
            entry["drop"] = drop
        if unsupported:
            entry["unsupported"] = unsupported
        if defaults:
            entry["defaults"] = defaults
        # The TF1 order is recorded when positionals must become keywords, and when keywords are added
        # (a rule needs to know which parameters the kept positionals already fill).
        if target.startswith("tf.raw_ops."):
            keep = 0  # raw ops take keyword arguments only
        if keep < len(positional) or positional != old.positional or defaults or manual.get("defaults"):
            entry["v1_args"] = positional
            entry["keep_positional"] = keep
        changes = ("kwargs", "drop", "unsupported", "defaults", "v1_args")
        if entry["kind"] == "kwarg_rename" and not any(k in entry for k in changes):
            entry["kind"] = "unchanged"
            entry["note"] = f"TF2's {target} is TF2's version of the same API (a different object, same signature)"
        return entry

    # -- the whole table ---------------------------------------------------------------------------

    def build(self) -> None:
        for name in sorted(self.v1):
            owner = self.scenario_owner(name)
            if owner is not None:
                self.entries[name] = {"kind": "scenario", "owner": owner, "via": "manual"}
                if name in self.v1_modules:
                    self.entries[name]["module"] = True
            elif name in self.v1_modules:
                self.entries[name] = self.classify_module(name)
            else:
                self.entries[name] = self.classify(name, self.v1[name])
        # subtrees that were not walked
        for name in sorted(V1_SKIP):
            owner = self.scenario_owner(name)
            if owner is not None:
                self.entries[name] = {"kind": "scenario", "owner": owner, "module": True, "via": "manual"}
        self.add_removed()
        self.merge_manual()
        self.mark_gone()

    def tf_upgrade_names(self) -> set[str]:
        names: set[str] = set()
        for table in (
            self.spec.symbol_renames,
            self.spec.function_keyword_renames,
            self.spec.function_reorders,
            self.spec.function_transformers,
            self.spec.function_warnings,
            self.spec.function_arg_warnings,
        ):
            names.update(table)
        return {
            n
            for n in names
            if n.startswith("tf.")
            and not n.startswith(("tf.contrib.", "tf.compat.", "tf.keras.", "tf.estimator.inputs."))
            and n != "tf.contrib"
        }

    def add_removed(self) -> None:
        for name in sorted(self.tf_upgrade_names()):
            if name in self.entries or name in self.v1:
                continue
            if self.lookup_obj("tf.compat.v1." + name[3:]) is not None:
                continue  # a class attribute (tf.losses.Reduction.MEAN): its class has an entry
            owner = self.scenario_owner(name)
            if owner is not None:
                self.entries[name] = {"kind": "scenario", "owner": owner, "in_compat_v1": False, "via": "manual"}
                continue
            target = self.renames.get(name)
            if target and target.startswith("tf.compat.v2."):
                target = "tf." + target[len("tf.compat.v2.") :]
            if target and not target.startswith("tf.compat.") and self.v2_exists(target):
                entry = {"kind": "rename", "target": target, "via": "tf_upgrade_v2", "in_compat_v1": False}
                keywords = self.keyword_renames.get(name)
                if keywords:
                    entry["kwargs"] = {k: v for k, v in keywords.items() if v is not None}
                    if any(v is None for v in keywords.values()):
                        entry["drop"] = [k for k, v in keywords.items() if v is None]
                order = self.reorders.get(name)
                if order and all(order):
                    entry["v1_args"] = list(order)
                    entry["keep_positional"] = 0
                self.entries[name] = entry
                continue
            self.entries[name] = {"kind": "removed", "via": "tf_upgrade_v2"}

    def merge_manual(self) -> None:
        for name, spec in self.manual.MANUAL.items():
            entry = {k: v for k, v in spec.items() if k != "auto_args"}
            entry["via"] = "manual"
            obj = self.v1.get(name)
            if spec.get("auto_args"):
                # The argument plumbing comes from the signature comparison, the semantics from the file.
                derived = self.match_signature(name, obj, entry["target"], "manual", spec)
                if derived["kind"] == "compat_v1":
                    raise SystemExit(f"manual entry {name}: {derived.get('note')}")
                for key in ("kwargs", "v1_args", "keep_positional", "defaults", "drop", "unsupported"):
                    if key not in derived:
                        continue
                    if key == "kwargs":
                        entry["kwargs"] = {**derived["kwargs"], **entry.get("kwargs", {})}
                    elif key == "drop":
                        entry["drop"] = sorted(set(derived["drop"]) | set(entry.get("drop", [])))
                    elif key not in entry:
                        entry[key] = derived[key]
                if derived.get("unsafe"):
                    entry["unsafe"] = True
            if "v1_args" not in entry and obj is not None and entry["kind"] in ("cast", "template", "kwarg_expr"):
                sig = signature(obj)
                if sig is not None:
                    entry["v1_args"] = [p.name for p in sig.params if p.name in sig.positional and not is_sentinel(p)]
                    entry["keep_positional"] = 0
            self.entries[name] = {k: v for k, v in entry.items() if v not in ({}, [], None)}
        for name, note in self.manual.REMOVED.items():
            self.entries[name] = {"kind": "removed", "module": True, "note": note, "via": "manual"}
        for name, entry in self.entries.items():
            for pattern, note in self.manual.NOTES.items():
                if "note" not in entry and self.matches(pattern, name):
                    entry["note"] = note

    def mark_gone(self) -> None:
        for name, entry in self.entries.items():
            if entry["kind"] == "removed":
                entry.pop("in_compat_v1", None)
                entry.pop("target", None)
            elif name not in self.v1 and name not in self.v1_modules and name not in ("tf.keras",):
                entry["in_compat_v1"] = False
            elif name in self.v1_modules and name != "tf.keras":
                try:
                    dir(self.v1[name])
                except Exception:  # a lazy loader whose module is gone (tf.nn.rnn_cell)
                    entry["in_compat_v1"] = False

    # -- verification ------------------------------------------------------------------------------

    def verify(self) -> list[str]:
        errors: list[str] = []
        for name, entry in self.entries.items():
            kind = entry["kind"]
            if kind not in KINDS:
                errors.append(f"{name}: unknown kind {kind}")
            target = entry.get("target")
            if target is not None and not self.resolves(target):
                errors.append(f"{name}: target {target} does not exist in TensorFlow {self.tf.__version__}")
            if kind == "compat_v1" and entry.get("in_compat_v1", True) is False:
                errors.append(f"{name}: compat_v1 entry but not under tf.compat.v1")
            for text in [entry.get("template"), entry.get("dtype")] + list(entry.get("defaults", {}).values()):
                if text:
                    for dotted in re.findall(r"\btf(?:\.\w+)+", text):
                        if not self.resolves(dotted):
                            errors.append(f"{name}: {dotted} (in {text!r}) does not exist")
            old = signature(self.v1[name]) if name in self.v1 and name not in self.v1_modules else None
            if old is not None and not old.var_keyword:
                keywords = list(entry.get("kwargs", {})) + list(entry.get("exprs", {})) + list(entry.get("drop_if", {}))
                keywords += entry.get("drop", []) + entry.get("required", []) + entry.get("unsupported", [])
                for keyword in keywords:
                    if keyword not in old.names:
                        errors.append(f"{name}: `{keyword}` is not a parameter of tf.compat.v1's {name[3:]}")
            target_obj = self.lookup_obj(target) if target else None
            new = signature(target_obj) if target_obj is not None and kind not in ("compat_v1", "template") else None
            if new is not None and not new.var_keyword:
                for old_kw, new_kw in entry.get("kwargs", {}).items():
                    if new_kw not in new.names:
                        errors.append(f"{name}: keyword {old_kw} -> {new_kw}, but {target} has no `{new_kw}`")
                for spec in entry.get("exprs", {}).values():
                    if spec["to"] not in new.names:
                        errors.append(f"{name}: expression to `{spec['to']}`, but {target} has no such parameter")
                for kw in entry.get("defaults", {}):
                    if kw not in new.names:
                        errors.append(f"{name}: default for `{kw}`, but {target} has no such parameter")
        return errors

    def lookup_obj(self, dotted: str) -> object | None:
        obj: object = self.tf
        for part in dotted.split(".")[1:]:
            try:
                obj = getattr(obj, part)
            except Exception:
                return None
        return obj

    def resolves(self, dotted: str) -> bool:
        if dotted.startswith("tf.compat.v1."):
            return self.lookup_obj(dotted) is not None
        if self.v2_exists(dotted):
            return True
        # tf.image.ResizeMethod.BILINEAR: a class attribute under an existing name
        head, _, _ = dotted.rpartition(".")
        return head in self.v2 and head not in self.v2_modules and self.lookup_obj(dotted) is not None


# --------------------------------------------------------------------------------------------------
# output


def render_table(entries: dict[str, dict[str, Any]], header: dict[str, Any]) -> str:
    lines = ["{"]
    for key in sorted(header):
        lines.append(f"  {json.dumps(key)}: {json.dumps(header[key], sort_keys=True)},")
    lines.append('  "entries": {')
    names = sorted(entries)
    for index, name in enumerate(names):
        comma = "," if index < len(names) - 1 else ""
        lines.append(f"    {json.dumps(name)}: {json.dumps(entries[name], sort_keys=True)}{comma}")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def kind_letter(value: object, is_module: bool) -> str:
    if is_module:
        return "m"
    if inspect.isclass(value):
        return "c"
    if callable(value):
        return "f"
    return "v"


def render_names(v2: dict[str, object], modules: set[str], version: str) -> str:
    lines = [
        f"# tensorflow {version}: every public name under the TF2 `tf` namespace (tf.keras: see keras_public_names.txt)",
        "# one per line: <name> <m|c|f|v> = module, class, function (other callable), value",
        "tf m",
    ]
    for name in sorted(v2):
        lines.append(f"{name} {kind_letter(v2[name], name in modules)}")
    return "\n".join(lines) + "\n"


def load_manual() -> Any:
    spec = importlib.util.spec_from_file_location("tf_api_manual", MANUAL_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the files would change")
    parser.add_argument("--report", action="store_true", help="print entries that deserve a human look")
    args = parser.parse_args(argv)
    # Touching tf.compat.v1.flags.FLAGS makes absl parse sys.argv: keep our own options away from it.
    sys.argv = sys.argv[:1]

    started = time.monotonic()
    import keras
    import tensorflow as tf
    from tensorflow.tools.compatibility import tf_upgrade_v2

    print(f"tensorflow {tf.__version__}, keras {keras.__version__}", file=sys.stderr)
    v1, v1_modules = walk(tf.compat.v1, V1_SKIP)
    v2, v2_modules = walk(tf, V2_SKIP)
    print(f"  walked {len(v1)} tf.compat.v1 names and {len(v2)} TF2 names", file=sys.stderr)

    generator = Generator(tf, v1, v1_modules, v2, v2_modules, tf_upgrade_v2.TFAPIChangeSpec(), load_manual())
    generator.build()

    transformed = {n for n in generator.spec.function_transformers if n.startswith("tf.") and not n.startswith("tf.contrib")}
    for name in sorted(transformed):
        entry = generator.entries.get(name)
        if entry is not None and entry.get("via") != "manual" and entry["kind"] not in ("compat_v1", "scenario", "removed"):
            generator.review.append(f"{name}: tf_upgrade_v2 has a custom transformer, but no manual entry ({entry['kind']})")

    errors = generator.verify()
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"{len(errors)} errors: nothing written", file=sys.stderr)
        return 2

    header = {
        "schema": SCHEMA,
        "generated_from": {"tensorflow": tf.__version__, "keras": keras.__version__, "python": platform.python_version()},
        "generator": "scripts/generate_api_table.py",
        "kinds": list(KINDS),
    }
    table_text = render_table(generator.entries, header)
    names_text = render_names(v2, v2_modules, tf.__version__)

    counts = Counter(entry["kind"] for entry in generator.entries.values())
    print(f"  {len(generator.entries)} entries: " + ", ".join(f"{k} {counts[k]}" for k in KINDS), file=sys.stderr)
    if args.report:
        print("\n".join(f"  review: {line}" for line in generator.review), file=sys.stderr)
    else:
        print(f"  {len(generator.review)} entries to review (--report lists them)", file=sys.stderr)

    if args.check:
        stale = []
        for path, text in ((TABLE_PATH, table_text), (NAMES_PATH, names_text)):
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                stale.append(path)
                diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(path), "generated", lineterm="", n=0)
                print("\n".join(list(diff)[:40]), file=sys.stderr)
        print(f"  checked in {time.monotonic() - started:.1f}s", file=sys.stderr)
        return 1 if stale else 0

    DATA.mkdir(parents=True, exist_ok=True)
    TABLE_PATH.write_text(table_text, encoding="utf-8")
    NAMES_PATH.write_text(names_text, encoding="utf-8")
    elapsed = time.monotonic() - started
    print(f"  wrote {TABLE_PATH.relative_to(ROOT)} and {NAMES_PATH.relative_to(ROOT)} in {elapsed:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
