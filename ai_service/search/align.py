"""Part-to-part similarity and the order-insensitive alignment of two names."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, JaroWinkler

from ai_service.search import name_forms
from ai_service.search.parts import INITIAL, NAME, PATRONYMIC, Part

INITIAL_SIM = 0.9  # "О." vs "Олександр": consistent, not proof
# "А." vs "Олександр" (Александр's initial): as consistent, ranked just below so that the greedy
# choice gives О. to Олександр and А. to Анатолійович in "Петренко О. А.".
OTHER_FORM_INITIAL_SIM = 0.89
NAME_FORM_SIM = 0.95  # Микола vs Николай, Юрійович vs Юрьевич
SKELETON_SIM = 0.88  # same consonants: Muhammad / Mohammed, Ahmad / Ahmed
GENDER_FORM_SIM = 0.7  # Ivanov vs Ivanova, Martin vs Martina: another person
DIFFERENT_NAMES_SIM = 0.5  # two known, different given names
DERIVED_NAME_SIM = 0.6  # Антон / Антонов
INFLECTED_SIM = 0.93  # Илдусом / Ілдус: a name no dictionary knows, in the case the text gives it
# Keys of Ukrainian / Russian case endings of masculine names: -ом -ем -им -ым (instrumental),
# -у -ю (dative), -ові -еві -єві (Ukrainian dative).
_CASE_ENDINGS = frozenset({"om", "em", "im", "u", "iu", "ovi", "evi"})
_MIN_INFLECTED_STEM = 4  # Hakim is no case of Hak …
_MIN_CYRILLIC_INFLECTED_STEM = 3  # … but Cyrillic writes its cases: Заалом is Заал's (key zal)
MIN_PART_SIM = 0.6  # below: the parts do not correspond
COMPOUND_MIN = 0.9  # "Abubakr" vs "Abu" + "Bakr"
INITIAL_WEIGHT = 2.0
SHARP_FROM = 0.9  # edit similarity below this drops steeply (see edit_sim)

# Match kinds reported in explanations.
EXACT, FUZZY, INITIAL_MATCH, NAME_FORM, COMPOUND = "exact", "fuzzy", "initial", "name_form", "compound"


# One aligned pair: (query part indices, list part indices, similarity, match
# kind, weight). Plain tuples: built on every comparison, and constructing a
# NamedTuple costs ~10x more than a plain tuple.
Pair = tuple[tuple[int, ...], tuple[int, ...], float, str, float]
P_Q, P_L, P_SIM, P_KIND, P_WEIGHT = range(5)

_CONSONANTS = str.maketrans("", "", "aeiou")


def skeleton(key: str) -> str:
    """Consonants of a key: Muhammad = Mohammed, Oleksandr = Aleksandr."""
    return key.translate(_CONSONANTS)


jaro_winkler = JaroWinkler.normalized_similarity
_INDEL = Indel.normalized_similarity
_OSA = OSA.normalized_similarity  # counts a swap of neighbours (Innocnet) as one edit
_quick_jw = jaro_winkler  # the pre-check's own name for it (tests switch the pre-check off through it)
sub_similarity = (_INDEL, _OSA)  # edit_sim's second term is the larger of these


def jw_needed(sim: float) -> float:
    """The Jaro-Winkler similarity below which ``edit_sim`` cannot reach ``sim`` (for sim < SHARP_FROM:
    the sharpened mix must reach (sim + 2.5 * SHARP_FROM) / 3.5, and the mix is at most (jw + 1) / 2)."""
    return 2 * (sim + 2.5 * SHARP_FROM) / 3.5 - 1


_JW_FLOOR = jw_needed(MIN_PART_SIM)  # below: mix can't reach MIN_PART_SIM


# Sizes: the search layer caches whole answers for names that come back, so these
# only serve the parts shared between different names (measured hit rates on the
# load benchmark's traffic: edit_sim 7 %, _key_similarity 57 %, align 2 % — align
# keeps no cache); bigger ones only grew the worker (~50–80 MB each when full).
@lru_cache(maxsize=32_768)
def edit_sim(a: str, b: str) -> float:
    """Edit similarity of two keys, sharpened: a typo stays ~0.9, a different
    word sharing a root (Medvedchuk / Medvedev, Petrov / Petrenko) falls away."""
    jw = jaro_winkler(a, b)
    if jw < _JW_FLOOR:
        return 0.0
    indel = _INDEL(a, b)
    mix = (jw + max(indel, _OSA(a, b))) / 2
    return mix if mix >= SHARP_FROM else max(0.0, mix - 2.5 * (SHARP_FROM - mix))


def edit_sims(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """``edit_sim(a[i], b[i])`` for every i at once (float64, the same values): three batched C
    calls instead of a Python call per pair, for tables built over a whole vocabulary."""
    if not len(a):
        return np.zeros(0, dtype=np.float64)
    jw, indel, osa = (process.cpdist(a, b, scorer=scorer, dtype=np.float64)
                      for scorer in (jaro_winkler, _INDEL, _OSA))
    mix = (jw + np.maximum(indel, osa)) / 2
    sharp = np.where(mix >= SHARP_FROM, mix, np.maximum(0.0, mix - 2.5 * (SHARP_FROM - mix)))
    return np.where(jw < _JW_FLOOR, 0.0, sharp)


def _suffixed_form(a: str, b: str) -> bool:
    """``b`` is ``a`` with one letter that makes another person or body: Ivanov / Ivanova, Martin /
    Martina, Peter / Peters, Star / Stars (``a`` the shorter)."""
    return b == a + "a" or (b == a + "s" and len(a) >= 4)


_PATRONYMIC_CORES = ("oviq", "eviq", "ivn", "ovn", "evn", "iqn")


def _inflected_patronymic(key: str) -> bool:
    return any(core in key for core in _PATRONYMIC_CORES)


def part_similarity(q: Part, l: Part) -> tuple[float, str]:
    """Similarity of two name parts and how they matched."""
    if q.key == l.key:
        return 1.0, EXACT
    return _key_similarity(q.key, q.kind, l.key, l.kind, q.cyrillic and l.cyrillic)


@lru_cache(maxsize=65_536)
def _key_similarity(qk: str, qkind: int, lk: str, lkind: int, both_cyrillic: bool = False) -> tuple[float, str]:
    # Everything a Part carries derives from (key, kind), so this caches well:
    # given names and patronymics recur across thousands of comparisons.
    if qkind == INITIAL or lkind == INITIAL:
        if qkind == lkind:
            return 0.0, FUZZY
        full, ini = (lk, qk) if qkind == INITIAL else (qk, lk)
        # "А." is a Russian writer's initial of Олександр (Александр): any form's first letter.
        if full.startswith(ini):
            return INITIAL_SIM, INITIAL_MATCH
        if ini[:1] in name_forms.group_initials(full):
            return OTHER_FORM_INITIAL_SIM, INITIAL_MATCH
        return 0.0, FUZZY
    if (qkind == PATRONYMIC) != (lkind == PATRONYMIC) and not _inflected_patronymic(
            qk if lkind == PATRONYMIC else lk):
        # A patronymic names the father: never the person's given name or surname
        # (Виктор ≠ Вікторович, Семёнов ≠ Семенович) — unless the other word is the
        # patronymic itself in another case (Васильовичу).
        return 0.0, FUZZY
    a, b = (qk, lk) if len(qk) <= len(lk) else (lk, qk)
    if _suffixed_form(a, b):
        return GENDER_FORM_SIM, FUZZY
    if (len(lk) >= (_MIN_CYRILLIC_INFLECTED_STEM if both_cyrillic else _MIN_INFLECTED_STEM) and len(qk) > len(lk)
            and qk.startswith(lk) and qk[len(lk):] in _CASE_ENDINGS):
        return INFLECTED_SIM, FUZZY  # the text's word is the listed one with a case ending
    if qkind == NAME and lkind == NAME:
        group = name_forms.given_group(qk)
        other = name_forms.given_group(lk)
        if group and group == other:
            return NAME_FORM_SIM, NAME_FORM
        if group and other:
            # Two different given names (Юлія / Ілля, Галина / Ганна): not a typo of each other.
            return min(DIFFERENT_NAMES_SIM, edit_sim(qk, lk)), FUZZY
    if qkind == PATRONYMIC and lkind == PATRONYMIC:
        qp, lp = name_forms.patronymic(qk), name_forms.patronymic(lk)
        if qp is not None and lp is not None:
            if name_forms.same_patronymic(qp, lp):
                return NAME_FORM_SIM, NAME_FORM
            if name_forms.is_given_name(qp.stem) and name_forms.is_given_name(lp.stem) and qp.stem != lp.stem:
                # Two fathers' names (Вадимович / Васильович): not a typo of each other.
                return min(DIFFERENT_NAMES_SIM, edit_sim(qk, lk)), FUZZY
    if b == a + "ia" and a.endswith("a") and len(a) >= 4:
        # Часовська / Часовская, Мокра / Мокрая: a woman's adjective surname, Ukrainian and Russian.
        return NAME_FORM_SIM, NAME_FORM
    if len(a) <= 3 and len(b) != len(a) and b != a + "a":
        return 0.0, FUZZY  # a short word or acronym is spelled exactly or not at all (AUC ≠ наук)
    if len(a) >= 3 and len(b) - len(a) >= 2 and b.startswith(a):
        # A name derived from another (Антон → Антонов, Петр → Петров): a different word.
        return min(DERIVED_NAME_SIM, edit_sim(a, b)), FUZZY
    sim = edit_sim(a, b)
    if sim >= MIN_PART_SIM and (_different_root(a, b) or (both_cyrillic and _first_letter_replaced(a, b))):
        sim = min(sim, DERIVED_NAME_SIM)
    # Same consonants is a transliteration variant only for names written in Latin
    # (Muhammad / Mohammed); Cyrillic spells its vowels (Білецький ≠ Блоцький).
    # Same first letter and length within two (cheap tests first): Mohammed / Muhammad,
    # not Экострой / CASTOR.
    if sim < SKELETON_SIM and not both_cyrillic and a[0] == b[0] and len(b) - len(a) <= 2:
        sk = skeleton(a)
        n = len(sk)
        if sk == skeleton(b) and (n >= 4 or (n == 3 and sim >= 0.6)):
            return SKELETON_SIM, FUZZY
    return sim, FUZZY


MIN_ROOT_BLOCK = 3  # letters replaced in one block at one end of a word: another root, not a typo
_VOWEL_KEYS = frozenset("aeiouy")


def _first_letter_replaced(a: str, b: str) -> bool:
    """Єременко / Терещенко: Cyrillic words whose first letters differ and that differ in more
    besides are two surnames sharing an ending, not a typo — a typo seldom hits the first letter.
    A first vowel may differ between spellings of one name (Олійник / Алейник), so two vowels do not count."""
    return a[0] != b[0] and not (a[0] in _VOWEL_KEYS and b[0] in _VOWEL_KEYS) and OSA.distance(a, b) >= 2


def _different_root(a: str, b: str) -> bool:
    """Two words sharing a long beginning or ending but differing in a whole block at the other
    end (Укртелеком / Кримтелеком, Telecom / Ukrtelecom): one stem in two words, not a typo —
    a typo's changed letters leave most of the differing stretch alike."""
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[-1 - s] == b[-1 - s]:
        s += 1
    ca, cb = a[p:len(a) - s], b[p:len(b) - s]
    return max(len(ca), len(cb)) >= MIN_ROOT_BLOCK and _INDEL(ca, cb) < DERIVED_NAME_SIM


