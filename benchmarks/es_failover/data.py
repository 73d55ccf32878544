"""The lists and the load of the failover benchmark.

The service under test reads files written here (``LISTS`` names them):

* ``ua_nsdc_persons`` / ``ua_nsdc_companies``: a fixed-seed sample of the shared
  NSDC files (records copied as they are, order kept) — noida-db scans every
  document per sub-search, so the ES side is kept to a few thousand entities;
* ``demo``: the bundled fictional list;
* ``probe``: a small FtM list written by the benchmark in two versions. Both
  versions hold the same two people under version-tagged entity ids
  (``probe-v1-…`` / ``probe-v2-…``); v1 alone holds a third person, v2 alone a
  fourth. One payment text names all four, so every /process answer to it says
  which list version answered each of its four searches: a complete answer is
  ``{v1-a, v1-b, v1-old}`` or ``{v2-a, v2-b, v2-new}``; anything else drawn from
  both versions is a *mixed* answer.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ai_service.lists.config import DEMO_LIST_PATH
from benchmarks.quality.common import LISTS_DIR

NSDC_PERSONS = LISTS_DIR / "ua_nsdc" / "persons.json"
NSDC_COMPANIES = LISTS_DIR / "ua_nsdc" / "companies.json"
SEED = 20261126

# Fictional people (invented surnames, common given names and patronymics).
PROBE_SHARED = (("a", "Пробнюк", "Остап", "Маркіянович", "1979-04-11"),
                ("b", "Контрольна", "Ярина", "Захарівна", "1988-10-23"))
PROBE_OLD = ("old", "Застарілий", "Мирон", "Тихонович", "1969-01-30")  # v1 only
PROBE_NEW = ("new", "Новоприбулий", "Левко", "Устимович", "1993-06-17")  # v2 only
PROBE_LIST = "probe"


def probe_name(person: tuple[str, str, str, str, str]) -> str:
    return " ".join(person[1:4])


PROBE_TEXT = ("Оплата за договором 12/7 від 03.02.2025: " + probe_name(PROBE_SHARED[0]) + ", "
              + probe_name(PROBE_SHARED[1]) + ", " + probe_name(PROBE_OLD) + ", " + probe_name(PROBE_NEW))


def probe_expected(version: int) -> frozenset[str]:
    """The probe entity ids a complete answer from list version ``version`` (1 or 2) holds."""
    extra = PROBE_OLD if version == 1 else PROBE_NEW
    return frozenset(f"probe-v{version}-{p[0]}" for p in (*PROBE_SHARED, extra))


def probe_versions(entity_ids: set[str]) -> set[int]:
    """The list versions the probe ids of one answer come from."""
    out: set[int] = set()
    for eid in entity_ids:
        if eid.startswith("probe-v1-"):
            out.add(1)
        elif eid.startswith("probe-v2-"):
            out.add(2)
    return out


def write_probe_list(path: Path, version: int) -> None:
    """Write version 1 or 2 of the probe list (FtM JSON lines), atomically."""
    people = [*PROBE_SHARED, PROBE_OLD if version == 1 else PROBE_NEW]
    lines = []
    for key, last, first, father, dob in people:
        name = f"{last} {first} {father}"
        lines.append(json.dumps({
            "id": f"probe-v{version}-{key}", "schema": "Person", "caption": name,
            "properties": {"name": [name], "firstName": [first], "lastName": [last], "fatherName": [father],
                           "birthDate": [dob], "notes": ["FICTIONAL benchmark probe entity"],
                           "topics": ["sanction"]},
            "datasets": [PROBE_LIST]}, ensure_ascii=False))
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


@dataclass(frozen=True)
class Lists:
    setting: str  # the LISTS value
    probe_path: Path
    entities: int  # entities in version 1 (approximate for NSDC: records)
    texts: list[str]  # the load: short payment texts (the probe text among them)


def shared_data_present() -> bool:
    return NSDC_PERSONS.exists() and NSDC_COMPANIES.exists()


_TEMPLATES = (
    "Оплата згідно рахунку № {n} від 12.03.2025, отримувач {name}",
    "Переказ коштів {name} за договором позики {n}",
    "Повернення коштів, платник {name}, призначення: оплата послуг",
    "Payment for consulting services, invoice {n}, beneficiary {name}",
)
_CLEAN = (
    "Оплата за комунальні послуги, особовий рахунок {n}",
    "Поповнення рахунку, договір {n} від 01.02.2025",
)


def build_lists(out: Path, persons: int, companies: int, texts: int, probe_every: int) -> Lists:
    """Write the list files into ``out`` and make the load texts (fixed seed).

    ``persons``/``companies`` = 0 loads only the demo and probe lists (no shared
    data needed). Every ``probe_every``-th text is the probe text."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    items = [f"demo=ftm:{DEMO_LIST_PATH}"]
    names: list[str] = [json.loads(line)["properties"]["name"][0]
                        for line in DEMO_LIST_PATH.read_text(encoding="utf-8").splitlines()
                        if line.strip() and json.loads(line)["schema"] == "Person"]
    entities = len(DEMO_LIST_PATH.read_text(encoding="utf-8").splitlines())
    for count, src, fmt, name in ((persons, NSDC_PERSONS, "nsdc_persons", "ua_nsdc_persons"),
                                  (companies, NSDC_COMPANIES, "nsdc_companies", "ua_nsdc_companies")):
        if count <= 0:
            continue
        records = json.loads(src.read_bytes())
        keep = sorted(rng.sample(range(len(records)), min(count, len(records))))
        chosen = [records[i] for i in keep]
        path = out / f"{name}.json"
        path.write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
        items.append(f"{name}={fmt}:{path}")
        entities += len(chosen)
        if fmt == "nsdc_persons":
            names += [r["name"] for r in chosen if isinstance(r.get("name"), str) and len(r["name"].split()) == 3]
    probe_path = out / "probe.ftm.json"
    write_probe_list(probe_path, 1)
    items.append(f"{PROBE_LIST}=ftm:{probe_path}")
    entities += len(PROBE_SHARED) + 1
    load: list[str] = []
    for i in range(texts):
        if probe_every and i % probe_every == 0:
            load.append(PROBE_TEXT)
        elif i % 10 == 9:
            load.append(rng.choice(_CLEAN).format(n=rng.randrange(10_000, 99_999)))
        else:
            load.append(rng.choice(_TEMPLATES).format(n=rng.randrange(100, 9_999), name=rng.choice(names)))
    return Lists(",".join(items), probe_path, entities, load)
