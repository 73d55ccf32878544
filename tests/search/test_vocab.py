"""The vocabulary's table of listed words' expansions (ai_service/search/vocab.py): built for the
whole vocabulary at once, it must answer exactly what expanding one word at a time answers."""

from __future__ import annotations

import random

import pytest

from ai_service.search import name_forms
from ai_service.search.vocab import MIN_TOKEN, Vocabulary
from tests.search.search_data import NSDC_PERSONS, load_nsdc_persons


def _with_typos(words: list[str], seed: int = 7) -> list[str]:
    """``words`` and one-letter variants of them: one-edit neighbours, most of them."""
    rng = random.Random(seed)
    out = list(words)
    for w in words:
        i = rng.randrange(len(w))
        out += [w[:i] + w[i + 1:], w[:i] + rng.choice("aeikorsv") + w[i + 1:]]
    return [w for w in dict.fromkeys(out) if len(w) > 1]


def _assert_table_is_search(v: Vocabulary) -> int:
    compared = 0
    for token in v.tokens:
        assert v.expand(token) == v._search(token), token
        compared += len(v.expand(token)) > 1
    return compared


def test_table_answers_what_one_word_at_a_time_does() -> None:
    # Given names of the name-form dictionary (UA/RU groups, shared skeletons) and typos of them.
    given = sorted(name_forms._groups()[0])
    v = Vocabulary(_with_typos(given))
    assert _assert_table_is_search(v) > len(given) // 2  # most words have neighbours: a real check
    assert len(v._listed) < len(v)  # words without neighbours are left out of the table …
    lonely = next(t for t in v.tokens if len(t) >= MIN_TOKEN and t not in v._listed)
    assert v.expand(lonely) == ((lonely, 1.0),)  # … and expand to themselves


def test_table_keeps_every_kind_of_neighbour() -> None:
    v = Vocabulary(["oleksandr", "aleksandr", "mikola", "nikolai", "muhamad", "mohamed", "petrenko", "petrenka",
                    "abc"])
    assert [t for t, _ in v.expand("aleksandr")] == ["aleksandr", "oleksandr"]  # one edit apart
    assert dict(v.expand("nikolai")) == {"nikolai": 1.0, "mikola": 0.95}  # one name, UA and RU forms
    assert "mohamed" in dict(v.expand("muhamad"))  # same skeleton
    assert dict(v.expand("petrenko")).keys() == {"petrenko", "petrenka"}
    assert v.expand("abc") == (("abc", 1.0),)  # too short to expand
    assert v.expand("petrenkko") == v._search("petrenkko")  # unlisted words: expanded on demand
    assert "petrenko" in dict(v.expand("petrenkko"))


def test_table_on_the_shared_nsdc_list() -> None:
    if not NSDC_PERSONS.exists():
        pytest.skip(f"{NSDC_PERSONS} not present (shared data lives beside the repo, ../shared/data)")
    from ai_service.search.index import entity_keys

    words = list(dict.fromkeys(t for e in load_nsdc_persons() for t in entity_keys(e).tokens))
    assert _assert_table_is_search(Vocabulary(words)) > 1000
