"""A candidate's score (ai_service/search/scoring.py): best alias, identifier, date of birth, type."""

from __future__ import annotations

import json

import pytest

from ai_service.lists.model import Entity, Identifier
from ai_service.search.base import NameQuery
from ai_service.search.scoring import evaluate, score_candidate


def _entity(**kw) -> Entity:
    base = dict(list="test", entity_id="1", entity_type="person", names=["Ковриков Роман Валерійович"])
    base.update(kw)
    return Entity(**base)  # type: ignore[arg-type]


def test_identifier_match_is_decisive() -> None:
    e = _entity(ids=[Identifier("rnokpp", "3124509879")])
    cand = score_candidate(NameQuery("Петренко Олександр", ids=[Identifier("rnokpp", "3124509879")]), e)
    assert cand is not None
    assert cand.score >= 0.97 and cand.matched_by[0] == "id"
    assert cand.explanation["matched_id"] == "3124509879"
    assert cand.query == "3124509879"  # the id found it, not the (different) name


def test_identifier_conflict_costs() -> None:
    e = _entity(ids=[Identifier("rnokpp", "3124509879")])
    same = score_candidate(NameQuery("Ковриков Роман Валерійович"), e)
    conflict = score_candidate(NameQuery("Ковриков Роман Валерійович", ids=[Identifier("rnokpp", "1111111111")]), e)
    assert same is not None and conflict is not None
    assert conflict.score < same.score
    assert conflict.explanation["features"]["id"] < 0


@pytest.mark.parametrize(
    ("dob", "expected"),
    [("1976-08-09", "exact"), ("1976", "year_matches"), ("1976-02-01", "date_differs"), ("1980-08-09", "year_differs")],
)
def test_date_of_birth_evidence(dob: str, expected: str) -> None:
    e = _entity(birth_dates=["1976-08-09"])
    base = score_candidate(NameQuery("Ковриков Роман"), e)
    cand = score_candidate(NameQuery("Ковриков Роман", dob=dob), e)
    assert base is not None and cand is not None
    assert cand.explanation["features"]["dob_check"] == expected
    if expected in ("exact", "year_matches"):
        assert cand.score > base.score
    else:
        assert cand.score < base.score
    if expected == "year_differs":
        assert base.score - cand.score >= 0.1


def test_no_list_dob_is_neutral() -> None:
    e = _entity()
    assert score_candidate(NameQuery("Ковриков Роман", dob="1976-08-09"), e).score == (  # type: ignore[union-attr]
        score_candidate(NameQuery("Ковриков Роман"), e).score  # type: ignore[union-attr]
    )


def test_entity_type_mismatch_is_a_penalty_not_a_filter() -> None:
    org = _entity(entity_type="organization", names=["Ковриков Роман"])
    as_person = score_candidate(NameQuery("Ковриков Роман", entity_type="person"), org)
    untyped = score_candidate(NameQuery("Ковриков Роман"), org)
    assert as_person is not None and untyped is not None
    assert as_person.score < untyped.score
    assert as_person.explanation["features"]["entity_type"] < 0


def test_a_company_with_its_legal_form_is_no_listed_vessel() -> None:
    vessel = _entity(entity_type="vessel", names=["MARIA III", "SUNRISE"])
    company = score_candidate(NameQuery("Sunrise Holdings", "organization", legal_form="LTD"), vessel)
    named = score_candidate(NameQuery("Sunrise", "organization"), vessel)  # a quoted or capitalised name
    assert company is not None and named is not None
    assert company.score <= 0.5 < named.score  # never a medium or high alert
    assert company.explanation["features"]["entity_type"] < 0
    listed_company = _entity(entity_type="organization", names=["SUNRISE HOLDINGS LIMITED"])
    assert score_candidate(NameQuery("Sunrise Holdings", "organization", legal_form="LTD"), listed_company).score >= 0.85


def test_a_company_named_by_generic_words_is_reviewed_when_its_legal_form_agrees() -> None:
    listed = _entity(entity_type="organization", names=['Акціонерне товариство "Капітал"'])
    same_form = evaluate(NameQuery("Капітал", "organization", legal_form="АТ"), listed)
    assert same_form is not None and 0.7 <= same_form.score < 0.85  # a review, never a hold
    assert same_form.match.cap == "generic_name_same_form"
    for query in (NameQuery("Капітал", "organization", legal_form="ТОВ"),  # another company of that name
                  NameQuery("Капітал", "organization")):  # no form to agree
        other = evaluate(query, listed)
        assert other is None or other.score <= 0.4


@pytest.mark.parametrize("query,legal_form,listed,listed_type,capped", [
    ("Гя", None, "GIA", "organization", True),  # two letters alone name no one
    ("Мид", None, "MID", "organization", True),  # three, not written as an acronym
    ("Nik", None, "NIK MOHAMMAD DOST MOHAMMAD|Nik", "person", True),  # a listed one-word alias
    ("МІД", None, "MID", "organization", False),  # an acronym in capitals may name a listed body
    ("Дон", "ТОВ", 'Товариство з обмеженою відповідальністю "Дон"', "organization", False),  # a company, by its form
    ("Т1", None, 'Товариство з обмеженою відповідальністю "Т1"', "organization", False),  # letters and a digit
])
def test_a_lone_short_word_is_never_more_than_a_low_answer(query, legal_form, listed, listed_type, capped) -> None:
    etype = "organization" if legal_form else None
    entity = _entity(entity_type=listed_type, names=listed.split("|"))
    ev = evaluate(NameQuery(query, etype, legal_form=legal_form), entity)
    assert ev is not None
    assert (ev.match.cap == "lone_short_word") is capped
    assert (ev.name_score <= 0.6) is capped


