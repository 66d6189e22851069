"""The streaming-metric part of the Session rewrite (codemods/session_metrics.py, TFM262/TFM263): what keeps a
program in graph mode when the metric rewrite may not act, and the helper written into the file."""

from __future__ import annotations

from tf2migrate.engine import migrate_text
from tf2migrate.selection import Selection

PROGRAM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
running = tf.metrics.{metric}(x)[1]{comment}
with tf.Session() as sess:
    sess.run(tf.group(tf.global_variables_initializer(), tf.local_variables_initializer()))
    print(sess.run(running, feed_dict={{x: [1.0, 2.0]}}))
"""


def _codes(migration) -> dict[str, list[str]]:  # noqa: ANN001
    found: dict[str, list[str]] = {}
    for finding in migration.findings:
        found.setdefault(finding.code, []).append(finding.message)
    return found


def test_converted_with_the_helper_once():
    migration = migrate_text(PROGRAM.format(metric="mean", comment=""), Selection())
    assert "TFM201" in _codes(migration) and "TFM262" in _codes(migration)
    assert migration.text.count("class StreamingMean") == 1 and "running_metric = StreamingMean()" in migration.text
    assert "Session" not in migration.text and "tf.metrics.mean(" not in migration.text and "tf.group" not in migration.text
    assert migrate_text(migration.text, Selection()).text == migration.text  # idempotent


def test_metric_rewrite_not_selected_keeps_graph_mode():
    migration = migrate_text(PROGRAM.format(metric="mean", comment=""), Selection(ignore=("TFM262",)))
    assert "TFM201" not in _codes(migration)
    assert any("TFM262" in message and "not selected" in message for message in _codes(migration)["TFM263"])
    assert "tensorflow.compat.v1" in migration.text  # the graph-mode fallback runs the metric as TF1 did


def test_metric_rewrite_suppressed_keeps_graph_mode():
    migration = migrate_text(PROGRAM.format(metric="mean", comment="  # tf2migrate: ignore[TFM262]"), Selection())
    assert "TFM201" not in _codes(migration) and "TFM263" in _codes(migration)


def test_other_metrics_are_reported():
    migration = migrate_text(PROGRAM.format(metric="auc", comment=""), Selection())
    assert "TFM201" not in _codes(migration)
    assert any("tf.metrics.auc" in message and "accuracy" in message for message in _codes(migration)["TFM263"])
