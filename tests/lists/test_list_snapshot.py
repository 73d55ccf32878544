"""Snapshot helpers: how sources are shown on /lists."""

from __future__ import annotations

from ai_service.lists.snapshot import display_location, iso_utc


def test_display_location_hides_credentials_and_tokens():
    shown = display_location("https://user:secret@host.example:8443/x/sdn.csv?token=t")
    assert shown == "https://host.example:8443/x/sdn.csv?…"
    assert display_location("http://host.example/a.json") == "http://host.example/a.json"
    assert display_location("/data/lists/a.json") == "/data/lists/a.json"


def test_iso_utc():
    assert iso_utc(0) == "1970-01-01T00:00:00Z"
