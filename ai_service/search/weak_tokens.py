"""Tokens that never identify anyone on their own: legal forms, generic words, particles.

The project's curated legal forms (``dictionaries/names/legal_forms.json``) are
read lazily when present; a built-in core set keeps the scorer safe without it.
All sets hold matching keys (``name_key``), so every script and spelling of a
form is covered by one entry.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ai_service.text.translit import name_key

log = logging.getLogger(__name__)

LEGAL_FORMS_PATH = Path(__file__).resolve().parents[2] / "dictionaries" / "names" / "legal_forms.json"

# Legal forms (abbreviated and spelled out) in uk / ru / en and common foreign ones.
_CORE_LEGAL_FORMS = """
тов тзов пп пат прат ат зат ват оат фоп кп дп дак нак спд філія
товариство обмеженою відповідальністю акціонерне акціонерного товариства публічне
приватне приватна відкрите закрите підприємство підприємства державне державна
ооо оао зао пао ао ип нко гуп муп фгуп общество ограниченной ответственностью
акционерное публичное закрытое открытое предприятие государственное
ltd llc llp lp inc incorporated corp corporation co company companies limited plc
jsc pjsc ojsc cjsc gmbh ag sa srl sarl spa bv nv fzc fze fzco pte pvt sdn bhd
лімітед лтд інк корп корпорейшн компані ко
"""
# Generic words of organisation names: they describe, they do not identify. English ones
# also as registers write them in Cyrillic (Холдінгз, Ентерпрайзес): another matching key.
_CORE_GENERIC = """
компанія компания корпорація корпорация група группа груп гроуп холдинг фірма фирма
концерн банк трейдинг трейдінг інтернешнл интернешнл
bank trading international intl holding holdings group enterprise enterprises
холдінгз холдингз холдінгс холдингс ентерпрайз энтерпрайз ентерпрайзес энтерпрайзес
інтернешенел интернешенел
and the of та і и з с в у й імені имени ім им
"""
# Descriptive words: never a match on their own, but a different one is evidence of a
# different company (Green Foods ≠ Green Industries), so they stay in the name at a
# low weight instead of being removed.
_DESCRIPTIVE = """
logistics logistic builders building construction consulting consultants services service
solutions systems technologies technology industries industrial foods food products
management investments investment capital partners global export import properties
логістик логістика логистика будівництво строительство консалтинг сервіс сервис
інвестментс инвестментс інвестмент инвестмент солюшнз солюшнс солюшенс сервісез сервисез
сервісіз текнолоджіз текнолоджис технолоджиз технолоджис партнерс партнерз кепітал кепитал
кэпитал менеджмент проперті пропертіз пропертиз фудс констракшн
"""
# Name particles: carry little identity, never penalised when missing.
_PARTICLES = """
al el ad ad-din ud uddin as ash at az bin ibn bint ben ould abd
van von der den de la le da di du dos del
"""


_METADATA_KEYS = frozenset({"language", "lang", "kind", "type", "comment", "_comment", "description", "note"})


def _keys(words: str) -> frozenset[str]:
    return frozenset(t for w in words.split() for t in name_key(w).split())


def _strings(node: Any) -> Iterator[str]:
    """Form strings of a JSON document, tolerant of its layout: list items and
    dict values, skipping dict keys and metadata fields (language, kind, …)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in _METADATA_KEYS:
                yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


