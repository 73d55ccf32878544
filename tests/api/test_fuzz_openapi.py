"""Schemathesis fuzzing of the HTTP API from its own OpenAPI document — the CI-sized run.

The full run (≥ 2,000 requests, results in benchmarks/results/fuzz.json) is
``python -m benchmarks.fuzz``; this one drives the same code with a few generated
requests per operation and mode: no 5xx, statuses/content types/bodies as the
document declares, schema-violating requests rejected with a 4xx.
"""

from __future__ import annotations

import os

from benchmarks.fuzz import run_fuzz

EXAMPLES = int(os.environ.get("FUZZ_CI_EXAMPLES", "15"))


def test_openapi_fuzz_finds_no_failures(tmp_path):
    res = run_fuzz(examples=EXAMPLES, seed=0, workdir=tmp_path)
    assert res.requests >= 200, res.to_dict()
    assert not res.failures, res.to_dict()["failure_details"]
    assert not any(int(s) >= 500 for s in res.by_status), res.by_status
    # every operation of the document was reached
    assert len(res.by_operation) >= 19, sorted(res.by_operation)
