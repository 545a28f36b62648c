"""Identifier scrubbing: recall on 120 messages with planted identifiers, and medical content left intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from empathy.files import read_jsonl
from empathy.store.scrub import KINDS, scrub, scrub_text

DATA = Path(__file__).parent / "data" / "scrub_messages.jsonl"
HOLDOUT = Path(__file__).parent / "data" / "scrub_holdout.jsonl"  # hand-written, other styles
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"}
STREET_WORDS = {"street", "avenue", "ave", "road", "lane", "drive", "blvd", "court", "way", "place", "apt"}


def leaked(identifier: dict, out: str) -> bool:
    """True when any distinctive piece of a planted identifier survives (a surname alone is a leak too)."""
    text = identifier["text"]
    if text in out:
        return True
    tokens = re.findall(r"[A-Za-z]{3,}|\d{3,}", text)
    if identifier["kind"] == "email":
        tokens = [text.split("@")[0]]
    tokens = [t for t in tokens if t.lower() not in MONTHS | STREET_WORDS]
    return any(re.search(rf"(?<![\w]){re.escape(t)}(?![\w])", out) for t in tokens)


def _rows(path=DATA):
    return read_jsonl(path)


@pytest.mark.parametrize("path", [DATA, HOLDOUT], ids=["generated", "handwritten"])
def test_recall_of_planted_identifiers_and_medical_content_intact(path):
    rows = _rows(path)
    assert len(rows) >= (100 if path == DATA else 20)
    total = {k: 0 for k in KINDS}
    found = {k: 0 for k in KINDS}
    damaged = []
    for row in rows:
        out = scrub(row["text"])
        for ident in row["identifiers"]:
            total[ident["kind"]] += 1
            found[ident["kind"]] += not leaked(ident, out)
        damaged += [m for m in row["medical"] if m.lower() not in out.lower()]
    recall = {k: found[k] / total[k] for k in KINDS}
    overall = sum(found.values()) / sum(total.values())
    print(f"scrub recall overall {overall:.3f} ({sum(found.values())}/{sum(total.values())}); "
          + ", ".join(f"{k} {recall[k]:.3f} ({found[k]}/{total[k]})" for k in KINDS))
    assert all(total[k] >= (40 if path == DATA else 3) for k in KINDS), total  # every kind is planted, often
    assert overall >= 0.95
    assert all(r >= 0.90 for r in recall.values()), recall
    assert damaged == []


@pytest.mark.parametrize("text", [
    "Take metformin 500 mg twice daily; A1c 7.2; BP 142/91; INR 3.4; eGFR 48.",
    "Your follow-up is on 05/12/2025 at 10:30. Repeat the CBC in 2 weeks.",
    "Increase lisinopril to 20 mg. Call the clinic if your pressure is above 160/100.",
    "Your MRI on March 3, 2024 showed a 2 cm cyst. Ibuprofen 400 mg every 6 hours as needed.",
    "I'm worried about my PSA of 4.2 and I'm feeling anxious. With Aspirin 81 mg too.",
    "Hi doctor, Thanks for seeing me. Best wishes on your trip.",
    "We're here to support you. It's Lipitor 20 mg from now on, not Zocor.",
    "Walk 2 miles down the road daily; amber urine means drink more water; frank blood needs a call.",
])
def test_medical_text_without_identifiers_is_unchanged(text):
    assert scrub(text) == text


def test_each_kind_has_a_placeholder_and_scrubbing_is_idempotent():
    text = ("Hi Dr. Lindqvist, this is Maria Okafor, DOB 02/03/1961, MRN 00482913. Call (555) 201-3344 or "
            "maria.okafor@gmail.com. I moved to 12 Birch Lane, Rochester, MN 55901. Metformin 500 mg.")
    result = scrub_text(text)
    assert set(result.kinds) == set(KINDS)
    assert "Metformin 500 mg" in result.text
    assert scrub(result.text) == result.text
    assert scrub(None) is None and scrub("") == ""
