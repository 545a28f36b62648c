"""How empathetic a reply to a patient is, and which sentences make it so.

Six dimensions: the three communication mechanisms of the EPITOME framework (emotional reactions,
interpretations, explorations), validation, and the comforting and reassuring qualities the medical-dialogue
papers measure. The mechanisms are learned from human labels (``empathy.epitome``: EPITOME's Reddit pairs and the
project's medical sentences), the other three from the project's sentences and lexical cues. Every dimension
comes with the character spans of the sentences that carry it. Runs on CPU, no LLM.

It refuses to reward empty phrases: a stock line ("Thank you for your message.") is left out of the mechanisms
and earns little once and nothing after elsewhere, near-duplicate sentences count once, a reply of stock phrases
only is capped at 0.1, and false reassurance ("nothing to worry about") earns no reassurance and lowers the
overall score.

Layout: ``cues`` (lexical cues and labels), ``classifier`` (the sentence classifier and its weights), ``score``
(analysis of a reply, the dimensions and the overall); ``python -m empathy.scoring`` refits the classifier.

The mechanism model is trained on EPITOME. Data licence and attribution (kept verbatim in
``empathy/data/EPITOME-LICENSE.txt``): Copyright 2019-2020 University of Washington, developed in the
Behavioral Data Science Group. Ashish Sharma, Adam S Miner, David C Atkins, & Tim Althoff (2020). A Computational
Approach to Understanding Empathy Expressed in Text-Based Mental Health Support. EMNLP.
"""

from .classifier import DATA, WEIGHTS_FILE, SentenceClassifier, embed_sentences, load_training_sentences, training_sha256
from .cues import EMPATHY_DIMENSIONS, LABELS, MECHANISMS, lexical
from .score import (
    CARRY,
    DUPLICATE_SIMILARITY,
    EMPTY_CREDIT,
    FALSE_REASSURANCE_FACTOR,
    MECHANISM_CUE,
    WEIGHTS,
    DimensionScore,
    EmpathyScore,
    SentenceAnalysis,
    analyze_embedded,
    analyze_reply,
    mechanism_scores,
    preload,
    score_empathy,
    warm_up,
)

__all__ = [
    "CARRY", "DATA", "DUPLICATE_SIMILARITY", "EMPATHY_DIMENSIONS", "EMPTY_CREDIT", "FALSE_REASSURANCE_FACTOR", "LABELS",
    "MECHANISM_CUE", "MECHANISMS", "WEIGHTS", "WEIGHTS_FILE", "DimensionScore", "EmpathyScore", "SentenceAnalysis",
    "SentenceClassifier", "analyze_embedded", "analyze_reply", "embed_sentences", "lexical", "load_training_sentences",
    "mechanism_scores", "preload", "score_empathy", "training_sha256", "warm_up",
]
