"""TF1 optimizers whose update rule no Keras optimizer configuration reproduces, for the Session rewrite.

What it matches
    `tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
    centered=False, name=...)` in a Session program that codemods/sessions.py converts (TFM201).

What it writes
    A class written into the file before the first statement that builds such an optimizer, and the
    optimizer built from it with TF1's arguments mapped to Keras' (`decay` -> `rho`, TF1's epsilon
    1e-10 passed explicitly):

        class RMSPropV1(tf.keras.optimizers.RMSprop):
            def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
                if name == "velocity":
                    initializer = "ones"
                return super().add_optimizer_variables(trainable_variables, name, initializer)

        optimizer = RMSPropV1(learning_rate=0.001, rho=0.9, epsilon=1e-10)

Why
    Keras 3's `RMSprop.update_step` (keras/src/optimizers/rmsprop.py, Keras 3.15) is TF1's
    `ApplyRMSProp` / `ApplyCenteredRMSProp`: `ms = rho*ms + (1-rho)*g^2`, (centered:
    `mg = rho*mg + (1-rho)*g`, `ms - mg^2`), epsilon under the square root, `mom = momentum*mom +
    lr*g/sqrt(...)`, `var -= mom` (without momentum `var -= lr*g/sqrt(...)`, the same value). What
    differs is the start: TF1 creates the mean square ("rms" slot) with ones, Keras its "velocity"
    variables with zeros, which changes every step's update (the first step of TF1 moves each weight
    by about `lr*g`, Keras' by about `lr*g/sqrt(0.1*g^2)`). The class changes only that initializer, so
    trajectories match TF1 (tests/test_equivalence.py runs both).
"""

from __future__ import annotations

HELPER_BASE = "RMSPropV1"

RMSPROP_V1 = '''
class {name}({tf}.keras.optimizers.RMSprop):
    """TF1's `tf.train.RMSPropOptimizer`: Keras' RMSprop, its mean square starting at 1 instead of 0."""

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        if name == "velocity":
            initializer = "ones"
        return super().add_optimizer_variables(trainable_variables, name, initializer)
'''

# TF1 optimizer -> (Keras class its helper extends, template of the helper written into the file)
HELPERS: dict[str, str] = {"tf.train.RMSPropOptimizer": RMSPROP_V1}


def helper_source(qualified: str, name: str, tf: str) -> str:
    """The class to write into the file for the TF1 optimizer `qualified`, named `name`."""
    return HELPERS[qualified].format(name=name, tf=tf).lstrip("\n")
