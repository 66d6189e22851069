"""The committed TF1 -> TF2 API table (codemods/data/tf_api.json, tf2_names.txt) checked against the installed TF.

Every target must exist in TensorFlow 2.21, every keyword rename must match the real TF2 signature, every
recorded TF1 positional order must match the real `tf.compat.v1` signature, every public `tf.compat.v1`
name must be classified, and the hand-written semantic entries must compute what TF1 computed.
TensorFlow is imported here on purpose (the tool itself never imports it); without it these tests fail.
"""

from __future__ import annotations

import inspect
import os
import types
from collections.abc import Iterator
from functools import cache
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402  (a missing TensorFlow must fail these tests, not skip them)
from tf2migrate.codemods import api_table  # noqa: E402
from tf2migrate.codemods.api_table import ApiEntry  # noqa: E402

MISSING = object()
ENTRIES = api_table.all_entries()


def resolve(dotted: str) -> Any:
    """The object `dotted` (`tf.a.b`, TF2 spelling) names in the installed TensorFlow, or MISSING."""
    obj: Any = tf
    for part in dotted.split(".")[1:]:
        try:
            obj = getattr(obj, part)
        except Exception:
            return MISSING
    return obj


def resolve_v1(v1_name: str) -> Any:
    return resolve("tf.compat.v1." + v1_name[len("tf.") :])


def parameters(obj: Any) -> tuple[list[inspect.Parameter], bool] | None:
    """The named parameters of a callable (a class: of its constructor) and whether it takes **kwargs."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    values = list(sig.parameters.values())
    named = [p for p in values if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    var_keyword = any(p.kind is p.VAR_KEYWORD for p in values)
    if inspect.isclass(obj) and not named and values:
        # a metaclass __call__(*args, **kwargs) hides the constructor
        if obj.__init__ is object.__init__:
            return None
        found = parameters(obj.__init__)
        if found is None:
            return None
        named, var_keyword = found
    if named and named[0].name == "self":
        named = named[1:]
    return named, var_keyword


def is_sentinel(param: inspect.Parameter) -> bool:
    """`_sentinel=None`, `keyword_required=KeywordRequired()`: TF1's way of forbidding positionals."""
    return param.name.startswith("_") or type(param.default).__name__ == "KeywordRequired"


def params(obj: Any) -> tuple[list[str], list[str], bool] | None:
    """(parameter names, positional parameter names without sentinels, accepts **kwargs), or None."""
    found = parameters(obj)
    if found is None:
        return None
    named, var_keyword = found
    positional = [
        p.name for p in named if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and not is_sentinel(p)
    ]
    return [p.name for p in named], positional, var_keyword


def required_parameters(obj: Any) -> list[str]:
    found = parameters(obj)
    return [p.name for p in found[0] if p.default is inspect.Parameter.empty] if found else []


def entries(*kinds: str) -> Iterator[ApiEntry]:
    return (entry for entry in ENTRIES.values() if not kinds or entry.kind in kinds)


def evaluate(source: str, **names: Any) -> Any:
    return eval(source, {"tf": tf, **names})  # noqa: S307 - sources come from the committed table


# --------------------------------------------------------------------------------------------------
# walking the installed API (the same rules as scripts/generate_api_table.py)

V1_SKIP = {"tf.compat.v1", "tf.compat.v2", "tf.keras", "tf.layers"}
V2_SKIP = {"tf.compat.v1", "tf.compat.v2", "tf.keras"}
V2_NOT_API = {"tf.dtensor", "tf.security", "tf.tools", "tf.core", "tf.python", "tf.compiler", "tf.include"}


def api_module(value: types.ModuleType) -> bool:
    name = getattr(value, "__name__", None) or ""
    return (
        type(value).__name__ in ("KerasLazyLoader", "LazyLoader")
        or name.startswith(("tensorflow._api.", "keras._tf_keras.", "keras.api."))
        or name == "tensorflow.experimental"
    )


def walk(root: types.ModuleType, skip: set[str]) -> dict[str, Any]:
    """Public names under `root` as `tf.<path>`: API modules are descended into, other modules are names."""
    found: dict[str, Any] = {}

    def visit(module: types.ModuleType, path: str) -> None:
        try:
            attributes = dir(module)
        except Exception:  # a lazy loader whose module is gone (tf.compat.v1.nn.rnn_cell)
            return
        for attribute in attributes:
            dotted = f"{path}.{attribute}"
            if attribute.startswith("_") or dotted in skip or dotted in V2_NOT_API:
                continue
            try:
                value = getattr(module, attribute)
            except Exception:
                continue
            found[dotted] = value
            if isinstance(value, types.ModuleType) and api_module(value):
                visit(value, dotted)

    visit(root, "tf")
    return found


