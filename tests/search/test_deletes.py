"""Symmetric-delete hashes (ai_service/search/deletes.py): numpy and plain ints agree."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_service.search.deletes import all_variant_hashes, variant_hashes

_WORDS = st.text(alphabet=st.sampled_from("abkoqzабвгґєїщ'" + chr(0x1F600)), min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_a_deletion_hashes_as_the_shorter_word_itself(word: str) -> None:
    # The query probes with its own hash; a listed word one letter longer must hold the same value.
    hashes = variant_hashes(word)
    assert len(hashes) == len(word) + 1
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1:]
        if shorter:
            assert hashes[i + 1] == variant_hashes(shorter)[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(_WORDS, max_size=30))
def test_the_batch_gives_each_word_its_own_hashes(words: list[str]) -> None:
    hashes, owners = all_variant_hashes(words)
    assert hashes.dtype == np.uint64 and owners.dtype == np.int32
    assert hashes.tolist() == [h for w in words for h in variant_hashes(w)]
    assert owners.tolist() == [i for i, w in enumerate(words) for _ in range(len(w) + 1)]


def test_long_words_and_distinct_words() -> None:
    long_word = "ab" * 200  # past the table of precomputed powers
    assert all_variant_hashes([long_word])[0].tolist() == variant_hashes(long_word)
    assert len(set(variant_hashes("petrenko"))) == 9  # each letter deleted gives another word
    assert variant_hashes("petrenko")[0] != variant_hashes("petrenka")[0]
    assert variant_hashes("abc")[0] != variant_hashes("cba")[0]  # order counts
