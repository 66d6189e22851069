"""Run a TF1-era program with TF1 semantics on the installed TensorFlow 2.x.

    python tests/tf1_runner.py program.py [args...]

`tensorflow.compat.v1` with v2 behaviour disabled (graph mode, Sessions, placeholders) stands in for
the `tensorflow` module, so `import tensorflow as tf` and `import tensorflow.compat.v1 as tf` both
get the TF1 API. The equivalence test compares what the original prints this way with what the
migrated program prints under TF2.
"""

from __future__ import annotations

import runpy
import sys


def main() -> None:
    import tensorflow.compat.v1 as tf1

    tf1.disable_v2_behavior()
    sys.modules["tensorflow"] = tf1
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