@cache
def v1_api() -> dict[str, Any]:
    return walk(tf.compat.v1, V1_SKIP)


@cache
def v2_api() -> dict[str, Any]:
    return walk(tf, V2_SKIP)


# --------------------------------------------------------------------------------------------------
# the table as a whole


def test_header_matches_installed_tensorflow() -> None:
    info = api_table.info()
    assert info.schema == api_table.SCHEMA_VERSION
    assert info.tensorflow == tf.__version__, (
        f"tf_api.json was generated from TensorFlow {info.tensorflow}, the tests run {tf.__version__}: "
        "run scripts/generate_api_table.py"
    )
    assert info.entries == len(ENTRIES) > 3000
    assert {entry.kind for entry in ENTRIES.values()} == set(api_table.KINDS)


def test_every_public_compat_v1_name_is_classified() -> None:
    missing = sorted(set(v1_api()) - set(ENTRIES))
    assert not missing, f"{len(missing)} tf.compat.v1 names are not in the table: {missing[:20]}"


def test_tf2_names_are_the_installed_tf2_namespace() -> None:
    installed = set(v2_api())
    listed = api_table.tf2_names() - {"tf"}
    assert not installed - listed, f"public TF2 names missing from tf2_names.txt: {sorted(installed - listed)[:20]}"
    assert not listed - installed, f"tf2_names.txt lists names TF2 does not have: {sorted(listed - installed)[:20]}"
    for name in listed:
        kind = api_table.tf2_name_kind(name)
        value = v2_api()[name]
        assert (kind == "module") == isinstance(value, types.ModuleType), name
        assert (kind == "class") == (inspect.isclass(value) and not isinstance(value, types.ModuleType)), name


def test_every_target_exists_in_tf2() -> None:
    problems = []
    for entry in entries():
        if entry.target is None:
            if entry.kind not in ("removed", "scenario", "template"):
                problems.append(f"{entry.name}: {entry.kind} without a target")
            continue
        if entry.kind == "compat_v1":
            if entry.target != entry.compat_v1_name:
                problems.append(f"{entry.name}: compat_v1 target {entry.target}")
            continue
        if entry.target.startswith(("tf.compat.v1.", "tf.compat.v2.")):
            problems.append(f"{entry.name}: native target {entry.target} is under tf.compat")
        if resolve(entry.target) is MISSING or not api_table.tf2_name_exists(entry.target):
            problems.append(f"{entry.name}: target {entry.target} does not exist in TF {tf.__version__}")
    assert not problems, "\n".join(problems)


def test_every_source_snippet_evaluates_in_tf2() -> None:
    problems = []
    for entry in entries():
        snippets = list(entry.defaults.values()) + list(entry.drop_if.values())
        snippets += [value for spec in entry.exprs.values() for value in spec.values.values()]
        if entry.dtype:
            snippets.append(entry.dtype)
        for source in snippets:
            try:
                evaluate(source)
            except Exception as error:
                problems.append(f"{entry.name}: {source!r} does not evaluate: {error}")
    assert not problems, "\n".join(problems)


def test_compat_v1_entries_exist_only_under_compat_v1() -> None:
    v2_ids = {id(value) for value in v2_api().values() if not isinstance(value, (str, int, float, bool, type(None)))}
    problems = []
    for entry in entries("compat_v1"):
        obj = resolve_v1(entry.name)
        if obj is MISSING:
            problems.append(f"{entry.name}: {entry.target} does not exist")
        elif not entry.module and not isinstance(obj, (str, int, float, bool, type(None))) and id(obj) in v2_ids:
            problems.append(f"{entry.name}: the same object exists natively in TF2")
    assert not problems, "\n".join(problems)


def test_in_compat_v1_flags_are_right() -> None:
    problems = []
    for entry in entries():
        if entry.kind == "removed" or entry.name == "tf.keras":
            continue
        obj = resolve_v1(entry.name)
        exists = obj is not MISSING
        if exists and entry.module:
            try:
                dir(obj)
            except Exception:
                exists = False
        if exists != entry.in_compat_v1:
            problems.append(f"{entry.name}: in_compat_v1={entry.in_compat_v1}, but tf.compat.v1 says {exists}")
    assert not problems, "\n".join(problems)


