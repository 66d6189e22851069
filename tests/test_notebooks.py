"""Jupyter notebooks: code cells migrated as one program, magics and everything but code sources untouched."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from harness import run_python, run_tool
from tf2migrate.notebooks import JsonStyle, load, mask_cell, migrate_notebook, unmask
from tf2migrate.selection import Selection

PLACEHOLDERS = "x = tf.placeholder(tf.float32, shape=[None])\ny = tf.placeholder(tf.float32, shape=[None])\nw = tf.Variable(0.0)\n"
MODEL = "loss = tf.reduce_mean(tf.square(w * x - y))\ntrain = tf.train.GradientDescentOptimizer(0.1).minimize(loss)"
LOOP = (
    "xs = np.arange(4, dtype=np.float32)\n"
    "for step in range(60):\n"
    "    sess.run(train, feed_dict={x: xs, y: 3 * xs})\n"
    "final = sess.run(w)\n"
    "print('w =', final)\n"
    "assert abs(final - 3.0) < 1e-3, final"
)


def tf1_notebook() -> nbformat.NotebookNode:
    """The common notebook shape: imports, placeholders, model, session, training loop in separate cells."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell("# Linear regression ☃ (`tf.Session()` in markdown stays)"),
        new_code_cell("%matplotlib inline\nimport numpy as np\nimport tensorflow as tf\n!pip list | grep tensorflow"),
        new_code_cell(PLACEHOLDERS, outputs=[new_output("stream", text="placeholders ready\n")], execution_count=2),
        new_code_cell(MODEL, execution_count=3),
        new_code_cell("%%time\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())"),
        new_code_cell(LOOP, outputs=[new_output("execute_result", data={"text/plain": "3.0"}, execution_count=5)]),
        new_code_cell("%%bash\necho tf.Session()"),
        new_code_cell("np.arange?"),
    ]
    nb.cells[0]["attachments"] = {"pic.png": {"image/png": "iVBORw0KGgo="}}
    return nb


def write_notebook(path: Path, nb, **dump) -> Path:
    path.write_text(json.dumps(nb, **dump) + "\n", encoding="utf-8")
    return path


def sources(path: Path) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in json.loads(path.read_text())["cells"]]


def without_sources(document: dict) -> dict:
    return {**document, "cells": [{k: v for k, v in c.items() if k != "source"} for c in document["cells"]]}


