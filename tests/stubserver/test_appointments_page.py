"""The stub server's booking book: the form on its page shows the code once; the protocol
route lists hashes only."""

from __future__ import annotations

import hashlib
import urllib.parse

import requests


def test_booking_by_form_shows_the_code_once_and_the_route_lists_its_hash(stub):
    form = {"kiosk_id": "hdv-1", "category": "etat-civil", "start": "2026-12-03T10:30"}
    page = requests.post(
        f"{stub.url}/api/v1/dev/appointments",
        data=urllib.parse.urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=5,
    )
    assert page.status_code == 200 and "shown once" in page.text
    [code] = [
        w
        for w in page.text.replace("<", " ").replace(">", " ").split()
        if len(w) == 6 and w.isupper() and w.isalnum()
    ][:1]
    assert not set(code) & set("01ILO")
    assert code not in requests.get(stub.url + "/", timeout=5).text
    listed = requests.get(
        f"{stub.url}/api/v1/kiosks/hdv-1/appointments?day=2026-12-03",
        headers={"Authorization": "Bearer t"},
        timeout=5,
    ).json()
    assert listed["day"] == "2026-12-03"
    [a] = listed["appointments"]
    assert a["code_sha256"] == hashlib.sha256(code.encode()).hexdigest()
    assert a["start"] == "2026-12-03T10:30:00+01:00" and a["category"] == "etat-civil"
    assert code not in str(listed)


def test_the_day_is_required_and_checked(stub):
    for query in ("", "?day=2026-13-40", "?day=tomorrow"):
        answer = requests.get(
            f"{stub.url}/api/v1/kiosks/hdv-1/appointments{query}",
            headers={"Authorization": "Bearer t"},
            timeout=5,
        )
        assert answer.status_code == 400 and answer.json()["field"] == "day"