def test_removed_names_are_gone() -> None:
    removed = list(entries("removed"))
    assert {"tf.contrib", "tf.estimator"} <= {entry.name for entry in removed}
    for entry in removed:
        assert resolve_v1(entry.name) is MISSING, entry.name
        assert not api_table.tf2_name_exists(entry.name), entry.name
        assert entry.compat_v1_name is None


def test_unchanged_entries_exist_under_their_own_name() -> None:
    for entry in entries("unchanged"):
        assert entry.target == entry.name, entry.name
        assert resolve(entry.name) is not MISSING, entry.name


# --------------------------------------------------------------------------------------------------
# signatures


def signature_entries() -> Iterator[ApiEntry]:
    for entry in entries():
        if entry.kwargs or entry.v1_args is not None or entry.exprs or entry.drop or entry.drop_if or entry.defaults:
            yield entry


def test_keyword_renames_match_the_real_signatures() -> None:
    problems = []
    checked = 0
    for entry in signature_entries():
        old = params(resolve_v1(entry.name)) if entry.in_compat_v1 else None
        target = resolve(entry.target) if entry.target and entry.kind != "template" else MISSING
        new = params(target) if target is not MISSING else None
        if entry.kind not in ("template", "cast"):
            assert new is not None, f"{entry.name}: cannot read the signature of {entry.target}"
        old_names = set(old[0]) if old else None
        new_names = set(new[0]) if new else None
        accepts_any = bool(new and new[2])
        v1_keywords = (
            list(entry.kwargs)
            + list(entry.exprs)
            + list(entry.drop)
            + list(entry.drop_if)
            + list(entry.unsupported)
            + list(entry.required)
        )
        if old_names is not None:
            for keyword in v1_keywords:
                if keyword not in old_names:
                    problems.append(f"{entry.name}: `{keyword}` is not a TF1 parameter")
        if new_names is not None and not accepts_any:
            for old_keyword, new_keyword in entry.kwargs.items():
                if new_keyword not in new_names:
                    problems.append(f"{entry.name}: {old_keyword} -> {new_keyword}, not a parameter of {entry.target}")
                if old_keyword in new_names and old_keyword != new_keyword and old_keyword not in entry.kwargs:
                    problems.append(f"{entry.name}: {old_keyword} still exists in {entry.target}")
            for keyword, spec in entry.exprs.items():
                if spec.to not in new_names:
                    problems.append(f"{entry.name}: {keyword} -> {spec.to}, not a parameter of {entry.target}")
            for keyword in entry.defaults:
                if keyword not in new_names:
                    problems.append(f"{entry.name}: default for {keyword}, not a parameter of {entry.target}")
            # what TF2 requires must be supplied by the converted call
            supplied = {entry.kwargs.get(p, p) for p in (old[0] if old else [])} | set(entry.defaults)
            supplied |= {spec.to for spec in entry.exprs.values()}
            if entry.kind == "cast":
                supplied = {"x", "dtype"}
            if old is not None:
                for name in required_parameters(target):
                    if name not in supplied:
                        problems.append(f"{entry.name}: {entry.target} requires `{name}`, which the call would not get")
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 150


def test_recorded_v1_positional_order_matches_compat_v1() -> None:
    problems = []
    for entry in entries():
        if entry.v1_args is None:
            if entry.keep_positional is not None:
                problems.append(f"{entry.name}: keep_positional without v1_args")
            continue
        assert entry.keep_positional is not None and 0 <= entry.keep_positional <= len(entry.v1_args), entry.name
        if not entry.in_compat_v1:
            continue
        obj = resolve_v1(entry.name)
        found = params(obj)
        assert found is not None, entry.name
        positional = found[1]
        if list(entry.v1_args) != positional:
            problems.append(f"{entry.name}: v1_args {list(entry.v1_args)} but tf.compat.v1 has {positional}")
        if entry.kind in ("template", "cast") or entry.target is None:
            continue
        new = params(resolve(entry.target))
        assert new is not None, entry.target
        for index in range(entry.keep_positional):
            old_name = entry.v1_args[index]
            if entry.kwargs.get(old_name, old_name) != new[1][index]:
                problems.append(f"{entry.name}: positional {index} ({old_name}) is not {entry.target}'s {new[1][index]}")
    assert not problems, "\n".join(problems)


