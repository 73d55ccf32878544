"""Layer 9 — decision: a risk level for the text, with reasons a reviewer can check.

The best candidate's calibrated score sets the band (high / medium / low /
clear, thresholds configurable). An identifier equal to a listed one is high.
A strong name match with no confirming identifier or date of birth asks the
reviewer for the missing fields the list entry can be checked against.
"""

from __future__ import annotations

from dataclasses import dataclass

from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import Document
from ai_service.search.base import Candidate

REASON_TEXT = {
    "sanctioned_id_match": "An identifier in the text equals one on a sanctions list entry.",
    "name_exact_match": "A name in the text matches a list entry exactly (after normalization).",
    "name_fuzzy_match": "A name in the text is similar to a list entry.",
    "name_vector_match": "A name in the text is close to a list entry by character n-grams.",
    "dob_match": "The date of birth in the text agrees with the list entry.",
    "dob_mismatch": "The date of birth in the text differs from the list entry.",
    "id_name_mismatch": "The identifier matches but the name next to it is a different one.",
    "no_match": "Screened: no list entry matched.",
    "nothing_to_screen": "Screened: no names, organisations or identifiers were found.",
    "cleared_by_review": "Every match was cleared by a reviewer before (false-positive memory).",
}


@dataclass(frozen=True, slots=True)
class RiskBands:
    high: float = 0.85
    medium: float = 0.70
    low: float = 0.50

    def band(self, score: float) -> str:
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        if score >= self.low:
            return "low"
        return "clear"


def _dob_agrees(query_dob: str | None, birth_dates: list[str]) -> bool | None:
    if not query_dob or not birth_dates:
        return None
    return any(query_dob.startswith(d) or d.startswith(query_dob) for d in birth_dates)


class DecisionLayer(Layer):
    name = "decision"

    def __init__(self, bands: RiskBands) -> None:
        self.bands = bands

    async def run(self, doc: Document) -> None:
        doc.decision = self.decide(doc)

    def decide(self, doc: Document) -> dict:
        matches = [m for m in doc.matches if not m.cleared]
        if not matches:
            screened = doc.persons or doc.organizations or doc.ids
            code = "cleared_by_review" if doc.matches else "no_match" if screened else "nothing_to_screen"
            return _decision("clear", 0.0, [code], False, [])
        top: Candidate = matches[0]
        risk = self.bands.band(top.score)
        reasons: list[str] = []
        id_matched = any("id" in m.matched_by and m.score >= self.bands.high for m in matches)
        if id_matched:
            risk = "high"
            reasons.append("sanctioned_id_match")
            name = top.explanation.get("name") if isinstance(top.explanation, dict) else None
            if isinstance(name, dict) and name.get("score", 1.0) < self.bands.low:
                reasons.append("id_name_mismatch")
        for how, code in (("name_exact", "name_exact_match"), ("name_fuzzy", "name_fuzzy_match"),
                          ("name_vector", "name_vector_match")):
            if how in top.matched_by and code not in reasons:
                reasons.append(code)
                break
        query_dob = _query_dob(doc, top)
        dob = _dob_agrees(query_dob, top.entity.birth_dates)
        if dob is True:
            reasons.append("dob_match")
        elif dob is False:
            reasons.append("dob_mismatch")
        required: list[str] = []
        if risk in ("high", "medium") and not id_matched and dob is not True:
            if top.entity.ids:
                required.append("TIN")
            if top.entity.birth_dates:
                required.append("DOB")
        return _decision(risk, top.score, reasons, bool(required), required)


def _query_dob(doc: Document, top: Candidate) -> str | None:
    for p in doc.persons:
        if p.normalized == top.query or doc.text[p.start : p.end] == top.query:
            return p.dob
    dobs = [d.value for d in doc.dates if d.kind == "dob"]
    return dobs[0] if len(dobs) == 1 else None


def _decision(risk: str, score: float, reasons: list[str], review: bool, required: list[str]) -> dict:
    return {
        "risk": risk,
        "score": round(score, 4),
        "reasons": reasons,
        "reason_details": [{"code": r, "message": REASON_TEXT[r]} for r in reasons],
        "review_required": review,
        "required_additional_fields": required,
    }