def test_session_program_over_cells_is_migrated_and_runs_under_tf2(tmp_path):
    path = write_notebook(tmp_path / "regression.ipynb", tf1_notebook(), indent=1)
    before = json.loads(path.read_text())
    result = run_tool("fix", str(path))
    assert result.returncode == 0, result.stderr
    after = json.loads(path.read_text())
    new = sources(path)
    code = "\n".join(new[i] for i in (2, 3, 4, 5))
    assert "Session" not in code and "placeholder" not in code and "compat.v1" not in code, code
    # outputs, metadata, attachments, ids, execution counts, markdown: untouched; the notebook still validates
    assert without_sources(after) == without_sources(before)
    assert new[0] == sources_of(before)[0] and new[6:] == sources_of(before)[6:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.validate(nbformat.from_dict(after))
    # magics kept byte for byte; the `%%time` cell whose body the session rule removed is emptied, not left broken
    assert new[1] == sources_of(before)[1]
    assert new[4] == ""
    # the code cells, run top to bottom (IPython lines dropped), work under TF 2.21
    program = "\n".join(
        line for src in new[1:6] for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    script = tmp_path / "cells.py"
    script.write_text(program + "\n", encoding="utf-8")
    ran = run_python(script)
    assert ran.returncode == 0, ran.stderr[-2000:] + program
    assert "w = 3.0" in ran.stdout or "w = 2.99" in ran.stdout
    # idempotent
    again = run_tool("fix", str(path))
    assert again.returncode == 0 and "0 changed" in again.stderr


def sources_of(document: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in document["cells"]]


@pytest.mark.parametrize("dump", [dict(indent=1), dict(indent=2, ensure_ascii=True), dict(indent=4, ensure_ascii=False)])
def test_json_written_in_the_notebooks_own_style(tmp_path, dump):
    nb = tf1_notebook()
    nb.cells[2]["metadata"] = {"zeta": 1, "alpha": {"b": 2, "a": 1}}  # key order that is not sorted
    path = write_notebook(tmp_path / "nb.ipynb", nb, **dump)
    original = path.read_text(encoding="utf-8")
    assert run_tool("fix", str(path)).returncode == 0
    text = path.read_text(encoding="utf-8")
    # only lines inside code-cell sources changed: parse both, put the old sources back, and the file is identical
    document = json.loads(text)
    for cell, old in zip(document["cells"], json.loads(original)["cells"]):
        cell["source"] = old["source"]
    assert json.dumps(document, **dump) + "\n" == original
    assert ("\\u2603" in text) == dump.get("ensure_ascii", True)


def test_style_detection_round_trips_without_final_newline_and_crlf():
    document = {"cells": [], "metadata": {"é": 1}, "nbformat": 4, "nbformat_minor": 5}
    for raw in (json.dumps(document, indent=1), json.dumps(document, indent=2).replace("\n", "\r\n") + "\r\n"):
        assert JsonStyle.of(raw).dump(json.loads(raw)) == raw


@pytest.mark.parametrize(
    "line",
    ["%matplotlib inline", "!pip install tensorflow==1.15", "?tf.Session", "tf.Session?", "tf.Session??", "files = !ls", "%time x = 1"],
)
def test_ipython_lines_are_masked_and_restored_byte_for_byte(line):
    source = f"import tensorflow as tf\nif True:\n    {line}\n{line}\nsess = tf.Session()"
    masked = mask_cell(0, source, [0])
    assert masked is not None and line not in masked.masked
    compile(masked.masked, "<cell>", "exec")
    assert unmask(masked.masked, masked.magics) == source


def test_cell_magic_with_a_foreign_body_is_not_parsed():
    assert mask_cell(0, "%%bash\nfor f in *; do echo $f; done", [0]) is None
    assert mask_cell(0, "%%writefile model.py\nimport tensorflow as tf\nprint x", [0]) is None


def test_a_python_continuation_starting_with_percent_is_not_masked():
    source = "x = (10\n     % 3)\n"
    masked = mask_cell(0, source, [0])
    assert masked is not None and masked.masked == source and not masked.magics


def test_findings_name_the_cell_in_every_format(tmp_path):
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("intro"),
        new_code_cell("import tensorflow as tf"),
        new_code_cell("# a comment\nfrom tensorflow.python.keras.engine import network"),
    ]
    path = write_notebook(tmp_path / "nb.ipynb", nb, indent=1)
    text = run_tool("check", str(path))
    shown = os.path.relpath(path)  # the tool names files relative to its working folder (the test's)
    assert f"{shown}:cell 3:2:1: TFM" in text.stdout, text.stdout
    document = json.loads(run_tool("check", "--format", "json", str(path)).stdout)
    finding = document["files"][0]["findings"][0]
    assert (finding["cell"], finding["line"], finding["column"]) == (3, 2, 0)
    sarif = json.loads(run_tool("check", "--format", "sarif", str(path)).stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]
    assert location["logicalLocations"][0]["name"] == "cell 3"
    assert location["physicalLocation"]["region"]["startLine"] == 2
    github = run_tool("check", "--format", "github", str(path)).stdout
    assert "cell 3%3A2%3A1" in github


def test_dry_run_diff_is_per_cell_and_readable(tmp_path):
    nb = new_notebook()
    nb.cells = [new_code_cell("import tensorflow as tf\ntf.set_random_seed(1)")]
    path = write_notebook(tmp_path / "nb.ipynb", nb, indent=1)
    before = path.read_bytes()
    result = run_tool("fix", "--dry-run", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and path.read_bytes() == before
    assert result.stdout.startswith("--- a/nb.ipynb:cell 1\n+++ b/nb.ipynb:cell 1\n")
    assert "+tf.random.set_seed(1)" in result.stdout and '"source"' not in result.stdout


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"cells": [ tensorflow', "invalid JSON"),
        (json.dumps({"nbformat": 3, "worksheets": [], "metadata": {}, "cells": [], "x": "tensorflow"}), "nbformat 3"),
    ],
)
def test_not_a_notebook_is_reported_and_untouched(tmp_path, content, reason):
    path = tmp_path / "broken.ipynb"
    path.write_text(content, encoding="utf-8")
    result = run_tool("fix", str(path))
    assert result.returncode == 2 and reason in result.stderr
    assert path.read_text(encoding="utf-8") == content


def test_python2_cell_fails_the_notebook_naming_the_cell(tmp_path):
    nb = new_notebook()
    nb.cells = [new_code_cell("import tensorflow as tf"), new_code_cell("print 'hello'")]
    path = write_notebook(tmp_path / "old.ipynb", nb, indent=1)
    before = path.read_bytes()
    result = run_tool("fix", str(path))
    assert result.returncode == 2 and "cell 2" in result.stderr and path.read_bytes() == before
    assert "Python 2 code?" in result.stderr


def test_folder_walk_finds_notebooks_but_not_checkpoints(tmp_path):
    nb = new_notebook()
    nb.cells = [new_code_cell("import tensorflow as tf\ntf.set_random_seed(1)")]
    write_notebook(tmp_path / "a.ipynb", nb, indent=1)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write_notebook(tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb", nb, indent=1)
    document = json.loads(run_tool("check", "--format", "json", str(tmp_path)).stdout)
    assert [Path(f["path"]).name for f in document["files"]] == ["a.ipynb"]


def test_future_import_in_a_later_cell_falls_back_to_cell_by_cell():
    nb = new_notebook()
    nb.cells = [
        new_code_cell("import tensorflow as tf"),
        new_code_cell("from __future__ import print_function\nimport tensorflow as tf\ntf.set_random_seed(1)"),
    ]
    raw = json.dumps(nb, indent=1)
    new, findings, diff = migrate_notebook(*load(raw.encode()), Selection(), "nb.ipynb")
    assert new is not None and "tf.random.set_seed(1)" in new
    assert [(f.cell, f.line) for f in findings if f.code == "TFM401"] == [(2, 3)]


def test_notebook_changed_by_someone_else_during_the_run_is_not_overwritten(tmp_path, monkeypatch):
    """The same promise as for .py files: a notebook edited between the tool's read and its write stays theirs."""
    from tf2migrate import engine

    path = write_notebook(tmp_path / "nb.ipynb", tf1_notebook(), indent=1)
    theirs = path.read_text(encoding="utf-8").replace("Linear regression", "Linear regression (edited meanwhile)")
    real_migrate = engine.migrate_text

    def migrate_while_someone_edits(*args, **kwargs):
        migration = real_migrate(*args, **kwargs)
        path.write_text(theirs, encoding="utf-8")
        return migration

    monkeypatch.setattr(engine, "migrate_text", migrate_while_someone_edits)
    result = engine.process_file(str(path), engine.Options(write=True))
    assert result.status.value == "failed" and result.reason == "changed during the run, not written"
    assert path.read_text(encoding="utf-8") == theirs
    assert [p.name for p in tmp_path.iterdir()] == ["nb.ipynb"]


def test_deeply_nested_cell_is_migrated_like_a_deeply_nested_file(tmp_path):
    """A cell nested hundreds of levels deep takes the engine's deep-stack retry, as a .py file does."""
    from tf2migrate import engine

    nb = new_notebook()
    nb.cells = [new_code_cell("import tensorflow as tf\nx = tf.placeholder(tf.float32)"), new_code_cell("y = tf.to_float(" + "not " * 500 + "x)")]
    path = write_notebook(tmp_path / "deep.ipynb", nb, indent=1)
    result = engine.process_file(str(path), engine.Options(write=True))
    assert result.status.value == "changed", result.reason
    assert "compat.v1" in sources(path)[0] and sources(path)[1] == "y = tf.to_float(" + "not " * 500 + "x)"
