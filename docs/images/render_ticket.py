"""Render the README's example ticket from the real code: layout -> ESC/POS bytes -> decoder
-> PNG, exactly as the virtual printer does. ``make screenshots`` runs it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from kiosk.config import load_config
from printer.decoder import decode
from printer.preview import render_png
from printer.ticket import TicketContent, TicketLayout

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    config = load_config(ROOT / "config" / "hdv.toml")
    layout = TicketLayout.from_config(config.printer)
    content = TicketContent(
        site=config.kiosk.site,
        number="A042",
        category_label=config.category("etat-civil").label["fr"],
        language="fr",
        issued_at=dt.datetime(2026, 11, 26, 9, 41, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        people_ahead=3,
        wait_range_min=(10, 20),
        qr_payload=config.printer.qr_url.format(
            kiosk=config.kiosk.id,
            number="A042",
            category="etat-civil",
            ticket_id="",
            day="",
            lang="fr",
        ),
        footer_lines=config.printer.footer["fr"],
    )
    data = layout.render(content)
    out = ROOT / "docs" / "images" / "ticket-A042.png"
    render_png(decode(data), out, paper_width_dots=layout.paper_width_dots)
    print(f"{out} ({len(data)} bytes of ESC/POS)")


if __name__ == "__main__":
    main()
