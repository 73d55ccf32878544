"""Layer 5 — payment-trigger and context detection.

Marks every token that belongs to payment wording, beneficiary markers,
document boilerplate, months, bank/address/currency words, stop words, titles,
legal forms and identifier/date-of-birth markers, so that later layers never
read them as names. The word lists are data files in ``dictionaries/``; all
languages are applied to every text (payment texts mix them freely).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import ContextSpan, Document, Trigger
from ai_service.pipeline.tokenization import tokenize
from ai_service.text.bank_names import is_bank_compound
from ai_service.text.dictionaries import WordList, json_data, mapping, word_list

LANGS = ("uk", "ru", "en")
# Earlier categories win when an entry sits in several lists.
PER_LANGUAGE = ("payment", "beneficiary", "boilerplate", "months", "bank", "address", "stopwords")
CATEGORY_NAMES = {"months": "month", "stopwords": "stop"}
TRIGGER_TYPES = frozenset({"payment", "beneficiary", "boilerplate"})


@dataclass(frozen=True, slots=True)
class _Entry:
    category: str
    value: str | None = None
    kind: str | None = None


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(t.text.lower() for t in tokenize(phrase))


class ContextMatcher:
    """Dictionary lookup of words, stems and multi-word phrases."""

    def __init__(self) -> None:
        self.words: dict[str, _Entry] = {}
        self.prefixes: list[tuple[tuple[str, ...], _Entry]] = []
        self.phrases: dict[str, list[tuple[tuple[str, ...], _Entry]]] = {}
        for marker, id_type in mapping("context/id_markers").items():
            if id_type != "bic":  # Swift is a surname too: the identifier span marks it beside a code
                self._add_phrase(marker, _Entry("id_marker", id_type))
        self._add_list("context/dob_markers", _Entry("dob_marker"))
        for form in json_data("names/legal_forms.json"):
            entry = _Entry("legal_form", form["abbr"], form.get("kind", "organization"))
            for variant in [form["abbr"], *form.get("variants", [])]:
                self._add_phrase(variant, entry)
        self._add_list("names/titles", _Entry("title"))
        self._add_list("names/suffixes", _Entry("suffix"))
        self._bank_name = _Entry("bank_name")
        self._add_list("context/bank_names", self._bank_name)
        for stem in PER_LANGUAGE:
            for lang in LANGS:
                self._add_list(f"context/{stem}_{lang}", _Entry(CATEGORY_NAMES.get(stem, stem)))
        self._add_list("context/currency", _Entry("currency"))
        for bucket in self.phrases.values():
            bucket.sort(key=lambda item: -len(item[0]))

    def _add_list(self, name: str, entry: _Entry) -> None:
        wl = word_list(name)
        for w in wl.words:
            self._add_phrase(w, entry)
        if wl.prefixes:
            self.prefixes.append((tuple(wl.prefixes), entry))
        for phrase in wl.phrases:
            self._add_phrase(" ".join(phrase), entry)

    def _add_phrase(self, text: str, entry: _Entry) -> None:
        toks = _phrase_tokens(text)
        if not toks:
            return
        if len(toks) == 1:
            self.words.setdefault(toks[0], entry)
            return
        bucket = self.phrases.setdefault(toks[0], [])
        if all(existing != toks for existing, _ in bucket):
            bucket.append((toks, entry))

    @lru_cache(maxsize=65536)
    def word(self, lower: str) -> _Entry | None:
        entry = self.words.get(lower)
        if entry is not None:
            return entry
        for prefixes, pentry in self.prefixes:
            if lower.startswith(prefixes):
                return pentry
        return self._bank_name if is_bank_compound(lower) else None


class ContextLayer(Layer):
    name = "context"

    def __init__(self) -> None:
        self.matcher = ContextMatcher()
        self.ambiguous_months = frozenset(mapping("context/months_ambiguous"))
        self.month_prepositions = word_list("context/month_prepositions").words
        self.address_units = word_list("context/address_units")
        self.street_types = word_list("context/street_types_en")
        self.name_syllables = word_list("context/name_syllables").words

    def _governed_months(self, tokens: list, lowers: list[str], marked: set[int]) -> list[ContextSpan]:
        """``за лютий``, ``for May``, ``June 2022``, ``5 травня``: a month form that is also a
        name, after a preposition or written as part of a date (``marked``: tokens already in a span)."""
        n = len(tokens)
        return [ContextSpan(i, i, "month") for i in range(n)
                if lowers[i] in self.ambiguous_months and i not in marked
                and ((i > 0 and lowers[i - 1] in self.month_prepositions) or _year_after(tokens, i)
                     or (i > 0 and tokens[i - 1].kind == "number" and len(tokens[i - 1].text) <= 2))]

    async def run(self, doc: Document) -> None:
        tokens = doc.tokens
        n = len(tokens)
        lowers = [t.text.lower() for t in tokens]
        matcher = self.matcher
        phrases = matcher.phrases
        spans: list[ContextSpan] = []
        hits_before = matcher.word.cache_info().hits
        i = 0
        while i < n:
            tok = tokens[i]
            if tok.kind == "number":
                i += 1
                continue
            initial = len(tok.text) == 1 and _is_initial(tokens, i)  # most tokens: no call
            low = lowers[i]
            matched = 0
            for phrase, entry in phrases.get(low, ()):
                k = len(phrase)
                # "М." before a surname is an initial, not "місто"; a dotted legal form
                # spelled letter by letter ("S.A.", "L.L.C.") is not.
                if initial and not (entry.category == "legal_form" and k >= 4):
                    continue
                # The second word first: most phrases sharing a first word differ there.
                if i + 1 < n and lowers[i + 1] == phrase[1] and tuple(lowers[i : i + k]) == phrase:
                    spans.append(ContextSpan(i, i + k - 1, entry.category, entry.value, entry.kind))
                    matched = k
                    break
            if matched:
                i += matched
                continue
            if initial:
                i += 1
                continue
            if tok.kind == "word":
                entry = matcher.word(low)
                if entry is not None:
                    spans.append(ContextSpan(i, i, entry.category, entry.value, entry.kind))
            i += 1
        if self.name_syllables.intersection(lowers):
            claimed = {j for s in spans for j in range(s.first, s.last + 1)}
            spans = [s for s in spans if not _name_syllable(tokens, s, self.name_syllables, claimed)]
        marked = {j for s in spans for j in range(s.first, s.last + 1)}
        spans.extend(_address_names(tokens, spans, marked, self.address_units, self.street_types))
        spans.extend(self._governed_months(tokens, lowers, marked))
        info = matcher.word.cache_info()
        hits = info.hits - hits_before
        doc.count_cache(self.name, hits, max(0, len(tokens) - hits))
        for span in spans:
            for j in range(span.first, span.last + 1):
                tokens[j].context = span.category
            if span.category in TRIGGER_TYPES:
                start, end = tokens[span.first].start, tokens[span.last].end
                doc.triggers.append(Trigger(doc.text[start:end], span.category, start, end))
        doc.context_spans = spans

    def cache_info(self) -> dict[str, int | float]:
        info = self.matcher.word.cache_info()
        return {"hits": info.hits, "misses": info.misses, "size": info.currsize}

    def clear_cache(self) -> None:
        self.matcher.word.cache_clear()


MAX_ADDRESS_NAME = 3


def _name_syllable(tokens: list, span: ContextSpan, syllables: frozenset[str], claimed: set[int]) -> bool:
    """``So`` in Pyong So HWANG, ``Uk`` in Won Uk Pae: a capitalised syllable of a name between two
    capitalised Latin words no dictionary claims (``claimed``: tokens in a span) is that name's,
    not a stop or address word."""
    i = span.first
    if span.last != i or not 0 < i < len(tokens) - 1 or tokens[i].text.lower() not in syllables:
        return False
    return tokens[i].text[:1].isupper() and all(
        t.kind == "word" and t.script == "latn" and t.text[:1].isupper() and k not in claimed
        and t.text.lower() not in syllables for k, t in ((i - 1, tokens[i - 1]), (i + 1, tokens[i + 1])))


def _year_after(tokens: list, i: int) -> bool:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is not None and nxt.kind == "number" and len(nxt.text) == 4 and nxt.text[:2] in ("19", "20")


def _address_names(tokens: list, spans: list[ContextSpan], marked: set[int], units: WordList,
                   street_types: WordList) -> list[ContextSpan]:
    """Names of streets and towns next to an address word (``вул. Шевченка``, ``м. Київ``,
    ``221B Baker Street``) are part of the address: a street named after a poet is not a payee.
    A dwelling or room (``units``: квартира, офіс, apartment) names nothing: ``за квартиру Шевчуку
    Олегу`` is a payee. ``marked`` (tokens in a span) gets the names added."""
    extra: list[ContextSpan] = []
    for span in spans:
        if span.category != "address" or units.matches(tokens[span.first].text):
            continue
        if tokens[span.first].script == "latn":
            # English writes a street's name first: 221B Baker Street, 12 Oak Road (not a town's:
            # the words before London are no part of it).
            if street_types.matches(tokens[span.first].text):
                _mark_capitalized(tokens, span.first - 1, -1, marked, extra)
        elif tokens[span.first].text[:1].islower():
            # Street/town type words are lower case (вул., м.); a capitalised address word is
            # a place itself (РФ, Київ) and names nothing after it.
            j = span.last + 1
            _mark_capitalized(tokens, j + 1 if j < len(tokens) and tokens[j].text == "." else j, 1, marked, extra)
    return extra


def _mark_capitalized(tokens: list, j: int, step: int, marked: set[int], extra: list[ContextSpan]) -> None:
    taken = 0
    while 0 <= j < len(tokens) and taken < MAX_ADDRESS_NAME and j not in marked:
        tok = tokens[j]
        if tok.kind != "word" or not tok.text[:1].isupper():
            break
        extra.append(ContextSpan(j, j, "address"))
        marked.add(j)
        taken += 1
        j += step


def _is_initial(tokens: list, i: int) -> bool:
    """A lone capital letter followed by a dot is an initial, not a stop word."""
    tok = tokens[i]
    return (
        len(tok.text) == 1
        and tok.text.isupper()
        and i + 1 < len(tokens)
        and tokens[i + 1].text == "."
    )
