"""The api-renames rules (TFM401-TFM407) beyond the golden fixtures: documentation examples, import styles,
names left alone, and how many distinct TF1 names the fixtures prove."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness import FIXTURES, golden_cases
from test_golden import _selection_for
from tf2migrate.codemods import CODEMOD_MODULES
from tf2migrate.codemods.api_renames import ApiRenames
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

ONLY = Selection(select=("TFM4",))
FOLDERS = ("api-rename", "api-keywords", "api-semantic-rewrite", "compat-v1-fallback", "removed-api", "api-behaviour-changed", "missing-tf-name")


def _migrate(text: str, selection: Selection = ONLY):
    return migrate_text(text, selection)


def test_runs_last():
    """The last rule that renames: after it only keras_seed (which writes a Keras 3 name, nothing to rename) and the
    check-only completeness pass (missing_names)."""
    assert CODEMOD_MODULES[-3:] == ("api_renames", "keras_seed", "missing_names")


@pytest.mark.parametrize("rule", ApiRenames.RULES, ids=[r.code for r in ApiRenames.RULES])
def test_documented_example_is_what_the_rule_does(rule):
    migration = _migrate(rule.before)
    codes = {f.code for f in migration.findings}
    assert rule.code in codes
    if rule.fix.value == "manual":
        assert migration.text == rule.before
        assert {f.fix.value for f in migration.findings if f.code == rule.code} == {"manual"}
    else:
        assert migration.text == rule.after


def test_compat_v1_alias_is_left_alone():
    source = "import tensorflow.compat.v1 as tf\ny = tf.log(tf.to_float(x))\nz = tf.reduce_sum(x, keep_dims=True)\n"
    migration = _migrate(source)
    assert migration.text == source
    assert migration.findings == []


def test_explicit_compat_v1_spelling_is_left_alone():
    source = "import tensorflow as tf\ny = tf.compat.v1.log(x)\nop = tf.compat.v1.assign(v, 1)\n"
    assert _migrate(source).text == source


def test_from_import_next_to_a_compat_v1_alias_is_written_through_tensorflow():
    source = "import tensorflow.compat.v1 as tf\nfrom tensorflow import log\ny = log(tf.constant(2.0))\n"
    migration = _migrate(source)
    assert "tensorflow.math.log(tf.constant(2.0))" in migration.text
    assert "import tensorflow\n" in migration.text
    assert "from tensorflow import log" not in migration.text


def test_local_name_tf_is_not_tensorflow():
    source = "import tensorflow\n\ndef f(tf):\n    return tf.log(1.0)\n"
    assert _migrate(source).text == source


def test_parenthesised_and_nested_calls():
    source = "import tensorflow as tf\ny = (tf.to_float(tf.argmax(x, dimension=1)))\n"
    assert _migrate(source).text == "import tensorflow as tf\ny = (tf.cast(tf.argmax(x, axis=1), tf.float32))\n"


def test_unsafe_fix_needs_the_flag():
    source = "import tensorflow as tf\ny = tf.image.resize_images(x, [4, 4])\n"
    assert _migrate(source).text == source
    fixed = _migrate(source, Selection(select=("TFM4",), unsafe_fixes=True))
    assert fixed.text == "import tensorflow as tf\ny = tf.image.resize(x, [4, 4])\n"


def test_contrib_is_left_to_the_legacy_call_rules():
    source = "import tensorflow as tf\ndecoder = tf.contrib.seq2seq.BasicDecoder\n"
    assert [f.code for f in _migrate(source, Selection()).findings] == ["TFM310"]
    # without the legacy-call rules, the completeness pass still reports the missing name (TFM407)
    assert [f.code for f in _migrate(source, Selection(select=("TFM401", "TFM402", "TFM403", "TFM404", "TFM405"))).findings] == []
    assert [f.code for f in _migrate(source).findings] == ["TFM407"]


def test_suppression_comment():
    source = "import tensorflow as tf\ny = tf.log(x)  # tf2migrate: ignore[TFM401]\n"
    migration = _migrate(source)
    assert migration.text == source


def test_fixtures_prove_forty_distinct_renames_and_keyword_changes():
    """Count the distinct TF1 names the golden fixtures convert to native TF2 (TFM401-TFM403, applied)."""
    converted: set[str] = set()
    for case in golden_cases():
        if case.source.parent.name not in FOLDERS:
            continue
        migration = migrate_text(case.source.read_text(encoding="utf-8"), _selection_for(case))
        for finding in migration.findings:
            if finding.code in ("TFM401", "TFM402", "TFM403") and finding.fix.value == "applied":
                converted.add(re.match(r"`([\w.]+)", finding.message).group(1))
    assert len(converted) >= 40, sorted(converted)
    for semantic in ("tf.nn.dropout", "tf.to_float", "tf.reduce_sum", "tf.log", "tf.random_normal",
                     "tf.image.resize_images", "tf.losses.mean_squared_error", "tf.nn.softmax_cross_entropy_with_logits_v2", "tf.argmax"):
        assert semantic in converted
    assert (FIXTURES / "exec" / "api_renames" / "tf1_ops.py").exists()


def test_check_lists_every_remaining_missing_name_in_a_tree(tmp_path):
    """`tf2migrate check` on a tree: names TF 2.21 lacks are listed with their line, nothing is written."""
    from harness import run_tool
    import json

    (tmp_path / "pkg").mkdir()
    first = tmp_path / "pkg" / "model.py"
    first.write_text("import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = tf.log(x)\n", encoding="utf-8")
    second = tmp_path / "pkg" / "util.py"
    second.write_text("from tensorflow import reduce_summ\nimport tensorflow.compat.v1 as v1\nh = v1.layers.dense\n", encoding="utf-8")
    done = run_tool("check", "--select", "TFM4", "--format", "json", str(tmp_path))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    found = {(Path(f["path"]).name, finding["code"], finding["line"], finding["fix"]) for f in report["files"] for finding in f["findings"]}
    assert found == {
        ("model.py", "TFM407", 2, "manual"),
        ("model.py", "TFM401", 3, "applied"),
        ("util.py", "TFM407", 1, "manual"),
        ("util.py", "TFM407", 3, "manual"),
    }
    assert first.read_text(encoding="utf-8").endswith("tf.log(x)\n")


def test_every_table_entry_migrates_to_a_fixed_point():
    """Each TF1 name of the table that the rules act on, used as a value, called positionally and called with
    keywords: the output parses, and a second run changes nothing and applies nothing (a TF2 name that is also
    a TF1 name with other arguments must not be converted twice)."""
    from tf2migrate.codemods import api_table

    lines = ["import tensorflow as tf", ""]
    for entry in api_table.all_entries().values():
        if entry.module or entry.kind in ("unchanged", "scenario", "removed"):
            continue
        lines += [f"v = {entry.name}", f"c = {entry.name}(a, b)"]
        if entry.v1_args:
            lines.append(f"k = {entry.name}({', '.join(f'{arg}=x{i}' for i, arg in enumerate(entry.v1_args[:4]))})")
            lines.append(f"p = {entry.name}({', '.join(f'p{i}' for i in range(len(entry.v1_args)))})")
    source = "\n".join(lines) + "\n"
    selection = Selection(select=("TFM4",), unsafe_fixes=True)
    once = migrate_text(source, selection)
    assert sum(f.fix.value == "applied" for f in once.findings) > 1000
    twice = migrate_text(once.text, selection)
    assert twice.text == once.text
    assert not [f for f in twice.findings if f.fix.value == "applied"]


def test_a_from_imported_name_used_before_the_files_tensorflow_import_is_reported_not_rewritten():
    """`tf.random.set_seed(2)` on line 2 would raise NameError: the file binds `tf` on line 3."""
    text = "from tensorflow import set_random_seed, log\nset_random_seed(2)\nx = log(3.0)\nimport tensorflow as tf\n\n\ndef later():\n    set_random_seed(3)\n    return log(4.0)\n"
    migration = migrate_text(text, Selection())
    assert migration.text.splitlines()[1:3] == ["set_random_seed(2)", "x = log(3.0)"]
    assert "    tf.random.set_seed(3)\n    return tf.math.log(4.0)\n" in migration.text  # a function runs once the module is imported
    manual = [(f.code, f.line) for f in migration.findings if f.fix.value == "manual" and "comes later (line 4)" in f.message]
    assert manual == [("TFM401", 2), ("TFM401", 3)]
    compile(migration.text, "<migrated>", "exec")


def test_a_from_imported_name_after_the_files_tensorflow_import_is_rewritten():
    text = "import tensorflow as tf\nfrom tensorflow import log\nx = log(3.0)\n"
    assert migrate_text(text, Selection()).text == "import tensorflow as tf\nx = tf.math.log(3.0)\n"
