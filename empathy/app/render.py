"""HTML for the app's reply cards. Every piece of user or model text goes through ``html.escape`` here.

Fact highlights come from :mod:`empathy.highlight` (the fact checker's renderer) when it is installed;
otherwise spans of the fact report are marked here (kept, missing/changed, unsupported), escaped the same way.
"""

from __future__ import annotations

from html import escape

from .highlight import HIGHLIGHT_CSS, highlight_html, legend_html

CSS = """
.ee-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; background: #fff; color: #1f2328; }
.ee-card h3 { margin: 0 0 6px 0; font-size: 1rem; }
.ee-text { white-space: pre-wrap; line-height: 1.45; margin: 6px 0; }
.ee-metrics { font-size: 0.85rem; color: #444; margin-top: 6px; }
.ee-flag { display: inline-block; background: #fff1e5; color: #8a4600; border: 1px solid #f0b37e; border-radius: 10px;
           padding: 0 7px; margin: 2px 3px 0 0; font-size: 0.78rem; }
.ee-flag.ee-crisis { background: #ffe5e5; color: #a40e26; border-color: #f5a3ad; }
.ee-ok { color: #1a7f37; }
.ee-muted { color: #6e7781; font-style: italic; }
.ee-fact-kept { background: #dafbe1; border-bottom: 2px solid #2da44e; }
.ee-fact-missing, .ee-fact-changed { background: #ffebe9; border-bottom: 2px solid #cf222e; }
.ee-fact-unsupported { background: #fff8c5; border-bottom: 2px solid #bf8700; }
.ee-emotion { font-size: 0.9rem; }
"""

FLAG_TEXT = {
    "short_original": "short original (edits of short drafts invent more)",
    "low_precision": "low fact precision (< 0.90)",
    "crisis_language": "crisis language in the patient's message",
    "missing_fact": "a fact of the draft is missing",
    "changed_value": "a value changed",
    "negation_flip": "a negation flipped",
    "new_medication": "new medication",
    "new_test": "new test",
    "new_recommendation": "new recommendation",
    "false_reassurance": "false reassurance",
    "empty_phrases": "empty phrases",
    "repetition": "repetition",
}


def text_html(text: str | None) -> str:
    return f'<div class="ee-text">{escape(text or "")}</div>'


def mark_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` escaped, with non-overlapping ``(start, end, css_class)`` spans wrapped in ``<mark>``."""
    out, pos = [], 0
    for start, end, cls in sorted(spans):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="{escape(cls)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return f'<div class="ee-text">{"".join(out)}</div>'


def fact_spans(report: dict, side: str) -> list[tuple[int, int, str]]:
    """Spans to highlight from a fact report dict: ``side`` "original" (recall) or "edited" (precision)."""
    spans = []
    if side == "original":
        groups = (("kept", "ee-fact-kept"), ("missing", "ee-fact-missing"), ("changed", "ee-fact-changed"))
    else:
        groups = (("supported", "ee-fact-kept"), ("unsupported", "ee-fact-unsupported"))
    for key, cls in groups:
        for m in report.get(key, []):
            if m.get("start") is not None:
                spans.append((m["start"], m["end"], cls))
    return spans


def highlights(report_obj, report: dict, original: str, edited: str) -> tuple[str, str]:
    """(original HTML, edited HTML) with facts highlighted: from the report object, else from its stored dict."""
    if report_obj is not None:
        return highlight_html(report_obj)
    return mark_spans(original, fact_spans(report, "original")), mark_spans(edited, fact_spans(report, "edited"))


def legend() -> str:
    """A key to the highlight colours."""
    return legend_html()


def highlight_css() -> str:
    return HIGHLIGHT_CSS


def flags_html(flags: list[str]) -> str:
    if not flags:
        return '<span class="ee-ok">no review flags</span>'
    return "".join(
        f'<span class="ee-flag{" ee-crisis" if f == "crisis_language" else ""}" title="{escape(f)}">'
        f"{escape(FLAG_TEXT.get(f, f.replace('_', ' ')))}</span>"
        for f in flags
    )


def _num(v) -> str:
    return "–" if v is None else f"{v:.2f}"


def card(title: str, body_html: str, review=None, *, note: str = "") -> str:
    """A reply card: title, (already escaped) body, then metrics and flags of its review."""
    parts = [f'<div class="ee-card"><h3>{escape(title)}</h3>', body_html]
    if review is not None:
        metrics = []
        if review.recall is not None:
            metrics.append(f"fact recall <b>{_num(review.recall)}</b> · precision <b>{_num(review.precision)}</b>")
        if review.empathy is not None:
            dims = ", ".join(f"{escape(k)} {v:.2f}" for k, v in review.dimensions.items())
            metrics.append(f"empathy <b>{_num(review.empathy)}</b> ({escape(review.empathy_band or '')})"
                           + (f"<br><small>{dims}</small>" if dims else ""))
        parts.append(f'<div class="ee-metrics">{"<br>".join(metrics)}</div>')
        parts.append(f'<div class="ee-metrics">{flags_html(review.flags)}</div>')
    if note:
        parts.append(f'<div class="ee-metrics ee-muted">{escape(note)}</div>')
    parts.append("</div>")
    return "".join(parts)


def placeholder(title: str, message: str) -> str:
    return card(title, f'<div class="ee-muted">{escape(message)}</div>')


def emotion_html(result: dict | None) -> str:
    if not result:
        return ""
    emotions = [e for e in result.get("emotions", []) if e != "none"]
    text = ", ".join(f"{escape(e)} ({result['scores'].get(e, 0):.2f})" for e in emotions) or "no strong emotion"
    crisis = ""
    if result.get("crisis"):
        crisis = f'<br><span class="ee-flag ee-crisis">crisis language</span> {escape(result.get("crisis_guidance") or "")}'
    return f'<div class="ee-emotion">Patient emotion: {text}{crisis}</div>'
