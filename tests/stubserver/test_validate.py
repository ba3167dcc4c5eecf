import pytest

from kiosk.sync.protocol import BodyError, parse_rfc3339, validate_events_body

from .conftest import event


def body(*events, kiosk_id="hdv-1"):
    return {"kiosk_id": kiosk_id, "events": list(events)}


def test_a_good_batch():
    kiosk_id, events = validate_events_body(body(event(1), event(2)))
    assert kiosk_id == "hdv-1" and [e.seq for e in events] == [1, 2]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.update(kiosk_id="HDV 1"), "kiosk_id"),
        (lambda b: b.update(events=[]), "events"),
        (lambda b: b.update(events=[event(i) for i in range(1, 102)]), "events"),
        (lambda b: b["events"][1].update(id="nope"), "events[1].id"),
        (lambda b: b["events"][1].update(seq=True), "events[1].seq"),
        (lambda b: b["events"][1].update(seq=0), "events[1].seq"),
        (lambda b: b["events"][1].update(seq=1), "events[1].seq"),  # not in seq order
        (lambda b: b["events"][0].update(type=""), "events[0].type"),
        (lambda b: b["events"][0].update(at="2026-11-26T10:00:00"), "events[0].at"),
        (lambda b: b["events"][0].update(at="yesterday"), "events[0].at"),
        (lambda b: b["events"][0].update(data=[]), "events[0].data"),
        (lambda b: b["events"][0].pop("data"), "events[0].data"),
    ],
)
def test_each_bad_field_is_named(change, field):
    b = body(event(1), event(2))
    change(b)
    with pytest.raises(BodyError) as err:
        validate_events_body(b)
    assert err.value.field == field


def test_not_an_object():
    with pytest.raises(BodyError, match=r"^\$"):
        validate_events_body([1])


def test_rfc3339_needs_an_offset():
    assert parse_rfc3339("2026-11-26T09:00:00Z") is not None
    assert parse_rfc3339("2026-11-26T10:00:00.123+01:00") is not None
    assert parse_rfc3339("2026-11-26 10:00:00+01:00") is None
    assert parse_rfc3339("2026-11-26T10:00:00") is None
