"""The TF1 -> TF2 API table: what every TF1 `tf.X` name became in TensorFlow 2.21, without importing TensorFlow.

The data is generated from an installed TensorFlow by `scripts/generate_api_table.py` (with the hand-written
semantic entries of `scripts/tf_api_manual.py`) and committed:

* `data/tf_api.json`: one entry per TF1 name. Keys are written `tf.X` in the TF1 `tf` namespace (what
  `import tensorflow as tf` meant in TF 1.15, i.e. `tf.compat.v1.X` today). Each entry has a `kind`:

  ===============  ==========================================================================================
  ``unchanged``    the same API under the same name in TF2: nothing to do
  ``rename``       TF2 has it as `target` (maybe with argument changes as well)
  ``kwarg_rename`` same name, but keywords were renamed/dropped or the positional order changed
  ``kwarg_expr``   an argument's *value* is rewritten (`keep_prob=k` -> `rate=1 - k`): see `exprs`
  ``cast``         `tf.to_float(x)` -> `tf.cast(x, tf.float32)`: `target` is `tf.cast`, see `dtype`
  ``template``     the call becomes an expression built from its arguments: see `template`
  ``compat_v1``    no TF2 equivalent: keep it as `tf.compat.v1.X` and report it
  ``removed``      gone from TF 2.21 even under `tf.compat.v1`: report it
  ``scenario``     owned by a scenario rule (`owner`: sessions, variables, layers, keras): leave it alone
  ===============  ==========================================================================================

  How a rule applies an entry to a call `tf.X(args)`, generically (`plan_call` does steps 1-5 on
  (keyword, source) pairs and returns a `CallPlan`, or the reason the call must fall back):

  1. If `keep_positional` is set, the positional arguments at index >= keep_positional become keywords named
     by `v1_args[index]` (TF1 names). Positionals beyond `v1_args`, `*args` or `**kwargs`: leave the call and report.
  2. A keyword in `unsupported`, or in `drop_if` with another value than given, or a `required` keyword that
     is missing: the call is not converted (fall back to `compat_v1_name`, reported).
  3. Keywords in `drop`, and `drop_if` keywords with exactly the given value, are removed.
  4. `exprs` rewrite values (`ArgExpr.render`), `kwargs` rename keywords, `defaults` are added when missing.
  5. The callee becomes `target` (or the `template` is filled in; for `cast`, `dtype` is passed).
  6. If `unsafe`, the fix is an unsafe one; `note` says why, for the finding message.

  Source snippets (`dtype`, `defaults`, `template`, `exprs`) spell TensorFlow as `tf`: a rule rewrites that
  prefix to the alias the file imports TensorFlow under.

* `data/tf2_names.txt`: every public name of TF 2.21's `tf` namespace (`tf.keras` is in the Keras rules'
  `keras_public_names.txt`), so that `check` can report names that no longer exist.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "ApiEntry",
    "ArgExpr",
    "CallPlan",
    "NewArgument",
    "Kind",
    "NameKind",
    "TableInfo",
    "all_entries",
    "compat_v1_exists",
    "info",
    "iter_kind",
    "lookup",
    "lookup_prefix",
    "normalize",
    "plan_call",
    "tf2_name_exists",
    "tf2_name_kind",
    "tf2_names",
]

SCHEMA_VERSION = 1

Kind = Literal[
    "unchanged", "rename", "kwarg_rename", "kwarg_expr", "cast", "template", "compat_v1", "removed", "scenario"
]
KINDS: tuple[Kind, ...] = (
    "unchanged",
    "rename",
    "kwarg_rename",
    "kwarg_expr",
    "cast",
    "template",
    "compat_v1",
    "removed",
    "scenario",
)
NameKind = Literal["module", "class", "function", "value"]

_DATA = Path(__file__).resolve().parent / "data"
_TABLE = _DATA / "tf_api.json"
_NAMES = _DATA / "tf2_names.txt"
_KERAS_NAMES = _DATA / "keras_public_names.txt"
_NAME_KINDS: dict[str, NameKind] = {"m": "module", "c": "class", "f": "function", "v": "value"}
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_ATOMIC_NODES = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.List, ast.Dict, ast.Set, ast.ListComp)


def _is_atomic(source: str) -> bool:
    """True if `source` can be an operand without parentheses (a name, call, subscript, literal...)."""
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(node, ast.Constant):
        return not (isinstance(node.value, (int, float, complex)) and source.startswith("-"))
    if isinstance(node, ast.Tuple):
        return source.startswith("(")
    return isinstance(node, _ATOMIC_NODES)


@dataclass(frozen=True)
class ArgExpr:
    """How one argument's value is rewritten: `keep_prob=k` -> `rate=1 - k`."""

    to: str  # the TF2 keyword
    expr: str | None = None  # e.g. "1 - {}": "{}" is the argument's source
    values: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # TF1 literal source -> TF2 source

    def render(self, source: str) -> str:
        """The new argument source for the old argument `source` (parenthesised when it is not atomic)."""
        stripped = source.strip()
        if stripped in self.values:
            return self.values[stripped]
        if self.expr is None:
            return source
        if not _is_atomic(stripped):
            stripped = f"({stripped})"
        return self.expr.replace("{}", stripped)


