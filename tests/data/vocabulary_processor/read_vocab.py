"""Restores the processor `write_vocab.py` saved and maps the same texts."""
import numpy as np
from tensorflow.contrib import learn

# The same synthetic documents in both programs: repeated and rare words, capitals, apostrophes, a long and an empty one.
TEXTS = [
    "the plot is thin but the film is fun",
    "It's a CamelCase MESS of HTMLTags and well-known clichés",
    "the the film film fun fun thin",
    "one two three four five six seven eight nine ten eleven twelve the film",
    "",
]
UNSEEN = ["never seen words with the film", "FUN Fun fun"]

processor = learn.preprocessing.VocabularyProcessor.restore("vocab")
for row in np.array(list(processor.transform(TEXTS + UNSEEN))):
    print(" ".join(str(value) for value in row))
print("size", len(processor.vocabulary_))
