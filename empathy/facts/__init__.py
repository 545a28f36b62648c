"""Fact preservation (MedFactChecking): does an edit keep every clinical fact and add none?

The editing paper scores an edit by fact recall (facts of the original that the edit supports) and fact precision
(facts of the edit that the original supports), and sends precision below 0.90 to review. An LLM judged entailment
there; small local models cannot, so the default here runs on the CPU, in three steps, one module each:

- :mod:`.vocab` and :mod:`.patterns`: what counts as clinical content (a vocabulary of drugs, diagnoses, tests and
  specialists; regular expressions for doses, frequencies, times, instructions and advice);
- :mod:`.extract`: split each reply into facts (clauses with clinical content) with normalised entities;
- :mod:`.match`: match both ways; :mod:`.report`: recall, precision, flags and ``needs_review``.
"""

from .extract import Entity, Fact, extract_entities, extract_facts
from .match import FactMatch, warm
from .report import FLAGS, LOW_PRECISION, REVIEW_FLAGS, SHORT_ORIGINAL_CHARS, FactReport, check_facts
from .vocab import Vocabulary, vocabulary

__all__ = ["Entity", "Fact", "FactMatch", "FactReport", "FLAGS", "LOW_PRECISION", "REVIEW_FLAGS",
           "SHORT_ORIGINAL_CHARS", "Vocabulary", "check_facts", "extract_entities", "extract_facts", "vocabulary",
           "warm"]
