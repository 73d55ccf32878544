"""Response bodies built from a processed ``Document`` (field names are the contract)."""

from __future__ import annotations

from typing import Any

from ai_service.pipeline.document import Document, IdSignal, PersonSignal

MS = 1000.0


def _id(doc: Document, i: IdSignal, spans: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": i.type, "value": i.value, "valid": i.valid}
    if spans:
        out["start"], out["end"] = doc.source_span(i.start, i.end)
    return out


def _person(doc: Document, p: PersonSignal) -> dict[str, Any]:
    start, end = doc.source_span(p.start, p.end)
    return {
        "text": doc.original[start:end],
        "start": start,
        "end": end,
        "normalized": p.normalized,
        "parts": [{"text": part.text, "normalized": part.normalized, "role": part.role} for part in p.parts],
        "gender": p.gender,
        "titles": p.titles,
        "legal_form": p.legal_form,
        "dob": p.dob,
        "ids": [_id(doc, i, False) for i in p.ids],
    }


def signals(doc: Document) -> dict[str, Any]:
    orgs = []
    for o in doc.organizations:
        start, end = doc.source_span(o.start, o.end)
        orgs.append({"text": doc.original[start:end], "start": start, "end": end,
                     "legal_form": o.legal_form, "core": o.core, "normalized": o.core,
                     "ids": [_id(doc, i, False) for i in o.ids]})
    dates = []
    for d in doc.dates:
        start, end = doc.source_span(d.start, d.end)
        dates.append({"value": d.value, "kind": d.kind, "start": start, "end": end})
    return {
        "persons": [_person(doc, p) for p in doc.persons],
        "organizations": orgs,
        "ids": [_id(doc, i, True) for i in doc.ids],
        "dates": dates,
    }


def timings_ms(doc: Document) -> dict[str, float]:
    return {name: round(sec * MS, 4) for name, sec in doc.timings.items()}


def trace(doc: Document) -> list[dict[str, Any]]:
    out = []
    for t in doc.tokens:
        start, end = doc.source_span(t.start, t.end)
        item: dict[str, Any] = {"token": t.text, "start": start, "end": end, "kind": t.kind,
                                "script": t.script, "lang": t.lang, "context": t.context}
        if t.morph is not None:
            item["readings"] = [{"role": f.role, "gender": f.gender, "nominative": f.nominative,
                                 "source": f.source} for f in t.morph.forms]
        out.append(item)
    return out


def process_response(doc: Document, request_id: str) -> dict[str, Any]:
    triggers = []
    for t in doc.triggers:
        start, end = doc.source_span(t.start, t.end)
        triggers.append({"text": doc.original[start:end], "type": t.type, "start": start, "end": end})
    body: dict[str, Any] = {
        "request_id": request_id,
        "language": doc.language,
        "normalized_text": " | ".join(p.normalized for p in doc.persons),
        "tokens": [t.text for t in doc.tokens],
        "triggers": triggers,
        "signals": signals(doc),
        "matches": [m.to_dict() for m in doc.matches],
        "decision": doc.decision,
        "search_backend": doc.search_backend,
        "timings_ms": timings_ms(doc),
    }
    if doc.options.explain:
        body["trace"] = trace(doc)
    return body