@dataclass(frozen=True)
class ApiEntry:
    """What one TF1 name became in TF 2.21 (see the module docstring for how a rule applies it)."""

    name: str  # the TF1 name, `tf.X`
    kind: Kind
    target: str | None = None  # the TF2 name to use (for compat_v1: the tf.compat.v1 name)
    module: bool = False
    in_compat_v1: bool = True  # False: not even tf.compat.v1.X exists in TF 2.21
    kwargs: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # TF1 keyword -> TF2 keyword
    v1_args: tuple[str, ...] | None = None  # TF1 positional parameter order
    keep_positional: int | None = None  # positionals before this index stay positional
    drop: tuple[str, ...] = ()
    drop_if: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # keyword -> the only TF2-compatible value
    required: tuple[str, ...] = ()  # drop_if keywords that must be given (TF1's default differs)
    defaults: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # TF2 keyword -> source to add if missing
    unsupported: tuple[str, ...] = ()  # TF1 keywords without a TF2 counterpart
    exprs: Mapping[str, ArgExpr] = field(default_factory=lambda: _EMPTY)  # TF1 keyword -> value rewrite
    dtype: str | None = None  # kind "cast": the dtype source, e.g. "tf.float32"
    template: str | None = None  # kind "template": e.g. "tf.reduce_mean(... {labels} ...)"
    owner: str | None = None  # kind "scenario": sessions, variables, layers, keras
    unsafe: bool = False
    note: str | None = None
    via: str | None = None  # provenance: identity, signature, tf_upgrade_v2, value, manual, missing

    @property
    def compat_v1_name(self) -> str | None:
        """`tf.compat.v1.X`, the fallback spelling, if TF 2.21 still has it."""
        if self.kind == "removed" or not self.in_compat_v1:
            return None
        return "tf.compat.v1." + self.name[len("tf.") :]

    @property
    def has_tf2_equivalent(self) -> bool:
        """True if the rename rule can turn this name into native TF2."""
        return self.kind in ("unchanged", "rename", "kwarg_rename", "kwarg_expr", "cast", "template")

    @property
    def changes_arguments(self) -> bool:
        return bool(
            self.kwargs
            or self.keep_positional is not None
            or self.drop
            or self.drop_if
            or self.defaults
            or self.exprs
            or self.kind in ("cast", "template")
        )

    def positional_keyword(self, index: int) -> str | None:
        """The TF1 keyword the positional argument at `index` must be turned into, or None to keep it.

        Raises IndexError when TF1 had no positional parameter there (the call cannot be converted).
        """
        if self.keep_positional is None or index < self.keep_positional:
            return None
        assert self.v1_args is not None
        return self.v1_args[index]

    def template_parameters(self) -> tuple[str, ...]:
        """The TF1 parameter names a `template` uses, in order of appearance."""
        return tuple(dict.fromkeys(re.findall(r"\{(\w+)\}", self.template or "")))


def _substitute(template: str, placeholder: str, source: str) -> str:
    """Put `source` where `placeholder` is, parenthesised unless it is a whole call argument or atomic."""
    parts = template.split(placeholder)
    out = parts[0]
    for part in parts[1:]:
        before, after = out.rstrip()[-1:], part.lstrip()[:1]
        whole_argument = before in ("(", ",", "=") and after in (")", ",")
        out += (source if whole_argument or _is_atomic(source) else f"({source})") + part
    return out


