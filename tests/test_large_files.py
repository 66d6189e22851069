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


# -- rule-level work on a large file, counted per hot spot (issue 17) ---------------------------------------------
# Each check below failed before the spot was fixed (figures for `large_file.tf1_module(600)`, 17,241 nodes).

_PROFILED: dict[str, pstats.Stats] = {}


def _profile_of_large_module() -> pstats.Stats:
    if "stats" not in _PROFILED:
        migrate_text(large_file.tf1_module(30), Selection(), "warm.py")
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            migrate_text(large_file.tf1_module(4 * SMALL), Selection(), "large.py")
        finally:
            profiler.disable()
        _PROFILED["stats"] = pstats.Stats(profiler)
    return _PROFILED["stats"]


def _count(stats: pstats.Stats, filename: str, function: str, caller: tuple[str, str] | None = None) -> int:
    """Calls of `function` of the file ending `filename` (those made from `caller`'s (file, function) only)."""
    total = 0
    for (path, _, name), (_, calls, _, _, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if not (path.endswith(filename) and name == function):
            continue
        if caller is None:
            total += calls
        else:
            total += sum(c[0] for (p, _, n), c in callers.items() if p.endswith(caller[0]) and n == caller[1])
    return total


def test_whole_module_searches_share_one_walk_per_tree() -> None:
    """A dozen rules search the whole module (`find(module, cst.Call)`, ...): the walk of a tree the engine parsed is
    made once and kept with its text. Before: 30.9 node visits of tree walks per node of the file; now 11.1."""
    import libcst as cst

    from tf2migrate import traversal

    nodes = sum(1 for _ in traversal.walk(cst.parse_module(large_file.tf1_module(4 * SMALL))))
    stats = _profile_of_large_module()
    visits = _count(stats, "traversal.py", "walk") + _count(stats, "traversal.py", "_walk")
    assert visits < 16 * nodes, f"{visits / nodes:.1f} tree-walk node visits per node of the file"


def test_a_kept_module_is_walked_once_for_every_search() -> None:
    import libcst as cst

    from tf2migrate import module_text, traversal

    text = "import tensorflow as tf\n\ndef f(x):\n    return tf.add(x, g(x))\n\nclass A(B):\n    y = [h(i) for i in x]\n"
    module = cst.parse_module(text)
    module_text.remember(module, text)
    profiler = cProfile.Profile()
    profiler.enable()
    calls = traversal.find(module, cst.Call)
    names = traversal.find(module, cst.Name)
    either = traversal.find(module, (cst.FunctionDef, cst.ClassDef))
    statements = traversal.find(module, cst.BaseCompoundStatement)
    walked = list(traversal.walk(module))
    profiler.disable()
    plain = cst.parse_module(text)  # not kept: walked on every search, as before
    assert [n.deep_equals(p) for n, p in zip(walked, traversal.walk(plain))] == [True] * len(walked)
    assert len(walked) == sum(1 for _ in traversal.walk(plain))
    for found, kind in ((calls, cst.Call), (names, cst.Name), (either, (cst.FunctionDef, cst.ClassDef)), (statements, cst.BaseCompoundStatement)):
        assert [type(n) for n in found] == [type(n) for n in traversal.find(plain, kind)]  # type: ignore[arg-type]
        assert all(any(n is w for w in walked) for n in found)
    assert [type(n).__name__ for n in either] == ["FunctionDef", "ClassDef"]
    stats = pstats.Stats(profiler)
    visits = _count(stats, "traversal.py", "walk") + _count(stats, "traversal.py", "_walk")  # a generator's resumptions count
    assert visits <= len(walked) + 1 + 5, f"{visits} node visits for {len(walked)} nodes: the module was walked more than once"
    module_text.forget(module)


def test_tf0_renames_resolves_no_name_in_a_file_without_tf0_calls() -> None:
    """`tf.concat([a, b], 1)`, `tf.split(x, 2)`: TF 1.x spellings that Tf0Renames cannot change are ruled out by their
    spelling, before any name is resolved (the first resolution costs a scope analysis of the whole module).
    Before: 8 resolutions."""
    assert _count(_profile_of_large_module(), "tf0_renames.py", "_tf0_name") == 0


def test_keras3_training_resolves_no_class_base_without_get_updates() -> None:
    """TFM539's check of a Keras 2 optimizer class reads its methods before resolving its bases. Before: 11."""
    assert _count(_profile_of_large_module(), "keras3_training.py", "_keras_bases") == 0


def test_graph_shared_layers_does_not_render_the_module() -> None:
    """The module's text is known (the engine parsed the tree from it): it is not rendered again. Before: 2."""
    assert _count(_profile_of_large_module(), "module.py", "code", caller=("graph_shared_layers.py", "visit_Module")) == 0
