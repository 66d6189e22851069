"""TFM530-TFM539's rule docs (`codemods/keras3_training.py` has what they match and write)."""

from __future__ import annotations

from tf2migrate.findings import FixKind

from .base import Rule


GENERATOR_METHODS = Rule(
    code="TFM530",
    name="keras-generator-methods",
    fix=FixKind.SAFE,
    summary="`fit_generator` / `evaluate_generator` / `predict_generator` become `fit` / `evaluate` / `predict`.",
    explanation="""
        Keras 3 models have no `*_generator` methods: `fit`, `evaluate` and `predict` take the generator (or
        `keras.utils.Sequence` / `PyDataset`, or `tf.data.Dataset`) directly. Keras 2's positional arguments
        after the generator are passed by keyword (`fit_generator(gen, 100, 5)` -> `fit(gen, steps_per_epoch=100,
        epochs=5)`), `generator=` becomes `x=`, `nb_epoch=` `epochs=`. Keras 3 has no `workers`,
        `use_multiprocessing` or `max_queue_size` arguments: they are dropped when they cannot change the batches
        (`workers` 0 or 1, `use_multiprocessing=False`: one producer keeps the order, only the prefetching goes);
        otherwise the call is reported (TFM539): give the arguments to your `keras.utils.PyDataset` subclass's
        constructor (`super().__init__(workers=4, use_multiprocessing=True)`). `evaluate` and `predict` get
        `verbose=0`, the default of Keras 2's `*_generator` methods. Keras 2 positional arguments past the sixth
        (`fit_generator`) or the second (`evaluate_/predict_generator`) differ between Keras 2.2 and 2.3 and are
        reported.
    """,
    before="""
        model.fit_generator(batches(), 100, 5, callbacks=[lr_drop], workers=1, max_queue_size=10)
        loss = model.evaluate_generator(batches(), steps=10)
    """,
    after="""
        model.fit(batches(), steps_per_epoch=100, epochs=5, callbacks=[lr_drop])
        loss = model.evaluate(batches(), steps=10, verbose=0)
    """,
)

OPTIMIZER_ARGUMENTS = Rule(
    code="TFM531",
    name="keras-optimizer-arguments",
    fix=FixKind.SAFE,
    summary="Keras 2 optimizer arguments: `lr=` -> `learning_rate=`, `decay=` -> an `InverseTimeDecay` schedule.",
    explanation="""
        Keras 3 optimizers reject `lr=` ("Argument(s) not recognized") and ignore `decay=` with a warning, so the
        learning rate no longer decays. `lr=` becomes `learning_rate=`; `decay=d` becomes
        `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`, which
        computes Keras 2's `lr / (1 + d * iterations)` (the step count before the update, as Keras 2 did);
        `decay=0` goes. Without `lr=`, the Keras 2 default is written for `SGD` (0.01), `RMSprop` and `Adam`
        (0.001); for the others Keras 2.2 and tf.keras 2.x had different defaults, so the call is reported.
        `epsilon=None` (Keras 2: the backend epsilon, 1e-7) goes. Positional arguments after the learning rate
        are passed by keyword under their Keras 2 names (Keras 3's order differs: `SGD(0.1, 0.9, 1e-6)` had
        `decay` third). `keras.optimizers.legacy.X` gets the same treatment (TFM520 moves its import).
    """,
    before="""
        opt = keras.optimizers.SGD(lr=0.1, momentum=0.9, decay=1e-4)
        adam = Adam(lr=1e-3, epsilon=None)
    """,
    after="""
        opt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-4), momentum=0.9)
        adam = Adam(learning_rate=1e-3)
    """,
)

LR_ATTRIBUTE = Rule(
    code="TFM532",
    name="keras-optimizer-lr-attribute",
    fix=FixKind.SAFE,
    summary="`model.optimizer.lr` becomes `model.optimizer.learning_rate`.",
    explanation="""
        Keras 3 optimizers have no `lr` attribute (`AttributeError`); `learning_rate` is the same variable (its
        value when the rate is a schedule). Learning-rate callbacks (`K.set_value(self.model.optimizer.lr, v)`,
        `K.get_value(model.optimizer.lr)`) read and write it: the attribute is renamed on any `<...>.optimizer`
        and on a name bound to a Keras optimizer in this file. The `K.get_value` / `K.set_value` calls themselves
        are the backend rules' (`keras.ops` / `Variable.assign`).
    """,
    before="""
        K.set_value(self.model.optimizer.lr, 0.5 * K.get_value(self.model.optimizer.lr))
    """,
    after="""
        K.set_value(self.model.optimizer.learning_rate, 0.5 * K.get_value(self.model.optimizer.learning_rate))
    """,
)

