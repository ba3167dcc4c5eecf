"""The stub server's one web page: each kiosk's queues with a "call next" button.

Plain HTML that refreshes itself every 5 seconds; the buttons are small forms posting to
``/api/v1/dev/call``, so it works with no JavaScript at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from stubserver.db import CategoryFigures

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
    "td,th{border:1px solid #999;padding:.4em .8em;text-align:left}"
)


def render_page(
    queues: Mapping[str, Mapping[str, CategoryFigures]],
    appointments: str = "",
    *,
    policy: str = "strict",
) -> str:
    """The page for ``{kiosk_id: {category: figures}}``; ``appointments`` is the HTML of its
    appointments part (:func:`stubserver.appointments.render_form`); ``policy`` is the
    priority policy the "call next" buttons follow."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='refresh' content='5'>",
        f"<title>Queue stub server</title><style>{_STYLE}</style></head><body>",
        "<h1>Queue stub server (protocol v1)</h1>",
        f"<p>Priority policy: <b>{escape(policy)}</b> (POST /api/v1/dev/priority-policy).</p>",
    ]
    if not queues:
        parts.append("<p>No kiosk has sent a ticket yet.</p>")
    for kiosk_id, categories in queues.items():
        parts.append(f"<h2>Kiosk {escape(kiosk_id)}</h2>")
        if not categories:
            parts.append("<p>No ticket today.</p>")
            continue
        parts.append(
            "<table><tr><th>Category</th><th>Waiting</th><th>Of them priority</th>"
            "<th>Estimated wait</th><th>Now serving</th><th></th></tr>"
        )
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
    parts.append(appointments)
    parts.append("</body></html>")
    return "".join(parts)
