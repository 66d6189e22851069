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
    import os
    from pathlib import Path

    if "rnn_cell" in Path(sys.argv[1]).read_text(encoding="utf-8"):
        # TF1's `tf.nn.rnn_cell` cells are served by tf_keras (Keras 2) on TF 2.16+; set before TensorFlow loads
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow.compat.v1 as tf1

    tf1.disable_v2_behavior()
    sys.modules["tensorflow"] = tf1
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
