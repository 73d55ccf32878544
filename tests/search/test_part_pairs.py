"""QueryAligner and QueryScorer (one query against many list names) give the answers of
align.align and match_names, pair for pair."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_service.search import align, name_match
from ai_service.search.part_pairs import QueryAligner
from ai_service.search.parts import parse_name
from tests.search.test_align import WORDS

name = st.lists(st.sampled_from(WORDS) | st.text(alphabet="abdeiklmnorstuv", min_size=1, max_size=9),
                min_size=1, max_size=5).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=name, listed=st.lists(name, min_size=1, max_size=12), drop_weak=st.booleans())
def test_one_query_against_many_names_aligns_as_align_does(query: str, listed: list[str], drop_weak: bool) -> None:
    qparts = parse_name(query, drop_weak).parts
    aligner = QueryAligner(qparts)
    for other in listed * 2:  # the second round answers from the rows kept by the first
        lparts = parse_name(other, drop_weak).parts
        assert aligner.align(lparts) == align.align(qparts, lparts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=name, listed=st.lists(name, min_size=1, max_size=8), drop_weak=st.booleans())
def test_query_scorer_matches_match_names(query: str, listed: list[str], drop_weak: bool) -> None:
    match = name_match.QueryScorer().match
    for other in listed:
        assert match(query, other, drop_weak) == name_match.match_names(query, other, drop_weak)


def test_a_name_listed_twice_is_scored_once() -> None:
    scorer = name_match.QueryScorer()
    first = scorer.match("Петренко Олександр", "Петренко Олександр Васильович", False)
    assert first.score > 0.8
    assert scorer.match("Петренко Олександр", "Петренко Олександр Васильович", False) is first


def test_unrelated_list_parts_keep_an_empty_row() -> None:
    aligner = QueryAligner(parse_name("Tyler Hughes").parts)
    assert aligner.align(parse_name("Kovrykov Roman").parts) == ()
    assert aligner.align(parse_name("Roman Kovrykov").parts) == ()  # same parts, rows reused
    assert aligner.align(parse_name("Tylor Hughes").parts)  # a typo still pairs
