"""Keras 2 code through `tensorflow.keras` and `keras` side by side (written for the tests)."""
import tensorflow as tf
import keras
import keras.backend as KB
from tensorflow.keras import backend as K
from keras.layers.convolutional import Conv2D
from keras.layers.normalization import BatchNormalization
from keras.optimizers import Adam
from keras.wrappers.scikit_learn import KerasClassifier


def build(n):
    model = keras.models.Sequential()
    model.add(Conv2D(8, (3, 3), input_shape=(8, 8, 1)))
    model.add(BatchNormalization())
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(n, activation="softmax"))
    model.compile(optimizer=Adam(lr=1e-3), loss="categorical_crossentropy")
    return model


session = K.get_session()
K.set_learning_phase(0)
shape = KB.int_shape(tf.zeros([2, 3]))
value = KB.get_value(KB.variable(3.0))
legacy = K.variable(1.0)
graph = tf.get_default_graph()
clf = KerasClassifier(build_fn=lambda: build(3))
keras.backend.set_session(session)
