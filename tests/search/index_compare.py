"""Structure-by-structure equality of two embedded indexes (builds that must not differ)."""

from __future__ import annotations

import numpy as np

from ai_service.search.index import EmbeddedIndex


def _same_array(a: np.ndarray, b: np.ndarray, what: str) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape, what
    assert np.array_equal(a, b), what


def assert_same_index(a: EmbeddedIndex, b: EmbeddedIndex) -> None:
    assert [e.to_dict() for e in a.entities] == [e.to_dict() for e in b.entities]
    assert a.aliases == b.aliases
    assert a.list_names == b.list_names
    _same_array(a.entity_list, b.entity_list, "entity_list")
    assert list(a.ids.items()) == list(b.ids.items())
    assert list(a.exact.items()) == list(b.exact.items())
    assert list(a.postings) == list(b.postings)  # the order makes the vocabulary's token ids
    for token, positions in a.postings.items():
        _same_array(positions, b.postings[token], f"postings[{token!r}]")
    assert list(a.idf.items()) == list(b.idf.items())
    _same_array(a.row_entity, b.row_entity, "row_entity")
    va, vb = a.vectors, b.vectors
    assert (va.size, va.dim, va.probes) == (vb.size, vb.dim, vb.probes)
    for name in ("sorted", "rows", "centroids", "bounds"):
        _same_array(getattr(va, name), getattr(vb, name), f"vectors.{name}")
    wa, wb = a.vocab, b.vocab
    assert wa.tokens == wb.tokens and wa.ids == wb.ids and np.array_equal(wa._lengths, wb._lengths)
    assert list(wa.skeletons.items()) == list(wb.skeletons.items())
    assert list(wa._name_forms.items()) == list(wb._name_forms.items())
    for name in ("_codes", "_starts", "_owners", "_delete_hashes", "_delete_owners"):
        _same_array(getattr(wa, name), getattr(wb, name), f"vocab.{name}")