SPELLING_SIM = 0.86  # a typo in the written word, where the keys' sound folding magnified it
_SPELLING_JW = jw_needed(SPELLING_SIM) - 1e-9


def _spelling_similarity(q: Part, l: Part) -> float:
    """Edit similarity of the words as written (plain Latin letters) where the matching keys
    disagree by more than a typo: a transposed or dropped letter next to a digraph (Hutsan /
    Hustan, Khattab / Kahttab, Mykolaiovych / Mykolaiovcyh) changes the folded key twice.
    Only a typo counts (>= SPELLING_SIM), and never across the scorer's deliberate lines: gender
    forms (Ivanov / Ivanova), two known given names, a name and the one derived from it, short words,
    two roots on one stem."""
    a, b = (q.spelling, l.spelling) if len(q.spelling) <= len(l.spelling) else (l.spelling, q.spelling)
    if len(a) <= 3 or _suffixed_form(a, b) or (len(b) - len(a) >= 2 and b.startswith(a)):
        return 0.0
    if q.given_group and l.given_group and q.given_group != l.given_group:
        return 0.0
    if _quick_jw(a, b) < _SPELLING_JW:
        return 0.0  # most pairs end here, before the cached three-metric edit similarity
    sim = edit_sim(a, b)
    if sim < SPELLING_SIM and len(a) == len(b) >= 5 and _one_swap(a, b):
        sim = SPELLING_SIM  # two neighbours typed the other way round (Thien / Thein): a typo however short
    return sim if sim >= SPELLING_SIM and not _different_root(a, b) else 0.0


