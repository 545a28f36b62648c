"""python -m empathy.scoring: refit the sentence classifier on the training sentences and ship its weights."""

from .classifier import WEIGHTS_FILE, SentenceClassifier, load_training_sentences
from .cues import LABELS

fitted = SentenceClassifier.fit()
fitted.save()
print(f"wrote {WEIGHTS_FILE} ({len(LABELS)} labels, {len(load_training_sentences()[0])} sentences)")
