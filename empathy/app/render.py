"""HTML for the app: reply cards with their verdict, the crisis banner, status and error lines, the attempts behind
an edit. Every piece of user or model text goes through ``html.escape`` here; words come from :mod:`.words`.

Fact highlights come from :mod:`.highlight` (the fact checker's renderer) from the report object; otherwise spans of
the stored fact report are marked here (kept, missing/changed, unsupported), escaped the same way.
"""

from __future__ import annotations

from html import escape

from .highlight import HIGHLIGHT_CSS, highlight_html, legend_html
from .words import DRAFT_NOTES, NOT_SAFE, PATH_TEXT, STYLE, Verdict, emotion_sentence, empathy_sentence, flag_text, verdict

CSS = """
.ee-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; background: #fff; color: #1f2328; }
.ee-card h3 { margin: 0 0 6px 0; font-size: 1rem; }
.ee-text { white-space: pre-wrap; line-height: 1.45; margin: 6px 0; }
.ee-metrics { font-size: 0.85rem; color: #444; margin-top: 6px; }
.ee-flag { display: inline-block; background: #fff1e5; color: #8a4600; border: 1px solid #f0b37e; border-radius: 10px;
           padding: 0 7px; margin: 2px 3px 0 0; font-size: 0.78rem; }
.ee-flag.ee-crisis, .ee-flag.ee-not-safe { background: #ffe5e5; color: #a40e26; border-color: #f5a3ad; }
.ee-flag.ee-style { background: #f6f8fa; color: #57606a; border-color: #d0d7de; }
.ee-ok { color: #1a7f37; }
.ee-muted { color: #6e7781; font-style: italic; }
.ee-fact-kept { background: #dafbe1; border-bottom: 2px solid #2da44e; }
.ee-fact-missing, .ee-fact-changed { background: #ffebe9; border-bottom: 2px solid #cf222e; }
.ee-fact-unsupported { background: #fff8c5; border-bottom: 2px solid #bf8700; }
.ee-emotion { font-size: 0.95rem; }
.ee-verdict { font-weight: 600; padding: 6px 8px; border-radius: 6px; margin: 4px 0 8px 0; font-size: 0.9rem; }
.ee-verdict.ee-v-ok { background: #dafbe1; color: #116329; border: 1px solid #4ac26b; }
.ee-verdict.ee-v-review { background: #fff8c5; color: #7d4e00; border: 1px solid #d4a72c; }
.ee-verdict.ee-v-not-safe { background: #ffebe9; color: #a40e26; border: 1px solid #ff8182; }
.ee-banner { background: #ffebe9; color: #82071e; border: 2px solid #cf222e; border-radius: 8px; padding: 10px 14px;
             font-size: 1rem; }
.ee-banner strong { display: block; font-size: 1.1rem; margin-bottom: 4px; }
.ee-status { font-size: 0.95rem; padding: 6px 10px; border-radius: 6px; background: #f6f8fa; border: 1px solid #d0d7de;
             color: #1f2328; }
.ee-status.ee-busy { background: #ddf4ff; border-color: #54aeff; }
.ee-status.ee-done { background: #dafbe1; border-color: #4ac26b; }
.ee-error { background: #ffebe9; color: #82071e; border: 1px solid #ff8182; border-radius: 6px; padding: 8px 10px;
            font-size: 0.95rem; }
.ee-error strong { margin-right: 6px; }
.ee-steps { margin: 4px 0 0 0; padding-left: 1.4em; font-size: 0.85rem; color: #57606a; }
.ee-attempts { margin-top: 8px; font-size: 0.85rem; }
.ee-attempts summary { cursor: pointer; color: #0969da; }
.ee-attempt { border-left: 3px solid #d0d7de; padding: 2px 8px; margin: 6px 0; }
.ee-attempt.ee-refused { border-left-color: #cf222e; }
.ee-attempt.ee-used { border-left-color: #2da44e; }
.ee-attempt .ee-text { color: #57606a; }
.ee-plot { width: 100%; max-width: 820px; height: auto; }
.ee-levels { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
.ee-levels th, .ee-levels td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
.ee-levels td.ee-num { white-space: nowrap; }
.ee-about { font-size: 0.8rem; color: #57606a; margin-top: 12px; }
"""


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
    out = []
    for f in flags:
        cls = (" ee-crisis" if f == "crisis_language" else " ee-not-safe" if f in NOT_SAFE
               else " ee-style" if f in STYLE or f in DRAFT_NOTES else "")
        out.append(f'<span class="ee-flag{cls}" title="{escape(f)}">{escape(flag_text(f))}</span>')
    return "".join(out)


