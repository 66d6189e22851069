"""The dry-run diff of `tf2migrate.diffs`: difflib's hunks for small files; for large ones the same format from
near-linear line matching (difflib's matcher took about 120 s for a 50,000-line file), which `git apply` accepts."""

from __future__ import annotations

import difflib
import random
import shutil
import subprocess
import time

import pytest

from tf2migrate import diffs
from tf2migrate.linemap import EXACT_LIMIT


def _edited(lines: list[bytes], rng: random.Random, edits: int) -> list[bytes]:
    result = list(lines)
    for _ in range(edits):
        k = rng.randint(0, len(result))
        roll = rng.random()
        if roll < 0.4:
            result.insert(k, b"inserted = %d\n" % rng.randint(0, 9))
        elif roll < 0.7 and result:
            del result[min(k, len(result) - 1)]
        elif result:
            result[min(k, len(result) - 1)] = b"changed()\n"
    return result


def _random_lines(rng: random.Random, count: int) -> list[bytes]:
    pool = [b"\n", b"    return x\n", b"x = tf.matmul(x, w)\n", b"import tensorflow as tf\n", b"pass\n"]
    return [rng.choice(pool) if rng.random() < 0.5 else b"line_%d = %d\n" % (i, rng.randint(0, 5)) for i in range(count)]


def test_grouping_is_difflibs():
    rng = random.Random(3)
    for _ in range(300):
        a = _random_lines(rng, rng.randint(0, 80))
        b = _edited(a, rng, rng.randint(0, 10))
        matcher = difflib.SequenceMatcher(None, a, b)
        assert list(diffs._grouped(matcher.get_opcodes(), 3)) == list(matcher.get_grouped_opcodes(3))


def test_large_diff_format_is_difflibs_for_the_same_matching():
    """Below 200 lines difflib's own `unified_diff` matches lines exactly as `line_opcodes` does (no autojunk):
    the large-file writer must then give the very same bytes."""
    rng = random.Random(5)
    for _ in range(200):
        a = _random_lines(rng, rng.randint(0, 90))
        b = _edited(a, rng, rng.randint(1, 10))
        want = b"".join(difflib.diff_bytes(difflib.unified_diff, a, b, fromfile=b"a/f.py", tofile=b"b/f.py"))
        assert b"".join(diffs._large_unified_diff(a, b, b"a/f.py", b"b/f.py")) == want


def _big_pair(lines: int) -> tuple[bytes, bytes]:
    """Generated-looking code: a unique `def` line per function, its body lines each repeated ~every 150 functions
    (too rare for difflib's autojunk, common enough to make its matcher quadratic: ~80 s at 40,000 lines)."""
    rng = random.Random(7)
    body = [b"    x = tf.matmul(x, w_%d)\n", b"    y = tf.nn.relu(x + b_%d)\n", b"    return y * %d\n", b"\n"]
    before: list[bytes] = []
    for i in range(lines // 5):
        before.append(b"def f_%d(x):\n" % i)
        before.extend(line % (i % 150) if b"%d" in line else line for line in body)
    after = list(before)
    for k in sorted(rng.sample(range(len(after)), len(after) // 20), reverse=True):
        after[k] = b"    changed()\n"
    return b"".join(before), b"".join(after)


def test_large_diff_is_fast():
    before, after = _big_pair(40_000)
    start = time.process_time()
    diff = diffs.unified_diff("pkg/big.py", before, after)
    assert time.process_time() - start < 10  # difflib's matcher: minutes on such a pair
    assert diff.startswith("--- a/pkg/big.py\n+++ b/pkg/big.py\n@@ ")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_large_diff_applies_with_git(tmp_path):
    before, after = _big_pair(3 * EXACT_LIMIT)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "big.py").write_bytes(before)
    (tmp_path / "change.patch").write_bytes(diffs.diff_bytes(diffs.unified_diff("pkg/big.py", before, after)))
    applied = subprocess.run(["git", "apply", "change.patch"], cwd=tmp_path, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert (tmp_path / "pkg" / "big.py").read_bytes() == after
