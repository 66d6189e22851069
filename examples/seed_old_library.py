"""The seed article's third example: a graph handed to a library written for TF1."""
import tensorflow as tf
import my_old_lib

my_tensor = tf.constant([1.0, 2.0])
graph = tf.keras.backend.get_graph()
my_old_lib.some_function(graph, my_tensor)
