from kiosk.core.messages import CategoryQueue
from kiosk.sync.state import QueueState, parse_state


def test_contract_example():
    state = parse_state(
        {
            "categories": {
                "etat-civil": {"waiting": 3, "estimated_wait_s": 720, "now_serving": "A039"}
            },
            "message": {"fr": "Fermeture à 16 h", "en": "Closing at 4 pm"},
        },
        fetched_at_mono_s=10.0,
    )
    assert state.categories == {"etat-civil": CategoryQueue(3, 720, "A039")}
    assert state.message == {"fr": "Fermeture à 16 h", "en": "Closing at 4 pm"}
    assert state.fetched_at_mono_s == 10.0


def test_wrong_types_are_dropped_field_by_field():
    state = parse_state(
        {
            "categories": {
                "a": {"waiting": "3", "estimated_wait_s": 60.0, "now_serving": 39},
                "b": {"waiting": True, "estimated_wait_s": -5, "extra": 1},
                "c": "not an object",
                "d": {},
            },
            "message": {"fr": "ok", "en": 3},
            "unknown": [1, 2],
        },
        fetched_at_mono_s=0.0,
    )
    assert state.categories == {
        "a": CategoryQueue(None, 60, None),
        "b": CategoryQueue(None, None, None),
        "d": CategoryQueue(None, None, None),
    }
    assert state.message == {"fr": "ok"}


def test_missing_or_null_everything():
    for payload in ({}, {"categories": None, "message": None}, [], "x", None):
        state = parse_state(payload, fetched_at_mono_s=1.0)
        assert state == QueueState(fetched_at_mono_s=1.0)


def test_unknown_categories_ignored_when_the_kiosk_lists_its_own():
    state = parse_state(
        {"categories": {"a": {"waiting": 1}, "zz": {"waiting": 2}}},
        fetched_at_mono_s=0.0,
        known_categories=frozenset({"a"}),
    )
    assert list(state.categories) == ["a"]


def test_freshness_is_five_minutes_of_monotonic_time():
    state = QueueState(fetched_at_mono_s=100.0)
    assert state.is_fresh(100.0)
    assert state.is_fresh(400.0)
    assert not state.is_fresh(400.1)
    assert not state.is_fresh(99.0)  # from another boot: not trusted


def test_implausible_figures_are_dropped_with_a_log_line(caplog):
    import logging

    payload = {
        "categories": {
            "huge": {"waiting": 10**18, "estimated_wait_s": 10**300},
            "edge": {"waiting": 999, "estimated_wait_s": 86_400},
            "over": {"waiting": 1000, "estimated_wait_s": 86_401},
            "neg": {"waiting": -1, "estimated_wait_s": -60},
            "odd": {"waiting": 2.5, "estimated_wait_s": True, "now_serving": "A1"},
            "inf": {"waiting": float("inf"), "estimated_wait_s": float("nan")},
        }
    }
    with caplog.at_level(logging.WARNING, logger="kiosk.sync.state"):
        state = parse_state(payload, fetched_at_mono_s=0.0)
    assert state.categories["edge"] == CategoryQueue(999, 86_400, None)
    for cid in ("huge", "over", "neg", "inf"):
        assert state.categories[cid] == CategoryQueue(None, None, None), cid
    assert state.categories["odd"] == CategoryQueue(None, None, "A1")
    text = caplog.text
    assert "huge.waiting: 1000000000000000000 dropped, expected 0 to 999" in text
    assert "huge.estimated_wait_s: 1000000000000000000000000000000000000000… dropped" in text
    assert "over.estimated_wait_s: 86401 dropped, expected 0 to 86400" in text
    assert len(max(caplog.messages, key=len)) < 200
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kiosk.sync.state"):
        parse_state(payload, fetched_at_mono_s=15.0)  # the next poll: nothing logged again
    assert caplog.messages == []
