"""A fixed sample of the shared lists and the parity query set for ES tests.

noida-db scans linearly, so the integration tests index a deterministic sample
(~800 entities from every shared list, plus the bundled demo list) instead
of the full 30k. Queries are derived from the sampled names the way payment
texts distort them: Latin word order, typos, Russian spelling, a dropped
patronymic, Ukrainian names inflected and normalized back by the pipeline,
organisation names with and without their legal form, OFAC/UN names reordered
and misspelt.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from functools import lru_cache

import pymorphy3

from ai_service.lists.config import sources_from_setting
from ai_service.lists.loader import load_sources
from ai_service.lists.model import Entity
from ai_service.lists.snapshot import ListsSnapshot, LoadedList
from ai_service.search.base import NameQuery
from tests.search.search_data import VARIANTS, all_list_sources, typo

SEED = 20261125
SAMPLE = {"ua_nsdc_persons": 340, "ua_nsdc_companies": 130, "ofac_sdn": 170, "un": 100, "ua_sfms": 60}


def sample_snapshot() -> ListsSnapshot:
    """The demo list plus a fixed sample of every shared list (snapshot order kept)."""
    full = asyncio.run(load_sources(sources_from_setting(all_list_sources())))
    demo = asyncio.run(load_sources(sources_from_setting(None)))
    rng = random.Random(SEED)
    lists: dict[str, LoadedList] = dict(demo.lists)
    for name, loaded in full.lists.items():
        keep = sorted(rng.sample(range(loaded.entity_count), min(SAMPLE.get(name, 0), loaded.entity_count)))
        entities = [loaded.entities[i] for i in keep]
        lists[name] = LoadedList(name, loaded.formats, loaded.locations, entities,
                                 f"{loaded.checksum}:sample{SEED}:{len(entities)}", loaded.version, loaded.loaded_at)
    return ListsSnapshot(lists)


def _latin_typo(e: Entity, rng: random.Random) -> str:
    words = e.names[0].replace(",", " ").split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = typo(words[longest], rng)
    return " ".join(words)


def _reordered(e: Entity, rng: random.Random) -> str:
    words = e.names[rng.randrange(len(e.names))].replace(",", " ").split()
    return " ".join(words[1:] + words[:1]) if len(words) > 1 else " ".join(words)


def _alias(e: Entity, rng: random.Random) -> str:
    return e.names[-1]


_FOREIGN: dict[str, Callable[[Entity, random.Random], str]] = {
    "typo": _latin_typo, "reordered": _reordered, "alias": _alias,
}


def parity_queries(snapshot: ListsSnapshot, pipeline_queries: Callable[[str], list[NameQuery]],
                   n_inflected: int = 70) -> list[tuple[str, NameQuery]]:
    """(variant label, query) pairs, fixed for a given snapshot."""
    rng = random.Random(SEED)
    out: list[tuple[str, NameQuery]] = []
    persons = [e for e in snapshot.lists["ua_nsdc_persons"].entities if len(e.names[0].split()) == 3]
    for e in rng.sample(persons, 220):
        label = rng.choice(sorted(VARIANTS))
        out.append((label, NameQuery(VARIANTS[label](e, rng), "person")))
    for e in rng.sample(persons, n_inflected):
        for q in pipeline_queries(f"Переказ коштів {_dative(e.names[0])}"):
            out.append(("inflected", q))
    for e in rng.sample(snapshot.lists["ua_nsdc_companies"].entities, 80):
        out.append(("organization", NameQuery(e.names[rng.randrange(len(e.names))], "organization")))
    foreign = [e for name in ("ofac_sdn", "un", "ua_sfms") for e in snapshot.lists[name].entities if e.names]
    for e in rng.sample(foreign, 130):
        label = rng.choice(sorted(_FOREIGN))
        kind = e.entity_type if e.entity_type in ("person", "organization") else None
        out.append((label, NameQuery(_FOREIGN[label](e, rng), kind)))
    for e in snapshot.lists["demo"].entities:
        out.append(("demo", NameQuery(e.names[0], e.entity_type, ids=list(e.ids[:1]))))
    return out


def _dative(name: str) -> str:
    """The dative of a Ukrainian name, part by part, by pymorphy3's own generator
    (parts it cannot inflect stay nominative, as in real payments)."""
    morph = _analyzer()
    out = []
    for word in name.split():
        form = word
        for parse in morph.parse(word):
            if parse.tag.case == "nomn" and ({"Surn", "Name", "Patr"} & parse.tag.grammemes):
                inflected = parse.inflect({"datv"})
                if inflected is not None:
                    form = word[0] + inflected.word[1:]
                break
        out.append(form)
    return " ".join(out)


@lru_cache(maxsize=1)
def _analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="uk")
