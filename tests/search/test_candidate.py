"""Candidates build their explanation when it is read, once, and keep its content."""

from __future__ import annotations

import orjson

from ai_service.lists.model import Entity
from ai_service.search.base import Candidate, NameQuery
from ai_service.search.scoring import evaluate, to_candidate

LISTED = Entity(list="demo", entity_id="1", entity_type="person", names=["Петренко Олександр Васильович"])


def test_explanation_is_built_on_first_read_only() -> None:
    built: list[int] = []

    def build() -> dict:
        built.append(1)
        return {"score": 0.9}

    cand = Candidate(LISTED, 0.9, ["name_fuzzy"], "q", "a", build)
    twin = cand.copy()
    assert built == []  # neither construction nor copying builds it
    assert cand.explanation == {"score": 0.9} and cand.explanation is cand.explanation
    assert built == [1]
    assert twin.explanation == {"score": 0.9}  # the copy builds its own from the same recipe
    assert twin.cleared is False and twin.matched_by is not cand.matched_by


def test_search_candidates_explain_the_match_and_the_retrievers() -> None:
    ev = evaluate(NameQuery("Петренко Олександр"), LISTED)
    assert ev is not None
    cand = to_candidate(ev, LISTED, ["name_exact", "name_fuzzy"])
    body = orjson.loads(orjson.dumps(cand.to_dict()))
    explanation = body["explanation"]
    assert explanation["retrieved_by"] == ["name_exact", "name_fuzzy"]
    assert explanation["alias"] == "Петренко Олександр Васильович"
    assert sorted((p["query"], p["list"]) for p in explanation["name"]["aligned"]) == [
        ("Олександр", "Олександр"), ("Петренко", "Петренко")]
    assert explanation["name"]["unmatched_list"] == ["Васильович"]
    assert "retrieved_by" not in to_candidate(ev, LISTED).explanation  # the scorer alone (/compare)
