"""bench/shared_tree.py (and bench/run.py's `--floor-extra rules`) keep measuring what they say: every codemod a
file wants, run once over one shared tree, on the engine's own parse and codemod set-up."""

from __future__ import annotations

import collections
import importlib.util
import sys
from pathlib import Path

from tf2migrate.codemods import load_codemods, rules_by_code
from tf2migrate.selection import Selection

BENCH = Path(__file__).resolve().parent.parent / "bench"

SESSION_SCRIPT = '''\
import tensorflow as tf
from tensorflow.keras import backend as K

x = tf.placeholder(tf.float32, shape=[None, 3])
w = tf.get_variable("w", shape=[3, 1])
y = tf.matmul(x, w)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(y, feed_dict={x: [[1.0, 2.0, 3.0]]}))
'''


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_wanted_codemod_runs_once_on_the_shared_tree() -> None:
    shared_tree = _load("shared_tree")
    per_codemod: collections.Counter = collections.Counter()
    shared_tree.every_rule_once("script.py", SESSION_SCRIPT, Selection(), rules_by_code(), per_codemod)
    wanted = {codemod.__name__ for codemod in load_codemods() if codemod.wanted(SESSION_SCRIPT, Selection())}
    assert {"Sessions", "Tf1Variables", "GraphPlumbing", "ApiRenames"} <= wanted
    assert set(per_codemod) == wanted


def test_unparsable_text_costs_nothing_and_raises_nothing() -> None:
    shared_tree = _load("shared_tree")
    per_codemod: collections.Counter = collections.Counter()
    shared_tree.every_rule_once("broken.py", "import tensorflow as tf\ndef (:\n", Selection(), rules_by_code(), per_codemod)
    assert not per_codemod


def test_run_py_times_the_shared_tree_bound_on_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SESSION_SCRIPT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("import keras\nmodel = keras.Sequential()\n", encoding="utf-8")
    sys.path.insert(0, str(BENCH))
    try:
        run = _load("run")
        assert run.floor(str(tmp_path), "rules") == 2
    finally:
        while str(BENCH) in sys.path:
            sys.path.remove(str(BENCH))


def test_tf_files_are_what_the_engine_prefilter_lets_through(tmp_path: Path) -> None:
    shared_tree = _load("shared_tree")
    (tmp_path / "model.py").write_text(SESSION_SCRIPT, encoding="utf-8")
    (tmp_path / "helpers.py").write_text("import numpy as np\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("import tensorflow\n", encoding="utf-8")
    (tmp_path / "old.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport keras  # caf\xe9\n")
    assert [Path(name).name for name, _ in shared_tree.tf_files(tmp_path)] == ["model.py"]
