"""Qualifiers in words: the scales a clinical statement is graded on ("often" / "rarely", "mild" / "severe",
"viral" / "bacterial", "before" / "after the surgery"). No entity names them, yet swapping one for another on its
scale changes the fact as surely as a changed dose ("Digoxin to slow your heart rate" -> "to speed up your heart
rate"). :func:`qualifier_change` compares a fact of the original with its counterpart in the edit.

Words of one level are near-synonyms ("often" / "usually"): rewording within a level is not a change.
"""

from __future__ import annotations

import re
from functools import lru_cache

# scale -> levels, each a list of words or phrases (lower case; a hyphen or "non" before a word makes another word)
SCALES: dict[str, list[list[str]]] = {
    "frequency": [["always", "constantly", "invariably", "every time"],
                  ["usually", "mostly", "generally", "typically", "commonly", "often", "frequently", "normally"],
                  ["sometimes", "occasionally", "at times"],
                  ["rarely", "seldom", "infrequently", "uncommonly", "hardly ever", "almost never"]],
    "commonness": [["common"], ["rare", "uncommon", "unusual"]],
    "severity": [["mild", "minor", "slight"], ["moderate"], ["severe", "serious", "major", "significant"]],
    "amount": [["heavy", "heavier", "profuse"], ["light", "lighter", "scant"]],
    "quantity": [["more", "too many", "too much", "extra"], ["less", "fewer", "too few", "too little"]],
    "strength": [["stronger", "strong", "potent", "more potent"], ["milder", "weaker", "weak", "gentler"]],
    "count": [["one", "single"], ["two", "both", "a couple of"], ["three"], ["several", "multiple"]],
    "length": [["short", "brief", "short-term"], ["long", "prolonged", "extended", "lengthy", "long-term"]],
    "speed": [["slow", "slows", "slowing", "slower", "slowly", "slow down"],
              ["speed up", "speeds up", "fast", "faster", "quick", "quicker", "quickly", "rapid", "rapidly"]],
    "level": [["high", "higher", "elevated", "raised"], ["low"]],
    "direction": [["increase", "increases", "increased", "increasing"],
                  ["decrease", "decreases", "decreased", "decreasing", "reduce", "reduces", "reduced"]],
    "likelihood": [["possible", "possibly", "may", "might", "could", "perhaps", "maybe"], ["likely", "probably", "probable"],
                   ["definitely", "certainly", "surely", "undoubtedly", "without doubt"], ["unlikely", "improbable"]],
    "permanence": [["temporary", "temporarily", "short-lived"], ["permanent", "permanently", "lasting"]],
    "extent": [["minimal", "limited", "localised", "localized"],
               ["extensive", "widespread", "generalised", "generalized"]],
    "route": [["oral", "orally", "by mouth", "tablet", "tablets", "pill", "pills"],
              ["topical", "cream", "ointment", "gel"], ["intravenous", "intravenously", "iv", "drip"],
              ["injection", "injected", "intramuscular"]],
    "meals": [["with food", "with meals", "after meals", "after eating"], ["on an empty stomach", "before meals"]],
    "time of day": [["morning", "mornings"], ["evening", "evenings", "night", "nightly", "bedtime"]],
    "age": [["child", "children", "kids", "infants", "babies"], ["adult", "adults"], ["elderly", "older adults"]],
    "stage": [["early"], ["late", "advanced"]],
    "location": [["upper"], ["lower"]],
    "size": [["small", "smaller", "tiny"], ["large", "larger", "big", "bigger", "enlarged"]],
    "timing": [["before", "prior to"], ["after"]],
    "urgency": [["immediate", "urgent", "emergency"], ["routine", "non-urgent", "elective"]],
    "onset": [["acute", "sudden", "suddenly"], ["chronic", "gradual", "gradually", "long-standing"]],
    "cause": [["viral", "virus"], ["bacterial", "bacteria", "bacterium"], ["fungal", "fungus"],
              ["parasitic", "parasite", "parasites"]],
    "animal": [["cat", "cats"], ["dog", "dogs"], ["bat", "bats"], ["rat", "rats", "rodent", "rodents"]],
    "insect": [["mosquito", "mosquitoes"], ["sandfly", "sandflies"], ["tick", "ticks"], ["flea", "fleas"]],
    "pain": [["sharp", "stabbing", "shooting"], ["dull", "aching"], ["burning"], ["throbbing"]],
    "waking": [["asleep", "sleeping"], ["awake"]],
    "posture": [["bent", "flexed"], ["straight", "straightened", "extended"]],
    "depth": [["internal", "inner", "inside"], ["external", "outer", "outside"]],
    "tone": [["weaken", "weakens", "weakened", "loosen", "loosens"], ["tighten", "tightens", "tightened", "stiffen"]],
    "malignancy": [["cancerous", "malignant"], ["noncancerous", "non-cancerous", "benign"],
                   ["precancerous", "pre-cancerous"]],
    "contagion": [["contagious", "infectious"], ["non-contagious", "noncontagious", "non-infectious"]],
    "sex": [["male", "males", "men", "boys"], ["female", "females", "women", "girls"]],
    # a body part is a place: "tendons in your elbow" -> "in your wrist" moves the fact
    "body": [[w] + ([w + "s"] if not w.endswith("s") else []) for w in """head face eye ear nose mouth tongue throat
             neck shoulder arm elbow wrist finger thumb hip thigh knee ankle toe heel skin liver kidney bladder brain
             spine pelvis groin breast uterus ovary prostate testicle""".split()]
            + [["hand", "hands", "palm"], ["foot", "feet", "sole"], ["leg", "legs", "limb", "limbs", "calf", "calves"],
               ["chest", "lung", "lungs"], ["stomach", "belly", "abdomen", "tummy"], ["heart"],
               ["bowel", "bowels", "intestine", "intestines", "gut", "colon"]],
    "recency": [["last night", "yesterday"], ["last week"], ["last month"], ["last year"]],
}
# Words that grade a dose: adding one to a statement that had none changes it ("take insulin" -> "take a double
# dose of insulin", "a tetanus shot" -> "a half-dose tetanus shot").
DOSE_GRADES = re.compile(r"(?<![\w-])(?:double|half|triple|quarter|twice the|half-dose|double-dose)(?![\w-])", re.I)


