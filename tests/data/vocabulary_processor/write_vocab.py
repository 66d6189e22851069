"""Trains a TF1 VocabularyProcessor and saves it (run with TF1 semantics: the pickle names TF1's classes)."""
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

processor = learn.preprocessing.VocabularyProcessor(9, min_frequency=1)
for row in np.array(list(processor.fit_transform(TEXTS + UNSEEN))):
    print(" ".join(str(value) for value in row))
print("size", len(processor.vocabulary_))
processor.save("vocab")
