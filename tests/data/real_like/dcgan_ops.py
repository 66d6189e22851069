"""DCGAN-style ops with tf.contrib, summaries and flags (written for the tests)."""
import tensorflow as tf
from tensorflow.contrib.layers import xavier_initializer

flags = tf.app.flags
flags.DEFINE_integer("epoch", 25, "Epoch to train")
FLAGS = flags.FLAGS

try:
    image_summary = tf.image_summary
    scalar_summary = tf.scalar_summary
    SummaryWriter = tf.train.SummaryWriter
except AttributeError:
    image_summary = tf.summary.image
    scalar_summary = tf.summary.scalar
    SummaryWriter = tf.summary.FileWriter


def batch_norm(x, train=True, name="batch_norm"):
    return tf.contrib.layers.batch_norm(x, decay=0.9, updates_collections=None, epsilon=1e-5, scale=True, is_training=train, scope=name)


def conv2d(input_, output_dim, name="conv2d"):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [5, 5, input_.get_shape()[-1], output_dim], initializer=xavier_initializer())
        conv = tf.nn.conv2d(input_, w, strides=[1, 2, 2, 1], padding="SAME")
        biases = tf.get_variable("biases", [output_dim], initializer=tf.constant_initializer(0.0))
        return tf.reshape(tf.nn.bias_add(conv, biases), conv.get_shape())


def linear(input_, output_size, scope=None):
    with tf.variable_scope(scope or "Linear"):
        matrix = tf.get_variable("Matrix", [input_.get_shape()[1], output_size], tf.float32, tf.contrib.layers.xavier_initializer(uniform=False))
        return tf.matmul(input_, matrix)


def concat(tensors, axis):
    return tf.concat(axis, tensors)


estimator = tf.estimator.DNNClassifier(hidden_units=[10], feature_columns=[])