def _pattern(words: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])", re.I)


_LEVELS = [(scale, i, _pattern(words)) for scale, levels in SCALES.items() for i, words in enumerate(levels)]


@lru_cache(maxsize=4096)
def qualifier_levels(text: str) -> dict[str, dict[int, str]]:
    """scale -> {level: the word ``text`` names it with}."""
    out: dict[str, dict[int, str]] = {}
    for scale, level, rx in _LEVELS:
        if m := rx.search(text):
            out.setdefault(scale, {})[level] = " ".join(m.group(0).lower().split())
    return out


def qualifier_change(fact: str, counterpart: str, window: str) -> list[tuple[str, str, str]]:
    """(scale, what the original said, what the edit says) for each scale on which the counterpart grades the fact
    otherwise: a level of ``fact`` the ``window`` (the counterpart and its neighbours) no longer names, and a level
    the counterpart names instead. A dose grade the counterpart adds to a fact without one is a change too."""
    before, after, around = qualifier_levels(fact), qualifier_levels(counterpart), qualifier_levels(window)
    changes = []
    for scale, levels in before.items():
        lost = levels.keys() - around.get(scale, {}).keys()
        new = after.get(scale, {}).keys() - levels.keys()
        if lost and new:
            changes.append((scale, levels[min(lost)], after[scale][min(new)]))
    if not DOSE_GRADES.search(fact) and (m := DOSE_GRADES.search(counterpart)):
        changes.append(("dose", "ungraded", m.group(0).lower()))
    return changes
