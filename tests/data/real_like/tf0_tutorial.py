"""A TF 0.x-era tutorial script (written for the tests: the shapes real code of 2016 had)."""
import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
logits = tf.matmul(x, W) + b
pair = tf.pack([logits, logits])
halves = tf.split(1, 2, logits)
joined = tf.concat(1, halves)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(joined, y))
scaled = tf.mul(cost, 2.0)
tf.scalar_summary("cost", cost)
tf.image_summary("weights", tf.reshape(W, [-1, 28, 28, 1]), max_images=3)
merged = tf.merge_all_summaries()
optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
init = tf.initialize_all_variables()

with tf.Session() as sess:
    writer = tf.train.SummaryWriter("/tmp/logs", sess.graph)
    sess.run(init)
    for step in range(10):
        batch_x, batch_y = mnist.train.next_batch(100)
        _, summary = sess.run([optimizer, merged], feed_dict={x: batch_x, y: batch_y})
        writer.add_summary(summary, step)
    print(sess.run(cost, feed_dict={x: mnist.test.images, y: mnist.test.labels}))
