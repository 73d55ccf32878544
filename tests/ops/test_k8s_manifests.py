"""deploy/k8s: probes on the right paths, resources, non-root, names and selectors that agree."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
# SPEC section 10 plus the ones this deployment sets (Prometheus directory, log config).
KNOWN_ENV = {"SERVICE_HOST", "SERVICE_PORT", "SERVICE_WORKERS", "LOG_LEVEL", "LOG_CONFIG", "LISTS",
             "SEARCH_BACKEND", "SEARCH_FALLBACK", "ES_URL", "ES_USERNAME", "ES_PASSWORD", "ES_API_KEY",
             "ES_VERIFY_SSL", "ADMIN_TOKEN", "API_KEYS", "CORS_ORIGINS", "MAX_INPUT_LENGTH", "MAX_BATCH_SIZE",
             "CACHE_SIZE", "CONNECTION_POOL_SIZE", "PROMETHEUS_ENABLED", "PROMETHEUS_MULTIPROC_DIR",
             "RATE_LIMIT_PER_MINUTE", "AUDIT_LOG_PATH", "AUDIT_HASH_KEY", "FEATURE_VECTOR_RETRIEVAL",
             "FEATURE_TRACE"}
SECRET_ENV = {"ADMIN_TOKEN", "API_KEYS", "ES_URL", "ES_USERNAME", "ES_PASSWORD", "ES_API_KEY", "AUDIT_HASH_KEY"}


def manifests() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc and doc.get("kind") != "Kustomization":
                assert doc["kind"] not in found, f"two {doc['kind']} manifests"
                found[doc["kind"]] = doc
    return found


@pytest.fixture(scope="module")
def kinds() -> dict[str, dict[str, Any]]:
    return manifests()


@pytest.fixture(scope="module")
def container(kinds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    [main] = kinds["Deployment"]["spec"]["template"]["spec"]["containers"]
    return main


def test_all_resources_present_with_current_api_versions(kinds: dict[str, dict[str, Any]]) -> None:
    versions = {kind: doc["apiVersion"] for kind, doc in kinds.items()}
    assert versions == {"ConfigMap": "v1", "Deployment": "apps/v1", "HorizontalPodAutoscaler": "autoscaling/v2",
                        "PodDisruptionBudget": "policy/v1", "Secret": "v1", "Service": "v1"}


def test_probes_hit_the_health_endpoints(container: dict[str, Any]) -> None:
    [port] = container["ports"]
    expected = {"startupProbe": "/health/startup", "livenessProbe": "/health/live", "readinessProbe": "/health/ready"}
    for probe, path in expected.items():
        get = container[probe]["httpGet"]
        assert get["path"] == path and get["port"] in (port["name"], port["containerPort"]), probe
        assert container[probe]["timeoutSeconds"] <= container[probe]["periodSeconds"]
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 30  # room for loading big lists
    assert port["containerPort"] == 8000


def to_bytes(quantity: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 1e3, "M": 1e6, "G": 1e9}
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)?", quantity).groups()  # type: ignore[union-attr]
    return float(number) * units.get(unit or "", 1)


def to_cores(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def test_resources_fit_two_workers(container: dict[str, Any]) -> None:
    requests, limits = container["resources"]["requests"], container["resources"]["limits"]
    assert to_cores(requests["cpu"]) <= to_cores(limits["cpu"])
    assert to_bytes(requests["memory"]) <= to_bytes(limits["memory"])
    assert to_bytes(limits["memory"]) >= 2 * 400 * 2**20  # SPEC: RSS <= 400 MB per worker


def test_runs_as_the_image_user_with_a_read_only_root(kinds: dict[str, dict[str, Any]],
                                                      container: dict[str, Any]) -> None:
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    user = re.search(r"^USER (\d+)", (REPO / "Dockerfile").read_text(), flags=re.M)
    assert user and pod["securityContext"]["runAsUser"] == int(user.group(1))
    assert pod["securityContext"]["runAsNonRoot"] is True
    context = container["securityContext"]
    assert context["allowPrivilegeEscalation"] is False and context["readOnlyRootFilesystem"] is True
    assert context["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    config = kinds["ConfigMap"]["data"]
    assert config["PROMETHEUS_MULTIPROC_DIR"] in mounts and "/tmp" in mounts  # writable places


def test_environment_comes_from_the_configmap_and_secret(kinds: dict[str, dict[str, Any]],
                                                         container: dict[str, Any]) -> None:
    refs = {next(iter(ref)): next(iter(ref.values()))["name"] for ref in container["envFrom"]}
    assert refs == {"configMapRef": kinds["ConfigMap"]["metadata"]["name"],
                    "secretRef": kinds["Secret"]["metadata"]["name"]}
    config, secret = kinds["ConfigMap"]["data"], kinds["Secret"]["stringData"]
    assert set(config) <= KNOWN_ENV and set(secret) <= SECRET_ENV
    assert not set(config) & SECRET_ENV, "secrets do not belong in the ConfigMap"
    assert all(isinstance(v, str) for v in config.values())
    assert int(config["SERVICE_WORKERS"]) <= 2 * to_cores(container["resources"]["limits"]["cpu"])


def test_selectors_ports_and_scaling_agree(kinds: dict[str, dict[str, Any]], container: dict[str, Any]) -> None:
    deployment = kinds["Deployment"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    service = kinds["Service"]["spec"]
    assert service["selector"].items() <= pod_labels.items()
    assert service["ports"][0]["targetPort"] in (container["ports"][0]["name"], container["ports"][0]["containerPort"])
    pdb = kinds["PodDisruptionBudget"]["spec"]
    assert pdb["selector"]["matchLabels"].items() <= pod_labels.items()
    hpa = kinds["HorizontalPodAutoscaler"]["spec"]
    target = hpa["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert 2 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    assert pdb["minAvailable"] < hpa["minReplicas"]  # a drain can always proceed
    assert any(m["resource"]["name"] == "cpu" for m in hpa["metrics"])
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == container["ports"][0]["containerPort"]


def test_shutdown_outlasts_gunicorn_graceful_timeout(kinds: dict[str, dict[str, Any]]) -> None:
    conf = (REPO / "gunicorn.conf.py").read_text()
    graceful = int(re.search(r"^graceful_timeout = (\d+)", conf, flags=re.M).group(1))  # type: ignore[union-attr]
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    pre_stop = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    assert pod["terminationGracePeriodSeconds"] > graceful + int(pre_stop[-1])


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    if shutil.which("kubectl") is None:
        return
    done = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    built = {doc["kind"] for doc in yaml.safe_load_all(done.stdout) if doc}
    assert built == {"ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}
