"""Which of two replies is more empathetic: A, B, or a tie.

Three-way, as in the editing paper's 3-EMRank: allowing "equally empathetic" agrees with patients far
better than a forced choice. With an LLM backend the judge sees both orders (A first, then B first),
because LLM judges favour a position; a disagreement between the orders is a tie. Without a backend the
empathy scores decide, and differences smaller than a margin are a tie.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .backends import GenerationOptions
from .inputs import clean_text
from .prompts import JUDGE
from .scoring import score_empathy

TIE_MARGIN = 0.05
WINNERS = ("a", "b", "tie")

def judge_messages(patient: str, first: str, second: str) -> list[dict]:
    return JUDGE.messages(patient=patient, first=first, second=second)


@dataclass
class RankResult:
    winner: str  # "a", "b" or "tie"
    reason: str
    method: str  # "llm" or "score"
    score_a: float | None = None
    score_b: float | None = None
    margin: float = TIE_MARGIN
    votes: list[str] = field(default_factory=list)  # llm: the verdict in each order, as "a"/"b"/"tie"/"none"
    raw: list[str] = field(default_factory=list)  # llm: the judge's words in each order

    def to_dict(self) -> dict:
        return asdict(self)


_EQUAL = re.compile(r"\b(?:equal(?:ly)?|same|tie|both|neither)\b", re.IGNORECASE)
_ONE_TWO = re.compile(r"\b(?:response|reply|answer)?\s*(?:#|no\.?\s*)?([12])\b|\b(first|second)\b", re.IGNORECASE)


def parse_verdict(text: str) -> str | None:
    """'1', '2', 'equal', or None when the judge's words name no verdict (or name both responses)."""
    text = (text or "").strip()
    if not text:
        return None
    head = text.split("\n", 1)[0][:120]
    for chunk in (head, text[:400]):
        if _EQUAL.search(chunk) and not re.search(r"\bmore empathetic\b", chunk, re.IGNORECASE):
            return "equal"
        found = {("1" if (m.group(1) == "1" or (m.group(2) or "").lower() == "first") else "2")
                 for m in _ONE_TWO.finditer(chunk)}
        if len(found) == 1:
            return found.pop()
        if found:  # both named: take the first one only when the line starts with it
            m = _ONE_TWO.search(chunk)
            if m and m.start() < 15:
                return "1" if (m.group(1) == "1" or (m.group(2) or "").lower() == "first") else "2"
            return None
    return None


def _llm(patient: str, a: str, b: str, backend, seed: int | None) -> RankResult:
    options = GenerationOptions(max_tokens=12, temperature=0.0, seed=seed)
    votes, raw = [], []
    for first, second, first_is in ((a, b, "a"), (b, a, "b")):
        text = backend.complete(judge_messages(patient, first, second), options).text
        raw.append(text)
        verdict = parse_verdict(text)
        if verdict == "equal":
            votes.append("tie")
        elif verdict in ("1", "2"):
            picked_first = verdict == "1"
            votes.append(first_is if picked_first else ("b" if first_is == "a" else "a"))
        else:
            votes.append("none")
    if "none" in votes:
        which = " and ".join(o for o, v in zip(("A-first", "B-first"), votes) if v == "none")
        result = _by_score(patient, a, b, TIE_MARGIN)
        result.reason = f"the judge gave no usable verdict ({which} order); by score: {result.reason}"
        result.votes, result.raw = votes, raw
        return result
    if votes[0] == votes[1]:
        winner = votes[0]
        reason = ("the judge found them equally empathetic in both orders" if winner == "tie"
                  else f"the judge preferred {winner.upper()} in both orders (A first and B first)")
    else:
        winner = "tie"
        reason = f"the judge disagreed with itself across orders (A first: {votes[0]}, B first: {votes[1]}), so a tie"
    return RankResult(winner=winner, reason=reason, method="llm", votes=votes, raw=raw, margin=0.0)


def _by_score(patient: str, a: str, b: str, margin: float) -> RankResult:
    sa, sb = score_empathy(patient, a), score_empathy(patient, b)
    diff = sa.overall - sb.overall
    if abs(diff) < margin:
        return RankResult("tie", f"empathy scores {sa.overall:.2f} (A) and {sb.overall:.2f} (B) are within {margin:.2f}",
                          "score", sa.overall, sb.overall, margin)
    winner, hi, lo = ("a", sa, sb) if diff > 0 else ("b", sb, sa)
    gains = sorted(((hi.dimensions[d].score - lo.dimensions[d].score, d) for d in hi.dimensions), reverse=True)
    more = [d.replace("_", " ") for g, d in gains if g >= 0.2][:3]
    why = f"{winner.upper()} scores {hi.overall:.2f} against {lo.overall:.2f}"
    if more:
        why += ": more " + ", ".join(more)
    for flag in lo.flags:
        why += f"; {('B' if winner == 'a' else 'A')} has {flag.replace('_', ' ')}"
    return RankResult(winner, why, "score", sa.overall, sb.overall, margin)


def rank_empathy(patient: str, a: str, b: str, *, backend=None, margin: float = TIE_MARGIN,
                 seed: int | None = 0) -> RankResult:
    """Which reply to ``patient`` is more empathetic: ``"a"``, ``"b"`` or ``"tie"``, with the reason.

    ``backend``: an LLM backend to judge with (both orders); None ranks by empathy score with ``margin``.
    """
    patient = clean_text(patient, "patient message")
    a = clean_text(a, "reply A")
    b = clean_text(b, "reply B")
    if backend is not None:
        return _llm(patient, a, b, backend, seed)
    return _by_score(patient, a, b, margin)
