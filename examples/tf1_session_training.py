"""The seed article's second scenario: a TF1 training script (placeholders, Session, feed_dict).

On TensorFlow 2.16+ it fails at once (`module 'tensorflow' has no attribute 'placeholder'`);
`tf_upgrade_v2` turns it into `tf.compat.v1` calls that still crash under eager execution.
`tf2migrate fix` rewrites it as eager TF2: functions of the former placeholders, a
`tf.function` train step with `tf.GradientTape`, and plain calls instead of `sess.run`.
"""
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
features = rng.normal(size=(256, 3)).astype(np.float32)
targets = features @ np.array([[1.5], [-2.0], [0.5]], dtype=np.float32) + 0.3

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])

W = tf.Variable(tf.zeros([3, 1]), name="W")
b = tf.Variable(tf.zeros([1]), name="b")

prediction = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.square(prediction - y))
train_op = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(200):
        start = (step * 32) % len(features)
        _, batch_loss = sess.run([train_op, loss], feed_dict={x: features[start:start + 32], y: targets[start:start + 32]})
        if step % 50 == 0:
            print("step", step, "loss", batch_loss)
    print("final loss", sess.run(loss, feed_dict={x: features, y: targets}))
    print("W", sess.run(W).ravel(), "b", sess.run(b))