@dataclass(frozen=True)
class NewArgument:
    """One argument of the converted call."""

    keyword: str | None  # None: positional
    index: int | None  # the original argument it comes from (index into the call's arguments); None: added
    value: str | None = None  # new source for the value; None: keep the original argument's value as it is


@dataclass(frozen=True)
class CallPlan:
    """How to rewrite one call: either `callee(arguments)` or a whole `expression` (kind "template")."""

    callee: str | None
    arguments: tuple[NewArgument, ...] = ()
    expression: str | None = None
    unsafe: bool = False


def plan_call(entry: ApiEntry, arguments: Sequence[tuple[str | None, str]]) -> CallPlan | str:
    """Apply `entry` to a call's arguments, given as (keyword or None, value source) in call order.

    Returns the plan, or a string saying why this call cannot be converted (the rule then falls back to
    `entry.compat_v1_name` and reports the reason). A `*args` / `**kwargs` argument is passed with the
    keyword "*" / "**". Sources are only compared (`drop_if`) and substituted (`exprs`, `template`), never
    parsed here; `tf` in the returned sources stands for the TensorFlow alias.
    """
    if not entry.has_tf2_equivalent:
        return f"{entry.name} has no TF2 equivalent ({entry.kind})"
    v1_args = entry.v1_args or ()
    # (TF1 keyword or None if unknown, original index, source, stays positional)
    named: list[tuple[str | None, int, str, bool]] = []
    for index, (keyword, source) in enumerate(arguments):
        if keyword in ("*", "**"):
            return "the call unpacks *args or **kwargs"
        if keyword is not None:
            named.append((keyword, index, source, False))
        elif any(arguments[i][0] is not None for i in range(index)):
            return "a positional argument after a keyword"
        else:
            try:
                converted = entry.positional_keyword(index)
            except IndexError:
                return f"{entry.name} takes at most {len(v1_args)} positional arguments"
            name = converted or (v1_args[index] if index < len(v1_args) else None)
            named.append((name, index, source, converted is None))
    given = {keyword: source for keyword, _, source, _ in named if keyword is not None}
    for keyword in entry.unsupported:
        if keyword in given:
            return f"`{keyword}` has no TF2 equivalent"
    for keyword, expected in entry.drop_if.items():
        if keyword in given and given[keyword].strip() != expected:
            return f"TF2 only has {keyword}={expected}; this call passes {keyword}={given[keyword].strip()}"
    for keyword in entry.required:
        if keyword not in given:
            return f"TF2 only has {keyword}={entry.drop_if[keyword]}, TF1's default was different: pass it explicitly"
    kept = [item for item in named if item[0] not in entry.drop and item[0] not in entry.drop_if]

    if entry.kind == "template":
        assert entry.template is not None
        values = {keyword: source for keyword, _, source, _ in kept if keyword is not None}
        extra = sorted(set(values) - set(entry.template_parameters()))
        if extra:
            return f"cannot express {', '.join(extra)} in the TF2 form"
        missing = [p for p in entry.template_parameters() if p not in values]
        if missing:
            return f"missing {', '.join(missing)}"
        expression = entry.template
        for parameter in entry.template_parameters():
            source = values[parameter].strip()
            expression = _substitute(expression, "{" + parameter + "}", source)
        return CallPlan(None, (), expression, entry.unsafe)

    result: list[NewArgument] = []
    filled: list[str] = []  # TF2 parameters the new call fills
    for keyword, index, source, positional in kept:
        if entry.kind == "cast":
            if keyword == "x":
                assert entry.dtype is not None
                result += [NewArgument(None, index), NewArgument(None, None, entry.dtype)]
            else:
                result.append(NewArgument(keyword, index))
            filled.append(keyword or "")
            continue
        new_keyword = entry.kwargs.get(keyword, keyword) if keyword is not None else None
        value = None
        if keyword is not None and keyword in entry.exprs:
            spec = entry.exprs[keyword]
            new_keyword = spec.to
            rendered = spec.render(source)
            value = None if rendered == source else rendered
        result.append(NewArgument(None if positional else new_keyword, index, value))
        if new_keyword is not None:
            filled.append(new_keyword)
    if entry.kind == "cast" and "x" not in filled:
        return "missing x"
    duplicates = sorted({k for k in filled if filled.count(k) > 1})
    if duplicates:
        return f"{', '.join(duplicates)} given twice (a TF1 keyword and its TF2 spelling)"
    for keyword, source in entry.defaults.items():
        if keyword not in filled:
            result.append(NewArgument(keyword, None, source))
    return CallPlan(entry.target, tuple(result), None, entry.unsafe)