KERAS1_ARGUMENTS = Rule(
    code="TFM533",
    name="keras1-arguments",
    fix=FixKind.SAFE,
    summary="Keras 1 argument names Keras 2 still converted (`output_dim=`, `init=`, `border_mode=`, `nb_epoch=`, `Model(input=)`) get their Keras 2/3 names.",
    explanation="""
        Keras 2 accepted Keras 1 keywords and converted them with a warning (`keras/legacy/interfaces.py`); Keras 3
        raises `ValueError: Unrecognized keyword arguments` or `TypeError`. The keywords are renamed as Keras 2.3.1
        converted them: `output_dim` -> `units` (not on `Embedding`, where `output_dim` is current),
        `init` -> `kernel_initializer` (`embeddings_initializer` on `Embedding`), `W_regularizer` / `b_regularizer` /
        `W_constraint` / `b_constraint` -> `kernel_*` / `bias_*`, `inner_init` -> `recurrent_initializer`,
        `inner_activation` -> `recurrent_activation`, `U_regularizer` -> `recurrent_regularizer`, `dropout_W` /
        `dropout_U` -> `dropout` / `recurrent_dropout`, `border_mode` -> `padding`, `subsample` /
        `subsample_length` / `stride` -> `strides`, `nb_filter` -> `filters`, `filter_length` -> `kernel_size`,
        `pool_length` -> `pool_size`, `atrous_rate` -> `dilation_rate`, `p` -> `rate`, `sigma` -> `stddev`,
        `bias` -> `use_bias`, `beta_init` / `gamma_init` -> `beta_initializer` / `gamma_initializer`,
        `dim_ordering='tf'|'th'` -> `data_format='channels_last'|'channels_first'`, `nb_row=, nb_col=` ->
        `kernel_size=(rows, cols)`; `BatchNormalization(mode=0)` and `consume_less=` (an implementation choice)
        go; `fit(nb_epoch=)` -> `epochs=`; `Model(input=, output=)` -> `Model(inputs=, outputs=)`. Other values
        (`mode=1`, `dim_ordering=variable`, `forget_bias_init=`) are reported (TFM539).
    """,
    before="""
        x = Dense(output_dim=64, init='he_normal', W_regularizer=l2(1e-4))(x)
        model = Model(input=inputs, output=x)
        model.fit(data, labels, nb_epoch=10)
    """,
    after="""
        x = Dense(units=64, kernel_initializer='he_normal', kernel_regularizer=l2(1e-4))(x)
        model = Model(inputs=inputs, outputs=x)
        model.fit(data, labels, epochs=10)
    """,
)

CONV_POSITIONAL = Rule(
    code="TFM534",
    name="keras1-conv-kernel-positional",
    fix=FixKind.SAFE,
    summary="`Convolution2D(nb_filter, nb_row, nb_col)` becomes `Convolution2D(nb_filter, (nb_row, nb_col))`: Keras 3 silently reads the third as strides.",
    explanation="""
        Standalone Keras 2 (up to 2.3.1) read `Convolution2D(32, 3, 3)` and `Conv2D(32, 3, 3)` as Keras 1's
        `(nb_filter, nb_row, nb_col)` when both sizes were ints: a 3x3 kernel, strides 1. Keras 3 (and tf.keras)
        take the third positional argument as `strides`: the same line now builds a 3-wide kernel with strides 3,
        without any error, and the model computes something else. The kernel sizes are joined into a tuple
        (`Convolution3D(n, a, b, c)` likewise). With int literals the fix is safe; with other expressions
        (`kernel[0]`) it is unsafe, since Keras 2 converted only when they were ints at run time. The Keras 2
        name `Conv2D(32, 3, 3)` is reported (TFM539) instead: standalone Keras 2.3 read it as a kernel, Keras
        2.4+ and tf.keras as strides, so the author's Keras decides.
    """,
    before="""
        x = Convolution2D(32, 3, 3, border_mode='same')(x)
    """,
    after="""
        x = Convolution2D(32, (3, 3), padding='same')(x)
    """,
)

OUTPUT_SHAPE_METHOD = Rule(
    code="TFM535",
    name="keras1-output-shape-method",
    fix=FixKind.SAFE,
    summary="A layer's Keras 1 `get_output_shape_for` becomes `compute_output_shape`.",
    explanation="""
        Keras 1 layers declared their output shape in `get_output_shape_for(self, input_shape)`; Keras 2 renamed
        it `compute_output_shape`. Keras 3 never calls the old name, and its `compute_output_shape` raises
        `NotImplementedError` for a custom layer that does not define it. The method (and calls to it on `self`)
        is renamed when the class does not already define `compute_output_shape`.
    """,
    before="""
        class Scale(Layer):
            def get_output_shape_for(self, input_shape):
                return input_shape
    """,
    after="""
        class Scale(Layer):
            def compute_output_shape(self, input_shape):
                return input_shape
    """,
)

