"""Emotional reactions, interpretations and explorations, learned from the human labels of EPITOME.

The three communication mechanisms of the EPITOME framework (Sharma et al., 2020), predicted for a reply:
the probability that a human annotator would mark each mechanism present (level 1 or 2, against level 0),
plus per-sentence probabilities so the UI can highlight the sentences that carry a mechanism.

Three small models per mechanism, stacked by a logistic regression on their logits (stacked, they beat
each one alone in cross-validation; ``benchmarks/epitome_scoring.py`` reports both):

* word TF-IDF (unigrams, bigrams, "?" and "!") logistic regression on the whole reply;
* logistic regression on the mean and the max of the reply's MiniLM sentence embeddings;
* a sentence classifier (MiniLM embedding + sentence TF-IDF) trained on the annotators' rationale spans,
  whose most confident sentence is the reply's third feature and whose probabilities give the spans.

Layout: ``model`` (run time, numpy only), ``data`` (EPITOME's CSVs, the medical replies), ``fit``
(scikit-learn), ``__main__`` (the command line).

Run time is numpy only (weights in ``data/epitome_weights.npz``, no pickle, no fitting). Regenerate the
weights with ``python -m empathy.epitome fit --data /path/to/epitome`` (needs scikit-learn; deterministic).

EPITOME is Reddit mental-health support, not physician replies: trained on it alone, the model rewarded stock
phrases ("Thank you for your message." 0.91 emotional reactions), missed clinical phrasings ("That must be so
frightening." 0.07) and read interpretations mostly as shared experience ("I've been there"). So the shipped
weights also learn from physician-style replies built from the project's labelled medical sentences
(``medical_examples``), and the empathy scorer reads a reply without its stock phrases (``keep``).

Data licence and attribution (kept verbatim in ``data/EPITOME-LICENSE.txt``): Copyright 2019-2020 University
of Washington, developed in the Behavioral Data Science Group. Ashish Sharma, Adam S Miner, David C Atkins,
& Tim Althoff (2020). A Computational Approach to Understanding Empathy Expressed in Text-Based Mental Health
Support. EMNLP.
"""

from ..text import split_sentences
from .data import (
    CSV_FILES,
    MEDICAL_COMPOSITES,
    MEDICAL_INFO_ONLY,
    MEDICAL_PREFIX,
    MEDICAL_WEIGHT,
    RATIONALE_COVERAGE,
    SEED,
    EpitomeExample,
    data_sha256,
    default_cache,
    embed_sentences,
    load_examples,
    medical_examples,
)
from .fit import build_vocabulary, fit, fit_model, grouped_folds, training_examples
from .model import (
    COMPONENTS,
    EMBED_DIM,
    FORMAT_VERSION,
    MECHANISMS,
    SENTENCE_CARRIES,
    WEIGHTS_FILE,
    EpitomeModel,
    EpitomeScores,
    MechanismScore,
    SentenceScore,
    get_model,
    predict,
    predict_batch,
    predict_embedded,
    reset_model,
    terms,
)

__all__ = [
    "COMPONENTS", "CSV_FILES", "EMBED_DIM", "FORMAT_VERSION", "MECHANISMS", "MEDICAL_COMPOSITES", "MEDICAL_INFO_ONLY",
    "MEDICAL_PREFIX", "MEDICAL_WEIGHT", "RATIONALE_COVERAGE", "SEED", "SENTENCE_CARRIES", "WEIGHTS_FILE",
    "EpitomeExample", "EpitomeModel", "EpitomeScores", "MechanismScore", "SentenceScore", "build_vocabulary",
    "data_sha256", "default_cache", "embed_sentences", "fit", "fit_model", "get_model", "grouped_folds",
    "load_examples", "medical_examples", "predict", "predict_batch", "predict_embedded", "reset_model",
    "split_sentences", "terms", "training_examples",
]
