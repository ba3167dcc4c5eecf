"""What the ticket says, decided in kiosk.core.tickets (issue 13)."""

from __future__ import annotations

from pathlib import Path


def test_arabic_visitor_qr_opens_in_arabic(tmp_path: Path) -> None:
    """``{lang}`` in ``qr_url``: the visitor's language in the QR code."""
    from kiosk.config import load_config
    from kiosk.core.tickets import ticket_content
    from kiosk.store import Store

    path = tmp_path / "kiosk.toml"
    path.write_text(
        """
[kiosk]
id = "ccas-1"
site = "CCAS"
timezone = "Europe/Paris"
languages = ["fr", "ar"]
data_dir = "data"
[printer]
url = "virtual://out"
qr_url = "https://file.example.org/t/{kiosk}/{number}?lang={lang}"
[hours]
monday = ["00:00-24:00"]
[[categories]]
id = "aide"
prefix = "A"
label = { fr = "Aide sociale", ar = "المساعدة الاجتماعية" }
""",
        encoding="utf-8",
    )
    config = load_config(path)
    config.kiosk.data_dir.mkdir()
    store = Store.open(config.kiosk.data_dir, kiosk_id="ccas-1", timezone="Europe/Paris")
    try:
        ticket, _ = store.issue_ticket(category="aide", prefix="A", language="ar")
    finally:
        store.close()
    content = ticket_content(config, ticket)
    assert content.qr_payload == "https://file.example.org/t/ccas-1/A001?lang=ar"