def _one_swap(a: str, b: str) -> bool:
    """``b`` is ``a`` with one pair of neighbouring letters swapped."""
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def pair_match(q: Part, l: Part) -> tuple[float, str] | None:
    """How ``align`` may pair two parts: (similarity, match kind) at >= MIN_PART_SIM, else None."""
    qk, qkind, _, _, q_cyr, q_group, q_sp = q
    lk, lkind, _, _, l_cyr, l_group, l_sp = l
    if qk == lk:
        return _EXACT_MATCH
    # Pairs that may reach MIN_PART_SIM without edit similarity: initials,
    # patronymics, forms of one given name (Микола / Николай).
    if not (qkind == INITIAL or lkind == INITIAL or (qkind == PATRONYMIC and lkind == PATRONYMIC)
            or (q_group and q_group == l_group)) \
            and _quick_jw(qk, lk) < _JW_FLOOR - 1e-9 \
            and (q_cyr and l_cyr or qk[0] != lk[0] or not -2 <= len(qk) - len(lk) <= 2):
        # Neither edit similarity nor a shared consonant skeleton can reach
        # MIN_PART_SIM (see _key_similarity): most pairs of a search end
        # here, for the price of one Jaro-Winkler in C.
        sim, kind = 0.0, FUZZY
    else:
        sim, kind = _key_similarity(qk, qkind, lk, lkind, q_cyr and l_cyr)
        if kind == INITIAL_MATCH and _latin_initial_differs(q, l):
            return None
    if sim < SPELLING_SIM and q_sp and l_sp and q_sp[0] == l_sp[0] and -2 <= len(q_sp) - len(l_sp) <= 2:
        spelled = _spelling_similarity(q, l)
        if spelled > sim:
            sim, kind = spelled, FUZZY
    return (sim, kind) if sim >= MIN_PART_SIM else None


