"""Measure the order TF1 gives a train op and a weight-clipping assignment fetched in the same `sess.run`.

    python tests/tf1_runner.py bench/tf1_fetch_order.py [ref|resource] [gd|rms] [steps]

WGAN programs (wiseodd generative-models wasserstein_gan, dual_gan) run
`sess.run([D_solver, D_loss, clip_D])` with `clip_D = [p.assign(tf.clip_by_value(p, -c, c)) for p in theta_D]`.
Nothing orders the clip and the update in the graph. This program (run with TF1 semantics by tests/tf1_runner.py,
with TF1's reference variables or with resource variables) classifies, for each variable and step, what the run
did to it: `clip(old)` (the update was lost), values within the clip range (the update then the clip), or values
outside it (the clip then the update). It fetches nothing and needs no data.

Measured on TensorFlow 2.21's v1 graph mode, 2 cores, 40 steps (2026-12-04): with reference variables all three
outcomes occur for the same variable from one step to the next (RMSProp, 160 pairs: 109 clip then update, 40 update
then clip, 11 update lost; GradientDescent alike); with resource variables the clip came first in 159 of 160
(variable, step) pairs in one run (the update was lost once) and in 160 of 160 in another. The Session rewrite therefore keeps declining such a
run (TFM212): no eager order reproduces TF1's.
"""

from __future__ import annotations

import collections
import sys

import numpy as np
import tensorflow as tf  # tests/tf1_runner.py serves tensorflow.compat.v1 with v2 behaviour disabled


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "ref"
    optimizer = sys.argv[2] if len(sys.argv) > 2 else "rms"
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    if mode == "resource":
        tf.enable_resource_variables()
    rng = np.random.RandomState(0)
    shapes = [(784, 128), (128,), (128, 1), (1,)]
    X = tf.placeholder(tf.float32, [None, 784])
    theta_D = [tf.Variable(rng.uniform(-0.05, 0.05, s).astype(np.float32)) for s in shapes]
    D_W1, D_b1, D_W2, D_b2 = theta_D
    hidden = tf.nn.relu(tf.matmul(X, D_W1) + D_b1)
    D_loss = tf.reduce_mean(tf.matmul(hidden, D_W2) + D_b2)
    if optimizer == "rms":
        D_solver = tf.train.RMSPropOptimizer(learning_rate=1e-2).minimize(-D_loss, var_list=theta_D)
    else:
        D_solver = tf.train.GradientDescentOptimizer(0.5).minimize(-D_loss, var_list=theta_D)
    clip_D = [p.assign(tf.clip_by_value(p, -0.01, 0.01)) for p in theta_D]
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    counts: collections.Counter[tuple[int, str]] = collections.Counter()
    for _ in range(steps):
        old = sess.run(theta_D)
        sess.run([D_solver, D_loss, clip_D], {X: rng.rand(32, 784).astype(np.float32)})
        for index, (before, after) in enumerate(zip(old, sess.run(theta_D))):
            if np.allclose(after, np.clip(before, -0.01, 0.01), atol=1e-7):
                outcome = "clip(old): the update was lost"
            elif after.max() <= 0.01 + 1e-7 and after.min() >= -0.01 - 1e-7:
                outcome = "within the range: update, then clip"
            else:
                outcome = "outside the range: clip, then update"
            counts[(index, outcome)] += 1
    print(f"{mode} variables, {optimizer}, {steps} steps")
    for (index, outcome), count in sorted(counts.items()):
        print(f"  variable {index} {shapes[index]}: {outcome}: {count}")


if __name__ == "__main__":
    main()
