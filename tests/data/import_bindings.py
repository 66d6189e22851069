# Constructs where names resolve through imports, and where they do not: tests/test_import_bindings.py compares
# the import bindings' answers with LibCST's scope analysis on every node of this file.
print(tf.constant(1))  # read before the import: a builtin or nothing
import tensorflow as tf
import tensorflow.compat.v1
import tensorflow.compat.v1 as v1
import keras.backend
from tensorflow.keras import backend as K, layers
from tensorflow import *
from . import sibling
from .. import parent as up
from .pkg.mod import thing

try:
    import numpy as np
    np.zeros(3)
except ImportError:
    np = None

if tf.__version__:
    from tensorflow.python.ops import math_ops
else:
    import tensorflow.python.ops.math_ops as math_ops
math_ops.add(1, 2)

x = tensorflow.compat.v1.Session()
y = tensorflow.compat.v1
z = tensorflow.keras.layers.Dense(3)
w = tensorflow.compat.v1.placeholder(tf.float32)[0].shape
K.dot(K.ones(2), keras.backend.ones(2))
tf.get_default_graph().as_default().x
(tf.nn).relu
(x + y).attr
tf.a[tf.b].c
tf.a[tensorflow.compat.v1.x].c
del tf.x
print(len([tf.x for _ in range(3)]), __name__, __file__, None.__class__)


@tf.function
def f(a=tf.ones(1), *args, b: "tf.Tensor" = K.zeros(1), **kwargs) -> tf.Tensor:
    import tensorflow as tf_local
    global gv
    gv = tf.ones(2)
    inner = [v1.get_variable(n) for n in range(3) if tf.is_tensor(n)]
    gen = {k: tf.x for k in tf.y for j in k}
    lam = lambda q=tf.z: q + tf.w
    return tf_local.add(a, b) + layers.Dense(1)(inner)


class Model(tf.keras.Model, metaclass=K.Meta):
    tf = tf.keras
    K = 3

    def call(self, inputs, training=None):
        return tf.nn.relu(K) + self.tf.layers


def g():
    np = 4
    sess = v1.Session()

    def h():
        nonlocal sess
        sess = tf.Session()
        return np, sess.run(tf.ones(1))

    return h


if (n := tf.size(x)) > 0:
    K = None
for layers in range(3):
    pass
with tf.Session() as s:
    s.run(tf.ones(1))
match tf.x:
    case tf.y:
        pass
    case [a, *rest]:
        print(a, rest)
import tensorflow as tf  # bound again later
