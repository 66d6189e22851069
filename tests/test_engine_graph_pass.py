"""The engine's graph-mode pass (`engine._graph_mode_pass`) resumes from the first pass's record instead of
migrating the file again from scratch: its result must be the one of two whole passes (`_migrate_once`),
and which codemods it may reuse rests on `FileRun.graph_mode` reads being recorded."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from harness import GoldenCase, golden_cases
from tf2migrate import engine
from tf2migrate.codemods import load_codemods
from tf2migrate.codemods.base import FileRun, GraphMode, GraphModePassDue
from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection
from tf2migrate.suppression import SuppressionIndex

CODEMODS = Path(engine.__file__).resolve().parent / "codemods"


def _graph_mode_cases() -> list[GoldenCase]:
    """Golden cases of the graph-mode fallback: their expected findings include TFM260, TFM261 or TFM293."""
    return [
        case
        for case in golden_cases()
        if case.findings_file.exists() and re.search(r"^TFM(260|261|293) ", case.findings_file.read_text(encoding="utf-8"), re.M)
    ]


CASES = _graph_mode_cases()


def _selection_for(case: GoldenCase) -> Selection:
    from tf2migrate.cli import _selection, fix

    params = fix.make_context("fix", [*case.options(), str(case.source)]).params
    return _selection(params["select"], params["ignore"], params["unsafe_fixes"], params["legacy_keras_fallback"])


def _two_whole_passes(text: str, selection: Selection, filename: str) -> engine.Migration:
    """What `migrate_text` did before it resumed: a whole first pass, then a whole graph-mode pass."""
    first, unproven, stays = engine._migrate_once(text, selection, filename, graph_mode=False)
    if not (unproven and stays):
        return first
    again, _, _ = engine._migrate_once(text, selection, filename, graph_mode=True)
    return engine._with_first_reasons(again, first.findings)


def test_graph_mode_pass_resumes_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    resumed_at: list[int] = []
    graph_mode_pass = engine._graph_mode_pass

    def recording(first: engine._Pass) -> engine.Migration:
        assert first.steps is not None
        resumed_at.append(next(i for i, step in enumerate(first.steps) if step.graph_mode_read))
        return graph_mode_pass(first)

    abandoned: list[str] = []
    run_one = engine._Pass._run_one

    def noting(self: engine._Pass, index: int, codemod_class: type, abandon_when_kept: bool = False) -> bool:
        finished = run_one(self, index, codemod_class, abandon_when_kept)
        if not finished:
            abandoned.append(codemod_class.__name__)
        return finished

    monkeypatch.setattr(engine, "_graph_mode_pass", recording)
    monkeypatch.setattr(engine._Pass, "_run_one", noting)
    assert len(CASES) >= 10
    for case in CASES:
        for path in (case.source, case.expected):
            if not path.exists():
                continue
            text, selection = path.read_text(encoding="utf-8"), _selection_for(case)
            migration = engine.migrate_text(text, selection, str(path))
            reference = _two_whole_passes(text, selection, str(path))
            assert migration.text == reference.text, path
            assert migration.findings == reference.findings, path
    assert len(resumed_at) >= 10, "the graph-mode pass runs on these fixtures"
    assert min(resumed_at) > 0 and max(resumed_at) > min(resumed_at), "it resumes after the codemods that did not read graph_mode"
    assert abandoned and set(abandoned) == {"GraphPlumbing"}, "first passes end at the fallback's verdict, and only there"


def test_first_pass_stops_only_after_the_session_rules_and_the_fallback() -> None:
    known = engine._declines_known()
    codemods = load_codemods()
    assert 0 < known < len(codemods)
    assert engine.FALLBACK in {rule.code for rule in codemods[known - 1].RULES}
    sessions = [i for i, codemod in enumerate(codemods) if {"TFM211", "TFM214"} & {rule.code for rule in codemod.RULES}]
    assert sessions and max(sessions) < known


def test_a_manual_session_decline_after_the_fallback_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the first pass's early stop relies on is checked on every file (MnistReader, after the fallback, owns
    TFM215 and only applies it: made to report it as manual, it fails the file)."""
    from tf2migrate.codemods import mnist_reader

    monkeypatch.setattr(mnist_reader.MnistReader, "offer_fix", lambda self, node, code, message, **_: self.flag(node, code, message) or False)
    text = "import tensorflow as tf\nfrom tensorflow.examples.tutorials.mnist import input_data\nmnist = input_data.read_data_sets('/tmp/data', one_hot=True)\n"
    with pytest.raises(engine.MigrationError, match="Session decline after the graph-mode fallback"):
        engine.migrate_text(text, Selection())
    monkeypatch.undo()
    assert any(f.code == "TFM215" for f in engine.migrate_text(text, Selection()).findings)