def test_signature_changes_without_a_record_do_not_exist() -> None:
    """A rename without argument records must have a compatible signature (same positional order)."""
    problems = []
    for entry in entries("rename", "unchanged", "kwarg_rename", "kwarg_expr"):
        if entry.v1_args is not None or not entry.in_compat_v1 or entry.module:
            continue
        old_obj, new_obj = resolve_v1(entry.name), resolve(entry.target or "")
        if old_obj is new_obj or new_obj is MISSING:
            continue
        old, new = params(old_obj), params(new_obj)
        if old is None or new is None:
            continue
        mapped = [entry.kwargs.get(name, name) for name in old[1]]
        if mapped != new[1][: len(mapped)]:
            problems.append(f"{entry.name}: TF1 positional {old[1]} vs {entry.target} {new[1]}")
        sentinels = {p.name for p in (parameters(old_obj) or ([], False))[0] if is_sentinel(p)}
        accounted = set(entry.unsupported) | set(entry.drop) | set(entry.drop_if) | set(entry.exprs) | sentinels
        for name in {entry.kwargs.get(n, n) for n in old[0]} - set(new[0]) - accounted:
            if not new[2]:
                problems.append(f"{entry.name}: TF1 keyword `{name}` has no place in {entry.target}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------------
# classification spot checks


@pytest.mark.parametrize(
    ("name", "kind", "target"),
    [
        ("tf.log", "rename", "tf.math.log"),
        ("tf.random_normal", "rename", "tf.random.normal"),
        ("tf.random_uniform", "rename", "tf.random.uniform"),
        ("tf.truncated_normal", "rename", "tf.random.truncated_normal"),
        ("tf.cast", "unchanged", "tf.cast"),
        ("tf.matmul", "unchanged", "tf.matmul"),
        ("tf.squared_difference", "rename", "tf.math.squared_difference"),
        ("tf.gfile.Exists", "rename", "tf.io.gfile.exists"),
        ("tf.multinomial", "rename", "tf.random.categorical"),
        ("tf.reduce_sum", "kwarg_rename", "tf.reduce_sum"),
        ("tf.argmax", "kwarg_rename", "tf.argmax"),
        ("tf.expand_dims", "kwarg_rename", "tf.expand_dims"),
        ("tf.nn.dropout", "kwarg_expr", "tf.nn.dropout"),
        ("tf.to_float", "cast", "tf.cast"),
        ("tf.image.resize_images", "kwarg_expr", "tf.image.resize"),
        ("tf.losses.mean_squared_error", "template", None),
        ("tf.Session", "scenario", None),
        ("tf.placeholder", "scenario", None),
        ("tf.get_variable", "scenario", None),
        ("tf.variable_scope", "scenario", None),
        ("tf.global_variables_initializer", "scenario", None),
        ("tf.train.AdamOptimizer", "scenario", None),
        ("tf.train.GradientDescentOptimizer", "scenario", None),
        ("tf.layers", "scenario", None),
        ("tf.layers.dense", "scenario", None),
        ("tf.keras", "scenario", None),
        ("tf.assign", "compat_v1", "tf.compat.v1.assign"),
        ("tf.summary.scalar", "compat_v1", "tf.compat.v1.summary.scalar"),
        ("tf.contrib", "removed", None),
    ],
)
def test_known_classifications(name: str, kind: str, target: str | None) -> None:
    found = api_table.lookup_prefix(name)  # tf.layers.dense: the entry of tf.layers
    assert found is not None, name
    entry = found[0]
    assert (entry.kind, entry.target) == (kind, target)


def test_common_keyword_renames() -> None:
    reduce_sum = api_table.lookup("tf.reduce_sum")
    assert reduce_sum is not None
    assert dict(reduce_sum.kwargs) == {"keep_dims": "keepdims", "reduction_indices": "axis"}
    assert reduce_sum.positional_keyword(1) is None and reduce_sum.positional_keyword(4) == "reduction_indices"
    argmax = api_table.lookup("tf.argmax")
    assert argmax is not None and argmax.kwargs["dimension"] == "axis"
    # tf.argmax(x, 1, "name") -> the third positional was `name` in TF1, `output_type` in TF2
    assert argmax.positional_keyword(2) == "name"
    expand_dims = api_table.lookup("tf.expand_dims")
    assert expand_dims is not None and expand_dims.kwargs["dim"] == "axis"
    softmax = api_table.lookup("tf.nn.softmax")
    assert softmax is not None and softmax.kwargs["dim"] == "axis"


# --------------------------------------------------------------------------------------------------
# the semantic (hand-written) entries compute what TF1 computed


def fill(entry: ApiEntry, **arguments: str) -> str:
    assert entry.template is not None
    source = entry.template
    for name in entry.template_parameters():
        source = source.replace("{" + name + "}", arguments[name])
    return source


@pytest.mark.parametrize("name", sorted(entry.name for entry in entries("template")))
def test_templates_equal_tf1(name: str) -> None:
    entry = api_table.lookup(name)
    assert entry is not None and entry.v1_args is not None
    assert set(entry.template_parameters()) <= set(entry.v1_args)
    rng = np.random.default_rng(0)
    logits = tf.constant(rng.normal(size=(6, 4)), tf.float32)
    values = {
        "labels": tf.constant(rng.integers(0, 4, size=(6,)), tf.int32)
        if "sparse" in name
        else tf.constant(rng.normal(size=(6, 4)), tf.float32),
        "predictions": tf.constant(rng.normal(size=(6, 4)), tf.float64),
        "logits": logits,
        "onehot_labels": tf.one_hot(rng.integers(0, 4, size=(6,)), 4),
        "multi_class_labels": tf.constant(rng.integers(0, 2, size=(6, 4)), tf.float32),
    }
    used = {p: values[p] for p in entry.template_parameters()}
    tf1 = resolve_v1(name)(**used)
    tf2 = evaluate(fill(entry, **{p: p for p in used}), **used)
    assert tf2.dtype == tf1.dtype and tf2.shape == tf1.shape
    np.testing.assert_allclose(tf2.numpy(), tf1.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", sorted(entry.name for entry in entries("cast")))
def test_casts_equal_tf1(name: str) -> None:
    entry = api_table.lookup(name)
    assert entry is not None and entry.dtype is not None and entry.v1_args == ("x", "name")
    x = tf.constant([[1.5, -2.25], [3.0, 0.5]])
    tf1 = resolve_v1(name)(x)
    tf2 = tf.cast(x, evaluate(entry.dtype))
    assert tf1.dtype == tf2.dtype
    np.testing.assert_array_equal(tf1.numpy(), tf2.numpy())


def test_dropout_keep_prob_becomes_rate() -> None:
    entry = api_table.lookup("tf.nn.dropout")
    assert entry is not None
    spec = entry.exprs["keep_prob"]
    assert spec.to == "rate" and spec.render("keep") == "1 - keep" and spec.render("a + b") == "1 - (a + b)"
    assert entry.positional_keyword(1) == "keep_prob"  # tf.nn.dropout(x, 0.8): 0.8 was keep_prob
    x = tf.ones((200, 50))
    keep = 0.75
    tf.random.set_seed(7)
    tf1 = tf.compat.v1.nn.dropout(x, keep_prob=keep, seed=3)
    tf.random.set_seed(7)
    tf2 = tf.nn.dropout(x, rate=evaluate(spec.render("keep"), keep=keep), seed=3)
    np.testing.assert_allclose(tf1.numpy(), tf2.numpy())


def test_softmax_cross_entropy_keeps_labels_out_of_the_gradient() -> None:
    entry = api_table.lookup("tf.nn.softmax_cross_entropy_with_logits")
    assert entry is not None
    labels = tf.Variable([[0.2, 0.8], [0.5, 0.5]])
    logits = tf.constant([[1.0, 2.0], [0.5, -1.0]])
    with tf.GradientTape(persistent=True) as tape:
        tf1 = tf.compat.v1.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        tf2 = evaluate(
            f"tf.nn.softmax_cross_entropy_with_logits(labels={entry.exprs['labels'].render('labels')}, logits=logits)",
            labels=labels,
            logits=logits,
        )
    np.testing.assert_allclose(tf1.numpy(), tf2.numpy(), rtol=1e-6)
    assert tape.gradient(tf1, labels) is None and tape.gradient(tf2, labels) is None


def test_resize_method_values_are_tf1_method_numbers() -> None:
    entry = api_table.lookup("tf.image.resize_images")
    assert entry is not None and entry.unsafe
    for literal, source in entry.exprs["method"].values.items():
        name = source.rsplit(".", 1)[1]
        assert getattr(tf.compat.v1.image.ResizeMethod, name) == int(literal)
        assert evaluate(source) == getattr(tf.image.ResizeMethod, name)


def test_drop_if_values_are_what_tf2_does() -> None:
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(tf.compat.v1.zeros_like(x, optimize=True).numpy(), tf.zeros_like(x).numpy())
    np.testing.assert_array_equal(
        tf.compat.v1.constant([1, 2, 3, 4], shape=[2, 2], verify_shape=False).numpy(),
        tf.constant([1, 2, 3, 4], shape=[2, 2]).numpy(),
    )
    split = api_table.lookup("tf.strings.split")
    assert split is not None and split.required == ("result_type",)
    words = tf.constant(["a b", "c"])
    tf1 = tf.compat.v1.strings.split(words, result_type="RaggedTensor")
    assert tf1.to_list() == tf.strings.split(words).to_list()


# --------------------------------------------------------------------------------------------------
# the loader's API


def test_lookup_normalizes_spellings() -> None:
    entry = api_table.lookup("tf.log")
    assert entry is not None
    assert api_table.lookup("tensorflow.log") is entry
    assert api_table.lookup("tensorflow.compat.v1.log") is entry
    assert api_table.lookup("tf.compat.v1.log") is entry
    assert api_table.lookup("tf.no_such_name") is None
    assert entry.compat_v1_name == "tf.compat.v1.log"


def test_lookup_prefix() -> None:
    found = api_table.lookup_prefix("tf.contrib.layers.conv2d")
    assert found is not None and found[0].kind == "removed" and found[1] == "layers.conv2d"
    found = api_table.lookup_prefix("tf.losses.Reduction.MEAN")
    assert found is not None and found[0].name == "tf.losses.Reduction" and found[1] == "MEAN"
    found = api_table.lookup_prefix("tf.keras.layers.Dense")
    assert found is not None and found[0].kind == "scenario" and found[0].owner == "keras"


@pytest.mark.parametrize(
    ("name", "exists"),
    [
        ("tf.math.log", True),
        ("tensorflow.math.log", True),
        ("tf.compat.v2.math.log", True),
        ("tf.log", False),
        ("tf.random_normal", False),
        ("tf.placeholder", False),
        ("tf.compat.v1.placeholder", True),
        ("tf.compat.v1.log", True),
        ("tf.compat.v1.layers.dense", False),
        ("tf.compat.v1.contrib", False),
        ("tf.data.Dataset.from_tensor_slices", True),
        ("tf.nn.no_such_function", False),
        ("tf.keras.layers.Dense", True),
        ("tf.keras.backend.get_session", False),
        ("tf.compat.as_bytes", True),
        ("tf.float32", True),
    ],
)
def test_tf2_name_exists(name: str, exists: bool) -> None:
    assert api_table.tf2_name_exists(name) is exists
    if not name.startswith(("tf.keras", "tf.compat.v1")) and "." in name.partition("tf.")[2]:
        # ... and the answer is the installed TensorFlow's
        dotted = "tf." + name.split("tensorflow.", 1)[-1] if name.startswith("tensorflow.") else name
        assert (resolve(dotted.replace("tf.compat.v2.", "tf.")) is not MISSING) is exists


def test_every_compat_v1_fallback_name_exists() -> None:
    for entry in entries():
        if entry.compat_v1_name is not None:
            assert api_table.tf2_name_exists(entry.compat_v1_name), entry.name
            assert resolve(entry.compat_v1_name) is not MISSING, entry.name


# --------------------------------------------------------------------------------------------------
# end to end: TF1 calls converted with plan_call compute what tf.compat.v1 computes

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7.0 - 1.0


def convert(name: str, arguments: list[tuple[str | None, str]]) -> str:
    entry = api_table.lookup(name)
    assert entry is not None, name
    plan = api_table.plan_call(entry, arguments)
    assert not isinstance(plan, str), f"{name}: {plan}"
    if plan.expression is not None:
        return plan.expression
    parts = []
    for argument in plan.arguments:
        value = argument.value if argument.value is not None else arguments[argument.index or 0][1]
        parts.append(f"{argument.keyword}={value}" if argument.keyword else value)
    return f"{plan.callee}({', '.join(parts)})"


CALLS: list[tuple[str, list[tuple[str | None, str]]]] = [
    ("tf.log", [(None, "abs_x")]),
    ("tf.reduce_sum", [(None, "x"), (None, "1"), (None, "True")]),
    ("tf.reduce_sum", [(None, "x"), ("reduction_indices", "[0, 2]"), ("keep_dims", "True")]),
    ("tf.reduce_mean", [(None, "x"), (None, "1"), (None, "False"), (None, "'m'")]),
    ("tf.reduce_max", [("input_tensor", "x"), ("axis", "-1"), ("keep_dims", "False")]),
    ("tf.argmax", [(None, "x"), (None, "1"), (None, "'name'")]),
    ("tf.argmin", [(None, "x"), ("dimension", "2"), ("output_type", "tf.int32")]),
    ("tf.arg_max", [(None, "x"), ("dimension", "2")]),
    ("tf.expand_dims", [(None, "x"), ("dim", "1")]),
    ("tf.squeeze", [(None, "tf.ones([2, 1, 3])"), ("squeeze_dims", "[1]")]),
    ("tf.nn.softmax", [(None, "x"), ("dim", "1")]),
    ("tf.nn.log_softmax", [(None, "x"), (None, "1")]),
    ("tf.nn.l2_normalize", [(None, "x"), ("dim", "2")]),
    ("tf.nn.moments", [(None, "x"), (None, "[0, 1]"), ("keep_dims", "True")]),
    ("tf.count_nonzero", [(None, "x"), ("reduction_indices", "1"), ("keep_dims", "True")]),
    ("tf.math.in_top_k", [(None, "logits"), (None, "labels"), (None, "2")]),
    ("tf.nn.in_top_k", [(None, "logits"), (None, "labels"), (None, "2")]),
    ("tf.transpose", [(None, "x"), (None, "[2, 0, 1]"), (None, "'t'")]),
    ("tf.pad", [(None, "x"), (None, "[[0, 0], [1, 1], [2, 0]]"), (None, "'CONSTANT'"), (None, "'p'"), (None, "3.0")]),
    ("tf.shape", [(None, "x"), (None, "'s'"), (None, "tf.int64")]),
    ("tf.size", [(None, "x"), (None, "'s'"), (None, "tf.int64")]),
    ("tf.gather", [(None, "x"), (None, "[1, 0]"), (None, "None"), (None, "'g'"), (None, "2")]),
    ("tf.nn.crelu", [(None, "x"), (None, "'c'"), (None, "1")]),
    ("tf.reverse_sequence", [(None, "x"), (None, "[2, 3]"), ("seq_dim", "1"), ("batch_dim", "0")]),
    ("tf.zeros_like", [("tensor", "x"), ("optimize", "True")]),
    ("tf.ones_like", [(None, "x"), (None, "tf.int32")]),
    ("tf.to_float", [(None, "labels")]),
    ("tf.to_int64", [(None, "x"), ("name", "'c'")]),
    ("tf.to_double", [("x", "x")]),
    ("tf.squared_difference", [(None, "x"), (None, "abs_x")]),
    ("tf.random_normal", [(None, "[3]")]),  # shape only: compared by shape and dtype
    ("tf.cond", [(None, "tf.constant(True)"), ("fn1", "lambda: x"), ("fn2", "lambda: abs_x")]),
    ("tf.nn.conv2d", [(None, "image"), (None, "kernel"), (None, "[1, 1, 1, 1]"), (None, "'SAME'"), (None, "True")]),
    ("tf.nn.conv2d", [("input", "image"), ("filter", "kernel"), ("strides", "[1, 2, 2, 1]"), ("padding", "'VALID'")]),
    ("tf.nn.max_pool", [("value", "image"), ("ksize", "[1, 2, 2, 1]"), ("strides", "[1, 1, 1, 1]"), ("padding", "'SAME'")]),
    ("tf.nn.avg_pool", [(None, "image"), (None, "[1, 2, 2, 1]"), (None, "[1, 1, 1, 1]"), (None, "'VALID'")]),
    ("tf.nn.softmax_cross_entropy_with_logits", [("labels", "onehot"), ("logits", "logits")]),
    ("tf.nn.softmax_cross_entropy_with_logits_v2", [("labels", "onehot"), ("logits", "logits"), ("dim", "-1")]),
    (
        "tf.nn.dilation2d",
        [(None, "image"), (None, "tf.zeros([2, 2, 1])"), (None, "[1] * 4"), (None, "[1] * 4"), (None, "'SAME'")],
    ),
    ("tf.losses.mean_squared_error", [(None, "onehot"), (None, "logits")]),
    ("tf.losses.absolute_difference", [(None, "onehot"), (None, "logits"), ("weights", "1.0")]),
    ("tf.losses.sparse_softmax_cross_entropy", [(None, "labels"), (None, "logits")]),
    ("tf.losses.softmax_cross_entropy", [("onehot_labels", "onehot"), ("logits", "logits")]),
    ("tf.losses.sigmoid_cross_entropy", [(None, "onehot"), (None, "logits"), ("label_smoothing", "0")]),
    ("tf.strings.split", [(None, "words"), ("result_type", "'RaggedTensor'")]),
    ("tf.string_to_number", [("string_tensor", "numbers")]),
    ("tf.gfile.Exists", [("filename", "'/nonexistent/file'")]),
    ("tf.train.sdca_fprint", [(None, "words")]),
    (
        "tf.nn.conv2d_backprop_input",
        [(None, "[2, 6, 6, 1]"), (None, "kernel"), (None, "tf.ones([2, 6, 6, 2])"), (None, "[1, 1, 1, 1]"), (None, "'SAME'")],
    ),
]


@pytest.mark.parametrize(("name", "arguments"), CALLS, ids=[f"{name}-{i}" for i, (name, _) in enumerate(CALLS)])
def test_converted_calls_compute_what_tf1_computed(name: str, arguments: list[tuple[str | None, str]]) -> None:
    rng = np.random.default_rng(1)
    names = {
        "x": tf.constant(X),
        "abs_x": tf.constant(np.abs(X) + 0.5),
        "logits": tf.constant(rng.normal(size=(5, 3)), tf.float32),
        "labels": tf.constant([0, 2, 1, 1, 0]),
        "onehot": tf.one_hot([0, 2, 1, 1, 0], 3),
        "image": tf.constant(rng.normal(size=(2, 6, 6, 1)), tf.float32),
        "kernel": tf.constant(rng.normal(size=(3, 3, 1, 2)), tf.float32),
        "words": tf.constant(["a b c", "d"]),
        "numbers": tf.constant(["1.5", "-2"]),
    }
    tf1_source = "tf1." + name[3:] + "(" + ", ".join(f"{k}={v}" if k else v for k, v in arguments) + ")"
    tf2_source = convert(name, arguments)
    assert "compat" not in tf2_source
    tf1 = evaluate(tf1_source, tf1=tf.compat.v1, **names)
    tf2 = evaluate(tf2_source, **names)
    for old, new in zip(tf.nest.flatten(tf1, expand_composites=True), tf.nest.flatten(tf2, expand_composites=True), strict=True):
        if isinstance(old, bool):
            assert old == new
            continue
        assert old.dtype == new.dtype, (tf1_source, tf2_source)
        if name == "tf.random_normal":
            assert old.shape == new.shape
        elif old.dtype == tf.string:
            np.testing.assert_array_equal(np.asarray(new), np.asarray(old))
        else:
            np.testing.assert_allclose(np.asarray(new), np.asarray(old), rtol=1e-6, err_msg=f"{tf1_source} -> {tf2_source}")


@pytest.mark.parametrize(
    ("name", "arguments", "reason"),
    [
        ("tf.nn.dropout", [(None, "x"), ("keep_prob", "k"), ("*", "rest")], "unpacks"),
        ("tf.Variable", [(None, "0.0"), ("collections", "c")], "collections"),
        ("tf.reduce_sum", [(None, "x"), ("axis", "1"), ("reduction_indices", "1")], "twice"),
        ("tf.strings.split", [(None, "words")], "result_type"),
        ("tf.image.resize_bilinear", [(None, "i"), (None, "s"), ("align_corners", "True")], "align_corners"),
        ("tf.losses.mean_squared_error", [(None, "y"), (None, "p"), ("weights", "w")], "weights"),
        ("tf.losses.mean_squared_error", [(None, "y"), (None, "p"), ("reduction", "r")], "reduction"),
        ("tf.argmax", [(None, "x"), (None, "1"), (None, "'n'"), (None, "None"), (None, "tf.int32"), (None, "6")], "at most"),
        ("tf.Session", [], "no TF2 equivalent"),
        ("tf.assign", [(None, "v"), (None, "1")], "no TF2 equivalent"),
    ],
)
def test_calls_that_cannot_be_converted_say_why(name: str, arguments: list[tuple[str | None, str]], reason: str) -> None:
    entry = api_table.lookup(name)
    assert entry is not None
    plan = api_table.plan_call(entry, arguments)
    assert isinstance(plan, str) and reason in plan, plan


def test_plan_keeps_unchanged_calls_and_parenthesises_operands() -> None:
    entry = api_table.lookup("tf.nn.dropout")
    assert entry is not None
    assert convert("tf.nn.dropout", [(None, "x"), (None, "a if b else c")]) == "tf.nn.dropout(x, rate=1 - (a if b else c))"
    assert convert("tf.losses.mean_squared_error", [(None, "y"), (None, "p + 1")]) == (
        "tf.reduce_mean(tf.math.squared_difference(tf.cast(p + 1, tf.float32), tf.cast(y, tf.float32)))"
    )
    assert convert("tf.matmul", [(None, "a"), (None, "b")]) == "tf.matmul(a, b)"
    assert convert("tf.nn.dropout", [(None, "x"), ("rate", "0.5")]) == "tf.nn.dropout(x, rate=0.5)"
