"""`tf2migrate.gc_policy`: the collector policy is in force during a migration and leaves no trace after it."""

from __future__ import annotations

import gc

import pytest

from tf2migrate import engine, gc_policy
from tf2migrate.selection import Selection

TF1 = """import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
w = tf.Variable(tf.zeros([3, 1]))
y = tf.matmul(x, w)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(y, feed_dict={x: [[1.0, 2.0, 3.0]]}))
"""


def test_policy_in_force_during_a_migration_and_restored_after():
    seen: list[tuple[tuple[int, int, int], int]] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append((gc.get_threshold(), gc.get_freeze_count()))

    before = gc.get_threshold()
    gc.callbacks.append(watch)
    try:
        migration = engine.migrate_text(TF1 * 3, Selection())
    finally:
        gc.callbacks.remove(watch)
    assert migration.changed
    assert any(threshold[2] == gc_policy.RARE_FULL_COLLECTIONS and frozen for threshold, frozen in seen), seen[:5]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0 and gc.isenabled()


def test_restored_after_an_exception():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with gc_policy.collector_policy():
            gc_policy.tree_parsed()
            assert gc.get_freeze_count() > 0 and gc.get_threshold()[2] == gc_policy.RARE_FULL_COLLECTIONS
            raise RuntimeError("a rule failed")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_caller_with_the_collector_disabled_keeps_its_settings():
    before = gc.get_threshold()
    gc.disable()
    try:
        engine.migrate_text(TF1, Selection())
        assert not gc.isenabled() and gc.get_threshold() == before and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_caller_that_froze_objects_keeps_them_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        engine.migrate_text(TF1, Selection())
        assert 0 < gc.get_freeze_count() <= frozen  # neither unfrozen nor frozen more (some were freed meanwhile)
    finally:
        gc.unfreeze()
