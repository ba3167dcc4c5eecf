"""The stub server's one web page: each kiosk's queues with a "call next" button, and the
day's indicators (waits against the target, satisfaction answers) with small inline SVG
charts.

Plain HTML that refreshes itself every 5 seconds; the buttons are small forms posting to
``/api/v1/dev/call``, so it works with no JavaScript at all, and the charts need no library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from stubserver.db import CategoryFigures

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}"
    "td,th{border:1px solid #999;padding:.4em .8em;text-align:left}"
    "svg{display:block;margin-bottom:2em}svg text{font:12px sans-serif}"
)
SCORE_WORDS = {
    4: "4 very satisfied",
    3: "3 satisfied",
    2: "2 dissatisfied",
    1: "1 very dissatisfied",
}
BAR_PX, BAR_GAP_PX, LABEL_PX, CHART_PX = 18, 6, 170, 360


def render_page(
    queues: Mapping[str, Mapping[str, CategoryFigures]],
    indicators: Mapping[str, Any] | None = None,
    *,
    appointments: str = "",
    policy: str = "strict",
) -> str:
    """The page for ``{kiosk_id: {category: figures}}`` and the indicators' JSON form
    (:meth:`stubserver.server.StubServer.indicators`); ``appointments`` is the HTML of its
    appointments part (:func:`stubserver.appointments.render_form`); ``policy`` is the
    priority policy the "call next" buttons follow."""
    indicators = indicators or {"target_wait_min": 20, "kiosks": {}}
    target_min = float(indicators.get("target_wait_min", 20))
    per_kiosk = indicators.get("kiosks", {})
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='refresh' content='5'>",
        f"<title>Queue stub server</title><style>{_STYLE}</style></head><body>",
        "<h1>Queue stub server (protocol v1)</h1>",
        f"<p>Priority policy: <b>{escape(policy)}</b> (POST /api/v1/dev/priority-policy).</p>",
        "<p><a href='/config'>Remote configuration of each kiosk</a></p>",
    ]
    kiosk_ids = list(dict.fromkeys([*queues, *per_kiosk]))
    if not kiosk_ids:
        parts.append("<p>No kiosk has sent a ticket yet.</p>")
    for kiosk_id in kiosk_ids:
        parts.append(f"<h2>Kiosk {escape(kiosk_id)}</h2>")
        parts += _queues(kiosk_id, queues.get(kiosk_id, {}))
        parts += _indicators(per_kiosk.get(kiosk_id), target_min)
    parts.append(appointments)
    parts.append("</body></html>")
    return "".join(parts)


def _queues(kiosk_id: str, categories: Mapping[str, CategoryFigures]) -> list[str]:
    if not categories:
        return ["<p>No ticket today.</p>"]
    parts = [
        "<table><tr><th>Category</th><th>Waiting</th><th>Of them priority</th>"
        "<th>Estimated wait</th><th>Now serving</th><th></th></tr>"
    ]
    for category, f in categories.items():
        parts.append(
            f"<tr><td>{escape(category)}</td><td>{f.waiting}</td>"
            f"<td>{f.priority_waiting}</td>"
            f"<td>{f.estimated_wait_s // 60} min</td>"
            f"<td>{escape(f.now_serving or '-')}</td><td>"
            "<form method='post' action='/api/v1/dev/call'>"
            f"<input type='hidden' name='kiosk_id' value='{escape(kiosk_id, quote=True)}'>"
            f"<input type='hidden' name='category' value='{escape(category, quote=True)}'>"
            "<button type='submit'>Call next</button></form></td></tr>"
        )
    parts.append("</table>")
    return parts


def _minutes(seconds: Any) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def _indicators(figures: Mapping[str, Any] | None, target_min: float) -> list[str]:
    if not figures or figures.get("day") is None:
        return []
    day = escape(str(figures["day"]))
    waits: Mapping[str, Mapping[str, Any]] = figures.get("waits", {})
    parts = [f"<h3>Waits on {day} (issue to call; target {target_min:g} min)</h3>"]
    if waits:
        parts.append(
            "<table><tr><th>Category</th><th>Called</th><th>Mean</th><th>Median</th>"
            "<th>90th percentile</th><th>Longest</th><th>Within target</th>"
            "<th>Still waiting</th><th>Longest so far</th></tr>"
        )
        for category, w in waits.items():
            pct = w.get("within_target_pct")
            parts.append(
                f"<tr><td>{escape(category)}</td><td>{w['called']}</td>"
                f"<td>{_minutes(w['mean_wait_s'])}</td><td>{_minutes(w['median_wait_s'])}</td>"
                f"<td>{_minutes(w['p90_wait_s'])}</td><td>{_minutes(w['max_wait_s'])}</td>"
                f"<td>{'-' if pct is None else f'{pct:g} %'}</td><td>{w['waiting']}</td>"
                f"<td>{_minutes(w['longest_waiting_s'])}</td></tr>"
            )
        parts.append("</table>")
        bars = [
            (category, (w.get("mean_wait_s") or 0) / 60, w.get("p90_wait_s"))
            for category, w in waits.items()
        ]
        parts.append(_wait_chart(bars, target_min))
    else:
        parts.append("<p>No ticket that day.</p>")
    survey: Mapping[str, Any] = figures.get("survey", {})
    answers = int(survey.get("answers", 0))
    parts.append(f"<h3>Satisfaction on {day}</h3>")
    if not answers:
        parts.append("<p>No survey answer that day.</p>")
        return parts
    mean, pct = survey.get("mean_score"), survey.get("satisfied_pct")
    parts.append(
        f"<p>{answers} answers, mean score {mean:g} of 4, {pct:g} % satisfied (3 or 4).</p>"
    )
    by_score: Mapping[str, int] = survey.get("by_score", {})
    parts.append(
        _bar_chart(
            "Answers per score",
            [(SCORE_WORDS[s], float(by_score.get(str(s), 0))) for s in (4, 3, 2, 1)],
            unit="",
        )
    )
    by_reason: Mapping[str, Mapping[str, int]] = survey.get("by_reason", {})
    parts.append(
        "<table><tr><th>Reason</th><th>4</th><th>3</th><th>2</th><th>1</th></tr>"
        + "".join(
            f"<tr><td>{escape(reason)}</td>"
            + "".join(f"<td>{n.get(str(s), 0)}</td>" for s in (4, 3, 2, 1))
            + "</tr>"
            for reason, n in by_reason.items()
        )
        + "</table>"
    )
    return parts


def _svg_open(title: str, rows: int) -> list[str]:
    height = rows * (BAR_PX + BAR_GAP_PX) + 30
    width = LABEL_PX + CHART_PX + 80
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='{escape(title, quote=True)}'><title>{escape(title)}</title>"
    ]


def _bar_chart(title: str, bars: Sequence[tuple[str, float]], *, unit: str) -> str:
    """Horizontal bars, each labelled with its value in words (no colour needed to read it)."""
    top = max([v for _, v in bars] + [1.0])
    parts = _svg_open(title, len(bars))
    for i, (label, value) in enumerate(bars):
        y = 20 + i * (BAR_PX + BAR_GAP_PX)
        w = round(CHART_PX * value / top)
        parts.append(
            f"<text x='0' y='{y + BAR_PX - 4}'>{escape(label)}</text>"
            f"<rect x='{LABEL_PX}' y='{y}' width='{w}' height='{BAR_PX}' fill='#36c'/>"
            f"<text x='{LABEL_PX + w + 4}' y='{y + BAR_PX - 4}'>{value:g}{unit}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _wait_chart(bars: Sequence[tuple[str, float, Any]], target_min: float) -> str:
    """Mean wait per category as bars, the target as a dashed line across them."""
    top = max([m for _, m, _ in bars] + [target_min * 1.25])
    title = f"Mean wait per category, target {target_min:g} min"
    parts = _svg_open(title, len(bars))
    for i, (category, mean_min, _) in enumerate(bars):
        y = 20 + i * (BAR_PX + BAR_GAP_PX)
        w = round(CHART_PX * mean_min / top)
        over = mean_min > target_min
        parts.append(
            f"<text x='0' y='{y + BAR_PX - 4}'>{escape(category)}</text>"
            f"<rect x='{LABEL_PX}' y='{y}' width='{w}' height='{BAR_PX}' "
            f"fill='{'#c33' if over else '#3a3'}'/>"
            f"<text x='{LABEL_PX + w + 4}' y='{y + BAR_PX - 4}'>{mean_min:.1f} min"
            f"{' (over target)' if over else ''}</text>"
        )
    x = LABEL_PX + round(CHART_PX * target_min / top)
    bottom = 20 + len(bars) * (BAR_PX + BAR_GAP_PX)
    parts.append(
        f"<line x1='{x}' y1='12' x2='{x}' y2='{bottom}' stroke='#000' stroke-dasharray='4 3'/>"
        f"<text x='{x + 3}' y='11'>target {target_min:g} min</text></svg>"
    )
    return "".join(parts)


CONFIG_EXAMPLE = {"display": {"theme": "high-contrast"}}


def render_config_page(rows: Sequence[tuple[str, int, Any, Sequence[Mapping[str, Any]]]]) -> str:
    """Each kiosk's configuration as JSON in a textarea (saving makes a new version), and
    what the kiosk reported of each version: applied, or rejected and why."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Remote configuration</title><style>{_STYLE}textarea{{width:100%}}</style>",
        "</head><body><h1>Remote configuration (contract 5.7)</h1>",
        "<p>The sections a server may set: hours, categories, priority, appointments, survey, "
        "display, in the JSON form of their TOML. Saving makes a new version; an empty text "
        "clears it (the kiosk gets 204 and goes back to its file). <a href='/'>Queues</a></p>",
    ]
    kiosks = [*rows, ("", 0, None, [])]  # a blank form for a kiosk not seen yet
    for kiosk_id, version, config, reports in kiosks:
        title = f"Kiosk {escape(kiosk_id)}" if kiosk_id else "Another kiosk"
        parts.append(f"<h2>{title}</h2><p>Version {version or 'none'}</p>")
        if reports:
            parts.append("<table><tr><th>Reported</th><th>Version</th><th>Error</th></tr>")
            for r in reports:
                data = r.get("data") or {}
                parts.append(
                    f"<tr><td>{escape(str(r.get('type', '')))} at {escape(str(r.get('at', '')))}"
                    f"</td><td>{escape(str(data.get('version', '')))}</td>"
                    f"<td>{escape(str(data.get('error') or ''))}</td></tr>"
                )
            parts.append("</table>")
        text = json.dumps(
            config if config is not None else CONFIG_EXAMPLE, indent=2, ensure_ascii=False
        )
        if kiosk_id:
            action = f"/api/v1/dev/kiosks/{escape(kiosk_id, quote=True)}/config"
            parts.append(f"<form method='post' action='{action}'>")
        else:
            parts.append(
                "<form method='post' onsubmit=\"this.action='/api/v1/dev/kiosks/'+"
                "this.kiosk.value+'/config'\"><label>Kiosk id <input name='kiosk'></label><br>"
            )
        parts.append(
            f"<textarea name='config' rows='12'>{escape(text)}</textarea><br>"
            "<button type='submit'>Save as a new version</button></form>"
        )
    parts.append("</body></html>")
    return "".join(parts)
