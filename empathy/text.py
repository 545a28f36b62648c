"""Plain-text building blocks every checker and scorer shares: one sentence splitter, one lexicon of hedges,
negation and false reassurance.

The fact checker, the empathy scorer, the framing guard and the model-text clean-up all read sentences and these
cues; keeping one copy here means they cannot disagree about where a sentence ends or what counts as reassurance.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------------------------
# Sentences

# Abbreviations that never end a sentence ("Dr. Lee", "e.g. ibuprofen") ...
_ALWAYS_ABBREV = {"dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "vs", "approx", "cf"}
# ... and ones that end a sentence only when a capital letter follows ("take 1 tab. daily" / "... etc. Then").
_ABBREV = _ALWAYS_ABBREV | {"no", "tab", "tabs", "caps", "min", "hr", "hrs", "wk", "wks", "mo", "yr", "yrs", "inc",
                            "jr", "sr", "etc", "approx", "fig"}
_CLOSERS = "\"')]”’"
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (and lines) of ``text``, whitespace trimmed.

    A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by whitespace, and at a
    line break. Decimals ("0.4 mg") never end one; abbreviations end one only before a capital letter.
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if start is None:
            if not ch.isspace():
                start = i
            i += 1
            continue
        if ch == "\n":
            spans.append((start, i))
            start = None
        elif ch in ".!?":
            j = i + 1
            while j < n and text[j] in ".!?" + _CLOSERS:
                j += 1
            if (j >= n or text[j].isspace()) and not (ch == "." and _is_abbreviation(text, start, i, j)):
                spans.append((start, j))
                start = None
                i = j
                continue
        i += 1
    if start is not None:
        spans.append((start, n))
    out = []
    for s, e in spans:
        e = len(text[:e].rstrip())
        if e > s:
            out.append((s, e))
    return out


def _is_abbreviation(text: str, start: int, dot: int, after: int) -> bool:
    m = _LAST_WORD.search(text[start:dot + 1])
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ALWAYS_ABBREV:
        return True
    if word not in _ABBREV:
        return False
    nxt = text[after:].lstrip()[:1]
    return not nxt.isupper()


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[s:e] for s, e in split_sentences(text)]


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whitespace collapsed."""
    spans = split_sentences(text)
    return re.sub(r"\s+", " ", text[spans[0][0]:spans[0][1]]) if spans else ""


def normalise(text: str) -> str:
    """Lowercase words, numbers and units only: how two texts are compared for "the same words"."""
    return re.sub(r"[^a-z0-9.%/]+", " ", text.lower()).strip()


WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*", re.I)

# --------------------------------------------------------------------------------------------
# Hedges and negation

# A hedge makes a statement a probability ("may", "most likely"): a hedged fact differs from a flat one, and a
# hedged reassurance ("most likely nothing serious") is honest rather than false.
HEDGE = re.compile(
    r"\b(?:may|might|could|possibly|possible|perhaps|probably|likely|unlikely|maybe|suspect|appears? to|seems? to|"
    r"consider(?:ing)?|usually|often|most|so far|at this point|based on)\b", re.I)

NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|neither|nor|without|cannot|no longer|free of|ruled out|rule out|negative for|"
    r"unlikely)\b|n't\b", re.I)

# --------------------------------------------------------------------------------------------
# False reassurance: a promise about the outcome that the physician did not make.

