"""The opt-in audit log (``AUDIT_LOG_PATH``): one JSON line per screened text and per look-up.

``records`` decides what a line holds (hashes and masked markers, never payment data),
``writer`` how it reaches the disk (a background thread, whole-line appends, fsync).
A failure to build or queue a record is logged and counted; it never fails the screening
(the answer has already been computed, and refusing it would not make the record appear).
"""

from __future__ import annotations

import logging
from typing import Any

from ai_service.audit.records import Masker, screening_record, search_record
from ai_service.audit.writer import AuditWriter, iter_records, read_records
from ai_service.lists.model import Entity
from ai_service.logging_setup import safe
from ai_service.pipeline.document import Document

__all__ = ["AuditLog", "AuditWriter", "Masker", "iter_records", "read_records"]

log = logging.getLogger("ai_service.audit")


class AuditLog:
    def __init__(self, path: str, hash_key: str | None = None) -> None:
        self.writer = AuditWriter(path)
        self.masker = Masker(hash_key)
        self.build_errors = 0

    def start(self) -> None:
        self.writer.start()

    def close(self) -> None:
        self.writer.close()

    def screening(self, doc: Document, *, request_id: str, endpoint: str, list_versions: dict[str, str],
                  batch: tuple[str, int] | None = None, lists_swapped: bool = False) -> None:
        try:
            self.writer.write(screening_record(doc, self.masker, request_id=request_id, endpoint=endpoint,
                                               list_versions=list_versions, batch=batch,
                                               lists_swapped=lists_swapped))
        except Exception as exc:
            self._failed(exc)

    def search(self, query: str, *, request_id: str, kind: str, entity_type: str | None,
               lists: frozenset[str] | None, hits: list[tuple[Entity, float, list[str]]],
               search_backend: str, list_versions: dict[str, str]) -> None:
        try:
            self.writer.write(search_record(query, self.masker, request_id=request_id, kind=kind,
                                            entity_type=entity_type, lists=lists, hits=hits,
                                            search_backend=search_backend, list_versions=list_versions))
        except Exception as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        # The class name only: an exception message or traceback may quote the payment text.
        self.build_errors += 1
        log.error("audit record could not be built (%s); the screening answer is unaffected",
                  safe(exc.__class__.__name__))

    def status(self) -> dict[str, Any]:
        return {**self.writer.status(), "hash_alg": self.masker.algorithm, "build_errors": self.build_errors}
