"""Names spelled through tensorflow.compat.v1 and tf.compat.v1 chains (written for the tests)."""
import tensorflow.compat.v1 as tf1
import tensorflow as tf

tf1.disable_v2_behavior()
x = tf1.placeholder(tf.float32, [None, 3])
cell = tf1.nn.rnn_cell.LSTMCell(8)
dense = tf1.layers.dense(x, 4)
init = tf.compat.v1.contrib.layers.xavier_initializer()
flags = tf.compat.v1.app.flags
log = tf.compat.v1.logging.info
stacked = tf.compat.v1.pack([x, x])
with tf1.Session() as sess:
    sess.run(tf1.global_variables_initializer())
