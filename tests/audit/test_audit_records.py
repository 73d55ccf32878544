"""ai_service.audit.records: hashes, masked entities, matches and decision; no payment data."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re

from ai_service.audit.records import Masker, screening_record, search_record
from ai_service.lists.model import Entity
from ai_service.logging_setup import mask_value
from ai_service.search.base import Candidate

TEXT = "Переказ Петренку Олександру Васильовичу, РНОКПП 3124509879, д.н. 15.03.1985, ТОВ «Ромашка Плюс»"
SECRETS = ("Петренк", "Олександр", "Васильович", "3124509879", "15.03.1985", "1985-03-15", "Ромашка")
MARKER = re.compile(r"<masked (sha256|hmac):[0-9a-f]{8} len=\d+>")
LISTED = Entity(list="demo", entity_id="demo-1", entity_type="person", names=["Петренко Олександр Васильович"])


def test_masker_hashes_the_text_as_received_plain_or_keyed() -> None:
    plain, keyed = Masker(), Masker("k" * 32)
    assert plain.digest(TEXT) == hashlib.sha256(TEXT.encode()).hexdigest() and plain.algorithm == "sha256"
    assert keyed.digest(TEXT) == hmac.new(b"k" * 32, TEXT.encode(), hashlib.sha256).hexdigest()
    assert keyed.algorithm == "hmac-sha256" and keyed.digest(TEXT) != plain.digest(TEXT)
    assert plain.mask("Петренко") == mask_value("Петренко")  # the log masking, unchanged
    assert keyed.mask("Петренко").startswith("<masked hmac:") and keyed.mask("Петренко") != plain.mask("Петренко")
    assert plain.text(TEXT) == {"hash": plain.digest(TEXT), "hash_alg": "sha256", "length": len(TEXT)}
    assert plain.mask(None) is None


def test_a_screening_record_holds_masked_entities_matches_and_the_decision(pipeline) -> None:
    doc = asyncio.run(pipeline.process(TEXT))
    assert doc.persons and doc.ids and doc.dates and doc.organizations  # the text exercises every kind
    doc.matches = [Candidate(LISTED, 0.97, ["name_fuzzy"], doc.persons[0].normalized, LISTED.primary_name)]
    doc.decision = {"risk": "high", "score": 0.97, "reasons": ["name_fuzzy_match"], "review_required": True,
                    "required_additional_fields": ["TIN"], "reason_details": [{"code": "x", "message": "y"}]}
    m = Masker()
    record = screening_record(doc, m, request_id="r-1", endpoint="/process/batch",
                              list_versions={"demo": "abc"}, batch=("r", 1), lists_swapped=True)
    assert record["request_id"] == "r-1" and record["batch"] == {"request_id": "r", "index": 1}
    assert record["text"] == m.text(TEXT) and record["list_versions"] == {"demo": "abc"}
    assert record["lists_swapped_during_request"] is True
    assert record["matches"] == [{"list": "demo", "entity_id": "demo-1", "entity_type": "person", "score": 0.97,
                                  "matched_by": ["name_fuzzy"], "cleared": False,
                                  "query": m.mask(doc.persons[0].normalized)}]
    assert record["decision"] == {"risk": "high", "score": 0.97, "reasons": ["name_fuzzy_match"],
                                  "review_required": True, "required_additional_fields": ["TIN"]}
    ents = record["entities"]
    assert ents["persons"][0]["name"] == m.mask(doc.persons[0].normalized)
    assert ents["ids"][0]["type"] == "rnokpp" and MARKER.fullmatch(ents["ids"][0]["value"])
    assert MARKER.fullmatch(ents["dates"][0]["value"]) and MARKER.fullmatch(ents["organizations"][0]["name"])
    dumped = json.dumps(record, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in dumped, secret


def test_a_search_record_has_the_query_hash_and_the_hits_only() -> None:
    m = Masker("k" * 16)
    record = search_record("Петренко Олександр", m, request_id="r", kind="name", entity_type="person",
                           lists=frozenset({"demo"}), hits=[(LISTED, 0.912345, ["name_fuzzy"])],
                           search_backend="embedded", list_versions={"demo": "v"})
    assert record["query"] == {**m.text("Петренко Олександр"), "type": "name"}
    assert record["matches"] == [{"list": "demo", "entity_id": "demo-1", "entity_type": "person",
                                  "score": 0.9123, "matched_by": ["name_fuzzy"]}]
    assert record["options"] == {"entity_type": "person", "lists": ["demo"]}
    assert "Петренко" not in json.dumps(record, ensure_ascii=False)
