"""TFM297: a vocabulary saved by TF1's `VocabularyProcessor` (TF 1.15's class, ported in tests/tf1_contrib_learn.py,
run with TF1 semantics) is restored by the class the rewrite writes into the migrated program, with the same ids.

The equality of ids for `fit`, `transform`, `min_frequency`, `reverse` and the rewrite's own save/restore is the
execution fixture fixtures/exec/contrib_learn/vocabulary_processor.py (tests/test_equivalence.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import run_python, run_tf1, run_tool

DATA = Path(__file__).resolve().parent / "data" / "vocabulary_processor"

pytestmark = pytest.mark.tensorflow


def test_a_pickle_written_by_tf1s_class_is_restored_with_the_same_ids(tmp_path: Path):
    for name in ("write_vocab.py", "read_vocab.py"):
        shutil.copyfile(DATA / name, tmp_path / name)

    written = run_tf1(tmp_path / "write_vocab.py")
    assert written.returncode == 0, written.stderr[-3000:]
    assert b"tensorflow.contrib.learn.python.learn.preprocessing.text" in (tmp_path / "vocab").read_bytes()  # TF1's class path

    fixed = run_tool("fix", str(tmp_path / "read_vocab.py"))
    assert fixed.returncode in (0, 1), fixed.stderr
    migrated = (tmp_path / "read_vocab.py").read_text(encoding="utf-8")
    assert "contrib" not in migrated.split("class CategoricalVocabulary")[0] and "VocabularyProcessor.restore(" in migrated

    read = run_python(tmp_path / "read_vocab.py")
    assert read.returncode == 0, read.stderr[-3000:]
    assert read.stdout.split() == written.stdout.split() and "size" in read.stdout
