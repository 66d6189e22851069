"""Scenario 3 through the real command: graphs handed to old libraries, `tf.contrib`, removed APIs (TFM3xx).

`check` over a folder exits 1 when a TFM3xx finding exists and 0 when none does, `--format json` lists the
findings, `explain` documents every rule, and the seed article's third example is reported at the call, with
the library's name, and never rewritten.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness import ROOT, run_tool
from tf2migrate.codemods.legacy_calls import LegacyCalls
from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

SEED_EXAMPLE = ROOT / "examples" / "seed_old_library.py"
CODES = [rule.code for rule in LegacyCalls.RULES]

LEGACY = {
    "lib_call.py": (
        "import tensorflow as tf\n"
        "import my_old_lib\n"
        "\n"
        "sess = tf.compat.v1.Session()\n"
        "my_old_lib.export(model_dir='/tmp', session=sess)\n"
    ),
    "contrib.py": "import tensorflow as tf\n\ninit = tf.contrib.layers.xavier_initializer()\n",
    "estimator.py": "from tensorflow.estimator import Estimator\n",
    "keras2.py": "from keras.utils.np_utils import to_categorical\n",
}
CLEAN = {
    "tf2.py": (
        "import tensorflow as tf\n"
        "import my_old_lib\n"
        "\n"
        "graph_def = tf.function(lambda: tf.constant(1.0)).get_concrete_function().graph.as_graph_def()\n"
        "tf.io.write_graph(graph_def, '/tmp', 'model.pb')\n"
        "init = tf.keras.initializers.GlorotUniform()\n"
        "my_old_lib.export(model_dir='/tmp', values=tf.constant([1.0]))\n"
    ),
    "keras3.py": "from keras.utils import to_categorical\nfrom keras.layers import Layer, Concatenate\n",
}


def write_tree(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_check_exits_1_and_lists_every_finding(tmp_path):
    write_tree(tmp_path, LEGACY)
    result = run_tool("check", "--select", "TFM3", str(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any("lib_call.py:5:" in line and "TFM301" in line and "`my_old_lib.export`" in line and "keyword `session=`" in line for line in lines)
    assert any("contrib.py:3:" in line and "TFM310" in line and "GlorotUniform" in line for line in lines)
    assert any("estimator.py:1:" in line and "TFM320" in line and "tf.keras.Model" in line for line in lines)
    assert any("keras2.py:1:" in line and "TFM330" in line and "to_categorical" in line for line in lines)


def test_check_exits_0_without_findings(tmp_path):
    write_tree(tmp_path, CLEAN)
    result = run_tool("check", "--select", "TFM3", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TFM3" not in result.stdout


def test_check_json_lists_the_findings(tmp_path):
    write_tree(tmp_path, {**LEGACY, **CLEAN})
    result = run_tool("check", "--select", "TFM3", "--format", "json", str(tmp_path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    by_file = {Path(f["path"]).name: f for f in report["files"]}
    assert not by_file["tf2.py"]["findings"] and not by_file["keras3.py"]["findings"]
    found = {(Path(f["path"]).name, x["code"], x["rule"], x["line"], x["column"], x["fix"]) for f in report["files"] for x in f["findings"]}
    assert found == {
        ("lib_call.py", "TFM301", "graph-handed-to-library", 5, 0, "manual"),
        ("contrib.py", "TFM310", "tf-contrib", 3, 7, "manual"),
        ("estimator.py", "TFM320", "removed-tf-api", 1, 0, "manual"),
        ("keras2.py", "TFM330", "removed-keras-api", 1, 0, "manual"),
    }
    assert report["summary"]["findings"] == {"TFM301": 1, "TFM310": 1, "TFM320": 1, "TFM330": 1}
    assert all(x["message"] for f in report["files"] for x in f["findings"])


def test_seed_example_is_reported_at_the_call_and_not_rewritten(tmp_path):
    target = tmp_path / SEED_EXAMPLE.name
    shutil.copy(SEED_EXAMPLE, target)
    before = target.read_bytes()
    call_line = next(n for n, line in enumerate(before.decode().splitlines(), 1) if "my_old_lib.some_function(" in line)

    result = run_tool("check", "--format", "json", str(target))
    assert result.returncode == 1
    findings = json.loads(result.stdout)["files"][0]["findings"]
    tfm301 = [f for f in findings if f["code"] == "TFM301"]
    assert len(tfm301) == 1
    assert tfm301[0]["line"] == call_line and tfm301[0]["column"] == 0 and tfm301[0]["fix"] == "manual"
    assert "`my_old_lib.some_function`" in tfm301[0]["message"] and "argument 1" in tfm301[0]["message"]
    assert "tf.keras.backend.get_graph()" in tfm301[0]["message"]

    fixed = run_tool("fix", "--select", "TFM3", str(target))
    assert fixed.returncode == 1  # findings need a person
    assert target.read_bytes() == before  # flagged, never rewritten


def test_suppression_silences_and_an_unused_one_is_reported(tmp_path):
    target = tmp_path / "s.py"
    target.write_text(
        "import tensorflow as tf\nimport lib\n\ng = tf.compat.v1.get_default_graph()\n"
        "lib.f(g)  # tf2migrate: ignore[TFM301]\nlib.h(1)  # tf2migrate: ignore[TFM301]\n",
        encoding="utf-8",
    )
    result = run_tool("check", "--select", "TFM3,TFM900", "--format", "json", str(target))
    findings = [(f["code"], f["line"]) for f in json.loads(result.stdout)["files"][0]["findings"]]
    assert findings == [("TFM900", 6)]


@pytest.mark.parametrize("code", CODES)
def test_explain_has_a_before_and_after(code):
    result = run_tool("explain", code)
    assert result.returncode == 0
    assert code in result.stdout and "Before" in result.stdout and "After" in result.stdout


def test_rules_lists_the_legacy_rules():
    result = run_tool("rules")
    assert result.returncode == 0
    for code in CODES:
        assert code in result.stdout


@pytest.mark.parametrize("method", ["get_output_at", "get_input_at", "get_output_shape_at", "get_input_shape_at", "get_output_mask_at", "get_input_mask_at"])
def test_keras2_layer_node_methods_are_reported(method):
    """Keras 3 layers have none of Keras 2's per-call (node) accessors: AttributeError, so each is reported (TFM330)."""
    text = f"import keras\nlayer = keras.layers.Dense(2)\nvalue = layer.{method}(0)\n"
    migration = migrate_text(text, Selection())
    (finding,) = [f for f in migration.findings if f.code == "TFM330"]
    assert finding.line == 3 and f"Keras 3 layers have no `{method}`" in finding.message
    assert migration.text == text
