"""The stub server's one web page: each kiosk's queues with a "call next" button.

Plain HTML that refreshes itself every 5 seconds; the buttons are small forms posting to
``/api/v1/dev/call``, so it works with no JavaScript at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from stubserver.db import CategoryFigures

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
    "td,th{border:1px solid #999;padding:.4em .8em;text-align:left}"
)


def render_page(queues: Mapping[str, Mapping[str, CategoryFigures]]) -> str:
    """The page for ``{kiosk_id: {category: figures}}``."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='refresh' content='5'>",
        f"<title>Queue stub server</title><style>{_STYLE}</style></head><body>",
        "<h1>Queue stub server (protocol v1)</h1>",
        "<p><a href='/config'>Remote configuration of each kiosk</a></p>",
    ]
    if not queues:
        parts.append("<p>No kiosk has sent a ticket yet.</p>")
    for kiosk_id, categories in queues.items():
        parts.append(f"<h2>Kiosk {escape(kiosk_id)}</h2>")
        if not categories:
            parts.append("<p>No ticket today.</p>")
            continue
        parts.append(
            "<table><tr><th>Category</th><th>Waiting</th><th>Estimated wait</th>"
            "<th>Now serving</th><th></th></tr>"
        )
        for category, f in categories.items():
            parts.append(
                f"<tr><td>{escape(category)}</td><td>{f.waiting}</td>"
                f"<td>{f.estimated_wait_s // 60} min</td>"
                f"<td>{escape(f.now_serving or '-')}</td><td>"
                "<form method='post' action='/api/v1/dev/call'>"
                f"<input type='hidden' name='kiosk_id' value='{escape(kiosk_id, quote=True)}'>"
                f"<input type='hidden' name='category' value='{escape(category, quote=True)}'>"
                "<button type='submit'>Call next</button></form></td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
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
