"""The embedded index structures (ai_service/search/index.py, vocab.py, vectors.py)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_service.forked import Forked
from ai_service.lists.model import Entity, Identifier
from ai_service.search import index as index_module
from ai_service.search import vocab as vocab_module
from ai_service.search.evidence import MIN_ID_LENGTH, normalize_id
from ai_service.search.index import EmbeddedIndex, core_tokens, entity_keys, exact_key
from ai_service.search.scoring import keyed_aliases
from ai_service.search.vectors import VectorIndex, embed, embed_one
from ai_service.search.vocab import Vocabulary
from ai_service.search.weak_tokens import weak_keys, weak_phrases
from ai_service.text.translit import name_key
from tests.search.index_compare import assert_same_index

ENTITIES = [
    Entity("a", "1", "person", ["Ковриков Роман Валерійович", "Kovrykov Roman Valeriiovych"],
           ids=[Identifier("inn", "7826-1184-6337")]),
    Entity("a", "2", "person", ["Мухаммад Алі", "Muhammad Ali"]),
    Entity("b", "3", "person", ["MUHAMMAD, Ahmad"], ids=[Identifier("passport", "ab 123456")]),
    Entity("b", "4", "organization", ["ТОВ «Альфа Трейд»", "Alfa Trade LLC"]),
    Entity("b", "5", "person", ["Muhammad Yusuf"]),
]


def test_build_structures() -> None:
    idx = EmbeddedIndex.build(ENTITIES)
    assert idx.list_names == ("a", "b")
    assert idx.lookup_id("782611846337") == (0,)
    assert idx.lookup_id("AB123456") == (2,)
    # uk and en spellings of entity 1 share one key: one row, one alias kept
    assert [a for a, _ in idx.aliases[0]] == ["Ковриков Роман Валерійович"]
    assert idx.row_entity.dtype == np.int32 and idx.row_entity.tolist().count(0) == 1
    assert idx.lookup_exact(["roman", "kovrikov", "valerioviq"]) == (0,)
    # legal forms are not part of the exact key or the postings
    assert idx.lookup_exact(["alfa", "treid"]) == (3,)
    assert "tov" not in idx.postings and "llk" not in idx.postings
    assert idx.postings["muhamad"].tolist() == [1, 2, 4]


def test_idf_prefers_rare_tokens() -> None:
    idx = EmbeddedIndex.build(ENTITIES)
    assert idx.idf["kovrikov"] > idx.idf["muhamad"]


def test_core_tokens_drop_weak_words() -> None:
    assert core_tokens(name_key("Товариство з обмеженою відповідальністю Укрспецторг")) == ["ukrspectorh"]
    # multi-word forms go as a whole: the company is found by its name alone
    assert core_tokens(name_key('Фермерське господарство "Людмила"')) == core_tokens(name_key("Людмила"))


def test_list_masks() -> None:
    idx = EmbeddedIndex.build(ENTITIES)
    assert idx.allowed(None) is None
    assert idx.allowed(frozenset({"b"})).tolist() == [False, False, True, True, True]
    assert idx.allowed(frozenset({"zzz"})).sum() == 0


def test_empty_index_is_valid() -> None:
    idx = EmbeddedIndex.build([])
    assert idx.stats()["entities"] == 0
    assert idx.vocab.expand("petrenko") == ()


def test_vocabulary_expands_typos_and_vowel_variants() -> None:
    v = Vocabulary(["kovrikov", "kovalov", "puhaqeva", "muhamad", "mohamed", "petrenko"])
    got = dict(v.expand("kovrokov"))
    assert "kovrikov" in got and "kovalov" not in got
    assert dict(v.expand("puhaqova")).keys() == {"puhaqeva"}
    assert "mohamed" in dict(v.expand("muhamad"))  # same consonant skeleton
    assert v.expand("petrenko")[0] == ("petrenko", 1.0)
    assert v.expand("abc") == ()  # too short to expand, not in vocabulary


def test_vocabulary_finds_swapped_letters_and_name_forms() -> None:
    v = Vocabulary(["burkov", "holinei", "marvan", "oleksi", "oleksioviq", "aleksei"])
    # a swap of neighbours breaks most trigrams of a short word; the delete neighbourhood finds it
    assert "burkov" in dict(v.expand("bukrov"))
    assert "holinei" in dict(v.expand("hloinei"))
    assert "marvan" in dict(v.expand("mavran"))
    # UA/RU forms of one given name and of one patronymic are far apart in spelling
    assert dict(v.expand("aleksei")).get("oleksi") == 0.95
    assert "oleksioviq" in dict(v.expand("alekseviq"))
    assert [t for t, _ in v.expand("aleksei")].count("oleksi") == 1


def test_vocabulary_reaches_two_edits_only_from_long_unknown_words() -> None:
    v = Vocabulary(["martin", "martinez", "aleksander", "aleksandrov", "kovalenko"])
    # two letters more make another name: from a short word, or one the lists carry as written
    assert "martinez" not in dict(v.expand("martin"))
    assert "martinez" not in dict(v.expand("martinn"))  # unknown, but short: one edit only
    assert "aleksandrov" not in dict(v.expand("aleksander"))
    # a long unknown word still finds a listed one two edits away
    assert "kovalenko" in dict(v.expand("kovallenkko"))
    assert "martin" in dict(v.expand("martinn"))  # one edit is always in reach


def test_vocabulary_finds_one_typo_in_a_five_letter_word() -> None:
    # A swap in five letters scores ~0.8 sharpened (qruin / qurin: 0.795): still an expansion.
    v = Vocabulary(["qurin", "popov", "kovalenko"])
    assert "qurin" in dict(v.expand("qruin"))  # Чруин / Чурін
    assert "popov" in dict(v.expand("popvo"))
    assert "popov" not in dict(v.expand("pupov"))  # a changed vowel near the start: another name
    assert "qruin" not in v.ids and v.expand("qurin")[0] == ("qurin", 1.0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdeoqzабвгґєїіщ'$-" + chr(0x1F600)), min_size=1, max_size=14))
def test_query_trigram_codes_equal_the_index_encoding(token: str) -> None:
    # Query tokens are encoded in Python, the vocabulary in numpy: both must give the same codes.
    cps = np.frombuffer(f"${token}$".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    assert vocab_module._query_codes(token) == set(np.unique(vocab_module._trigram_codes(cps)).tolist())


def test_vocabulary_trigram_lookup_finds_what_the_arrays_hold() -> None:
    v = Vocabulary(["kovrikov", "kovalov", "petrenko", "петренко"])
    for code, owners in v._slices.items():
        k = int(np.searchsorted(v._codes, np.uint64(code)))
        assert v._codes[k] == code and owners.tolist() == v._owners[v._starts[k]:v._starts[k + 1]].tolist()
    assert len(v._slices) == v._codes.size


_KEY_LETTERS = st.text(alphabet=st.sampled_from("abdeikmnorstuvq"), min_size=3, max_size=12)


@settings(max_examples=300, deadline=None)
@given(_KEY_LETTERS, st.lists(_KEY_LETTERS, max_size=15),
       st.lists(st.tuples(st.integers(0, 11), st.sampled_from("aeoqz"), st.sampled_from("sdi")), max_size=15))
def test_batched_prefilter_keeps_every_neighbour_edit_sim_passes(
        token: str, others: list[str], edits: list[tuple[int, str, str]]) -> None:
    # The Indel/OSA pre-check may only discard what edit_sim would reject: same tokens, same order.
    from ai_service.search.align import edit_sim

    for at, letter, how in edits:  # near neighbours too: one substitution, deletion or insertion
        i = at % len(token)
        others.append(token[:i] + {"s": letter, "d": "", "i": letter + token[i]}[how] + token[i + 1:])
    for min_sim in (vocab_module.MIN_SIM, vocab_module.ONE_EDIT_MIN_SIM):
        expected = [(o, edit_sim(token, o)) for o in others if edit_sim(token, o) >= min_sim]
        assert Vocabulary._close(token, others, min_sim) == expected


def test_vectors_are_normalized_and_deterministic() -> None:
    keys = ["kovrikov roman", "abu bakr", ""]
    m = embed(keys)
    assert m.dtype == np.float32 and m.shape == (3, 64) and m.flags.c_contiguous
    assert np.allclose(np.linalg.norm(m[:2], axis=1), 1.0)
    assert not m[2].any()
    assert np.array_equal(embed(keys), m)
    assert np.array_equal(embed_one("kovrikov roman"), m[0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("abkoqz жщї'" + chr(0x1F600)), max_size=25), min_size=1, max_size=8),
       st.booleans())
def test_one_query_vector_is_the_batch_vector(keys: list[str], table_full: bool) -> None:
    # Queries embed through an n-gram table, the index in numpy: the vectors must be identical,
    # also once the table stops growing.
    from ai_service.search import vectors

    saved = vectors._MAX_GRAMS
    vectors._MAX_GRAMS = len(vectors._GRAMS) if table_full else saved
    try:
        m = embed(keys)
        for i, key in enumerate(keys):
            assert np.array_equal(embed_one.__wrapped__(key), m[i])
    finally:
        vectors._MAX_GRAMS = saved


def test_vectors_rescue_spacing_differences() -> None:
    a, b, c = embed(["abubakr al bahdadi", "abu bakr al bahdadi", "ivan petrov"])
    assert a @ b > 0.8 > 0.3 > a @ c


def test_ivf_finds_near_duplicates() -> None:
    rng = np.random.default_rng(1)
    keys = [f"name{i} {''.join(rng.choice(list('abcdefghiklmnoprstuv'), 7))}" for i in range(3000)]
    mat = embed(keys)
    ivf = VectorIndex(mat)
    hits = 0
    for i in range(0, 3000, 30):
        top = ivf.search(embed_one(keys[i]), 3)
        hits += bool(top) and top[0][0] == i
    assert hits >= 95  # of 100
    assert ivf.brute_force(embed_one(keys[0]), 1)[0][0] == 0


def test_build_speed_on_real_list(nsdc_entities: list[Entity]) -> None:
    started = time.perf_counter()
    idx = EmbeddedIndex.build(nsdc_entities)
    elapsed = time.perf_counter() - started
    stats = idx.stats()
    assert stats["entities"] == len(nsdc_entities) and stats["vocabulary"] > 5000
    assert elapsed < 3.0  # ~0.7 s measured for 13k entities


# -- the build as it was before the per-entity keys (EntityKeys) and the forked vectors -----------


def _core_tokens_loop(key: str) -> list[str]:
    """core_tokens without its fast path: the loop that decides every case."""
    weak, phrases = weak_keys(), weak_phrases()
    tokens, out, i = key.split(), [], 0
    while i < len(tokens):
        for phrase in phrases.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            if tokens[i] not in weak:
                out.append(tokens[i])
            i += 1
    return out


def _reference_build(entities: list[Entity]) -> EmbeddedIndex:
    """The original single loop over entities; the optimized build must equal it exactly."""
    list_names = tuple(sorted({e.list for e in entities}))
    entity_list = np.fromiter((list_names.index(e.list) for e in entities), dtype=np.int16, count=len(entities))
    ids: dict[str, list[int]] = {}
    exact: dict[str, list[int]] = {}
    postings: dict[str, list[int]] = {}
    row_keys: list[str] = []
    row_entity: list[int] = []
    aliases = []
    for pos, e in enumerate(entities):
        for ident in e.ids:
            value = normalize_id(ident.value)
            if len(value) >= MIN_ID_LENGTH:
                index_module._add(ids, value, pos)
        seen: set[str] = set()
        distinct = keyed_aliases(e)
        aliases.append([(name, weak) for name, weak, _ in distinct])
        for _, _, key in distinct:
            if not key:
                continue
            row_keys.append(key)
            row_entity.append(pos)
            core = _core_tokens_loop(key)
            if core:
                index_module._add(exact, exact_key(core), pos)
            for tok in core:
                if len(tok) > 1 and tok not in seen:
                    seen.add(tok)
                    postings.setdefault(tok, []).append(pos)
    n = max(len(entities), 1)
    post_arrays = {t: np.asarray(p, dtype=np.int32) for t, p in postings.items()}
    return EmbeddedIndex(
        entities=list(entities), aliases=aliases, list_names=list_names, entity_list=entity_list,
        ids={k: tuple(v) for k, v in ids.items()}, exact={k: tuple(v) for k, v in exact.items()},
        postings=post_arrays, idf={t: math.log(1.0 + n / len(p)) for t, p in postings.items()},
        vocab=Vocabulary(list(post_arrays)), row_entity=np.asarray(row_entity, dtype=np.int32),
        vectors=VectorIndex(embed(row_keys)), build_seconds=0.0, _masks={},
    )


def test_core_tokens_fast_path_keeps_the_loop_result() -> None:
    phrases = [" ".join(p) for starts in weak_phrases().values() for p in starts][:200]
    weak = sorted(weak_keys())[:200]
    keys = [*phrases, *weak, "kovrikov roman", "", "tov alfa treid", *(f"foo {k} bar {k}" for k in phrases + weak)]
    for key in keys:
        assert core_tokens(key) == _core_tokens_loop(key), key


def test_build_equals_the_original_loop() -> None:
    assert_same_index(EmbeddedIndex.build(ENTITIES), _reference_build(ENTITIES))


def test_precomputed_keys_and_forked_vectors_build_the_same_index() -> None:
    keys = [entity_keys(e) for e in ENTITIES]
    assert_same_index(EmbeddedIndex.build(ENTITIES, keys, fork_vectors=True), EmbeddedIndex.build(ENTITIES))
    with pytest.raises(ValueError):
        EmbeddedIndex.build(ENTITIES, keys[1:])


def test_the_real_list_builds_as_the_original_loop(nsdc_entities: list[Entity]) -> None:
    serial = EmbeddedIndex.build(nsdc_entities)
    assert_same_index(serial, _reference_build(nsdc_entities))
    assert_same_index(EmbeddedIndex.build(nsdc_entities, fork_vectors=True), serial)


def test_a_failed_build_stops_its_vector_child(monkeypatch: pytest.MonkeyPatch) -> None:
    children: list[Forked] = []

    class Recorded(Forked):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            children.append(self)

    def broken(tokens: list[str]) -> Vocabulary:
        raise RuntimeError("vocabulary failed")

    monkeypatch.setattr(index_module, "Forked", Recorded)
    monkeypatch.setattr(index_module, "Vocabulary", broken)
    with pytest.raises(RuntimeError):
        EmbeddedIndex.build(ENTITIES, fork_vectors=True)
    assert len(children) == 1 and children[0].failure == "cancelled"  # killed and reaped, not left waiting


def test_token_hits_keep_each_entitys_best_expansion() -> None:
    ents = [Entity(list="ofac_sdn", entity_id="1", entity_type="person", names=["Oleksandr PETRENKO", "Aleksandr PETRENKO"]),
            Entity(list="ofac_sdn", entity_id="2", entity_type="person", names=["Aleksandr SIDORENKO"]),
            Entity(list="ofac_sdn", entity_id="3", entity_type="person", names=["Ivan PETRENKO"])]
    idx = EmbeddedIndex.build(ents)
    pos, wts = idx.token_hits("oleksandr")
    expansions = dict(idx.vocab.expand("oleksandr"))
    assert sorted(pos.tolist()) == [0, 1]  # entity 1 holds oleksandr and aleksandr: listed once
    best = {p: max(expansions[t] * idx.idf[t] for t in expansions if p in idx.postings.get(t, []).tolist())
            for p in (0, 1)}
    assert {p: round(float(w), 5) for p, w in zip(pos.tolist(), wts.tolist())} == {p: round(w, 5) for p, w in best.items()}
    assert not wts.flags.writeable  # shared through the cache
    assert idx.token_hits("oleksandr") is idx.token_hits("oleksandr")
    assert idx.token_hits("zzzz")[0].size == 0
    other = EmbeddedIndex.build(ents[:1])
    assert other.token_hits("oleksandr")[0].tolist() == [0]  # a cache per index
