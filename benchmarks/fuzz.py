"""Property-based fuzzing of the HTTP API from its own OpenAPI document (schemathesis).

The app runs in process (ASGI, bundled demo list, an admin token so the admin routes
are reached too); every operation of ``GET /openapi.json`` gets generated requests,
valid ones (positive) and schema-violating ones (negative). Each response is checked:
no 5xx, the status code is one the document declares, the content type and the body
conform to the declared schema, and a request that violates the schema is rejected
with a 4xx. Run:

    .venv/bin/python -m benchmarks.fuzz [--examples 120] [--seed 0]

writes benchmarks/results/fuzz.json and fuzz.md and exits 1 when a check failed or
fewer than ``--min-requests`` (2,000) requests were sent. The CI suite runs the same
driver with a small count (tests/api/test_fuzz_openapi.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hypothesis  # noqa: E402
import schemathesis  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed as hyp_seed, settings as hyp_settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python import asgi  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
ADMIN = "fuzz-admin-token"
POSITIVE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                   response_schema_conformance]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]
# Operations that do real work per call: fewer examples keep the run bounded.
SLOW = {"POST /admin/lists/reload": 0.1, "POST /health/test/{component}": 0.25}


@dataclass
class FuzzResult:
    requests: int = 0
    by_operation: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_mode: Counter = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.by_status.items() if int(s) >= 500 and int(s) != 503)

    def to_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "failures": len(self.failures),
                "server_errors_5xx": sum(n for s, n in self.by_status.items() if int(s) >= 500),
                "seconds": round(self.seconds, 1),
                "by_status": dict(sorted(self.by_status.items())),
                "by_mode": dict(self.by_mode), "by_operation": dict(sorted(self.by_operation.items())),
                "failure_details": self.failures[:50]}


def make_app(workdir: Path, extra_env: dict[str, str] | None = None):
    from ai_service.app import create_app
    from ai_service.config import load_settings

    env = {"ADMIN_TOKEN": ADMIN, "CLEARED_PAIRS_PATH": str(workdir / "cleared.json"),
           "AUDIT_LOG_PATH": str(workdir / "audit.jsonl"), **(extra_env or {})}
    return create_app(load_settings(env))


def _wait_ready(app, timeout: float = 60.0) -> None:
    started = time.monotonic()
    with asgi.get_client(app) as client:
        while time.monotonic() - started < timeout:
            if client.get(f"http://{asgi.HOST}/health/ready").status_code == 200:
                return
            time.sleep(0.05)
    raise RuntimeError(f"app not ready after {timeout} s")


def run_fuzz(examples: int = 120, seed: int | None = 0, workdir: Path | None = None,
             modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
             extra_env: dict[str, str] | None = None) -> FuzzResult:
    """Fuzz every operation with up to ``examples`` generated requests per generation mode."""
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="ai-service-fuzz-")
        workdir = Path(tmp.name)
    try:
        app = make_app(workdir, extra_env)
        _wait_ready(app)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        result = FuzzResult()
        started = time.monotonic()
        headers = {"Authorization": f"Bearer {ADMIN}"}
        for op_result in schema.get_all_operations():
            operation = op_result.ok()
            label = f"{operation.method.upper()} {operation.path}"
            count = max(5, int(examples * SLOW.get(label, 1.0)))
            for mode in modes:
                _fuzz_operation(operation, label, mode, count, seed, headers, result)
        result.seconds = time.monotonic() - started
        return result
    finally:
        asgi.shutdown_lifespans()  # stop the in-process app (its lifespan runs on schemathesis' portal)
        if tmp is not None:
            tmp.cleanup()


def _fuzz_operation(operation, label: str, mode: GenerationMode, count: int, seed: int | None,
                    headers: dict[str, str], result: FuzzResult) -> None:
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception:  # e.g. no way to violate a schema that has no constraints
        result.by_mode[f"{mode.value}: no strategy"] += 1
        return
    checks = NEGATIVE_CHECKS if mode == GenerationMode.NEGATIVE else POSITIVE_CHECKS
    seen_failures: set[tuple[str, str]] = set()

    @hyp_settings(max_examples=count, deadline=None, database=None, derandomize=seed is not None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                  print_blob=False)
    @given(case=strategy)
    def one(case) -> None:
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the transport raising is an app crash seen from outside
            _record(result, seen_failures, label, mode, case, None, f"call raised {type(exc).__name__}: {exc}")
            return
        result.requests += 1
        result.by_operation[label] += 1
        result.by_status[str(response.status_code)] += 1
        result.by_mode[mode.value] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
            _record(result, seen_failures, label, mode, case, response, str(exc))

    if seed is not None:
        one = hyp_seed(seed)(one)
    try:
        one()
    except hypothesis.errors.Unsatisfiable:  # nothing to violate: no parameters and no body
        result.by_mode[f"{mode.value}: nothing to generate"] += 1


def _record(result: FuzzResult, seen: set, label: str, mode: GenerationMode, case, response,
            message: str) -> None:
    first_line = message.strip().splitlines()[0] if message.strip() else message
    key = (label, first_line[:120])
    if key in seen:
        result.failures.append({"operation": label, "mode": mode.value, "duplicate_of": first_line[:200]})
        return
    seen.add(key)
    body = case.body
    try:
        body_text = json.dumps(body, ensure_ascii=True, default=repr)[:500]
    except Exception:
        body_text = repr(body)[:500]
    result.failures.append({
        "operation": label, "mode": mode.value, "message": message[:1500],
        "status": response.status_code if response is not None else None,
        "response": (response.text[:500] if response is not None else None),
        "path_parameters": case.path_parameters, "query": case.query, "body": body_text,
    })


def write_results(res: FuzzResult, args: argparse.Namespace) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": "fuzz (schemathesis, OpenAPI-driven, in-process ASGI, demo list)",
            "command": "python -m benchmarks.fuzz " + " ".join(sys.argv[1:]),
            "examples_per_operation_and_mode": args.examples, "seed": args.seed,
            "schemathesis": schemathesis.__version__ if hasattr(schemathesis, "__version__") else None,
            "hypothesis": hypothesis.__version__, "python": platform.python_version(),
            "checks": [c.__name__ for c in NEGATIVE_CHECKS], **res.to_dict()}
    (RESULTS / "fuzz.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["# API fuzzing (schemathesis)", "",
             f"`{data['command'].strip()}` — schemathesis {data['schemathesis']}, hypothesis "
             f"{data['hypothesis']}, Python {data['python']}; app in process (ASGI), bundled demo list, "
             "admin token set.", "",
             f"- requests generated and sent: **{res.requests}** in {res.seconds:.0f} s",
             f"- failures: **{len(res.failures)}**; 5xx responses: **{data['server_errors_5xx']}**",
             f"- checks: {', '.join(data['checks'])} (negative_data_rejection on negative cases only)",
             f"- by mode: {', '.join(f'{k} {v}' for k, v in res.by_mode.items())}",
             f"- by status: {', '.join(f'{k}: {v}' for k, v in sorted(res.by_status.items()))}", "",
             "| operation | requests |", "|---|---:|"]
    lines += [f"| `{op}` | {n} |" for op, n in sorted(res.by_operation.items())]
    for f in res.failures[:20]:
        if "message" in f:
            lines += ["", f"**{f['operation']}** ({f['mode']}): status {f['status']}", "",
                      "```", f["message"][:800], "```"]
    (RESULTS / "fuzz.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "120")),
                        help="max generated requests per operation and mode (default 120)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-requests", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true", help="print only, keep benchmarks/results as is")
    args = parser.parse_args(argv)
    res = run_fuzz(args.examples, args.seed)
    print(json.dumps({k: v for k, v in res.to_dict().items() if k != "failure_details"}, indent=2))
    for f in res.failures:
        if "message" in f:
            print(f"\nFAIL {f['operation']} ({f['mode']}) status={f['status']}\n{f['message'][:1500]}\n"
                  f"body={f['body']}")
    if not args.no_write:
        write_results(res, args)
    return 0 if not res.failures and res.requests >= args.min_requests else 1


if __name__ == "__main__":
    sys.exit(main())
