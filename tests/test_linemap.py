"""`tf2migrate/linemap.py`: lines of a rewritten text mapped back to the text as read (findings name the user's lines)."""

from __future__ import annotations

from tf2migrate.linemap import LineMap

ORIGINAL = """import tensorflow as tf
with arg_scope([fully_connected], normalizer_fn=batch_norm,
               normalizer_params=bn_params):
    hidden = fully_connected(X, 512, scope="h1")
    dropped = dropout(hidden, keep_prob, is_training=train_mode)

    out = fully_connected(dropped, 10, scope="out")
print(out)
"""

UNWRAPPED = """import tensorflow as tf
hidden = graph_fully_connected(X, 512, scope="h1", normalizer_fn=graph_batch_norm)
dropped = dropout(hidden, keep_prob, is_training=train_mode)

out = graph_fully_connected(dropped, 10, scope="out", normalizer_fn=graph_batch_norm)
print(out)
"""


def test_a_line_moved_out_of_an_unwrapped_block_maps_to_itself():
    lines = LineMap(ORIGINAL, UNWRAPPED)
    assert lines.to_original(3) == 5  # `dropped = dropout(...)`, dedented: its own line (was 2, the `with`)
    assert lines.to_original(2) == 2  # a rewritten line of a block of another length: the start of the block
    assert lines.to_original(5) == 7  # rewritten line for line
    assert [lines.to_original(n) for n in (1, 4, 6)] == [1, 6, 8]  # unchanged lines


def test_a_blank_line_is_not_matched_inside_a_rewritten_block():
    original = "with scope():\n    a = 1\n\n    b = 2\n"
    current = "a = 1\nx = 0\nb = 2\n"
    lines = LineMap(original, current)
    assert [lines.to_original(n) for n in (1, 2, 3)] == [2, 1, 4]


def test_unchanged_text_and_line_for_line_rewrites_map_exactly():
    assert LineMap(ORIGINAL, ORIGINAL).to_original(5) == 5
    renamed = ORIGINAL.replace("dropout(", "tf.nn.dropout(")
    assert LineMap(ORIGINAL, renamed).to_original(5) == 5