PREDICT_CLASSES = Rule(
    code="TFM536",
    name="keras-predict-classes",
    fix=FixKind.SAFE,
    summary="`model.predict_classes(x)` becomes `predict` followed by Keras 2's own argmax / 0.5 threshold.",
    explanation="""
        Keras 3 models (and tf.keras since 2.6) have no `predict_classes`. Keras 2's `Sequential.predict_classes(x,
        batch_size=32, verbose=0)` was `proba = self.predict(x, batch_size, verbose)`, then `proba.argmax(axis=-1)`
        when the last axis has more than one unit, else `(proba > 0.5).astype('int32')`. The call becomes exactly
        that, as one expression (the rule cannot know the output width, so both branches are kept): Keras 3's
        `predict` takes `x, batch_size, verbose` in the same positions (`batch_size=None` is 32), and `verbose=0`
        is written when the call did not set it (Keras 3's default is a progress bar). Left alone: a file that
        defines its own `predict_classes`, and calls with `*args` / `**kwargs` (TFM330 reports those).
    """,
    before="""
        classes = model.predict_classes(x_test, verbose=0)
    """,
    after="""
        classes = (lambda proba: proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32"))(model.predict(x_test, verbose=0))
    """,
)

TRAINING_MANUAL = Rule(
    code="TFM539",
    name="keras-training-manual",
    fix=FixKind.MANUAL,
    summary="Keras 2 training code with no exact Keras 3 rewrite: worker arguments, Keras 1 options, `get_updates` optimizers.",
    explanation="""
        Reported and left as it is:
        - `fit_generator(..., workers=4, use_multiprocessing=True)` and the like: Keras 3's `fit` has no such
          arguments; several producers are configured on the data: subclass `keras.utils.PyDataset` and call
          `super().__init__(workers=4, use_multiprocessing=True, max_queue_size=10)`, or use `tf.data` with
          `num_parallel_calls`. `samples_per_epoch=` / `nb_val_samples=` (Keras 1) counted samples, not
          batches: write `steps_per_epoch=ceil(samples / batch_size)`. Positional arguments whose meaning
          differs between Keras 2.2 and 2.3.
        - Keras 1 keywords with values Keras 2 did not convert either (`BatchNormalization(mode=1)`,
          `dim_ordering=<variable>`, `forget_bias_init=`, `Nadam(schedule_decay=)`), and `decay=` without a
          learning rate on optimizers whose default Keras 2.2 and tf.keras 2.x disagreed on.
        - `Conv2D(32, 3, 3)` in standalone Keras: a 3x3 kernel in Keras 2.3, strides 3 in Keras 2.4+ / Keras 3.
        - Arguments Keras 3 rejects with no exact counterpart: `compile(target_tensors=)` (targets come from
          the data: `fit(dataset)`), `compile(sample_weight_mode=)` (read from the weights' shape), a layer's
          initial `weights=` that TFM537 cannot turn into initializers (`layer.set_weights(...)` once built;
          `Embedding` keeps it), a layer's `batch_size=` / `batch_input_shape=` where TFM538 cannot put a
          `keras.Input(batch_shape=...)` first, `TensorBoard(batch_size=, write_grads=, embeddings_layer_names=,
          embeddings_data=)` that TFM542 does not drop; and `model.add_loss(tensor)` at module
          level (a functional model's symbolic loss: put it in a layer's `call` or in `train_step`).
        - A learning rate set (`K.set_value(model.optimizer.lr, v)`, `.lr.assign(v)`) in a file whose only optimizer gets
          `decay=` (with several optimizers, the TFM532 finding carries the warning): TFM531 makes the rate an `InverseTimeDecay` schedule, whose value cannot be set; Keras 2 changed
          the base rate under the decay. Write the whole policy as a `LearningRateScheduler` or a custom schedule.
        - An optimizer's `decay=` in a file that also uses `LearningRateScheduler` or `ReduceLROnPlateau`: those
          set the rate as training runs, which a Keras 3 schedule does not allow (TypeError at the first epoch),
          so TFM531 leaves the optimizer as it is: fold `lr / (1 + decay * iterations)` into the callback's
          schedule and write `learning_rate=`, or drop `decay=`.
        - `model.metrics_names` of a model made in the file: Keras 3 gives `['loss', 'compile_metrics']`, not one
          name per compiled metric (Keras 2: `['loss', 'acc']`), so scores zipped or indexed with it get other
          names: use `model.evaluate(..., return_dict=True)` or the History's keys.
        - A custom optimizer built on Keras 2's `get_updates(loss, params)`: Keras 3 calls `build(variables)`
          and `update_step(gradient, variable, learning_rate)` (and `fit` raises `NotImplementedError`
          otherwise); port the update rule to those methods, as `keras.optimizers.SGD`'s source does.
    """,
    before="""
        class MyOptimizer(keras.optimizers.Optimizer):
            def get_updates(self, loss, params):
                ...
    """,
    after="""
        class MyOptimizer(keras.optimizers.Optimizer):
            def build(self, variables):
                ...
            def update_step(self, gradient, variable, learning_rate):
                ...
    """,
)

RULES = (GENERATOR_METHODS, OPTIMIZER_ARGUMENTS, LR_ATTRIBUTE, KERAS1_ARGUMENTS, CONV_POSITIONAL, OUTPUT_SHAPE_METHOD, PREDICT_CLASSES, TRAINING_MANUAL)
