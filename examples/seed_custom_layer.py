"""The seed article's first example: a custom layer written for TensorFlow 1.x / Keras 2."""
import tensorflow as tf
from tensorflow.python.keras import backend as K


class MyCustomLayer(tf.keras.layers.Layer):
    def __init__(self, **kwargs):
        super(MyCustomLayer, self).__init__(**kwargs)
        self.my_variable = tf.Variable(0.0, name='my_var')
        g = tf.keras.backend.get_graph()  # ERROR on TF 2.16+: no attribute 'get_graph'

    def call(self, inputs):
        return inputs + K.relu(self.my_variable)
