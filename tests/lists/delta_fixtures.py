"""Small FtM base files, delta files and index.json written by the tests (never the shared data)."""

from __future__ import annotations

from pathlib import Path

import orjson


def person(eid: str, name: str, **props: list[str]) -> dict:
    return {"id": eid, "schema": "Person", "caption": name, "properties": {"name": [name], **props}}


def ftm_lines(*entities: dict) -> bytes:
    return b"".join(orjson.dumps(e) + b"\n" for e in entities)


def delta_lines(*ops: tuple[str, dict]) -> bytes:
    return b"".join(orjson.dumps({"op": op, "entity": entity}) + b"\n" for op, entity in ops)


BASE = ftm_lines(person("p1", "Ivan Testenko"), person("p2", "Olha Prykladna"), person("p3", "Petro Vyhadanyi"))
# v1 is what the base already includes (like the publisher's first listed version).
DELTAS: dict[str, bytes] = {
    "20240101000000-aaa": delta_lines(("ADD", person("p4", "Maria Novenka"))),
    "20240102000000-bbb": delta_lines(
        ("MOD", person("p2", "Olha Zminena", birthDate=["1980-02-03"])),
        ("DEL", {"id": "p3"}),
    ),
    "20240103000000-ccc": delta_lines(("ADD", person("p5", "Taras Ostanniy"))),
}
SINCE = "20231231000000-zzz"


def write_index(folder: Path, versions: list[str], *, files: list[str] | None = None) -> Path:
    """index.json listing ``versions`` (SINCE first) and the delta files named in ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = {v: f"https://data.example.org/artifacts/{v}/entities.delta.json" for v in [SINCE, *versions]}
    (folder / "index.json").write_bytes(orjson.dumps({"versions": listed, "updated_at": "2024-01-03T00:00:00Z"}))
    for version in versions if files is None else files:
        (folder / f"{version}.delta.json").write_bytes(DELTAS[version])
    return folder / "index.json"


def lists_spec(base: Path, index: Path, *, since: str | None = SINCE, name: str = "os") -> str:
    fragment = f"#since={since}" if since else ""
    return f"{name}=ftm:{base},{name}=ftm_delta:{index}{fragment}"
