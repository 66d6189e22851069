"""Keras 2 custom layers and losses through `from keras import backend as K` (written for the tests)."""
import numpy as np
from keras import backend as K
from keras.engine.topology import Layer
from keras.layers import Dense, Input, merge
from keras.models import Model
from keras.utils.np_utils import to_categorical
from keras import initializations


class Attention(Layer):
    def __init__(self, units, **kwargs):
        self.units = units
        super(Attention, self).__init__(**kwargs)

    def build(self, input_shape):
        self.W = K.variable(np.random.normal(size=(input_shape[-1], self.units)))
        self.trainable_weights = [self.W]
        super(Attention, self).build(input_shape)

    def call(self, x, mask=None):
        scores = K.dot(x, self.W)
        weights = K.softmax(K.squeeze(scores, -1))
        return K.sum(x * K.expand_dims(weights), axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], K.int_shape(self.W)[-1])


def yolo_loss(y_true, y_pred):
    mask = K.cast(y_true[..., 4:5], K.dtype(y_pred))
    loss = K.binary_crossentropy(y_true, y_pred, from_logits=True) * mask
    return K.sum(loss) / K.cast(K.shape(y_pred)[0], K.floatx())


def lr_schedule(model, epoch):
    lr = K.get_value(model.optimizer.lr)
    K.set_value(model.optimizer.lr, lr * 0.9)
    return K.eval(model.optimizer.lr)


inputs = Input(shape=(10, 8))
out = Dense(4)(Attention(8)(inputs))
model = Model(input=inputs, output=out)
labels = to_categorical(np.arange(4), 4)
