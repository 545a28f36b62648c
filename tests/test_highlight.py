"""Highlights: classes for each outcome, spans on the right words, and every piece of user text escaped."""

from __future__ import annotations

import html
import re

from empathy.app.highlight import HIGHLIGHT_CSS, highlight_html, legend_html, report_html
from empathy.facts import check_facts

PSA = "Your PSA is 4.2. Continue tamsulosin 0.4 mg daily. Repeat PSA in 3 months."


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_classes_mark_each_outcome():
    edited = "I know this is hard. Your PSA is 4.2. Continue tamsulosin 0.8 mg daily. Also start aspirin 81 mg daily."
    o, e = highlight_html(check_facts(PSA, edited))
    assert '<span class="fact-kept"' in o and '<span class="fact-changed"' in o and '<span class="fact-missing"' in o
    assert '<span class="empathy-only" title="no clinical content">I know this is hard.</span>' in e
    assert re.search(r'class="fact-unsupported"[^>]*>Also start aspirin 81 mg daily\.</span>', e)
    assert re.search(r'class="fact-changed"[^>]*>Continue tamsulosin 0\.8 mg daily\.</span>', e)
    # nothing added or lost: stripping the markup gives back the texts
    assert _text(o) == PSA and _text(e) == edited


def test_user_text_is_escaped():
    evil = '<script>alert(1)</script> Take <b>ibuprofen</b> 400 mg "now" & rest.'
    edited = evil + ' <img src=x onerror=alert(2)> Start aspirin 81 mg.'
    rep = check_facts(evil, edited)
    for fragment in highlight_html(rep) + (report_html(rep),):
        assert "<script>" not in fragment and "<img" not in fragment and "<b>" not in fragment
        assert "&lt;script&gt;" in fragment
    assert _text(highlight_html(rep)[1]) == edited


def test_dict_report_and_css():
    rep = check_facts(PSA, PSA)
    assert highlight_html(rep.to_dict()) == highlight_html(rep)
    for css in ("fact-kept", "fact-missing", "fact-changed", "fact-unsupported", "empathy-only"):
        assert "." + css in HIGHLIGHT_CSS and css in legend_html()
