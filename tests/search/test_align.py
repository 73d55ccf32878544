"""The aligner's shortcuts change no answer: the Jaro-Winkler pre-check and the
compound gate only skip pairs that could not have matched anyway."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_service.search import align
from ai_service.search.parts import parse_name

# Words that exercise every rule of _key_similarity: given-name forms across
# languages, patronymics, initials, gender forms, same-skeleton spellings,
# compounds, short words, names derived from others, and unrelated words.
WORDS = [
    "Олександр", "Александр", "Oleksandr", "Aleksandr", "Alexander", "Микола", "Николай", "Mykola",
    "Юрійович", "Юрьевич", "Iurievich", "Олександрович", "Aleksandrovich", "Васильовичу", "Семенович",
    "Іванов", "Іванова", "Ivanov", "Ivanova", "Petrov", "Petrenko", "Антон", "Антонов",
    "Muhammad", "Mohammed", "Mohamed", "Ahmad", "Ahmed", "Abu", "Bakr", "Abubakr", "Al", "Baghdadi",
    "Albaghdadi", "bin", "Laden", "Хмельницький", "Khmelnytskyi", "Khmelnitsky", "Medvedchuk", "Medvedev",
    "О.", "А.", "J.", "D.", "Yu.", "Jennifer", "Smith", "Smyth", "Johnson", "AUC", "наук", "Li", "Lee",
]

name = st.lists(st.sampled_from(WORDS) | st.text(alphabet="abdeiklmnorstuv", min_size=1, max_size=9),
                min_size=1, max_size=5).map(" ".join)


def _aligned(query: str, listed: str) -> tuple:
    return align.align(parse_name(query).parts, parse_name(listed).parts)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=name, listed=name)
def test_pre_check_skips_only_pairs_that_cannot_match(query: str, listed: str) -> None:
    fast = _aligned(query, listed)
    saved = align._quick_jw
    align._quick_jw = lambda a, b: 1.0  # every pair through _key_similarity
    try:
        full = _aligned(query, listed)
    finally:
        align._quick_jw = saved
    assert fast == full


@pytest.mark.parametrize(("query", "listed"), [
    ("Abubakr Baghdadi", "Abu Bakr al-Baghdadi"),
    ("Albaghdadi Ibrahim", "Al Baghdadi Ibrahim"),
    ("Олександр Петренко", "Alexander Petrenko"),
    ("О. Петренко", "Олександр Петренко"),
    ("Muhammad Smith", "Mohammed Smyth"),
])
def test_known_matches_survive_the_shortcuts(query: str, listed: str) -> None:
    saved = align._quick_jw
    align._quick_jw = lambda a, b: 1.0
    try:
        full = _aligned(query, listed)
    finally:
        align._quick_jw = saved
    fast = _aligned(query, listed)
    assert fast == full
    assert len(fast) >= 2  # both parts found their counterpart


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="abdeikoqrstvжщ", max_size=12),
                          st.text(alphabet="abdeikoqrstvжщ", max_size=12)), max_size=40))
def test_batched_edit_similarity_is_edit_sim_exactly(pairs: list[tuple[str, str]]) -> None:
    # The vocabulary's neighbour table uses the batch; thresholds must cut where edit_sim cuts.
    pairs += [("petrenko", "petrneko"), ("oleksandr", "aleksandr"), ("martin", "martina")]
    got = align.edit_sims([a for a, _ in pairs], [b for _, b in pairs])
    assert got.dtype == np.float64
    assert got.tolist() == [align.edit_sim(a, b) for a, b in pairs]
    assert align.edit_sims([], []).size == 0
