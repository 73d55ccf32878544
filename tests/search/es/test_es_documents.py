"""Entity → documents → entity, the index template, and the query plan (no server)."""

from __future__ import annotations

import io

import numpy as np

from ai_service.lists.model import Entity, Identifier
from ai_service.lists.snapshot import ListsSnapshot, LoadedList
from ai_service.search.base import NameQuery
from ai_service.search.embedded import R_EXACT, R_FUZZY, R_ID, R_VECTOR
from ai_service.search.es.documents import batch_actions, entity_from_stored, entity_rows, snapshot_checksum
from ai_service.search.es.mapping import index_template, mappings
from ai_service.search.es.progress import Progress
from ai_service.search.es.query import plan_query
from ai_service.search.scoring import entity_aliases
from ai_service.search.vectors import DIM, embed, embed_one
from ai_service.text.translit import name_key

PUTIN = Entity("ofac", "7", "person",
               ["PUTIN, Vladimir Vladimirovich", "Путин Владимир Владимирович", "Vladimir PUTIN"],
               ids=[Identifier("passport", "AB 12-345 67"), Identifier("inn", "12")], birth_dates=["1952-10-07"],
               countries=["RU"], programs=["RUSSIA-EO14024"], remarks="r", weak_names=["Vova"])
NO_NAME = Entity("un", "9", "organization", [], ids=[Identifier("registration", "5566778899")])


def test_one_row_per_distinct_name_key_head_row_has_ids() -> None:
    rows = entity_rows(PUTIN, 41)
    keys = {name_key(a) for a, _ in entity_aliases(PUTIN)}
    assert len(rows) == len(entity_aliases(PUTIN)) < len(PUTIN.names) + 1  # word orders share a key
    assert [r["row"] for r in rows] == list(range(len(rows)))
    assert rows[0]["ids"] == ["AB1234567"]  # normalized, too-short values dropped
    assert rows[0]["birth_dates"] == ["1952-10-07"]
    assert all("ids" not in r for r in rows[1:])
    assert all(r["pos"] == 41 and r["list"] == "ofac" and r["entity_id"] == "7" for r in rows)
    assert {r["_key"] for r in rows} == keys
    assert rows[0]["name_key"] == " ".join(sorted(rows[0]["name_tokens"].split()))


def test_entity_without_names_keeps_a_head_row_for_its_ids() -> None:
    rows = entity_rows(NO_NAME, 0)
    assert len(rows) == 1 and rows[0]["ids"] == ["5566778899"]
    assert "name_key" not in rows[0] and "_key" not in rows[0]


def test_actions_carry_the_embedded_vectors_and_rebuild_the_entity() -> None:
    actions = batch_actions("idx-1", [(PUTIN, 0), (NO_NAME, 1)])
    assert [a["_id"] for a in actions][-1] == "un:9:0" and actions[0]["_id"] == "ofac:7:0"
    src = actions[0]["_source"]
    key = name_key(entity_aliases(PUTIN)[0][0])
    assert np.allclose(np.asarray(src["name_vector"], dtype=np.float32), embed([key], DIM)[0])
    assert "name_vector" not in actions[-1]["_source"]  # zero vectors are invalid for cosine
    entity, aliases = entity_from_stored(src["entity"])
    assert entity == PUTIN
    assert aliases == entity_aliases(PUTIN)
    assert set(src) <= set(mappings()["properties"])  # strict mapping accepts it


def test_checksum_follows_content_and_order() -> None:
    def snap(*names: str, checksum: str = "c") -> ListsSnapshot:
        return ListsSnapshot({n: LoadedList(n, ["ftm"], ["x"], [], checksum + n, "v", 0.0) for n in names})

    assert snapshot_checksum(snap("a", "b")) == snapshot_checksum(snap("a", "b"))
    assert snapshot_checksum(snap("a", "b")) != snapshot_checksum(snap("b", "a"))  # positions differ
    assert snapshot_checksum(snap("a", "b")) != snapshot_checksum(snap("a", "b", checksum="d"))


def test_template_uses_built_in_analysis_and_full_vectors() -> None:
    body = index_template("screening")
    assert body["index_patterns"] == ["screening-*"]
    analysis = body["template"]["settings"]["analysis"]
    assert {t["type"] for t in analysis["tokenizer"].values()} <= {"ngram", "edge_ngram", "whitespace", "standard"}
    filters = {f for part in ("analyzer", "normalizer") for a in analysis[part].values() for f in a["filter"]}
    assert filters <= {"lowercase", "asciifolding"}
    props = body["template"]["mappings"]["properties"]
    assert props["name_vector"]["dims"] == DIM and props["name_vector"]["index_options"]["type"] == "hnsw"
    assert props["name_key"] == {"type": "keyword", "normalizer": "name_key"}
    assert props["name_tokens"]["fields"]["ngram"]["analyzer"] == "name_ngram"
    assert props["ids"]["type"] == props["birth_dates"]["type"] == props["list"]["type"] == "keyword"
    assert props["entity"] == {"type": "object", "enabled": False}


def test_plan_mirrors_the_embedded_retrievers() -> None:
    q = NameQuery("Петренко О. В.", "person", ["Петренку"], [Identifier("rnokpp", "3124509879"),
                                                             Identifier("x", "12")],
                  lists=frozenset({"b", "a"}))
    plan = plan_query(q)
    assert [r for r, _ in plan.subs] == [R_ID, R_EXACT, R_FUZZY, R_FUZZY, R_VECTOR, R_VECTOR]
    ids_body = plan.bodies[0]
    assert ids_body["query"]["bool"]["filter"] == [{"terms": {"ids": ["3124509879"]}}, {"terms": {"list": ["a", "b"]}}]
    fuzzy = plan.bodies[2]["query"]["bool"]
    assert fuzzy["should"][0]["match"]["name_tokens"]["query"] == "petrenko"  # initials retrieve everyone
    knn = plan.bodies[4]["knn"]
    assert knn["query_vector"] == embed_one(plan.keys[0]).tolist()
    assert knn["filter"] == [{"terms": {"list": ["a", "b"]}}]
    searches = plan.searches()
    assert len(searches) == 2 * len(plan.bodies) and searches[0] == {}
    assert plan_query(NameQuery("   ")).bodies == []


def test_progress_draws_only_when_enabled() -> None:
    out = io.StringIO()
    bar = Progress("indexing x", 4, enabled=True, stream=out)
    bar.update(4)
    bar.close()
    assert out.getvalue().startswith("\rindexing x [") and "4/4 entities" in out.getvalue()
    assert out.getvalue().endswith("\n")
    quiet = io.StringIO()
    bar = Progress("indexing x", 4, stream=quiet)  # StringIO is not a terminal
    bar.update(4)
    bar.close()
    assert quiet.getvalue() == ""
