"""The engine's small parts: rule selection, suppression comments, line mapping, file decoding."""

from __future__ import annotations

import pytest

from tf2migrate.linemap import LineMap
from tf2migrate.selection import Selection, parse_codes
from tf2migrate.sourcefile import SourceError, decode
from tf2migrate.suppression import SuppressionIndex


def test_selection_prefixes_and_precedence():
    assert Selection().enabled("TFM101")
    assert Selection(select=("TFM1",)).enabled("TFM101")
    assert not Selection(select=("TFM1",)).enabled("TFM201")
    assert not Selection(ignore=("TFM2",)).enabled("TFM201")
    assert Selection(select=("TFM201",), ignore=("TFM2",)).enabled("TFM201")
    assert not Selection(select=("TFM2",), ignore=("TFM201",)).enabled("TFM201")
    assert parse_codes(" tfm1, TFM201 ,") == ("TFM1", "TFM201")


def test_suppression_same_line_and_line_above():
    text = (
        "a = 1  # tf2migrate: ignore[TFM101, TFM102]\n"
        "# tf2migrate: ignore[TFM301]\n"
        "b = 2\n"
        "c = 3  # tf2migrate: ignore\n"
        "d = 4\n"
        "s = '# tf2migrate: ignore[TFM401]'\n"
    )
    index = SuppressionIndex.from_text(text)
    assert index.find("TFM101", 1) and index.find("TFM102", 1) and not index.find("TFM103", 1)
    assert index.find("TFM301", 3) and not index.find("TFM302", 3)
    assert index.find("TFM999", 4)
    assert not index.find("TFM999", 5), "a trailing comment does not reach the next line"
    assert not index.find("TFM401", 6), "text inside a string is not a comment"


def test_linemap_maps_back_through_edits():
    original = "a\nb\nc\nd\ne\n"
    current = "a\nX\nY\nc\nd\nnew\ne\n"
    linemap = LineMap(original, current)
    assert [linemap.to_original(n) for n in range(1, 8)] == [1, 2, 2, 3, 4, 5, 5]
    assert LineMap(original, original).to_original(3) == 3


def test_decode_refuses_binary_and_bad_encodings():
    with pytest.raises(SourceError, match="binary"):
        decode("x.py", b"import tensorflow\x00")
    with pytest.raises(SourceError, match="decode"):
        decode("x.py", b"x = '\xff'\n")
    with pytest.raises(SourceError, match="encoding"):
        decode("x.py", b"# -*- coding: no-such-codec -*-\n")
    source = decode("x.py", b"\xef\xbb\xbfx = 1\n")
    assert source.bom and source.text == "x = 1\n" and source.encode(source.text) == b"\xef\xbb\xbfx = 1\n"


def test_output_check_catches_symbol_table_errors():
    """The check on a rule's output compiles it: errors only the symbol table sees are caught too."""
    from tf2migrate.engine import _compiles

    assert _compiles("def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n")
    assert not _compiles("def f():\n    def g():\n        nonlocal x\n        x = 2\n")
    assert not _compiles("x = 1\ndef f():\n    x = 2\n    global x\n")
    assert not _compiles("print 'python 2'\n")


def test_linemap_of_large_texts_matches_sequence_matcher_and_is_fast():
    import difflib
    import random
    import time

    from tf2migrate.linemap import line_opcodes

    rng = random.Random(5)
    original = []
    for index in range(6000):  # many repeated lines (blank, `return x`): SequenceMatcher's worst case
        original.append(rng.choice(["", "    return x", f"    y_{index} = f(x)", "    pass", f"def g_{index}(x):"]))
    current = list(original)
    for index in sorted(rng.sample(range(len(current)), 300), reverse=True):
        choice = rng.random()
        if choice < 0.4:
            current[index] = current[index] + "  # changed"
        elif choice < 0.7:
            current.insert(index, "    import tensorflow.compat.v1 as tf")
        else:
            del current[index]
    start = time.perf_counter()
    opcodes = line_opcodes(original, current)
    assert time.perf_counter() - start < 2.0
    assert opcodes[0][1] == 0 and opcodes[0][3] == 0 and opcodes[-1][2] == len(original) and opcodes[-1][4] == len(current)
    for (tag, i1, i2, j1, j2), following in zip(opcodes, opcodes[1:] + [None]):
        if tag == "equal":
            assert original[i1:i2] == current[j1:j2]
        if following is not None:
            assert (following[1], following[3]) == (i2, j2), "blocks cover both texts in order"
    equal_lines = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
    assert equal_lines >= len(original) - 300 - 10, "300 edits leave all other lines matched"
    small_a, small_b = original[:400], current[:400]
    assert line_opcodes(small_a, small_b) == difflib.SequenceMatcher(None, small_a, small_b, autojunk=False).get_opcodes()