@lru_cache(maxsize=1)
def _document() -> Any:
    """The project's legal forms dictionary, parsed; None when it is missing or unreadable."""
    try:
        return json.loads(LEGAL_FORMS_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("legal forms dictionary unreadable, using built-in set: %s", exc)
        return None


@lru_cache(maxsize=1)
def _dictionary() -> tuple[frozenset[str], tuple[tuple[str, ...], ...], frozenset[str],
                           tuple[frozenset[str], ...]]:
    """(single-token forms, multi-token phrases, organisation head nouns, the keys of each head
    entry's forms) from the project dictionary.

    Head nouns (``"position": "head"``: університет, ministry, сили) are part of the
    name they head: a different head is a different body (Астраханський державний
    університет ≠ Астраханська державна консерваторія), so they are descriptive, not weak.
    """
    doc = _document()
    if doc is None:
        return frozenset(), (), frozenset(), ()
    heads = [e for e in doc if isinstance(e, dict) and e.get("position") == "head"] if isinstance(doc, list) else []
    head_groups = tuple(frozenset(t for s in _strings(h.get("variants", [])) for t in name_key(s).split())
                        for h in heads)
    head_keys = frozenset(t for s in _strings(heads) for t in name_key(s).split())
    forms = [e for e in doc if not (isinstance(e, dict) and e.get("position") == "head")] if isinstance(doc, list) else doc
    tokens: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for s in _strings(forms):
        if len(s) > 80:  # prose, not a form
            continue
        key = tuple(name_key(s).split())
        if len(key) == 1 and len(key[0]) >= 3:
            # Two-letter forms come from the curated core set only: as dictionary
            # tokens they would also eat real names ("Ho", "To", "Du").
            tokens.add(key[0])
        elif len(key) > 1:
            # "société en nom collectif": "en" alone is no legal form, the phrase is.
            phrases.add(key)
    return frozenset(tokens) - head_keys, tuple(sorted(phrases, key=len, reverse=True)), head_keys, head_groups


@lru_cache(maxsize=1)
def weak_keys() -> frozenset[str]:
    """Single tokens removed before name alignment (legal forms + generic words)."""
    core = _keys(_CORE_LEGAL_FORMS) | _keys(_CORE_GENERIC) | _dictionary()[0]
    # A head noun that is a generic word (bank) is one in every case form (Банку Росія = Bank Rossiya):
    # the forms sharing its stem, not the other nouns of a group (bank, not ministry or university).
    out = set(core)
    for forms in _dictionary()[3]:
        stems = tuple(k[:4] for k in forms & core)
        if stems:
            out.update(k for k in forms if k.startswith(stems))
    return frozenset(out)


@lru_cache(maxsize=1)
def weak_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Multi-token legal forms by first token, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _dictionary()[1]:
        out.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def descriptive_keys() -> frozenset[str]:
    return _keys(_DESCRIPTIVE) | (_dictionary()[2] - weak_keys())


@lru_cache(maxsize=1)
def particle_keys() -> frozenset[str]:
    return _keys(_PARTICLES)


def reload() -> None:
    """Forget the cached sets (after the dictionary file changed)."""
    for cached in (_document, _dictionary, weak_keys, weak_phrases, particle_keys, descriptive_keys, _forms_by_key,
                   _legal_form_words, business_words):
        cached.cache_clear()


@lru_cache(maxsize=1)
def _forms_by_key() -> dict[str, str]:
    """Matching key of every written form (``акціонерне товариство``, ``ат``, ``jsc``) → its abbreviation."""
    doc = _document()
    out: dict[str, str] = {}
    for entry in doc if isinstance(doc, list) else []:
        if isinstance(entry, dict) and entry.get("position") != "head" and isinstance(entry.get("abbr"), str):
            for form in [entry["abbr"], *_strings(entry.get("variants", []))]:
                out.setdefault(name_key(form), entry["abbr"])
    return out


@lru_cache(maxsize=1)
def _legal_form_words() -> frozenset[str]:
    return frozenset(word for key in _forms_by_key() for word in key.split())


@lru_cache(maxsize=16_384)  # asked for a listed alias's words on every comparison with it
def business_words(words: tuple[str, ...]) -> frozenset[str]:
    """Keys of a name's weak words that say what it does (Holdings, Trading, Group): not its legal
    form, not a short function word (the, of, co)."""
    forms = _legal_form_words()
    return frozenset(k for w in words if len(k := name_key(w)) > 3 and k not in forms)


def legal_forms_in(words: tuple[str, ...]) -> frozenset[str]:
    """Abbreviations of the legal forms written among ``words`` (a name's weak words, in order):
    ``("Акціонерне", "товариство")`` → {"АТ"}."""
    keys = [name_key(w) for w in words]
    by_key = _forms_by_key()
    return frozenset(form for i in range(len(keys)) for j in range(i + 1, min(len(keys), i + 4) + 1)
                     if (form := by_key.get(" ".join(keys[i:j]))) is not None)
