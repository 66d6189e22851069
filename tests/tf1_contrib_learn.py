"""TF1's `tf.contrib.learn.preprocessing.VocabularyProcessor`, for `tests/tf1_runner.py` (via `tests/tf1_contrib.py`):
the reference the execution fixtures of TFM297 (`codemods/vocabulary_processor.py`) are compared with.

TF 1.15 is not installed here, so its pure-Python source is ported: `tensorflow/contrib/learn/python/learn/
preprocessing/text.py` (`TOKENIZER_RE`, `tokenizer`, `VocabularyProcessor`) and `categorical_vocabulary.py`
(`CategoricalVocabulary`), read from the tensorflow/tensorflow repository (the `fetch` tool refused the 2.4 GB
snapshot; the two files were read from the code index at commits 060484b39d0813a5e209f90d9de81413da310cac
and 11461ab3bb368ff98e6bb09984ce0d19d935a277, the contrib tree TF 1.x shipped up to 1.15, removed in 2.0).
The port changes only what Python 3 needs: `six.iteritems(d)` is `d.items()`, `six.text_type` is `str`,
`cPickle` is `pickle`; `gfile.Open` is `tf.io.gfile.GFile` (TF 1.15's `gfile.Open` was that class).
The classes carry TF1's module paths (`__module__`) and those modules are registered in `sys.modules`, so a
pickle that `save` writes here names TF1's classes exactly as a pickle written by TF 1.15 did.
Apache License 2.0, Copyright 2016 The TensorFlow Authors (the code below follows theirs line by line).
"""

from __future__ import annotations

import collections
import pickle
import re
import sys
import types

import numpy as np

TEXT_MODULE = "tensorflow.contrib.learn.python.learn.preprocessing.text"
VOCABULARY_MODULE = "tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary"

TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator):  # type: ignore[no-untyped-def]
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class CategoricalVocabulary(object):
    def __init__(self, unknown_token="<UNK>", support_reverse=True):  # type: ignore[no-untyped-def]
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):  # type: ignore[no-untyped-def]
        return len(self._mapping)

    def freeze(self, freeze=True):  # type: ignore[no-untyped-def]
        self._freeze = freeze

    def get(self, category):  # type: ignore[no-untyped-def]
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):  # type: ignore[no-untyped-def]
        category_id = self.get(category)
        if category_id <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):  # type: ignore[no-untyped-def]
        # Sort by alphabet then reversed frequency.
        self._freq = sorted(sorted(self._freq.items(), key=lambda x: (isinstance(x[0], str), x[0])), key=lambda x: x[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        idx = 1
        for category, count in self._freq:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = idx
            idx += 1
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(self._freq[: idx - 1])

    def reverse(self, class_id):  # type: ignore[no-untyped-def]
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initalized with support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]


def processor_class(tf):  # type: ignore[no-untyped-def]
    """TF1's VocabularyProcessor; `tf` gives `gfile` (the runner's `tensorflow.compat.v1`)."""

    class VocabularyProcessor(object):
        def __init__(self, max_document_length, min_frequency=0, vocabulary=None, tokenizer_fn=None):  # type: ignore[no-untyped-def]
            self.max_document_length = max_document_length
            self.min_frequency = min_frequency
            if vocabulary:
                self.vocabulary_ = vocabulary
            else:
                self.vocabulary_ = CategoricalVocabulary()
            if tokenizer_fn:
                self._tokenizer = tokenizer_fn
            else:
                self._tokenizer = tokenizer

        def fit(self, raw_documents, unused_y=None):  # type: ignore[no-untyped-def]
            for tokens in self._tokenizer(raw_documents):
                for token in tokens:
                    self.vocabulary_.add(token)
            if self.min_frequency > 0:
                self.vocabulary_.trim(self.min_frequency)
            self.vocabulary_.freeze()
            return self

        def fit_transform(self, raw_documents, unused_y=None):  # type: ignore[no-untyped-def]
            self.fit(raw_documents)
            return self.transform(raw_documents)

        def transform(self, raw_documents):  # type: ignore[no-untyped-def]
            for tokens in self._tokenizer(raw_documents):
                word_ids = np.zeros(self.max_document_length, np.int64)
                for idx, token in enumerate(tokens):
                    if idx >= self.max_document_length:
                        break
                    word_ids[idx] = self.vocabulary_.get(token)
                yield word_ids

        def reverse(self, documents):  # type: ignore[no-untyped-def]
            for item in documents:
                output = []
                for class_id in item:
                    output.append(self.vocabulary_.reverse(class_id))
                yield " ".join(output)

        def save(self, filename):  # type: ignore[no-untyped-def]
            with tf.io.gfile.GFile(filename, "wb") as f:
                f.write(pickle.dumps(self))

        @classmethod
        def restore(cls, filename):  # type: ignore[no-untyped-def]
            with tf.io.gfile.GFile(filename, "rb") as f:
                return pickle.loads(f.read())

    return VocabularyProcessor


def learn_module(tf) -> types.ModuleType:  # type: ignore[no-untyped-def]
    """`tensorflow.contrib.learn` with `preprocessing.VocabularyProcessor`, `CategoricalVocabulary`, `tokenizer`;
    TF1's module paths registered so that pickles name the classes as TF 1.15 did."""
    processor = processor_class(tf)
    text = types.ModuleType(TEXT_MODULE)
    vocabulary = types.ModuleType(VOCABULARY_MODULE)
    for name, value, module in (("VocabularyProcessor", processor, text), ("tokenizer", tokenizer, text), ("CategoricalVocabulary", CategoricalVocabulary, vocabulary)):
        value.__module__ = module.__name__
        value.__qualname__ = name
        setattr(module, name, value)
    text.CategoricalVocabulary = CategoricalVocabulary
    learn = types.ModuleType("tensorflow.contrib.learn")
    preprocessing = types.ModuleType("tensorflow.contrib.learn.preprocessing")
    for name in ("VocabularyProcessor", "CategoricalVocabulary", "tokenizer"):
        setattr(preprocessing, name, getattr(text, name))
    learn.preprocessing = preprocessing
    for module in (learn, preprocessing, text, vocabulary):
        sys.modules[module.__name__] = module
    return learn