def _run(graph_mode: bool) -> FileRun:
    return FileRun(Selection(), SuppressionIndex.from_text(""), LineMap("", ""), {}, graph=GraphMode(graph_mode))


def test_reading_graph_mode_is_recorded_also_through_a_copy() -> None:
    run = _run(True)
    assert not run.graph.read
    copy = dataclasses.replace(run, findings=[], fixes_applied=0, used_suppressions=set())
    assert not run.graph.read, "copying a run is not a read"
    assert copy.graph_mode is True
    assert run.graph.read, "a trial run through a copy counts for the codemod that made it"
    assert _run(False).graph_mode is False


def test_codemods_read_graph_mode_only_through_the_recorded_property() -> None:
    """`FileRun.graph.on` (or a GraphMode of their own) would bypass the record the graph-mode pass relies on."""
    for path in sorted(CODEMODS.glob("*.py")):
        if path.name == "base.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bgraph\.on\b|\bGraphMode\b|\bgraph\.read\b", source), path.name


def test_keeping_graph_mode_ends_a_codemod_only_when_the_engine_says_so() -> None:
    run = _run(False)
    run.keep_graph_mode()
    assert run.stays_in_graph_mode
    run = dataclasses.replace(_run(False), abandon_when_kept=True)
    with pytest.raises(GraphModePassDue):
        run.keep_graph_mode()
    assert run.stays_in_graph_mode


def test_ending_a_pass_before_the_fallback_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first pass may end early only at the fallback's verdict: the Session declines are all known there."""
    from tf2migrate.codemods import sessions

    def ends_the_pass(self, node):  # type: ignore[no-untyped-def]
        raise GraphModePassDue

    monkeypatch.setattr(sessions.Sessions, "visit_Module", ends_the_pass)
    text = "import tensorflow as tf\nx = tf.compat.v1.get_variable('x', [1])\nwith tf.Session() as sess:\n    sess.run(x)\n"
    with pytest.raises(engine.MigrationError, match="internal error in Sessions: ended a pass before the graph-mode fallback"):
        engine.migrate_text(text, Selection())


def test_an_ended_first_pass_lets_its_metadata_go_before_the_graph_mode_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its last tree's metadata (scope analyses: reference cycles) is collected before the graph-mode pass
    builds its own, as after any pass that lets a tree go (peak memory: a generated 16,010-line file 753 MB
    without this collection, 708 MB with it): a full collection when the graph-mode pass starts finds
    (almost) nothing left to free."""
    import gc

    left: list[int] = []
    run_one = engine._Pass._run_one
    state = {"ended": False}

    def noting(self: engine._Pass, index: int, codemod_class: type, abandon_when_kept: bool = False) -> bool:
        if self.graph_mode and state["ended"]:
            state["ended"] = False
            left.append(gc.collect())
        finished = run_one(self, index, codemod_class, abandon_when_kept)
        state["ended"] |= not finished
        return finished

    monkeypatch.setattr(engine._Pass, "_run_one", noting)
    for case in CASES:
        engine.migrate_text(case.source.read_text(encoding="utf-8"), _selection_for(case), str(case.source))
    assert len(left) >= 5
    assert max(left) < 100, left


def test_an_ended_first_pass_forgets_its_last_trees_text_and_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text store keeps the last trees' texts, CPython `ast`s and walks (`module_text`): the ended pass's
    last tree is dropped from it when the graph-mode pass starts elsewhere (peak RSS on a generated
    50,004-line file 2,130 -> 2,045 MB)."""
    from tf2migrate.module_text import known_text

    run_one = engine._Pass._run_one
    state: dict = {"tree": None}
    checked: list[bool] = []

    def noting(self: engine._Pass, index: int, codemod_class: type, abandon_when_kept: bool = False) -> bool:
        if self.graph_mode and state["tree"] is not None:
            ended_tree, state["tree"] = state["tree"], None
            checked.append(ended_tree is self.tree or known_text(ended_tree) is None)
        finished = run_one(self, index, codemod_class, abandon_when_kept)
        if not finished:
            state["tree"] = self.tree
        return finished

    monkeypatch.setattr(engine._Pass, "_run_one", noting)
    for case in CASES:
        engine.migrate_text(case.source.read_text(encoding="utf-8"), _selection_for(case), str(case.source))
    assert len(checked) >= 5 and all(checked), checked
