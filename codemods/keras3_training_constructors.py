"""Constructors for `codemods/keras3_training.py` (`Keras3Training`' base `Constructors`): Keras 2 optimizers'
`lr` / `decay` (TFM531, a schedule where `decay` is given), Keras 1 model and layer arguments (TFM533, TFM534), and
convolution kernel sizes given positionally (TFM535)."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from .builders import dotted, source_of, with_commas
from .keras3_training_rules import CONV_POSITIONAL, KERAS1_ARGUMENTS, OPTIMIZER_ARGUMENTS, TRAINING_MANUAL
from .keras3_training_tables import CONV_KERNEL_ARITY, DIM_ORDERING, KERAS1_CLASS_KEYWORDS, KERAS1_KEYWORDS, KERAS2_OPTIMIZERS, LAYERS_WITH_WEIGHTS, OPTIMIZER_ALIASES, SPECIAL_KEYWORDS, _int_literal, _kw, _literal_value, _rebuild


class Constructors:
    """`Keras3Training`'s constructor calls (its base; bodies as they were in keras3_training.py)."""

    # TFM531
    def _optimizer_call(self, original: cst.Call, updated: cst.Call, cls: str) -> cst.BaseExpression:
        params, default_lr = KERAS2_OPTIMIZERS[cls]
        has_lr = any(a.keyword is not None and a.keyword.value in ("lr", "decay") for a in updated.args)
        if any(a.star for a in updated.args):
            if has_lr:
                self.flag(original, TRAINING_MANUAL.code, f"`{cls}(...)` with `*args` / `**kwargs`: write `learning_rate=` for `lr=` (Keras 3 rejects `lr`; `decay=` is ignored: use `keras.optimizers.schedules.InverseTimeDecay`)")
            return updated
        values: dict[str, cst.Arg] = {}
        order: list[str] = []
        positional_count = 0
        for index, arg in enumerate(updated.args):
            if arg.keyword is None:
                positional_count += 1
                if index >= len(params):
                    self.flag(original, TRAINING_MANUAL.code, f"`{cls}(...)` has more positional arguments than Keras 2's `{cls}` took: pass them by keyword (`learning_rate=`, ...)")
                    return updated
                key = params[index]
            else:
                key = arg.keyword.value
            values[key] = arg
            order.append(key)
        keyword_keys = {a.keyword.value for a in updated.args if a.keyword is not None}
        legacy_keys = {"lr", "decay", "schedule_decay"} | ({"epsilon"} if "epsilon" in values and _literal_value(values["epsilon"].value) is None else set())
        written = get_full_name_for_node(original.func) or ""
        legacy_spelled = ".optimizers.legacy." in written
        alias_spelled = isinstance(original.func, cst.Attribute) and original.func.attr.value in OPTIMIZER_ALIASES
        if not (legacy_keys & keyword_keys) and positional_count <= 1 and not legacy_spelled and not alias_spelled:
            return updated
        if "schedule_decay" in values:
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(schedule_decay=...)`: Keras 3's `Nadam` has no `schedule_decay` (its momentum schedule is fixed); drop it or port the optimizer")
            return updated
        decay = values.get("decay")
        decay_value = _literal_value(decay.value) if decay is not None else None
        decays = decay is not None and decay_value not in (0, 0.0)
        lr_arg = values.get("lr") or values.get("learning_rate")
        if decays and lr_arg is None and default_lr is None:
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(decay=...)` without a learning rate: Keras 2.2 and tf.keras 2.x had different default rates for `{cls}`; write `learning_rate=keras.optimizers.schedules.InverseTimeDecay(<rate>, decay_steps=1, decay_rate=<decay>)`")
            return updated
        callback = self.rate_callback() if decays else None  # type: ignore[attr-defined]
        if callback is not None:
            line = self.run.linemap.to_original(self.position(callback)[0])  # type: ignore[attr-defined]
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(decay=...)`: this file also sets the learning rate as training runs (`{get_full_name_for_node(callback.func)}`, line {line}); Keras 3 cannot set the rate of a schedule (TypeError when the callback sets it), and Keras 2 applied the decay under the rate the callback set: write `learning_rate=` and fold `lr / (1 + decay * iterations)` into that callback's schedule, or drop `decay=`")
            return updated
        args: list[cst.Arg] = []
        written_lr = False
        notes = []
        for position, key in enumerate(order):
            arg = values[key]
            if key == "decay":
                continue
            if key == "epsilon" and _literal_value(arg.value) is None:
                notes.append("`epsilon=None` dropped (Keras 2 used 1e-7, Keras 3's default)")
                continue
            if key in ("lr", "learning_rate"):
                value = arg.value
                if decays:
                    value = self._schedule(original, value, decay.value)  # type: ignore[union-attr]
                if position == 0 and arg.keyword is None and not decays:
                    args.append(arg)
                else:
                    args.append(_kw("learning_rate", value, arg))
                written_lr = True
                continue
            args.append(arg if arg.keyword is not None else _kw(key, arg.value))
        if decays and not written_lr:
            args.insert(0, _kw("learning_rate", self._schedule(original, cst.Float(default_lr) if "." in default_lr else cst.Integer(default_lr), decay.value)))  # type: ignore[arg-type,union-attr]
        what = []
        if "lr" in keyword_keys:
            what.append("`lr=` is `learning_rate=`")
        if decays:
            what.append("`decay=` is an `InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)` schedule (Keras 2's `lr / (1 + decay * iterations)`)")
        elif decay is not None:
            what.append("`decay=0` dropped")
        if positional_count > 1:
            what.append("Keras 2 positional arguments passed by keyword (Keras 3's order differs)")
        what.extend(notes)
        func = updated.func
        if legacy_spelled:
            what.insert(0, "`optimizers.legacy` is not supported in Keras 3: `optimizers`")
            func = dotted(written.replace(".optimizers.legacy.", ".optimizers."))
        if alias_spelled and isinstance(func, cst.Attribute):
            what.insert(0, f"Keras 3 has no lowercase alias `{func.attr.value}`: `{cls}`")
            func = func.with_changes(attr=cst.Name(cls))
        if not self.offer_fix(original, OPTIMIZER_ARGUMENTS.code, f"Keras 3 `{cls}`: " + "; ".join(what)):
            return updated
        return updated.with_changes(func=func, args=_rebuild(list(updated.args), args) if args or updated.args else [])

    def _schedule(self, original: cst.Call, lr: cst.BaseExpression, decay: cst.BaseExpression) -> cst.Call:
        namespace = self._namespace(original.func)
        return cst.Call(
            func=dotted(f"{namespace}.optimizers.schedules.InverseTimeDecay"),
            args=with_commas([cst.Arg(lr.with_changes() if hasattr(lr, "with_changes") else lr), _kw("decay_steps", cst.Integer("1")), _kw("decay_rate", decay)]),
        )

    # TFM533: Model(input=, output=)
    def _model_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        renames = {"input": "inputs", "output": "outputs"}
        keys = {a.keyword.value for a in original.args if a.keyword is not None}
        if not (keys & set(renames)) or (keys & set(renames.values())):
            return updated
        if not self.offer_fix(original, KERAS1_ARGUMENTS.code, "Keras 3 `Model` takes `inputs=` / `outputs=` (Keras 1 `input=` / `output=`)"):
            return updated
        args = [_kw(renames[a.keyword.value], a.value, a) if a.keyword is not None and a.keyword.value in renames else a for a in updated.args]
        return updated.with_changes(args=args)

    # TFM533 / TFM534: layers
    def _layer_call(self, original: cst.Call, updated: cst.Call, cls: str) -> cst.BaseExpression:
        updated = self._conv_positional(original, updated, cls)
        for arg in original.args:
            if cls[:1].isupper() and cls not in ("Input", "InputLayer") and arg.keyword is not None and arg.keyword.value in ("batch_size", "batch_input_shape"):
                self.flag(arg, TRAINING_MANUAL.code, f"`{cls}(..., {arg.keyword.value}=...)`: Keras 3 layers take no `{arg.keyword.value}` (\"Unrecognized keyword arguments\"); start the model with `keras.Input(batch_shape=(batch_size, *input_shape))` (stateful RNNs need it) and drop the layer's `batch_size=` / `batch_input_shape=` / `input_shape=`")
        if cls[:1].isupper() and cls not in LAYERS_WITH_WEIGHTS and any(a.keyword is not None and a.keyword.value == "weights" for a in original.args):
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(..., weights=...)`: Keras 3 layers take no initial `weights=` (\"Unrecognized keyword arguments\"); drop it and call `layer.set_weights(...)` once the layer is built (after `model.add(layer)` / the first call)")
        table: dict[str, str | None] = {**KERAS1_KEYWORDS, **KERAS1_CLASS_KEYWORDS.get(cls, {})}
        keys = [a.keyword.value for a in original.args if a.keyword is not None]
        hits = [k for k in keys if table.get(k) is not None or k in SPECIAL_KEYWORDS]
        if not hits:
            return updated
        if cls != "BatchNormalization" and "mode" in hits:
            hits.remove("mode")
        if not hits:
            return updated
        problems = []
        args: list[cst.Arg] = []
        notes = []
        by_key = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        current = {a.keyword.value for a in updated.args if a.keyword is not None}
        for arg in updated.args:
            key = arg.keyword.value if arg.keyword is not None else None
            if key is None or key not in hits:
                args.append(arg)
                continue
            if key == "dim_ordering":
                value = _literal_value(arg.value)
                if value not in DIM_ORDERING:
                    problems.append(f"`dim_ordering={source_of(arg.value)}`: write `data_format='channels_last'` ('tf') or `'channels_first'` ('th')")
                    continue
                quote = arg.value.value[0] if isinstance(arg.value, cst.SimpleString) else "'"  # type: ignore[union-attr]
                args.append(_kw("data_format", cst.SimpleString(f"{quote}{DIM_ORDERING[value]}{quote}"), arg))  # type: ignore[index]
                continue
            if key in ("nb_row", "nb_col"):
                if "nb_row" in by_key and "nb_col" in by_key and "kernel_size" not in current:
                    if key == "nb_row":
                        pair = cst.Tuple([cst.Element(by_key["nb_row"].value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(by_key["nb_col"].value)])
                        args.append(_kw("kernel_size", pair, arg))
                    continue
                problems.append("`nb_row=` / `nb_col=` without each other: write `kernel_size=(rows, cols)`")
                continue
            if key == "mode":
                if _literal_value(arg.value) == 0:
                    notes.append("`mode=0` dropped (the only mode Keras 2 kept)")
                    continue
                problems.append(f"`BatchNormalization(mode={source_of(arg.value)})`: Keras 2 already rejected modes other than 0; normalise per sample with `LayerNormalization` or by hand")
                continue
            if key == "consume_less":
                notes.append("`consume_less=` dropped (it chose an implementation, not a result)")
                continue
            if key == "forget_bias_init":
                problems.append("`forget_bias_init=`: Keras 2/3 have `unit_forget_bias=True` (forget-gate bias 1.0); choose it explicitly")
                continue
            new = table[key]
            if new in current:
                problems.append(f"`{key}=` and `{new}=` both given")
                continue
            args.append(_kw(new, arg.value, arg))  # type: ignore[arg-type]
        if problems:
            self.flag(original, TRAINING_MANUAL.code, f"`{cls}(...)` has Keras 1 arguments Keras 3 rejects: " + "; ".join(problems))
            return updated
        renamed = [f"`{k}=` -> `{table[k]}=`" for k in hits if table.get(k) is not None]
        renamed += [f"`{k}=` -> `{new}=`" for k, new in (("dim_ordering", "data_format"), ("nb_row", "kernel_size"), ("nb_col", "kernel_size")) if k in hits]
        message = f"Keras 1 arguments of `{cls}` that Keras 3 rejects: " + "; ".join([", ".join(renamed)] if renamed else [] + notes)
        if renamed and notes:
            message += "; " + "; ".join(notes)
        if not self.offer_fix(original, KERAS1_ARGUMENTS.code, message):
            return updated
        return updated.with_changes(args=_rebuild(list(updated.args), args))

    def _conv_positional(self, original: cst.Call, updated: cst.Call, cls: str) -> cst.Call:
        arity = CONV_KERNEL_ARITY.get(cls)
        if arity is None or not self._standalone(original):
            return updated
        positional = [a for a in original.args if a.keyword is None]
        if any(a.star for a in original.args) or len(positional) != 1 + arity:
            return updated
        sizes = [a.value for a in positional[1:]]
        if any(isinstance(s, (cst.Tuple, cst.List)) for s in sizes):
            return updated
        if not cls.startswith("Convolution"):
            if all(_int_literal(s) for s in sizes):
                self.flag(original, TRAINING_MANUAL.code, f"`{cls}({', '.join(source_of(a.value) for a in positional)})`: standalone Keras 2.3 read this as a {'x'.join(source_of(s) for s in sizes)} kernel (Keras 1 `nb_row, nb_col`), Keras 2.4+ / tf.keras and Keras 3 as kernel {source_of(sizes[0])} with strides {source_of(sizes[-1])}; write `{cls}({source_of(positional[0].value)}, ({', '.join(source_of(s) for s in sizes)}))` or `strides=` explicitly")
            return updated
        exact = all(_int_literal(s) for s in sizes)
        reason = "" if exact else "; unsafe: Keras 2 joined them only when they were ints at run time"
        if not self.offer_fix(original, CONV_POSITIONAL.code, f"Keras 1 `{cls}(nb_filter, {', '.join(['size'] * arity)})`: Keras 3 would read the third argument as strides; the kernel sizes are now one tuple{reason}", unsafe=not exact):
            return updated
        kept = [a for a in updated.args if a.keyword is None]
        elements = [cst.Element(a.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < arity - 1 else cst.MaybeSentinel.DEFAULT) for i, a in enumerate(kept[1:])]
        kernel = kept[1].with_changes(value=cst.Tuple(elements), comma=kept[-1].comma)
        rest = [a for a in updated.args if a.keyword is not None]
        return updated.with_changes(args=[kept[0], kernel, *rest])