_EXACT_MATCH = (1.0, EXACT)


def align(qparts: tuple[Part, ...], lparts: tuple[Part, ...]) -> tuple[Pair, ...]:
    """Best one-to-one assignment of parts, order-insensitive.

    Names have 1–6 parts, so greedy on the similarity matrix equals the optimum
    in practice. (``part_pairs.QueryAligner`` gives the same answer for many list
    names, comparing each distinct list part once.)
    """
    cands: list[tuple[float, float, int, int, str]] = []
    for i, q in enumerate(qparts):
        for j, l in enumerate(lparts):
            m = pair_match(q, l)
            if m is not None:
                cands.append((m[0], q.weight + l.weight, i, j, m[1]))
    return assign(qparts, lparts, cands)


def assign(qparts: tuple[Part, ...], lparts: tuple[Part, ...],
           cands: list[tuple[float, float, int, int, str]]) -> tuple[Pair, ...]:
    """Greedy one-to-one choice among candidate pairs (similarity, summed weight, query
    index, list index, kind), then compounds among the parts left. Used parts are tracked
    in int bitmasks (cheaper than sets)."""
    cands.sort(reverse=True)
    used_q = used_l = 0
    pairs: list[Pair] = []
    initial_lost = False  # an initial's part went to another initial (see _free_initials)
    for sim, w2, i, j, kind in cands:
        bq, bl = 1 << i, 1 << j
        if not (used_q & bq or used_l & bl):
            used_q |= bq
            used_l |= bl
            # An initial says little, whatever the length of the full part.
            pairs.append(((i,), (j,), sim, kind, INITIAL_WEIGHT if kind == INITIAL_MATCH else w2 / 2))
        elif kind == INITIAL_MATCH and not used_q & bq:
            initial_lost = True
    if initial_lost:
        used_q, used_l = _free_initials(qparts, cands, pairs, used_q, used_l)
    free_q = (1 << len(qparts)) - 1 & ~used_q
    free_l = (1 << len(lparts)) - 1 & ~used_l
    # A compound needs one free part on one side and two adjacent free ones on the other,
    # starting with the same letter (most pairs of names fail that: checked before the loops).
    if free_q and free_l and (free_q & (free_q >> 1) or free_l & (free_l >> 1)) \
            and not {p.key[0] for i, p in enumerate(qparts) if free_q >> i & 1}.isdisjoint(
                [p.key[0] for j, p in enumerate(lparts) if free_l >> j & 1]):
        pairs.extend(_compounds(qparts, lparts, used_q, used_l))
    return tuple(pairs)


