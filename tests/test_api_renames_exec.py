"""API renames under the real TensorFlow: a TF1 program using many renamed/re-keyworded ops is migrated with
the CLI and run under TF 2.21; each result must equal what the same TF1 op gives through `tensorflow.compat.v1`.

The reference is the unmigrated program with `import tensorflow as tf` switched to
`import tensorflow.compat.v1 as tf`: the TF1 ops themselves, run eagerly. Both run in their own process
(fresh random state) and save their results; the test compares them name by name.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from harness import EXEC_FIXTURES, run_python, run_tool

pytestmark = pytest.mark.tensorflow

PROGRAM = EXEC_FIXTURES / "api_renames" / "tf1_ops.py"
IMPORT = re.compile(r"^import tensorflow as tf$", re.M)
# Every TF1 spelling the program uses that TF 2.21 does not have: none may survive the migration.
TF1_ONLY = re.compile(
    r"\btf\.(log|log1p|rsqrt|squared_difference|erf|lgamma|digamma|floordiv|mod|is_nan|is_finite|ceil|reciprocal|"
    r"unsorted_segment_sum|matrix_band_part|matrix_inverse|trace|cholesky|diag|bincount|sparse_tensor_dense_matmul|"
    r"string_join|substr|decode_raw|set_random_seed|random_normal|random_uniform|truncated_normal|to_float|to_int32|"
    r"to_int64|to_double|count_nonzero|extract_image_patches|space_to_depth|losses)\b"
    r"|\bkeep_dims\b|\breduction_indices\b|\bdimension\b|\bsqueeze_dims\b|\bdim\b|\bseq_dim\b|\bkeep_prob\b|_v2\("
)

RUNNER = """
import importlib.util, json, sys
import numpy as np
spec = importlib.util.spec_from_file_location("program", {program!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
results = module.compute()
np.savez({out!r}, **results)
print(json.dumps(sorted(results)))
"""


def _run(program: Path, out: Path) -> list[str]:
    """The program's `compute()` in a fresh TF 2.x process (`run_python`: forked from a zygote that has imported
    TensorFlow, see tests/zygote.py), its results saved to `out`."""
    runner = program.with_name(f"run_{program.stem}.py")
    runner.write_text(RUNNER.format(program=str(program), out=str(out)), encoding="utf-8")
    done = run_python(runner)
    assert done.returncode == 0, f"{program.name} failed:\n{done.stderr[-3000:]}\n--- program ---\n{program.read_text()}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _code_only(text: str) -> str:
    """The program without comments and string literals (the docstring names the TF1 spellings)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return " ".join(t.string for t in tokens if t.type not in (tokenize.COMMENT, tokenize.STRING))


def test_migrated_ops_equal_the_tf1_ops(tmp_path: Path):
    import numpy as np

    source = PROGRAM.read_text(encoding="utf-8")
    assert IMPORT.search(source)
    reference = tmp_path / "reference.py"
    reference.write_text(IMPORT.sub("import tensorflow.compat.v1 as tf", source), encoding="utf-8")
    migrated = tmp_path / "migrated.py"
    migrated.write_text(source, encoding="utf-8")

    fixed = run_tool("fix", "--quiet", "--select", "TFM4", str(migrated))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr  # everything applied, nothing left for a person
    text = migrated.read_text(encoding="utf-8")
    code = _code_only(text)
    assert not TF1_ONLY.findall(code), f"TF1 spellings left: {sorted(set(TF1_ONLY.findall(code)))}\n{text}"
    assert "compat" not in code, "every op of this program has a native TF2 form"

    names_ref = _run(reference, tmp_path / "reference.npz")
    names_new = _run(migrated, tmp_path / "migrated.npz")
    assert names_ref == names_new
    assert len(names_new) >= 60
    ref = np.load(tmp_path / "reference.npz")
    new = np.load(tmp_path / "migrated.npz")
    mismatches = []
    for name in names_ref:
        a, b = ref[name], new[name]
        if a.dtype != b.dtype or a.shape != b.shape:
            mismatches.append(f"{name}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}")
        elif a.dtype.kind in "fc" and not np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True):
            mismatches.append(f"{name}: max difference {np.nanmax(np.abs(a - b))}")
        elif a.dtype.kind not in "fc" and not np.array_equal(a, b):
            mismatches.append(f"{name}: {a.ravel()[:6]} vs {b.ravel()[:6]}")
    assert not mismatches, "\n".join(mismatches)


def test_migration_is_stable(tmp_path: Path):
    program = tmp_path / "program.py"
    program.write_text(PROGRAM.read_text(encoding="utf-8"), encoding="utf-8")
    run_tool("fix", "--quiet", "--select", "TFM4", str(program))
    once = program.read_text(encoding="utf-8")
    again = run_tool("fix", "--format", "json", "--select", "TFM4", str(program))
    assert program.read_text(encoding="utf-8") == once
    findings = json.loads(again.stdout)["files"][0]["findings"]
    assert not [f for f in findings if f["fix"] == "applied"]
    # Left on the second run: only the review note on the TF2 softmax cross-entropy that `..._v2` became
    # (the same spelling is TF1's non-v2 function, which did not backpropagate into the labels).
    assert {f["code"] for f in findings} <= {"TFM406"}
