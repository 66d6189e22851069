"""Which TensorFlow names make a file a graph program: the tables `graph_plumbing` (TFM251, TFM260,
TFM261) decides with and `plumbing` reads too. A module of their own, so that neither of those two
imports the other (they used to import each other)."""

from __future__ import annotations

from . import api_table

# Sessions-scenario names that are plumbing, not a reason to fall back: part 1 converts them or reports them.
PLUMBING_NAMES = frozenset(
    {
        "tf.get_default_graph",
        "tf.reset_default_graph",
        "tf.enable_eager_execution",
        "tf.enable_v2_behavior",
        "tf.disable_eager_execution",
        "tf.disable_v2_behavior",
    }
)

# What makes a file a graph program: something that runs a graph or feeds it.
GRAPH_DRIVERS = frozenset(
    {
        "feed_dict",
        "tf.Session",
        "tf.InteractiveSession",
        "tf.train.MonitoredSession",
        "tf.train.MonitoredTrainingSession",
        "tf.train.SingularMonitoredSession",
        "tf.placeholder",
        "tf.placeholder_with_default",
        "tf.sparse_placeholder",
        "tf.ragged.placeholder",
        "tf.get_default_session",
        "tf.train.start_queue_runners",
    }
)
EAGER_SWITCHES = frozenset({"tf.enable_eager_execution", "tf.enable_v2_behavior"})


def graph_mode_names() -> frozenset[str]:
    """TF1 names that drive a graph: the API table's sessions scenario, minus plumbing."""
    return frozenset(e.name for e in api_table.iter_kind("scenario") if e.owner == "sessions") - PLUMBING_NAMES


GRAPH_MODE_NAMES = graph_mode_names()
