"""What the context says about a person: titles and suffixes around the name, and a
sole-proprietor legal form before it (ФОП, ИП)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ai_service.pipeline.document import ContextSpan, Token

@dataclass
class PersonContext:
    titles_before: dict[int, list[str]] = field(default_factory=dict)  # first name token -> titles
    suffixes_after: dict[int, list[str]] = field(default_factory=dict)  # last name token -> suffixes
    person_forms: dict[int, str] = field(default_factory=dict)  # first name token -> ФОП / ИП

    def titles(self, first: int, last: int) -> list[str]:
        # A title inside the name counts too (ASHRAF Haji Muhammad).
        inside = [t for k in range(first, last + 1) for t in self.titles_before.get(k, ())]
        return [*inside, *self.suffixes_after.get(last, [])]


def person_context(tokens: list[Token], spans: list[ContextSpan], text: str) -> PersonContext:
    ctx = PersonContext()
    for span in spans:
        words = text[tokens[span.first].start : tokens[span.last].end]
        if span.category == "title":
            after = span.last + 1
            while after < len(tokens) and tokens[after].kind == "word" and tokens[after].context == "address":
                after += 1  # "гражданин РФ Петр Сергеев": the country belongs to the title
            ctx.titles_before.setdefault(after, []).append(words)
        elif span.category == "suffix":
            before = span.first - 1
            if before >= 0 and tokens[before].text == ",":
                before -= 1  # "Robert Miles, Jr."
            if span.last + 1 < len(tokens) and tokens[span.last + 1].text == ".":
                words += "."
            ctx.suffixes_after.setdefault(before, []).append(words)
        elif span.category == "legal_form" and span.kind == "person":
            ctx.person_forms[span.last + 1] = span.value or ""
    return ctx