def _free_initials(qparts: tuple[Part, ...], cands: list[tuple[float, float, int, int, str]],
                   pairs: list[Pair], used_q: int, used_l: int) -> tuple[int, int]:
    """An initial left without a part because another initial took the one it fits: move the other
    to a free part it fits as well. ``О. А. Бойцова`` against Бойцова Ольга Олександрівна: О. took
    Олександрівна (a tie with Ольга), and А. — Александровна's initial — had nothing left."""
    for i, q in enumerate(qparts):
        if used_q >> i & 1 or q.kind != INITIAL:
            continue
        for sim, w2, qi, j, kind in cands:  # best first
            if qi != i or kind != INITIAL_MATCH:
                continue
            k = next((n for n, p in enumerate(pairs) if p[1] == (j,) and p[3] == INITIAL_MATCH), None)
            if k is None:
                continue
            other = pairs[k][0][0]
            moved = next((c for c in cands if c[2] == other and c[4] == INITIAL_MATCH and not used_l >> c[3] & 1), None)
            if moved is None:
                continue
            pairs[k] = ((other,), (moved[3],), moved[0], INITIAL_MATCH, INITIAL_WEIGHT)
            pairs.append(((i,), (j,), sim, INITIAL_MATCH, INITIAL_WEIGHT))
            used_q |= 1 << i
            used_l |= 1 << moved[3]
            break
    return used_q, used_l


def _latin_initial_differs(q: Part, l: Part) -> bool:
    """"D." is no initial of "Jennifer", though the matching keys (djenifer) start alike;
    known given names keep their other forms' initials (A. for Oleksandr)."""
    a, b = q.text[:1], l.text[:1]
    full = l if q.kind == INITIAL else q
    return (a.isascii() and b.isascii() and a.lower() != b.lower() and not name_forms.given_group(full.key))


def _compounds(qparts: tuple[Part, ...], lparts: tuple[Part, ...], used_q: int, used_l: int) -> list[Pair]:
    """Join two adjacent unmatched parts on one side against one on the other
    ("Abubakr" / "Abu Bakr", "Al-Baghdadi" / "Albaghdadi")."""
    out: list[Pair] = []
    for q_is_one in (True, False):
        one, two = (qparts, lparts) if q_is_one else (lparts, qparts)
        used_one, used_two = (used_q, used_l) if q_is_one else (used_l, used_q)
        for i, p in enumerate(one):
            # A patronymic is one word of its own: Олексій Андрійович joined is no Олександрович.
            if used_one & (1 << i) or p.kind == INITIAL or p.kind == PATRONYMIC:
                continue
            key = p.key
            for j in range(len(two) - 1):
                left, right = two[j].key, two[j + 1].key
                # Cheap rejections first, before joining: a >= 0.9 match starts alike and is
                # about as long.
                if left[0] != key[0] or not -2 <= len(left) + len(right) - len(key) <= 2 or used_two & (3 << j) \
                        or two[j].kind == PATRONYMIC or two[j + 1].kind == PATRONYMIC:
                    continue
                joined = left + right
                sim = 1.0 if joined == key else edit_sim(key, joined)
                if sim >= COMPOUND_MIN:
                    used_one |= 1 << i
                    used_two |= 3 << j
                    q_idx, l_idx = ((i,), (j, j + 1)) if q_is_one else ((j, j + 1), (i,))
                    weight = (p.weight + two[j].weight + two[j + 1].weight) / 2
                    out.append((q_idx, l_idx, sim, COMPOUND, weight))
                    break
        used_q, used_l = (used_one, used_two) if q_is_one else (used_two, used_one)
    return out
