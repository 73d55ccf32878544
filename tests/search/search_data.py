"""Real-list fixtures and query-variant generators for search tests and benchmarks.

Reads ../shared/data beside the repository (never copies it). The variant
generators are deterministic (seeded) so recall numbers are reproducible; the
benchmark ``benchmarks/search_micro.py`` imports them too.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

from ai_service.lists.model import Entity
from ai_service.text.translit import to_latin

SHARED_LISTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "lists"
NSDC_PERSONS = SHARED_LISTS / "ua_nsdc" / "persons.json"


def load_nsdc_persons(path: Path = NSDC_PERSONS) -> list[Entity]:
    from ai_service.lists import nsdc

    return nsdc.parse_persons(path.read_bytes(), "ua_nsdc_persons")


def all_list_sources() -> str:
    """A ``LISTS`` value naming every shared list file (the full ~31k-entity load)."""
    d = SHARED_LISTS.resolve()
    return ",".join(
        [
            f"ua_nsdc_persons=nsdc_persons:{d}/ua_nsdc/persons.json",
            f"ua_nsdc_persons=nsdc_persons:{d}/ua_nsdc/persons_supplement.json",
            f"ua_nsdc_companies=nsdc_companies:{d}/ua_nsdc/companies.json",
            f"ua_sfms=sfms:{d}/ua_sfms/terrorism_black_list.json",
            f"ofac_sdn=ofac_sdn:{d}/ofac_sdn/sdn.csv",
            f"un=un_xml:{d}/un/consolidated.xml",
        ]
    )


# -- query variants of a listed NSDC person ("Surname Given Patronymic", uk) ----

_UK_TO_RU = [
    (re.compile(r"ійович\b"), "ьевич"), (re.compile(r"йович\b"), "евич"), (re.compile(r"ївна\b"), "евна"),
    (re.compile(r"івна\b"), "овна"), (re.compile(r"ій\b"), "ий"), (re.compile(r"[іїi]"), "и"),
    (re.compile(r"[ІЇ]"), "И"), (re.compile(r"є"), "е"), (re.compile(r"Є"), "Е"), (re.compile(r"ґ"), "г"),
    (re.compile(r"Ґ"), "Г"), (re.compile(r"['’ʼ]"), ""),
]


def ru_style(name: str) -> str:
    """A Russian-looking spelling of a Ukrainian name (Валерійович -> Валерьевич, і -> и)."""
    for rx, repl in _UK_TO_RU:
        name = rx.sub(repl, name)
    return name


def typo(word: str, rng: random.Random) -> str:
    """One random edit (substitution, deletion, transposition) away from the ends."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("sub", "del", "swap"))
    if kind == "sub":
        pool = "абвгдеиклмнопрстуь" if re.search("[а-яіїєґ]", word.lower()) else "abcdeiklmnoprstuvy"
        return word[:i] + rng.choice([c for c in pool if c != word[i].lower()]) + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def latin_reordered(e: Entity, rng: random.Random) -> str:
    latin = e.names[1] if len(e.names) > 1 else to_latin(e.names[0], "uk")
    parts = latin.split()
    return " ".join(parts[1:] + parts[:1])  # Given Patronymic Surname


def cyrillic_typo(e: Entity, rng: random.Random) -> str:
    parts = e.names[0].split()
    return " ".join([typo(parts[0], rng), *parts[1:]])


def russian_spelling(e: Entity, rng: random.Random) -> str:
    return ru_style(e.names[0])


_PATRONYMIC = re.compile(r"(ович|евич|йович|івна|ївна|овна|евна|ич|ична)$", re.IGNORECASE)


def without_patronymic(e: Entity, rng: random.Random) -> str:
    parts = e.names[0].split()
    kept = [p for p in parts if not _PATRONYMIC.search(p)]
    return " ".join(kept if len(kept) >= 2 else parts[:2])


VARIANTS: dict[str, Callable[[Entity, random.Random], str]] = {
    "latin_reordered": latin_reordered,
    "cyrillic_typo": cyrillic_typo,
    "russian_spelling": russian_spelling,
    "without_patronymic": without_patronymic,
}


def sample_persons(entities: list[Entity], n: int = 300, seed: int = 20240312) -> list[Entity]:
    """``n`` NSDC persons with a full three-part name, fixed seed."""
    pool = [e for e in entities if len(e.names[0].split()) == 3]
    return random.Random(seed).sample(pool, n)


def is_top1(results: list, target_id: str) -> bool:
    """The target is the best result, or tied with it (the NSDC export lists
    some persons twice under different ids; a name-only query cannot prefer one)."""
    if not results:
        return False
    best = results[0].score
    return any(c.entity.entity_id == target_id for c in results if c.score >= best - 1e-9)