def verdict_html(v: Verdict) -> str:
    return f'<div class="ee-verdict ee-v-{escape(v.level)}">{escape(v.text)}</div>'


def _num(v) -> str:
    return "–" if v is None else f"{v:.2f}"


def _facts_line(review) -> str:
    """Fact recall and precision in words, with the numbers."""
    report = review.fact_report or {}
    kept = len(report.get("kept", []))
    lost = len(report.get("missing", [])) + len(report.get("changed", []))
    added = len(report.get("unsupported", []))
    if kept or lost:
        recall = f"keeps <b>{kept} of {kept + lost}</b> facts of your draft"
    else:
        recall = "your draft states no checkable fact"
    new = "adds nothing your draft does not say" if not added else f"<b>{added}</b> statement(s) not in your draft"
    return f"Facts: {recall}; {new} <small>(fact recall {_num(review.recall)}, precision {_num(review.precision)})</small>."


def card(title: str, body_html: str, review=None, *, note: str = "", attempts: list[dict] | None = None,
         path: str | None = None) -> str:
    """A reply card: title, verdict (not for the physician's own draft), the (already escaped) body, then facts,
    empathy and flags in words, the tries behind the reply (collapsed) and a note."""
    parts = [f'<div class="ee-card"><h3>{escape(title)}</h3>']
    flags: list[str] = []
    if review is not None:
        flags = list(review.flags)
        if review.kind != "edit":  # the draft's length matters for edits only (not said on the draft itself)
            flags = [f for f in flags if f not in DRAFT_NOTES]
        if review.kind != "original":  # the physician's own draft gets no verdict
            parts.append(verdict_html(verdict(flags, needs_review=review.needs_review, kind=review.kind)))
    parts.append(body_html)
    if review is not None:
        lines = []
        if review.recall is not None:
            lines.append(_facts_line(review))
        if review.empathy is not None:
            dims = ", ".join(f"{k} {v:.2f}" for k, v in review.dimensions.items())
            lines.append(f'<span title="{escape(dims)}">'
                         f"{escape(empathy_sentence(review.empathy, review.empathy_band, review.dimensions))}</span>")
        if path in PATH_TEXT:
            lines.append(f"How it was made: {escape(PATH_TEXT[path])}.")
        parts.append(f'<div class="ee-metrics">{"<br>".join(lines)}</div>')
        chips = [f for f in flags if f != "crisis_language"]  # said in the banner above the case and the verdict
        if chips or review.kind != "original":
            parts.append(f'<div class="ee-metrics">{flags_html(chips)}</div>')
    if attempts:
        parts.append(attempts_html(attempts, path))
    if note:
        parts.append(f'<div class="ee-metrics ee-muted">{escape(note)}</div>')
    parts.append("</div>")
    return "".join(parts)


def attempts_html(attempts: list[dict], used_path: str | None = None) -> str:
    """Every try behind a reply, collapsed: which were refused and why. A refused text is shown only here, marked."""
    items, refused = [], 0
    for n, a in enumerate(attempts, 1):
        path = a.get("path") or ""
        used = path == used_path and n == len(attempts)
        if used:
            state, cls = "used: this is the reply shown above", "ee-used"
        else:
            refused += 1
            problems = [flag_text(f) for f in a.get("flags", []) if f not in DRAFT_NOTES]
            if not a.get("clean", True):
                why = "; ".join(problems) or "the fact check failed"
            else:
                why = "not warmer than your draft"
            state, cls = f"refused: {why}", "ee-refused"
        parts = [f'<div class="ee-attempt {cls}"><b>Try {n}</b> ({escape(PATH_TEXT.get(path, path))}): {escape(state)}']
        detail = a.get("reason") or a.get("why") or a.get("detail")
        if detail:
            parts.append(f"<br>{escape(str(detail))}")
        if a.get("recall") is not None:
            parts.append(f"<br><small>recall {_num(a.get('recall'))} · precision {_num(a.get('precision'))}</small>")
        if not used:
            parts.append(f'<div class="ee-text">{escape(a.get("text") or "")}</div>')
        parts.append("</div>")
        items.append("".join(parts))
    summary = f"Attempts: {len(attempts)} tr{'y' if len(attempts) == 1 else 'ies'}"
    summary += f", {refused} refused" if refused else ""
    return f'<details class="ee-attempts"><summary>{escape(summary)}</summary>{"".join(items)}</details>'


