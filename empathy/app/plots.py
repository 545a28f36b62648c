"""Plots as inline SVG: readable at 1024 px, axes scaled to the data, labels that never overlap, every text escaped.

Gradio's plot widgets put the four levels of the trade-off on the right edge (precision is near 1 for checked edits)
and overlapped the dashboard's bar labels; these are drawn by hand instead, with no plotting library at start-up.
"""

from __future__ import annotations

from html import escape

LEVEL_COLOURS = ("#6e7781", "#0969da", "#8250df", "#bf3989")  # levels 0-3, distinct in grey-scale too
FONT = "font-family='DejaVu Sans, Liberation Sans, Arial, sans-serif'"


def _axis_range(values: list[float], *, floor: float = 0.0, ceiling: float = 1.0, min_span: float = 0.2) -> tuple[float, float]:
    """A range around ``values`` with room for the points at both ends, at least ``min_span`` wide."""
    lo, hi = min(values), max(values)
    span = max(hi - lo, min_span)
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    if lo < floor:
        lo, hi = floor, floor + span
    if hi > ceiling:
        lo, hi = max(floor, ceiling - span), ceiling
    pad = span * 0.12
    return lo - pad, hi + pad


def _ticks(lo: float, hi: float, floor: float = 0.0, ceiling: float = 1.0) -> list[float]:
    step = next(s for s in (0.05, 0.1, 0.2, 0.25, 0.5) if (hi - lo) / s <= 6)
    start = round((lo // step + 1) * step, 4)
    out, t = [], start
    while t <= hi + 1e-9:
        if floor - 1e-9 <= t <= ceiling + 1e-9:
            out.append(round(t, 4))
        t += step
    return out


def _place_labels(points: list[tuple[float, float, str]], height: float = 15.0) -> list[tuple[float, float, str]]:
    """Label positions (x, y, text) for points (x, y, text): to the right of the point, moved down (or up) until no
    two labels overlap."""
    placed: list[tuple[float, float, str]] = []
    for x, y, text in sorted(points, key=lambda p: p[1]):
        lx, ly = x + 10, y + 4
        width = 7.2 * len(text)
        for _ in range(40):
            clash = [p for p in placed if abs(p[1] - ly) < height and p[0] < lx + width and lx < p[0] + 7.2 * len(p[2])]
            if not clash:
                break
            ly = max(p[1] for p in clash) + height
        placed.append((lx, ly, text))
    return placed


def tradeoff_svg(points: list[dict]) -> str:
    """Empathy (y) against fact precision (x) for the levels of one case; points that would hide each other share
    one dot and one label ("Levels 1, 2")."""
    points = [p for p in points if p.get("empathy") is not None and p.get("precision") is not None]
    if not points:
        return ""
    W, H, left, right, top, bottom = 640, 340, 64, 150, 20, 52
    xs = [p["precision"] for p in points]
    ys = [p["empathy"] for p in points]
    x0, x1 = _axis_range(xs)
    y0, y1 = _axis_range(ys)
    sx = lambda v: left + (v - x0) / (x1 - x0) * (W - left - right)  # noqa: E731
    sy = lambda v: H - bottom - (v - y0) / (y1 - y0) * (H - top - bottom)  # noqa: E731
    parts = [f"<svg class='ee-plot' viewBox='0 0 {W} {H}' role='img' {FONT} font-size='13' "
             "aria-label='Empathy against fact precision, one point per empathy level'>",
             f"<rect x='{left}' y='{top}' width='{W - left - right}' height='{H - top - bottom}' fill='#fff' "
             "stroke='#d0d7de'/>"]
    for t in _ticks(x0, x1):
        parts.append(f"<line x1='{sx(t):.1f}' x2='{sx(t):.1f}' y1='{top}' y2='{H - bottom}' stroke='#eaeef2'/>"
                     f"<text x='{sx(t):.1f}' y='{H - bottom + 17}' text-anchor='middle' fill='#57606a'>{t:.2f}</text>")
    for t in _ticks(y0, y1):
        parts.append(f"<line x1='{left}' x2='{W - right}' y1='{sy(t):.1f}' y2='{sy(t):.1f}' stroke='#eaeef2'/>"
                     f"<text x='{left - 6}' y='{sy(t) + 4:.1f}' text-anchor='end' fill='#57606a'>{t:.2f}</text>")
    parts.append(f"<text x='{left + (W - left - right) / 2}' y='{H - 10}' text-anchor='middle' fill='#1f2328'>"
                 "Fact precision: share of its medical statements found in your draft</text>")
    parts.append(f"<text transform='translate(16 {top + (H - top - bottom) / 2}) rotate(-90)' text-anchor='middle' "
                 "fill='#1f2328'>Empathy score</text>")
    # points closer than a dot's width would hide each other: one dot, one label naming every level there
    groups: list[list[dict]] = []
    for p in sorted(points, key=lambda p: int(p["level"])):
        near = next((g for g in groups if abs(sx(g[0]["precision"]) - sx(p["precision"])) < 12
                     and abs(sy(g[0]["empathy"]) - sy(p["empathy"])) < 12), None)
        if near is None:
            groups.append([p])
        else:
            near.append(p)
    labels = []
    for group in groups:
        levels = [int(p["level"]) for p in group]
        x, y = group[0]["precision"], group[0]["empathy"]
        colour = LEVEL_COLOURS[min(levels) % 4]
        title = "; ".join(f"Level {p['level']}: empathy {p['empathy']:.2f}, precision {p['precision']:.2f}" for p in group)
        parts.append(f"<circle cx='{sx(x):.1f}' cy='{sy(y):.1f}' r='7' fill='{colour}' stroke='#fff' stroke-width='2'>"
                     f"<title>{escape(title)}</title></circle>")
        labels.append((sx(x), sy(y), _level_names(levels)))
    for lx, ly, text in _place_labels(labels):
        parts.append(f"<text x='{lx:.1f}' y='{ly:.1f}' fill='#1f2328'>{escape(text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _level_names(levels: list[int]) -> str:
    levels = sorted(levels)
    return f"Level {levels[0]}" if len(levels) == 1 else "Levels " + ", ".join(str(v) for v in levels)


def bars_svg(rows: list[dict]) -> str:
    """Horizontal bars, one row each: a two-line label left of the bar (``label`` what the reply is, ``sublabel`` the
    model, shortened with the full text on hover) and the value with ``n`` comparisons at the bar's end. Scale 0-1
    with a dashed line at 0.5 (preferred as often as not)."""
    if not rows:
        return ""
    W, row_h, left, right, top = 760, 42, 270, 190, 30
    H = top + row_h * len(rows) + 34
    sx = lambda v: left + v * (W - left - right)  # noqa: E731
    parts = [f"<svg class='ee-plot' viewBox='0 0 {W} {H}' role='img' {FONT} font-size='13' "
             "aria-label='How often each reply source was preferred'>"]
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        dash = " stroke-dasharray='4 3'" if t == 0.5 else ""
        parts.append(f"<line x1='{sx(t):.1f}' x2='{sx(t):.1f}' y1='{top - 4}' y2='{H - 30}' "
                     f"stroke='{'#8c959f' if t == 0.5 else '#eaeef2'}'{dash}/>"
                     f"<text x='{sx(t):.1f}' y='{H - 14}' text-anchor='middle' fill='#57606a'>{t:.2f}</text>")
    parts.append(f"<text x='{sx(0.5):.1f}' y='{top - 12}' text-anchor='middle' fill='#57606a' font-size='12'>"
                 "preferred half the time</text>")
    for i, r in enumerate(rows):
        y = top + i * row_h
        label, sub = str(r.get("label", "")), str(r.get("sublabel") or "")
        short = sub if len(sub) <= 34 else sub[:33] + "…"
        v = float(r.get("value") or 0)
        parts.append(f"<text x='{left - 10}' y='{y + 18}' text-anchor='end' fill='#1f2328'>{escape(label)}</text>")
        if sub:
            parts.append(f"<text x='{left - 10}' y='{y + 33}' text-anchor='end' fill='#57606a' font-size='11'>"
                         f"<title>{escape(sub)}</title>{escape(short)}</text>")
        parts.append(f"<rect x='{left}' y='{y + 9}' width='{max(v, 0.002) * (W - left - right):.1f}' "
                     f"height='{row_h - 18}' fill='#0969da' rx='2'/>"
                     f"<text x='{sx(v) + 6:.1f}' y='{y + 26}' fill='#1f2328'>{v:.2f} "
                     f"<tspan fill='#57606a' font-size='12'>({escape(str(r.get('n', '')))} comparison{'' if r.get('n') == 1 else 's'})</tspan></text>")
    parts.append("</svg>")
    return "".join(parts)