@dataclass(frozen=True)
class TableInfo:
    schema: int
    tensorflow: str
    keras: str
    entries: int


# --------------------------------------------------------------------------------------------------
# loading


@cache
def _table() -> dict[str, Any]:
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    if data.get("schema") != SCHEMA_VERSION:
        raise RuntimeError(f"{_TABLE}: schema {data.get('schema')}, this tf2migrate reads schema {SCHEMA_VERSION}")
    return cast(dict[str, Any], data)


def _build(name: str, raw: Mapping[str, Any]) -> ApiEntry:
    exprs = {
        keyword: ArgExpr(spec["to"], spec.get("expr"), MappingProxyType(dict(spec.get("values", {}))))
        for keyword, spec in raw.get("exprs", {}).items()
    }
    v1_args = raw.get("v1_args")
    return ApiEntry(
        name=name,
        kind=raw["kind"],
        target=raw.get("target"),
        module=bool(raw.get("module", False)),
        in_compat_v1=bool(raw.get("in_compat_v1", True)) and raw["kind"] != "removed",
        kwargs=MappingProxyType(dict(raw.get("kwargs", {}))),
        v1_args=tuple(v1_args) if v1_args is not None else None,
        keep_positional=raw.get("keep_positional"),
        drop=tuple(raw.get("drop", ())),
        drop_if=MappingProxyType(dict(raw.get("drop_if", {}))),
        required=tuple(raw.get("required", ())),
        defaults=MappingProxyType(dict(raw.get("defaults", {}))),
        unsupported=tuple(raw.get("unsupported", ())),
        exprs=MappingProxyType(exprs),
        dtype=raw.get("dtype"),
        template=raw.get("template"),
        owner=raw.get("owner"),
        unsafe=bool(raw.get("unsafe", False)),
        note=raw.get("note"),
        via=raw.get("via"),
    )


@cache
def _entries() -> Mapping[str, ApiEntry]:
    return MappingProxyType({name: _build(name, raw) for name, raw in _table()["entries"].items()})


@cache
def _tf2() -> Mapping[str, NameKind]:
    kinds: dict[str, NameKind] = {}
    for line in _NAMES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, letter = line.partition(" ")
            kinds[name] = _NAME_KINDS[letter]
    return MappingProxyType(kinds)


@cache
def _keras() -> frozenset[str]:
    """`tf.keras.*` names, from the Keras rules' list (written `tensorflow.keras.*` there)."""
    if not _KERAS_NAMES.exists():
        return frozenset()
    lines = _KERAS_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset("tf" + line[len("tensorflow") :] for line in lines if line.startswith("tensorflow."))


# --------------------------------------------------------------------------------------------------
# the API


def normalize(name: str) -> str:
    """`tensorflow.X`, `tensorflow.compat.v1.X`, `tf.compat.v1.X` -> `tf.X` (the TF1 spelling of the key)."""
    for prefix in ("tensorflow.compat.v1.", "tf.compat.v1.", "tensorflow."):
        if name.startswith(prefix):
            return "tf." + name[len(prefix) :]
    if name in ("tensorflow", "tensorflow.compat.v1", "tf.compat.v1"):
        return "tf"
    return name


def info() -> TableInfo:
    """Where the table came from: schema version and the TensorFlow/Keras versions it was generated with."""
    table = _table()
    generated = table["generated_from"]
    return TableInfo(table["schema"], generated["tensorflow"], generated["keras"], len(table["entries"]))


def lookup(v1_name: str) -> ApiEntry | None:
    """The entry for a TF1 name (`tf.log`, or `tensorflow.log`, `tensorflow.compat.v1.log`), or None."""
    return _entries().get(normalize(v1_name))


