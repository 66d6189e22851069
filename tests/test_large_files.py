"""Guard against work that grows faster than the file: migrating a generated TF1 module of 4N lines must cost
about four times what N lines cost, not sixteen.

Work is counted, not timed: the Python function calls `cProfile` records for `migrate_text` (deterministic
up to set ordering, and blind to other processes on the machine), all of them and those of the tree walks
(`tf2migrate.traversal`: `find`, `walk`, visits), where quadratic slips have come from (a whole-tree walk
per local call, per statement, per fix). Linear code: 4.0 times the lines cost 3.7-3.9 times the calls and
3.5 times the walks. With the lookup of local functions by name walking the whole tree again (one of the
slips fixed in 7c31c1a), the same files cost 6.3 times the calls and 12.1 times the walks.
"""

from __future__ import annotations

import cProfile
import pstats
import sys

from harness import ROOT

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

sys.path.insert(0, str(ROOT / "bench"))
import large_file  # noqa: E402  (bench/large_file.py: the generated TF1 modules of the benchmark)

SMALL = 150


def _calls(text: str) -> tuple[int, int]:
    """All function calls, and those of the tree walks."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        migration = migrate_text(text, Selection(), "large.py")
    finally:
        profiler.disable()
    assert migration.text != text  # the rules did their work (a file left alone would prove nothing)
    stats = pstats.Stats(profiler)
    walks = sum(counts[0] for (filename, _, _), counts in stats.stats.items() if filename.endswith("traversal.py"))  # type: ignore[attr-defined]
    assert walks > 0
    return stats.total_calls, walks  # type: ignore[attr-defined]


def test_work_is_linear_in_the_files_size() -> None:
    migrate_text(large_file.tf1_module(30), Selection(), "warm.py")  # rules loaded, tables read: not counted
    small, large = large_file.tf1_module(SMALL), large_file.tf1_module(4 * SMALL)
    assert large.startswith(small[: len(small) // 2])  # the same program, grown
    lines = (large.count("\n") + 1) / (small.count("\n") + 1)
    (small_calls, small_walks), (large_calls, large_walks) = _calls(small), _calls(large)
    calls, walks = large_calls / small_calls, large_walks / small_walks
    assert calls < 1.4 * lines, f"{lines:.1f} times the lines cost {calls:.1f} times the function calls"
    assert walks < 1.5 * lines, f"{lines:.1f} times the lines cost {walks:.1f} times the calls of tree walks"
