"""TFM544 NumPy's removed builtin aliases (`np.float`, `np.int`, `np.bool`, ...) become the builtins they were.

What it matches
    `<numpy>.float`, `.int`, `.bool`, `.object`, `.str`, `.complex`, `.long`, `.unicode` where `<numpy>` is the
    module `numpy` as this file imports it (`import numpy as np`, `import numpy`), in any expression
    (`dtype=np.float`, `.astype(np.int)`, `isinstance(x, np.bool)`).

What it writes
    The builtin the alias was: `float`, `int`, `bool`, `object`, `str`, `complex`, `int` (`long`), `str`
    (`unicode`), unless the file binds that builtin's name to something else (then it only reports). The
    aliases NumPy 2.0 removed (`np.float_`, `np.NaN`, `np.Inf`, ...) become the NumPy names they stood for.

Why
    NumPy 1.20 deprecated these aliases and NumPy 1.24 removed them (`AttributeError: module 'numpy' has no
    attribute 'float'`); TensorFlow 2.21 needs NumPy 2, where `np.bool` and `np.long` came back with another
    meaning (`np.bool_`, C `long`). Until 1.20 each was the builtin itself (`np.float is float`), so the builtin
    is exactly what the TF1 / Keras 2 code meant, in a dtype and everywhere else.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import BuiltinAssignment, QualifiedNameProvider, QualifiedNameSource, ScopeProvider

from tf2migrate.findings import FixKind

from .base import Codemod, Rule

NUMPY_ALIAS = Rule(
    code="TFM544",
    name="numpy-removed-alias",
    fix=FixKind.SAFE,
    summary="NumPy's removed aliases of builtins (`np.float`, `np.int`, `np.bool`, `np.object`, `np.str`, ...) become the builtins; NumPy 2.0's removed aliases (`np.float_`, `np.NaN`, ...) the names they stood for.",
    explanation="""
        Until NumPy 1.20, `np.float`, `np.int`, `np.bool`, `np.object`, `np.str`, `np.complex`, `np.long` and
        `np.unicode` were the Python builtins themselves (`np.float is float`); NumPy 1.24 removed them
        (`AttributeError: module 'numpy' has no attribute 'float'`), and TensorFlow 2.21 installs NumPy 2, where
        `np.bool` and `np.long` exist again with another meaning (`np.bool_`, the C `long`). TF1 and Keras 2 code
        uses them as dtypes (`np.zeros(shape, dtype=np.float)`, `.astype(np.int)`). Each becomes the builtin it
        was (`long` -> `int`, `unicode` -> `str`), which is exact wherever it appears. Only attributes of the
        module `numpy` as the file imports it; left alone (and reported) where the file binds the builtin's name
        to something else. `from numpy import float` is not rewritten. The aliases NumPy 2.0 removed (NEP 52)
        become the NumPy names they were bound to: `np.float_` -> `np.float64`, `np.complex_` / `np.cfloat` ->
        `np.complex128`, `np.singlecomplex` -> `np.complex64`, `np.longfloat` -> `np.longdouble`, `np.clongfloat`
        / `np.longcomplex` -> `np.clongdouble`, `np.unicode_` -> `np.str_`, `np.string_` -> `np.bytes_`,
        `np.NaN` -> `np.nan`, `np.Inf` / `np.Infinity` / `np.infty` -> `np.inf`. `np.reshape(a, newshape=s)`
        (a keyword later NumPy 2 releases removed) passes the shape by position, which every NumPy accepts.
    """,
    before="""
        import numpy as np
        noisy_movies = np.zeros((n_samples, n_frames, row, col, 1), dtype=np.float)
        labels = np.round(boxes).astype(np.int)
        scores = np.full(n, np.NaN, dtype=np.float_)
    """,
    after="""
        import numpy as np
        noisy_movies = np.zeros((n_samples, n_frames, row, col, 1), dtype=float)
        labels = np.round(boxes).astype(int)
        scores = np.full(n, np.nan, dtype=np.float64)
    """,
)

RULES = (NUMPY_ALIAS,)

# alias -> the builtin it was (NumPy < 1.20)
ALIASES = {
    "float": "float",
    "int": "int",
    "bool": "bool",
    "object": "object",
    "str": "str",
    "complex": "complex",
    "long": "int",
    "unicode": "str",
}

# NumPy 2.0 (NEP 52) removed these aliases of NumPy names: alias -> the NumPy name it was.
NUMPY2_ALIASES = {
    "float_": "float64",
    "complex_": "complex128",
    "cfloat": "complex128",
    "singlecomplex": "complex64",
    "longfloat": "longdouble",
    "clongfloat": "clongdouble",
    "longcomplex": "clongdouble",
    "unicode_": "str_",
    "string_": "bytes_",
    "NaN": "nan",
    "Inf": "inf",
    "Infinity": "inf",
    "infty": "inf",
}


class NumpyAliases(Codemod):
    RULES = RULES
    TRIGGERS = ("numpy",)

    @classmethod
    def wanted(cls, text: str, selection) -> bool:  # type: ignore[no-untyped-def]
        return super().wanted(text, selection) and (any(f".{alias}" in text for alias in (*ALIASES, *NUMPY2_ALIASES)) or "newshape" in text)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """`np.reshape(a, newshape=s)` -> `np.reshape(a, s)`: NumPy 2.1 renamed the keyword `shape` and later
        NumPy 2 releases removed `newshape` (TypeError); as the second positional argument it is the same on every version."""
        arguments = original_node.args
        if len(arguments) != 2 or arguments[0].keyword is not None or arguments[0].star or arguments[1].keyword is None or arguments[1].keyword.value != "newshape":
            return updated_node
        found = self.get_metadata(QualifiedNameProvider, original_node.func, None) or set()
        if not found or any(q.source is not QualifiedNameSource.IMPORT or q.name != "numpy.reshape" for q in found):
            return updated_node
        if not self.offer_fix(original_node, NUMPY_ALIAS.code, "`numpy.reshape(..., newshape=...)`: NumPy 2 removed the keyword `newshape` (now `shape`); passed by position"):
            return updated_node
        second = updated_node.args[1]
        return updated_node.with_changes(args=[updated_node.args[0], second.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)])

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        alias = original_node.attr.value
        if (alias not in ALIASES and alias not in NUMPY2_ALIASES) or not isinstance(original_node.value, (cst.Name, cst.Attribute)):
            return updated_node
        found = self.get_metadata(QualifiedNameProvider, original_node, None) or set()
        if not found or any(q.source is not QualifiedNameSource.IMPORT or q.name != f"numpy.{alias}" for q in found):
            return updated_node
        if alias in NUMPY2_ALIASES:
            target = NUMPY2_ALIASES[alias]
            if not self.offer_fix(original_node, NUMPY_ALIAS.code, f"`numpy.{alias}` was removed in NumPy 2.0: it was `numpy.{target}`"):
                return updated_node
            return updated_node.with_changes(attr=cst.Name(target))
        builtin = ALIASES[alias]
        scope = self.get_metadata(ScopeProvider, original_node, None)
        if scope is not None and any(not isinstance(a, BuiltinAssignment) for a in scope.assignments[builtin]):
            self.flag(original_node, NUMPY_ALIAS.code, f"`numpy.{alias}` was removed in NumPy 1.24 (it was the builtin `{builtin}`), but this file binds `{builtin}` to something else: write `builtins.{builtin}`")
            return updated_node
        if not self.offer_fix(original_node, NUMPY_ALIAS.code, f"`numpy.{alias}` was removed in NumPy 1.24: it was the builtin `{builtin}`"):
            return updated_node
        return cst.Name(builtin)


CODEMOD = NumpyAliases