def test_weak_alias_is_capped() -> None:
    e = _entity(names=["Ковриков Роман Валерійович", "Roma"], weak_names=["Roma"])
    cand = score_candidate(NameQuery("Roma"), e)
    assert cand is not None
    assert cand.alias == "Roma" and cand.explanation["alias_weak"] is True
    assert cand.score <= 0.84


def test_best_alias_and_variants_are_used() -> None:
    e = _entity(names=["Ковриков Роман Валерійович", "Kovrykov Roman Valeriiovych"])
    cand = score_candidate(NameQuery("Ковриков Роману", variants=["Ковриков Роман"]), e)
    assert cand is not None
    assert cand.query == "Ковриков Роман"
    assert "name_fuzzy" in cand.matched_by  # patronymic missing: not an exact key
    exact = score_candidate(NameQuery("Roman Valeriiovych Kovrykov"), e)
    assert exact is not None and exact.matched_by == ["name_exact"]


def test_one_word_alias_of_a_person_finds_but_does_not_decide() -> None:
    person = Entity(list="l", entity_id="1", entity_type="person",
                    names=["JABER ABDALLAH JABER AHMAD AL-JALAHMAH", "Abdallah"])
    ev = evaluate(NameQuery("Abdallah", "person"), person)
    assert ev is not None and ev.alias_weak and ev.score < 0.85
    person = Entity(list="l", entity_id="2", entity_type="person",
                    names=["Sa'd Sabawi Ibrahim Hasan Al-Tikriti", "Al-Tikriti"])  # a particle is no second word
    ev = evaluate(NameQuery("Al-Tikriti", "person"), person)
    assert ev is not None and ev.alias_weak and ev.score < 0.85


def test_unrelated_entity_gives_none() -> None:
    assert score_candidate(NameQuery("Tyler Hughes"), _entity()) is None


def test_candidate_to_dict_shape() -> None:
    cand = score_candidate(NameQuery("Ковриков Роман"), _entity())
    assert cand is not None
    d = cand.to_dict()
    assert set(d) == {"list", "entity_id", "entity_type", "name", "score", "matched_by", "query", "alias", "explanation", "cleared"}
    json.dumps(d)


def test_a_piece_of_the_listed_name_given_as_an_alias_finds_but_does_not_decide() -> None:
    # SFMS lists "Hasan Al-Tikriti" among the aliases of Sa’d Sabawi Ibrahim Hasan Al-Tikriti.
    from ai_service.search.scoring import entity_aliases

    e = _entity(names=["Sa’d Sabawi Ibrahim Hasan Al-Tikriti", "Hasan Al-Tikriti", "Sa’d Sabawi Ibrahim Hasan"])
    assert entity_aliases(e) == [("Sa’d Sabawi Ibrahim Hasan Al-Tikriti", False), ("Hasan Al-Tikriti", True),
                                 ("Sa’d Sabawi Ibrahim Hasan", False)]  # one word short: still the name
    cand = score_candidate(NameQuery("Hasan Al-Tikriti", "person"), e)
    assert cand is not None and cand.score < 0.85


def test_a_company_listed_with_its_trade_before_the_quotes_is_found_by_its_quoted_name() -> None:
    from ai_service.search.scoring import entity_aliases

    e = Entity("ua_nsdc_companies", "c1", "organization",
               ['Публічне акціонерне товариство з виробництва вогнетривів "Комбінат "Магнезит"'])
    assert [a for a, _ in entity_aliases(e)][1:] == ['Комбінат "Магнезит']
    cand = score_candidate(NameQuery("Комбінат Магнезит", "organization"), e)
    assert cand is not None and cand.score >= 0.85
    # a legal form alone before the quotes adds nothing: the scorer drops the form anyway
    assert len(entity_aliases(Entity("l", "c2", "organization", ['ТОВ "Агат"']))) == 1


@pytest.mark.parametrize("query,contradicted", [
    ("Іванов Віктор Вікторович", True),  # the full name's patronymic is Petrovich
    ("Іванов Віктор Петрович", False),
    ("Іванов Віктор", False),
])
def test_a_short_alias_cannot_vouch_for_a_patronymic_the_full_name_contradicts(query: str, contradicted: bool) -> None:
    entity = _entity(names=["IVANOV, Victor Petrovich", "IVANOV, Viktor"])
    ev = evaluate(NameQuery(query, "person"), entity)
    assert ev is not None and (ev.score < 0.6 if contradicted else ev.score >= 0.95)
    # … while an entity listed without any patronymic still matches a query that gives one
    assert evaluate(NameQuery("Іванов Віктор Вікторович", "person"), _entity(names=["IVANOV, Viktor"])).score >= 0.95
