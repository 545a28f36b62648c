"""Reference-based metrics the papers report, for evaluation only: BLEU, ROUGE-1/2/L, Distinct-n.

They measure overlap with a reference reply (did the edit keep the physician's words?) and lexical
diversity (does the model repeat itself?); they do not measure empathy. BLEU comes from ``sacrebleu``,
ROUGE from ``rouge-score``, n-grams for Distinct-n from ``nltk``, all imported inside the functions (the
``eval`` extra), so the app starts without them.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import asdict, dataclass

from .errors import EmpathyError


def _need(module: str, package: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise EmpathyError(f"this metric needs {package}: pip install 'empathy-editor[eval]'") from None


def bleu(hypothesis: str, reference: str) -> float:
    """Sentence BLEU (sacrebleu, 0-100, with exponential smoothing)."""
    sacrebleu = _need("sacrebleu", "sacrebleu")
    return round(float(sacrebleu.sentence_bleu(hypothesis, [reference]).score), 2)


def corpus_bleu(hypotheses: list[str], references: list[str]) -> float:
    """Corpus BLEU (sacrebleu, 0-100) over aligned hypothesis/reference lists."""
    sacrebleu = _need("sacrebleu", "sacrebleu")
    if len(hypotheses) != len(references):
        raise EmpathyError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    return round(float(sacrebleu.corpus_bleu(hypotheses, [references]).score), 2)


def rouge(hypothesis: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 (rouge-score, 0-1, Porter stemming)."""
    rouge_scorer = _need("rouge_score.rouge_scorer", "rouge-score")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores = scorer.score(reference, hypothesis)  # rouge-score takes (target, prediction)
    return {name: round(float(s.fmeasure), 4) for name, s in scores.items()}


def distinct_n(texts: list[str] | str, n: int = 1) -> float:
    """Distinct-n: unique n-grams over all n-grams across ``texts`` (0 when there are none)."""
    util = _need("nltk.util", "nltk")
    if isinstance(texts, str):
        texts = [texts]
    if n < 1:
        raise EmpathyError("distinct-n needs n >= 1")
    grams = [g for t in texts for g in util.ngrams(_tokens(t), n)]
    return round(len(set(grams)) / len(grams), 4) if grams else 0.0


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+(?:'\w+)?|[^\w\s]", text.lower())


@dataclass
class ReferenceMetrics:
    bleu: float
    rouge1: float
    rouge2: float
    rougeL: float
    distinct1: float
    distinct2: float

    def to_dict(self) -> dict:
        return asdict(self)


def reference_metrics(hypothesis: str, reference: str) -> ReferenceMetrics:
    """All of the above for one reply against its reference."""
    r = rouge(hypothesis, reference)
    return ReferenceMetrics(
        bleu=bleu(hypothesis, reference),
        rouge1=r["rouge1"], rouge2=r["rouge2"], rougeL=r["rougeL"],
        distinct1=distinct_n(hypothesis, 1), distinct2=distinct_n(hypothesis, 2),
    )