def lookup_prefix(v1_name: str) -> tuple[ApiEntry, str] | None:
    """The entry for the longest prefix of `v1_name` that has one, and the rest of the name.

    `tf.losses.Reduction.MEAN` -> (entry of `tf.losses.Reduction`, "MEAN"); `tf.contrib.layers.conv2d`
    -> (entry of `tf.contrib` (removed), "layers.conv2d"); exact names give (entry, "").
    """
    name = normalize(v1_name)
    entries = _entries()
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        entry = entries.get(".".join(parts[:end]))
        if entry is not None:
            return entry, ".".join(parts[end:])
    return None


def all_entries() -> Mapping[str, ApiEntry]:
    """Every entry, keyed by TF1 name (read-only)."""
    return _entries()


def iter_kind(kind: Kind) -> Iterator[ApiEntry]:
    """The entries of one kind, sorted by name."""
    return (entry for name, entry in sorted(_entries().items()) if entry.kind == kind)


def tf2_names() -> frozenset[str]:
    """Every public name in TF 2.21's `tf` namespace (without `tf.keras.*` and `tf.compat.v1.*`)."""
    return frozenset(_tf2())


def tf2_name_kind(name: str) -> NameKind | None:
    """"module", "class", "function" or "value" for a public TF 2.21 name (`tf.math.log`), else None."""
    if name.startswith("tensorflow."):
        name = "tf." + name[len("tensorflow.") :]
    if name.startswith("tf.compat.v2."):
        name = "tf." + name[len("tf.compat.v2.") :]
    return "module" if name == "tf" else _tf2().get(name)


def compat_v1_exists(v1_name: str) -> bool:
    """True if `tf.compat.v1.<rest of v1_name>` exists in TF 2.21."""
    prefix, _, last = v1_name.rpartition(".")
    if last in MODULE_ATTRIBUTES and prefix:
        return prefix in ("tf", "tf.compat.v1") or compat_v1_exists(prefix)  # what every module has (`tf.__version__`)
    found = lookup_prefix(v1_name)
    if found is None:
        return False
    entry, rest = found
    if not entry.in_compat_v1 or entry.kind == "removed":
        return False
    if entry.name == "tf.keras" or entry.name.startswith("tf.keras."):
        return _keras_exists("tf.keras" + (("." + rest) if rest else ""))
    return not rest or not entry.module  # an attribute of a class or value: cannot be checked, assumed


def _keras_exists(name: str) -> bool:
    names = _keras()
    if name in names or name == "tf.keras":
        return True
    parts = name.split(".")
    for end in range(len(parts) - 1, 1, -1):
        prefix = ".".join(parts[:end])
        if prefix in names or prefix == "tf.keras":
            # an attribute of a class (tf.keras.layers.Dense.call) exists; a missing module member does not
            return not any(n.startswith(prefix + ".") for n in names)
    return False


# Attributes every Python module has, not in the generated tables (which list public names).
MODULE_ATTRIBUTES = frozenset({"__version__", "__name__", "__file__", "__path__", "__doc__", "__spec__", "__loader__", "__package__", "__all__", "__dict__"})


def tf2_name_exists(name: str) -> bool:
    """Does `name` (`tf.X` or `tensorflow.X`, TF2 spelling) exist in TensorFlow 2.21?

    `tf.compat.v1.X` is answered from the table, `tf.keras.X` from the Keras names. An attribute of an
    existing class or value (`tf.data.Dataset.from_tensor_slices`, `tf.float32.max`) is assumed to exist:
    the name lists hold no class members.
    """
    if name.startswith("tensorflow."):
        name = "tf." + name[len("tensorflow.") :]
    if name in ("tf", "tensorflow", "tf.compat.v1", "tf.compat.v2"):
        return True
    prefix, _, last = name.rpartition(".")
    if last in MODULE_ATTRIBUTES and prefix:
        return tf2_name_exists(prefix)  # `tf.__version__`: what every module has (the tables list public names only)
    if name.startswith("tf.compat.v1."):
        return compat_v1_exists(name)
    if name.startswith("tf.compat.v2."):
        name = "tf." + name[len("tf.compat.v2.") :]
    if name == "tf.keras" or name.startswith("tf.keras."):
        return _keras_exists(name)
    kinds = _tf2()
    if name in kinds:
        return True
    parts = name.split(".")
    for end in range(len(parts) - 1, 1, -1):
        kind = kinds.get(".".join(parts[:end]))
        if kind is not None:
            return kind in ("class", "value")
    return False