def levels_html(points: list[dict]) -> str:
    """The level comparison as a table a clinician reads: warmth, facts, verdict, and each edit (collapsed)."""
    rows = []
    for p in points:
        v = verdict(p.get("flags", []), needs_review=p.get("needs_review", False))
        rows.append(f"<tr><td class='ee-num'>Level {escape(str(p['level']))}</td><td class='ee-num'>{_num(p['empathy'])}</td>"
                    f"<td class='ee-num'>{_num(p['recall'])}</td><td class='ee-num'>{_num(p['precision'])}</td>"
                    f"<td>{verdict_html(v)}<details><summary>The edit</summary>{text_html(p.get('text'))}</details></td>"
                    "</tr>")
    head = ("<tr><th>Level</th><th>Empathy</th><th>Facts kept<br><small>(recall)</small></th>"
            "<th>Supported<br><small>(precision)</small></th><th>Verdict</th></tr>")
    return f'<table class="ee-levels">{head}{"".join(rows)}</table>'


def placeholder(title: str, message: str) -> str:
    return card(title, f'<div class="ee-muted">{escape(message)}</div>')


def emotion_html(result: dict | None) -> str:
    """The patient's emotions in words (scores on hover); crisis language is the banner's (:func:`crisis_banner`)."""
    if not result:
        return ""
    scores = ", ".join(f"{e} {result.get('scores', {}).get(e, 0):.2f}" for e in result.get("emotions", []) if e != "none")
    return f'<div class="ee-emotion" title="{escape(scores)}">{escape(emotion_sentence(result))}</div>'


def crisis_banner(result: dict | None) -> str:
    """A red banner for the top of the case when the patient's message has crisis language; empty otherwise."""
    if not result or not result.get("crisis"):
        return ""
    guidance = result.get("crisis_guidance") or "Contact the patient directly and follow your clinic's crisis protocol."
    return (f"<div class=\"ee-banner\" role=\"alert\"><strong>Crisis language in the patient's message</strong>"
            f"{escape(guidance)}</div>")


def status_html(message: str, *, state: str = "info", steps: list[str] | None = None) -> str:
    """A status line under the action: ``state`` "busy", "done" or "info"; ``steps`` the progress so far."""
    items = "".join(f"<li>{escape(s)}</li>" for s in steps or [])
    return (f'<div class="ee-status ee-{escape(state)}" role="status">{escape(message)}'
            + (f'<ol class="ee-steps">{items}</ol>' if items else "") + "</div>")


def message_html(message: str, *, failed: str = "Could not finish:") -> str:
    """A callback's plain message as HTML: "⚠ ..." an error (led by ``failed``), "… ..." work in progress, anything
    else done."""
    if not message:
        return ""
    if message.startswith("⚠"):
        return error_html(message[1:].strip(), lead=failed)
    if message.startswith("…"):
        return status_html(message[1:].strip() + "…", state="busy")
    return status_html(message, state="done")


def error_html(message: str, *, lead: str = "Could not finish:") -> str:
    """An error that stays where it happened until the next action."""
    return f'<div class="ee-error" role="alert"><strong>{escape(lead)}</strong>{escape(message)}</div>'


ABOUT = ("About the empathy score: it uses a model trained on the EPITOME data. Acknowledgement: University of "
         "Washington, Behavioral Data Science Group, and the authors: Ashish Sharma, Adam S Miner, David C Atkins, & "
         "Tim Althoff (2020). A Computational Approach to Understanding Empathy Expressed in Text-Based Mental Health "
         "Support. EMNLP. Copyright 2019-2020 University of Washington.")


def about_html() -> str:
    return f'<div class="ee-about">{escape(ABOUT)}</div>'
