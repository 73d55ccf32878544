"""The spine's acceptance cases, on the real NSDC, SFMS and OFAC lists."""

from __future__ import annotations


def _process(client, text: str) -> dict:
    resp = client.post("/process", json={"text": text})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _match(body: dict, list_name: str, entity_id: str) -> dict | None:
    return next((m for m in body["matches"] if m["list"] == list_name and m["entity_id"] == entity_id), None)


def test_ready_within_ten_seconds(shared_client):
    assert shared_client.ready_seconds <= 10.0
    lists = shared_client.get("/lists").json()
    counts = {item["name"]: item["entity_count"] for item in lists["lists"]}
    assert counts["ua_nsdc_persons"] == 13_193  # 13,192 + the supplement
    assert counts["ua_nsdc_companies"] == 7_603
    assert counts["ua_sfms"] == 871
    assert counts["ofac_sdn"] == 8_976


def test_listed_tin_next_to_another_name_is_high(shared_client):
    body = _process(shared_client, "Дарья ПАвлова ИНН 2839403975")
    assert body["decision"]["risk"] == "high"
    m = _match(body, "ua_nsdc_persons", "900001")
    assert m is not None and "id" in m["matched_by"]
    assert "sanctioned_id_match" in body["decision"]["reasons"]


def test_bare_listed_tin_is_high(shared_client):
    body = _process(shared_client, "ИНН 2839403975")
    assert body["decision"]["risk"] == "high"
    assert _match(body, "ua_nsdc_persons", "900001") is not None


def test_inflected_name_found_and_review_asks_for_tin_and_dob(shared_client):
    body = _process(shared_client, "Переказ коштів Коврикову Роману Валерійовичу")
    assert body["normalized_text"] == "Ковриков Роман Валерійович"
    m = _match(body, "ua_nsdc_persons", "1")
    assert m is not None and m["score"] >= 0.85
    decision = body["decision"]
    assert decision["review_required"] is True
    assert set(decision["required_additional_fields"]) == {"TIN", "DOB"}


def test_name_with_dob_and_tin_is_high_without_questions(shared_client):
    body = _process(shared_client, "Оплата Ковриков Роман Валерійович 09.08.1976 ІПН 782611846337")
    assert body["decision"]["risk"] == "high"
    assert body["decision"]["required_additional_fields"] == []
    assert _match(body, "ua_nsdc_persons", "1") is not None
    assert body["signals"]["persons"][0]["dob"] == "1976-08-09"


def test_clean_payment_is_clear_with_no_persons(shared_client):
    body = _process(shared_client, "Оплата за комунальні послуги за березень, особовий рахунок 123456")
    assert body["decision"]["risk"] == "clear"
    assert body["signals"]["persons"] == []
    assert body["matches"] == []


def test_single_listed_surname_is_screened(shared_client):
    body = _process(shared_client, "Ковриков")
    assert [p["normalized"] for p in body["signals"]["persons"]] == ["Ковриков"]
    assert _match(body, "ua_nsdc_persons", "1") is not None
    assert body["decision"]["risk"] != "clear"


def test_bare_listed_id_is_screened(shared_client):
    body = _process(shared_client, "782611846337")
    assert body["decision"]["risk"] == "high"
    assert _match(body, "ua_nsdc_persons", "1") is not None


def test_cyrillic_query_finds_latin_only_entry(shared_client):
    # OFAC writes "MEDVEDCHUK, Viktor" in Latin only; the query is Ukrainian Cyrillic.
    resp = shared_client.post("/search", json={"query": "Медведчук Віктор", "entity_type": "person",
                                               "lists": ["ofac_sdn"]})
    assert resp.status_code == 200
    top = resp.json()["results"][0]
    assert (top["list"], top["entity_id"], top["name"]) == ("ofac_sdn", "16663", "MEDVEDCHUK, Viktor")
    assert top["score"] >= 0.9


def test_payment_text_in_english_finds_the_ofac_entry(shared_client):
    body = _process(shared_client, "Payment for consulting services to Viktor Medvedchuk inv 55")
    assert _match(body, "ofac_sdn", "16663") is not None
    assert body["decision"]["risk"] == "high" and body["decision"]["review_required"] is True


def test_latin_query_finds_cyrillic_entry(shared_client):
    resp = shared_client.post("/search", json={"query": "Kovrykov Roman Valeriiovych"})
    top = resp.json()["results"][0]
    assert (top["list"], top["entity_id"]) == ("ua_nsdc_persons", "1")
    assert top["score"] >= 0.9