_REASSURANCE_PATTERNS = [
    # "nothing to worry about", "no need to be concerned", "don't worry" (but not "don't worry about calling me")
    r"nothing (?:at all )?to (?:worry|be (?:worried|concerned|scared|afraid)) about",
    r"no (?:need|reason) (?:at all )?to (?:worry|be (?:worried|concerned|alarmed|scared|afraid))",
    r"(?:please )?(?:do not|don't|try not to|stop|no need to) (?:you )?(?:worry|fret|panic|lose sleep|be (?:worried|alarmed|scared|afraid))"
    r"(?! about (?:calling|asking|bothering|reaching|contacting|messaging|writing|sending))",
    r"not to worry|no (?:reason|cause) (?:to worry|for (?:concern|worry|alarm))|nothing to fear",
    # flat certainty about the outcome
    r"(?:definitely|certainly|surely|absolutely) (?:not|nothing|fine|okay|ok|benign|harmless|normal|go away)",
    r"nothing (?:serious|dangerous|to be concerned about|bad|wrong)|not (?:anything )?serious|it'?s nothing\b(?! (?:to )?(?:be (?:embarrassed|ashamed)|apologi[sz]e|feel (?:embarrassed|ashamed|guilty|bad about)))",
    r"(?:everything|all|it)(?:'s| is| will be| is going to be|'ll be) (?:completely |totally |perfectly |absolutely |"
    r"going to be )?(?:fine|okay|ok|alright|all right|great|well)(?!\s+(?:to|that|if|for you to)\b)",
    r"you(?:'ll| will| are going to) be (?:completely |totally |perfectly |just )?(?:fine|okay|ok|alright|all right)",
    r"(?:completely|totally|perfectly|entirely|absolutely|100 ?%) (?:normal|harmless|safe|fine|healthy|benign|curable|"
    r"okay|ok|cured)(?!\s+(?:to|that|if|for you to)\b)",
    r"rest assured|trust me|believe me|i can (?:assure|promise|guarantee) you|guarantee(?!\s+(?:to|that (?:i|we)(?:'ll| will)))",
    r"i (?:promise|guarantee)(?! (?:to|(?:that )?(?:i|we)(?:'ll| will)) (?:call|get back|follow|check|look|review|"
    r"message|reach|be there|update|do (?:everything|all|my best|whatever)|help|support|listen|keep you))",
    r"(?:i'?m|i am) (?:sure|certain|confident|positive) (?:that )?(?:it(?:'s| is)|this is|there(?:'s| is))[^.?!]*"
    r"\b(?:nothing|no|not|fine|okay|benign|harmless)\b",
    r"(?:i'?m|i am) (?:sure|certain|confident|positive) (?:that )?you(?:'re| are|'ll| will) (?:be )?(?:fine|okay|ok|"
    r"alright|all right|healthy|safe)",
    r"(?:no|zero) (?:risk|chance)(?: (?:at all|whatsoever))?|100 ?% (?:sure|certain|fine|safe)",
    # dismissing the problem
    r"(?:it(?:'s| is)|this is) (?:probably |likely )?(?:just )?nothing\b(?! (?:to )?(?:be (?:embarrassed|ashamed)|apologi[sz]e|feel (?:embarrassed|ashamed|guilty|bad about)))",
    r"(?:it(?:'s| is)|this is) (?:very |extremely )?common and (?:harmless|nothing)",
    r"(?:it(?:'s| is)|this is|they(?:'re| are)) (?:(?:almost )?(?:certainly|always|completely|entirely|totally|perfectly|quite) )?"
    r"(?:harmless|innocent|innocuous)|(?:far|much|a lot) less (?:serious|worrying|dangerous) than",
    r"(?:wouldn't|would not|shouldn't) give (?:it|this) (?:a )?(?:second )?thought|i (?:really |honestly )?(?:wouldn't|would not) "
    r"(?:worry|be (?:worried|concerned))(?! about (?:calling|asking|bothering|reaching|contacting|messaging|writing|sending))",
    r"(?:will|is going to) (?:go away|clear up|resolve) on its own|(?:always|usually) turns? out (?:to be )?(?:fine|ok|okay|well|nothing)",
    r"(?:will|should) (?:sort itself out|pass|settle down|settle) (?:on its own|by itself)",
    r"you have nothing to(?! (?:be (?:embarrassed|ashamed)|apologi[sz]e|feel (?:embarrassed|ashamed|guilty|bad about)))|there(?: is|'s) nothing wrong|no problem at all|nothing (?:bad|serious|wrong) (?:is going to|"
    r"will) happen",
    r"(?:fully|completely) cured|won't (?:come back|return|spread)",
    # idioms of a good outcome (found on written reassurance, heldout_1123-1134)
    r"out of the woods|(?:you(?:'re| are)|it(?:'s| is)) in the clear|(?:through|over) the worst(?! of (?:the|your|our) (?:wait|week|day|backlog|queue|rush))",
    r"sorts? (?:itself|themselves) out|(?:it|this|that)(?:'ll| will| should) (?:soon )?pass\b|(?:it|this|they) (?:will |usually |always )?fades? away",
    r"bounces? back|(?:be|feel|feeling) back to normal (?:by|in|within|before)|(?:'ll|will) be gone (?:by|before|in|within)",
    r"nothing (?:in|about) [^.?!]{0,40}(?:(?:concerns|worries) me|(?:sounds|seems|looks) (?:concerning|worrying|alarming|serious))|(?:don't|do not) think you need to (?:be (?:concerned|worried)|worry)",
    r"(?:very )?little to (?:be (?:anxious|worried|concerned)|worry) about|(?:always|usually) (?:settles|clears up|resolves)",
    # a verdict on results ("the scan looks reassuring"), found on written wrapped claims (heldout_1123-1134)
    r"(?:scans?|tests?|results?|x-?rays?|bloods?|ecg|it|everything|things) (?:all )?(?:looks?|looked|seems?|came back|"
    r"is|are|was|were) (?:very |quite |really |entirely |all |completely )?(?:reassuring|encouraging)",
]
REASSURANCE = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in _REASSURANCE_PATTERNS) + r")(?!\w)", re.I)


def false_reassurance(sentence: str) -> bool:
    """A flat promise about the outcome; hedged statements ("most likely nothing serious") are not."""
    return bool(REASSURANCE.search(sentence)) and not HEDGE.search(sentence)
