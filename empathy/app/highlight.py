"""Fact highlights: both texts as safe HTML, each clinical fact coloured by what happened to it.

Original: kept / missing / changed facts. Edited: kept (supported), changed, unsupported facts,
and empathy-only sentences (no clinical content). Every piece of user text goes through
``html.escape``; the markup around it is ours.
"""

from __future__ import annotations

import html

HIGHLIGHT_CSS = """
.fact-text { white-space: pre-wrap; line-height: 1.6; }
.fact-kept { background: #e6f4ea; border-bottom: 2px solid #34a853; }
.fact-missing { background: #fde7e9; border-bottom: 2px solid #d93025; text-decoration: line-through; text-decoration-color: #d93025; }
.fact-changed { background: #fff4e5; border-bottom: 2px solid #f29900; }
.fact-unsupported { background: #fde7e9; border-bottom: 2px dashed #d93025; }
.empathy-only { background: #e8f0fe; border-bottom: 1px dotted #1a73e8; }
.fact-legend span { display: inline-block; margin-right: .8em; padding: 0 .3em; font-size: .85em; }
.fact-review { color: #d93025; font-weight: bold; }
"""

LEGEND = (
    ("fact-kept", "fact kept"),
    ("fact-missing", "fact missing"),
    ("fact-changed", "fact changed"),
    ("fact-unsupported", "not in the original"),
    ("empathy-only", "empathy only"),
)


def legend_html() -> str:
    """A small key to the colours."""
    return '<div class="fact-legend">' + "".join(f'<span class="{c}">{html.escape(label)}</span>' for c, label in LEGEND) + "</div>"


def _render(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Wrap non-overlapping (start, end, css class, title) spans of ``text``; escape everything."""
    out, pos = [], 0
    for start, end, css, title in sorted(spans):
        if start < pos or end <= start:
            continue  # overlaps an earlier span: leave it plain rather than nest
        out.append(html.escape(text[pos:start]))
        out.append(f'<span class="{css}" title="{html.escape(title, quote=True)}">{html.escape(text[start:end])}</span>')
        pos = end
    out.append(html.escape(text[pos:]))
    return '<div class="fact-text">' + "".join(out) + "</div>"


def highlight_html(report) -> tuple[str, str]:
    """(original HTML, edited HTML) for a FactReport (or its ``to_dict()``)."""
    d = report if isinstance(report, dict) else report.to_dict()
    original = d.get("original") if isinstance(report, dict) else report.original
    edited = d.get("edited") if isinstance(report, dict) else report.edited
    original, edited = original or "", edited or ""
    o_spans: list[tuple[int, int, str, str]] = []
    e_spans: list[tuple[int, int, str, str]] = []
    for m in d["kept"]:
        o_spans.append((m["start"], m["end"], "fact-kept", m["reason"]))
    for m in d["missing"]:
        o_spans.append((m["start"], m["end"], "fact-missing", m["reason"]))
    changed_edit = set()
    for m in d["changed"]:
        o_spans.append((m["start"], m["end"], "fact-changed", m["reason"]))
        if m["counterpart_start"] is not None:
            changed_edit.add((m["counterpart_start"], m["counterpart_end"]))
            e_spans.append((m["counterpart_start"], m["counterpart_end"], "fact-changed", m["reason"]))
    for m in d["unsupported"]:
        if (m["start"], m["end"]) not in changed_edit:
            e_spans.append((m["start"], m["end"], "fact-unsupported", m["reason"]))
    for m in d["supported"]:
        if (m["start"], m["end"]) not in changed_edit:
            e_spans.append((m["start"], m["end"], "fact-kept", m["reason"]))
    for s, e in d.get("edited_other", []):
        e_spans.append((s, e, "empathy-only", "no clinical content"))
    return _render(original, o_spans), _render(edited, e_spans)


def report_html(report) -> str:
    """Both texts side by side with scores, flags and the legend: one block the app can drop in."""
    o, e = highlight_html(report)
    d = report if isinstance(report, dict) else report.to_dict()
    review = '<span class="fact-review">needs review</span> ' if d["needs_review"] else ""
    flags = html.escape(", ".join(d["flags"]) or "none")
    return (f'<div class="fact-report"><p>{review}recall {d["recall"]:.2f} · precision {d["precision"]:.2f} · flags: {flags}</p>'
            f'<div><strong>Original</strong>{o}</div><div><strong>Edited</strong>{e}</div>{legend_html()}</div>')
