"""Audit records: what a compliance review needs to replay a screening decision.

Nothing in a record shows payment data. The screened text is kept as a hash, every
extracted name, identifier and date as a masked marker (the log masking of
``logging_setup.mask_value``); matches are list entries (list, entity_id, score), never
the listed name, which would repeat the name found in the text.

Hashes. ``text.hash`` is SHA-256 of the text's UTF-8 bytes exactly as received, so an
auditor holding the payment can find its record. Payment texts are short and partly
guessable (a name and a 10-digit tax number), so anyone who can read the file could
confirm a guess against a plain hash; with ``AUDIT_HASH_KEY`` set, text hashes and
entity markers are HMAC-SHA256 under that key instead (``hash_alg: hmac-sha256``,
markers ``<masked hmac:…>``), and confirming a guess needs the key. Equal inputs give
equal hashes either way, so repeated payments can be correlated. Not salted per record:
a per-record salt would make "which record is this payment?" unanswerable.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import Any

from ai_service import __version__
from ai_service.lists.model import Entity
from ai_service.logging_setup import mask_value
from ai_service.pipeline.document import Document, IdSignal, Options
from ai_service.search.base import Candidate

DECISION_FIELDS = ("risk", "score", "reasons", "review_required", "required_additional_fields")


class Masker:
    """Text hashes and entity markers, keyed when AUDIT_HASH_KEY is set."""

    def __init__(self, key: str | None = None) -> None:
        self.key = key.encode("utf-8") if key else None
        self.algorithm = "hmac-sha256" if self.key else "sha256"

    def digest(self, text: str) -> str:
        data = text.encode("utf-8", "surrogatepass")
        if self.key is None:
            return hashlib.sha256(data).hexdigest()
        return hmac.new(self.key, data, hashlib.sha256).hexdigest()

    def mask(self, value: str | None) -> str | None:
        return None if value is None else mask_value(value, self.key)

    def text(self, text: str) -> dict[str, Any]:
        return {"hash": self.digest(text), "hash_alg": self.algorithm, "length": len(text)}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _ids(ids: list[IdSignal], m: Masker) -> list[dict[str, Any]]:
    return [{"type": i.type, "value": m.mask(i.value), "valid": i.valid} for i in ids]


def masked_entities(doc: Document, m: Masker) -> dict[str, list[dict[str, Any]]]:
    return {
        "persons": [{"name": m.mask(p.normalized), "parts": len(p.parts), "gender": p.gender,
                     "legal_form": p.legal_form, "dob": m.mask(p.dob), "ids": _ids(p.ids, m)}
                    for p in doc.persons],
        "organizations": [{"name": m.mask(o.core), "legal_form": o.legal_form, "ids": _ids(o.ids, m)}
                          for o in doc.organizations],
        "ids": _ids(doc.ids, m),
        "dates": [{"kind": d.kind, "value": m.mask(d.value)} for d in doc.dates],
    }


def _match(c: Candidate, m: Masker) -> dict[str, Any]:
    return {"list": c.entity.list, "entity_id": c.entity.entity_id, "entity_type": c.entity.entity_type,
            "score": round(c.score, 4), "matched_by": list(c.matched_by), "cleared": c.cleared,
            "query": m.mask(c.query)}


def _options(options: Options) -> dict[str, Any]:
    return {"search": options.search, "lists": sorted(options.lists) if options.lists else None,
            "threshold": options.threshold}


def screening_record(doc: Document, m: Masker, *, request_id: str, endpoint: str,
                     list_versions: dict[str, str], batch: tuple[str, int] | None = None,
                     lists_swapped: bool = False) -> dict[str, Any]:
    """One screened text (``batch``: the batch request's id and this text's index).

    ``list_versions`` are those served when the text's screening started; ``lists_swapped``
    says a reload swapped the lists before it ended (the search may have used the new ones)."""
    record: dict[str, Any] = {
        "ts": now_iso(), "kind": "screening", "request_id": request_id, "endpoint": endpoint,
        "service_version": __version__,
    }
    if batch is not None:
        record["batch"] = {"request_id": batch[0], "index": batch[1]}
    record.update({
        "text": m.text(doc.original),
        "language": doc.language,
        "options": _options(doc.options),
        "entities": masked_entities(doc, m),
        "matches": [_match(c, m) for c in doc.matches],
        "decision": {k: doc.decision.get(k) for k in DECISION_FIELDS},
        "search_backend": doc.search_backend,
        "list_versions": list_versions,
    })
    if lists_swapped:
        record["lists_swapped_during_request"] = True
    return record


def search_record(query: str, m: Masker, *, request_id: str, kind: str, entity_type: str | None,
                  lists: frozenset[str] | None, hits: list[tuple[Entity, float, list[str]]],
                  search_backend: str, list_versions: dict[str, str]) -> dict[str, Any]:
    """One direct look-up (``POST /search``): ``kind`` is "name" or "id"."""
    return {
        "ts": now_iso(), "kind": "search", "request_id": request_id, "endpoint": "/search",
        "service_version": __version__,
        "query": {**m.text(query), "type": kind},
        "options": {"entity_type": entity_type, "lists": sorted(lists) if lists else None},
        "matches": [{"list": e.list, "entity_id": e.entity_id, "entity_type": e.entity_type,
                     "score": round(score, 4), "matched_by": list(by)} for e, score, by in hits],
        "search_backend": search_backend,
        "list_versions": list_versions,
    }
