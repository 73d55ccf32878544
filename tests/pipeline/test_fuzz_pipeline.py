"""Hostile text through the pipeline (hypothesis): no exception escapes, the result stays in contract.

Arbitrary Unicode (surrogates excluded: a Python ``str`` from JSON never holds one —
invalid surrogate escapes in the JSON itself are checked at the HTTP level in
tests/api/test_fuzz_hostile_json.py), RTL/bidi marks, combining characters,
10k-character single tokens, only digits, only punctuation, mixed scripts.
Every Document and its /process serialization is checked against the contract:
risk in the four levels, score in [0, 1], every offset inside its text, the response
valid against the OpenAPI /process schema.
"""

from __future__ import annotations

import asyncio

import jsonschema_rs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_service.api.openapi import _PROCESS_RESPONSE
from ai_service.api.serializers import process_response

RISKS = {"high", "medium", "low", "clear"}
MAX_LEN = 10_000
FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
VALIDATOR = jsonschema_rs.validator_for(_PROCESS_RESPONSE)

BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
COMBINING = "".join(chr(c) for c in range(0x300, 0x370)) + "\u0483\u0484\u0485\u0486\u20dd"
CYRILLIC = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэъёАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЫЭЪЁ"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
OTHER_SCRIPTS = "αβγδΩשלוםمرحبا中文日本語한국어ქართულიहिन्दी"
PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»„“”‘’–—…№§°·•"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩０１２３"
SPACES = " \t\n\r\u00a0\u2007\u202f\u3000"

any_unicode = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)
mixed = st.text(st.sampled_from(CYRILLIC + LATIN + OTHER_SCRIPTS + DIGITS + PUNCT + SPACES + BIDI
                                + ZERO_WIDTH + COMBINING), min_size=1, max_size=300)
with_marks = st.lists(st.tuples(st.sampled_from(["Петренко", "Олександр", "Medvedchuk", "ТОВ", "3124509879",
                                                 "12.03.2024", "Іваненко", "ООО", "Ромашка", "Smith"]),
                                st.text(st.sampled_from(BIDI + ZERO_WIDTH + COMBINING), max_size=4)),
                      min_size=1, max_size=12).map(lambda parts: " ".join(w + m for w, m in parts))
only_digits = st.text(st.sampled_from(DIGITS + " "), min_size=1, max_size=400).filter(str.strip)
only_punct = st.text(st.sampled_from(PUNCT), min_size=1, max_size=400)
one_long_token = st.builds(lambda ch, n: ch * n, st.sampled_from(["а", "z", "9", "ї", "Щ", "-", "\u0301", "中"]),
                           st.integers(5_000, MAX_LEN))
one_long_word = st.text(st.sampled_from(CYRILLIC + LATIN + COMBINING), min_size=9_000, max_size=MAX_LEN)
hostile = st.one_of(any_unicode, mixed, with_marks, only_digits, only_punct, one_long_token, one_long_word)


def check_document(doc, text: str) -> None:
    assert doc.original == text
    assert doc.decision["risk"] in RISKS, doc.decision
    assert 0.0 <= doc.decision["score"] <= 1.0, doc.decision
    n = len(doc.text)
    for t in doc.tokens:
        assert 0 <= t.start <= t.end <= n and doc.text[t.start:t.end] == t.text, (t, n)
        assert t.kind in {"word", "number", "punct"}
    spans = [(s.start, s.end) for s in (*doc.persons, *doc.organizations, *doc.ids, *doc.dates, *doc.triggers)]
    for start, end in spans:
        assert 0 <= start <= end <= n, (start, end, n)
        o_start, o_end = doc.source_span(start, end)
        assert 0 <= o_start <= o_end <= len(text), (o_start, o_end, len(text))


def check_response(body: dict, text: str) -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(body)]
    assert not errors, errors[:3]
    sig = body["signals"]
    for item in (*sig["persons"], *sig["organizations"], *sig["ids"], *sig["dates"], *body["triggers"]):
        if "start" in item:
            assert 0 <= item["start"] <= item["end"] <= len(text), (item, len(text))


@pytest.fixture(scope="module")
def run_pipeline(pipeline):
    loop = asyncio.new_event_loop()
    yield lambda text, language="auto": loop.run_until_complete(pipeline.process(text, language))
    loop.close()


@FUZZ
@given(text=hostile, language=st.sampled_from(["auto", "uk", "ru", "en"]))
def test_hostile_text_through_the_pipeline(run_pipeline, text, language):
    doc = run_pipeline(text, language)
    check_document(doc, text)
    body = orjson.loads(orjson.dumps(process_response(doc, "fuzz")))
    check_response(body, text)

