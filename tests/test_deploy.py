"""The packaged deployments, checked without containers (none can run here): docker-compose.yml by
Debian's docker-compose and as data, the Kubernetes manifests rendered by kubectl's kustomize and
validated against the Kubernetes schema, the Dockerfiles parsed for what they promise.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
DOCKER = DEPLOY / "docker"
COMPOSE_FILE = ROOT / "docker-compose.yml"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
# The oldest minor version CCE still offers that kubernetes_validate bundles.
KUBERNETES_VERSION = "1.30.0"
# Our servers' real health endpoints and default ports (scripts/serve.py checks the same paths).
HEALTH = {"rasa": ("/", 5005), "actions": ("/health", 5055), "api": ("/readyz", 8000)}
# benchmarks/results: the resident memory each server was measured at, in MiB.
MEASURED_MIB = {
    "rasa": lambda: _result("bot")["resident_memory"]["lbdoctor_rasa_mb"] * 1e6 / 2**20,
    "actions": lambda: _result("bot")["resident_memory"]["lbdoctor_action_server_mb"] * 1e6 / 2**20,
    "api": lambda: _result("api")["rss_kib_peak"] / 1024,
}


def _result(name: str) -> Any:
    return json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())


def _tool(name: str) -> str:
    """The pinned kubectl wheel in .venv first, then the system's."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is missing: `make setup` (kubectl) or scripts/system-packages.sh"
    return found


def _run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def _fill_env_examples(folder: Path) -> None:
    """secrets.env and postgres.env from their examples, with test values (never real ones)."""
    for example in folder.rglob("*.env.example"):
        lines = [
            f"{line}test-value-{line.rstrip('=').lower()}" if re.fullmatch(r"\w+=", line) else line
            for line in example.read_text().splitlines()
        ]
        example.with_name(example.name.removesuffix(".example")).write_text("\n".join(lines) + "\n")


# --- Kubernetes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """The base and the overlay as `kubectl apply -k` would send them."""
    folder = tmp_path_factory.mktemp("kubernetes") / "kubernetes"
    shutil.copytree(KUBERNETES, folder, ignore=shutil.ignore_patterns("*.env"))
    _fill_env_examples(folder)
    out = {}
    for name in ("base", "overlays/in-cluster-postgres"):
        done = _run(_tool("kubectl"), "kustomize", str(folder / name))
        assert done.returncode == 0, done.stderr
        out[name] = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    return out


def _objects(rendered: dict[str, list[dict[str, Any]]], kind: str, where: str = "base") -> dict:
    return {o["metadata"]["name"]: o for o in rendered[where] if o["kind"] == kind}


def _workloads(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for o in docs:
        if o["kind"] in ("Deployment", "StatefulSet"):
            yield o["metadata"]["name"], o["spec"]["template"]


def test_rendering_without_the_secrets_file_fails_and_names_it(tmp_path: Path) -> None:
    shutil.copytree(KUBERNETES, tmp_path / "k", ignore=shutil.ignore_patterns("*.env"))
    done = _run(_tool("kubectl"), "kustomize", str(tmp_path / "k" / "base"))
    assert done.returncode != 0
    assert "secrets.env" in done.stderr


@pytest.mark.parametrize("where", ["base", "overlays/in-cluster-postgres"])
def test_every_object_is_valid_for_kubernetes(rendered: dict, where: str) -> None:
    assert len(rendered[where]) >= 12
    for obj in rendered[where]:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_rasa_runs_two_replicas_or_more_with_an_autoscaler_and_a_disruption_budget(
    rendered: dict,
) -> None:
    assert _objects(rendered, "Deployment")["rasa"]["spec"]["replicas"] == 2
    (hpa,) = _objects(rendered, "HorizontalPodAutoscaler").values()
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "rasa",
    }
    assert hpa["spec"]["minReplicas"] == 2 < hpa["spec"]["maxReplicas"]
    (pdb,) = _objects(rendered, "PodDisruptionBudget").values()
    rasa_labels = _objects(rendered, "Deployment")["rasa"]["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= rasa_labels.items()
    assert pdb["spec"]["minAvailable"] == 1


def test_the_overlay_adds_postgresql_with_its_own_volume(rendered: dict) -> None:
    base = {(o["kind"], o["metadata"]["name"]) for o in rendered["base"]}
    overlay = {(o["kind"], o["metadata"]["name"]) for o in rendered["overlays/in-cluster-postgres"]}
    added = {
        (kind, name.rsplit("-", 1)[0] if kind == "Secret" else name)
        for kind, name in overlay - base
    }
    assert added == {
        ("StatefulSet", "postgres"), ("Service", "postgres"), ("NetworkPolicy", "postgres"),
        ("Secret", "lbdoctor-postgres"),
    }  # fmt: skip
    postgres = _objects(rendered, "StatefulSet", "overlays/in-cluster-postgres")["postgres"]
    (claim,) = postgres["spec"]["volumeClaimTemplates"]
    mounts = postgres["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/var/lib/postgresql/data"} in mounts


def _port(container: dict[str, Any], port: int | str) -> int:
    names = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    return names[port] if isinstance(port, str) else port


@pytest.mark.parametrize("server", sorted(HEALTH))
def test_probes_ask_the_servers_health_endpoints(rendered: dict, server: str) -> None:
    path, port = HEALTH[server]
    (container,) = _objects(rendered, "Deployment")[server]["spec"]["template"]["spec"][
        "containers"
    ]
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert _port(container, get["port"]) == port, probe
        assert get["path"] in (path, "/healthz"), probe
    assert container["readinessProbe"]["httpGet"]["path"] == path
    service = _objects(rendered, "Service")[server]
    assert [p["port"] for p in service["spec"]["ports"]] == [port]


def test_the_health_paths_are_served_by_our_servers() -> None:
    from rasa_sdk.endpoint import create_app as action_server

    from frontends.api import create_app

    # Sanic keeps its paths without the leading slash.
    assert "health" in {route.path for route in action_server(None).router.routes}
    assert {"/readyz", "/healthz"} <= {getattr(r, "path", None) for r in create_app().routes}


def _reaches(policy: dict[str, Any], labels: dict[str, str]) -> bool:
    return policy["spec"]["podSelector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize(("target", "port"), [("actions", 5055), ("redis", 6379)])
def test_only_rasa_pods_reach_the_action_server_and_redis(
    rendered: dict, target: str, port: int
) -> None:
    deployments = _objects(rendered, "Deployment")
    labels = {n: d["spec"]["template"]["metadata"]["labels"] for n, d in deployments.items()}
    policies = [
        p for p in _objects(rendered, "NetworkPolicy").values() if _reaches(p, labels[target])
    ]
    assert len(policies) == 1
    (rule,) = policies[0]["spec"]["ingress"]
    (peer,) = rule["from"]
    assert set(peer) == {"podSelector"}
    allowed = [
        n for n, pod in labels.items() if peer["podSelector"]["matchLabels"].items() <= pod.items()
    ]
    assert allowed == ["rasa"]
    assert [p["port"] for p in rule["ports"]] == [port]


def test_only_the_ingress_controller_reaches_rasa(rendered: dict) -> None:
    (rule,) = _objects(rendered, "NetworkPolicy")["rasa"]["spec"]["ingress"]
    assert [set(peer) for peer in rule["from"]] == [{"namespaceSelector"}]


@pytest.mark.parametrize("where", ["base", "overlays/in-cluster-postgres"])
def test_every_container_is_bounded_pinned_and_unprivileged(rendered: dict, where: str) -> None:
    for name, template in _workloads(rendered[where]):
        spec = template["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        for container in spec["containers"]:
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert set(resources[kind]) == {"cpu", "memory"}, (name, kind)
            image, _, tag = container["image"].rpartition(":")
            assert image and tag not in ("", "latest") and "/" not in tag, container["image"]
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name


def _mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1)


@pytest.mark.parametrize("server", sorted(MEASURED_MIB))
def test_memory_requests_cover_the_measured_resident_memory(rendered: dict, server: str) -> None:
    (container,) = _objects(rendered, "Deployment")[server]["spec"]["template"]["spec"][
        "containers"
    ]
    measured = MEASURED_MIB[server]()
    request = _mebibytes(container["resources"]["requests"]["memory"])
    limit = _mebibytes(container["resources"]["limits"]["memory"])
    assert measured < request < limit


def test_secrets_come_from_the_generator_and_the_repository_holds_none(rendered: dict) -> None:
    for path in KUBERNETES.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc.get("kind") != "Secret", f"{path}: a Secret written in the repository"
    for example in KUBERNETES.rglob("*.env.example"):
        for line in example.read_text().splitlines():
            assert line.startswith("#") or re.fullmatch(r"\w+=", line), f"{example}: {line}"
    (secret,) = (s for s in _objects(rendered, "Secret").values())
    assert set(secret["data"]) == {"LBDOCTOR_DATABASE_URL", "LBDOCTOR_API_TOKEN"}


def test_the_kubernetes_endpoints_are_the_compose_ones() -> None:
    assert (KUBERNETES / "base" / "endpoints.yml").read_bytes() == (
        DEPLOY / "endpoints.yml"
    ).read_bytes()


def test_rasa_reads_the_endpoints_as_a_shared_tracker_and_a_redis_lock_store() -> None:
    """With Rasa's own code (.venv-rasa): what each replica makes of deploy/endpoints.yml."""
    script = """
import os, sys
os.environ["LBDOCTOR_TRACKER_URL"] = "postgresql://u:p@db:5432/lbdoctor"
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config
path = sys.argv[1]
lock = LockStore.create(read_endpoint_config(path, "lock_store"))
tracker = read_endpoint_config(path, "tracker_store")
action = read_endpoint_config(path, "action_endpoint")
kwargs = lock.red.connection_pool.connection_kwargs
print(type(lock).__name__, kwargs["host"], kwargs["port"], tracker.type, tracker.kwargs["dialect"],
      tracker.url, action.url)
"""
    done = _run(str(RASA_PYTHON), "-W", "ignore", "-c", script, str(DEPLOY / "endpoints.yml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "RedisLockStore", "redis", "6379", "SQL", "postgresql",
        "postgresql://u:p@db:5432/lbdoctor", "http://actions:5055/webhook",
    ]  # fmt: skip


def test_the_endpoints_name_services_that_exist(rendered: dict) -> None:
    services = {
        n: [p["port"] for p in s["spec"]["ports"]] for n, s in _objects(rendered, "Service").items()
    }
    compose = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    assert services["actions"] == [5055] and services["redis"] == [6379]
    assert {"actions", "redis", "postgres"} <= set(compose)


# --- docker-compose ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _compose_config(env_file: Path) -> subprocess.CompletedProcess[str]:
    # An explicit env file and project folder: a developer's own .env plays no part.
    return _run(
        _tool("docker-compose"), "--project-directory", str(ROOT), "--env-file", str(env_file),
        "-f", str(COMPOSE_FILE), "config", "-q",
    )  # fmt: skip


def test_compose_file_validates_with_the_secrets_set(tmp_path: Path) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env.example")
    _fill_env_examples(tmp_path)
    done = _compose_config(tmp_path / ".env")
    assert done.returncode == 0, done.stderr


def test_compose_refuses_to_start_without_the_secrets() -> None:
    done = _compose_config(ROOT / ".env.example")
    assert done.returncode != 0
    assert "LBDOCTOR_API_TOKEN" in done.stderr or "LBDOCTOR_POSTGRES_PASSWORD" in done.stderr


def test_only_the_proxy_publishes_a_port_and_rasa_can_scale(compose: dict) -> None:
    assert [name for name, s in compose["services"].items() if "ports" in s] == ["proxy"]
    assert "container_name" not in compose["services"]["rasa"]


def test_the_action_server_and_databases_are_on_the_internal_network_only(compose: dict) -> None:
    internal = [name for name, net in compose["networks"].items() if (net or {}).get("internal")]
    assert internal == ["backend"]
    for name in ("actions", "postgres", "redis"):
        assert compose["services"][name]["networks"] == internal, name


# Each service's health check, as the command's words that must be in it.
HEALTHCHECKS = {
    "rasa": "http://127.0.0.1:5005/",
    "actions": "http://127.0.0.1:5055/health",
    "api": "http://127.0.0.1:8000/readyz",
    "postgres": "pg_isready",
    "redis": "redis-cli ping",
    "proxy": "http://127.0.0.1:8080/healthz",
}


@pytest.mark.parametrize("service", sorted(HEALTHCHECKS))
def test_every_service_has_a_health_check_and_a_restart_policy(compose: dict, service: str) -> None:
    spec = compose["services"][service]
    assert HEALTHCHECKS[service] in shlex.join(spec["healthcheck"]["test"])
    assert spec["restart"] == "unless-stopped"


def test_services_wait_for_what_they_need_to_be_healthy(compose: dict) -> None:
    waits = {
        name: {dep: cond["condition"] for dep, cond in spec.get("depends_on", {}).items()}
        for name, spec in compose["services"].items()
    }
    assert waits["rasa"] == dict.fromkeys(["actions", "postgres", "redis"], "service_healthy")
    assert waits["proxy"] == dict.fromkeys(["rasa", "api"], "service_healthy")
    assert {c for deps in waits.values() for c in deps.values()} == {"service_healthy"}


def test_no_secret_is_written_in_the_compose_file(compose: dict) -> None:
    read = set(re.findall(r"\$\{(\w+)", COMPOSE_FILE.read_text()))
    documented = set(re.findall(r"^(\w+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read == documented
    for name, spec in compose["services"].items():
        for key, value in (spec.get("environment") or {}).items():
            if re.search(r"TOKEN|PASSWORD|SECRET|_URL", key):
                # From the environment; in a URL, the password is (all of it).
                assert "${" in str(value), (name, key)
                written = re.sub(r"\$\{[^}]*\}", "", str(value))
                password = re.search(r"://[^/:@]*:([^@]*)@", written)
                assert not password or not password.group(1), (name, key)


def test_the_proxy_balances_the_rasa_replicas_and_upgrades_websockets(compose: dict) -> None:
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert re.search(r"resolver 127\.0\.0\.11\b", conf)  # Docker's DNS, re-asked while running
    assert re.search(r"upstream rasa \{[^}]*server rasa:5005 resolve;", conf)
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    published = compose["services"]["proxy"]["ports"][0].rsplit(":", 1)[1]
    assert f"listen {published};" in conf


# --- Dockerfiles and what they install -----------------------------------------------------------


def _instructions(dockerfile: Path) -> list[tuple[str, list[str]]]:
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return [(line.split()[0].upper(), line.split()[1:]) for line in lines]


def _pin(lock: Path, name: str) -> str:
    (line,) = (x for x in lock.read_text().splitlines() if x.lower().startswith(f"{name}=="))
    return line.split("==")[1]


@pytest.mark.parametrize("dockerfile", sorted(DOCKER.glob("*.Dockerfile")), ids=lambda p: p.name)
def test_dockerfiles_use_pinned_images_existing_sources_and_a_non_root_user(
    dockerfile: Path,
) -> None:
    steps = _instructions(dockerfile)
    stages = {args[2] for word, args in steps if word == "FROM" and len(args) == 3}
    for word, args in steps:
        if word == "FROM" and args[0] not in stages:
            name, _, tag = args[0].rpartition(":")
            assert name and tag and tag != "latest", args[0]
        if word == "COPY" and not any(a.startswith("--from=") for a in args):
            for source in (a for a in args[:-1] if not a.startswith("--")):
                assert (ROOT / source).exists(), f"{dockerfile.name}: COPY {source}"
    users = [args[0] for word, args in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0"), dockerfile.name


def test_images_run_the_versions_the_locks_pin() -> None:
    rasa, sdk = (
        next(args[0] for word, args in _instructions(DOCKER / name) if word == "FROM")
        for name in ("rasa.Dockerfile", "actions.Dockerfile")
    )
    assert rasa == f"rasa/rasa:{_pin(ROOT / 'requirements' / 'rasa.lock', 'rasa')}"
    assert sdk == f"rasa/rasa-sdk:{_pin(ROOT / 'requirements' / 'dev.lock', 'rasa-sdk')}"


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement).lower()


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution the requirements need, from .venv's installed metadata."""
    seen: set[str] = set()
    todo = list(requirements)
    while todo:
        name, _, extras = todo.pop().partition("[")
        chosen = {e for e in extras.rstrip("]").split(",") if e} or {""}
        seen.add(_name(name))
        for req in importlib.metadata.requires(name) or []:
            spec, _, marker = req.partition(";")
            if marker and not any(Marker(marker).evaluate({"extra": e}) for e in chosen):
                continue
            wanted = re.match(r"[\w.-]+(\[[^\]]*\])?", spec.strip()).group(0)  # type: ignore[union-attr]
            if _name(wanted.split("[")[0]) not in seen:
                todo.append(wanted)
    return seen


def _listed(path: Path) -> dict[str, str]:
    lines = [x for x in path.read_text().splitlines() if x and not x.startswith("#")]
    return {_name(line.split("==")[0]): line for line in lines}


# The knowledge API's own packages: the action server does without them.
API_ONLY = ["fastapi", "fastapi-offline", "uvicorn", "prometheus-client"]
# The terminal chat's HTTP client: neither server imports it.
CLIENT_ONLY = ["httpx"]


def test_the_images_install_exactly_the_locked_pins_they_need() -> None:
    lock = _listed(ROOT / "requirements" / "dev.lock")
    actions = _listed(DOCKER / "actions-requirements.txt")
    api = _listed(DOCKER / "api-requirements.txt")
    for name, line in (actions | api).items():
        assert lock.get(name) == line, f"{line} is not requirements/dev.lock's pin"
    ours = importlib.metadata.requires("lbdoctor") or []
    runtime = [r.split(";")[0] for r in ours if "extra ==" not in r]
    needs = [re.match(r"[\w.\[\]-]+", r).group(0) for r in runtime]  # type: ignore[union-attr]
    # The image's venv brings pip's own (setuptools, wheel), which rasa-sdk declares.
    provided = {"setuptools", "wheel"}
    servers = [n for n in needs if _name(n.split("[")[0]) not in API_ONLY + CLIENT_ONLY]
    action_needs = [*servers, "rasa-sdk"]
    assert set(actions) == _closure(action_needs) - provided
    assert set(api) == _closure(API_ONLY) - set(actions) - provided


def _image_files(dockerfile: Path, root: Path) -> Path:
    """The final stage's COPY instructions carried out into root (the image's / ), less what the
    Dockerfile's .dockerignore leaves out of the context that matters here (models, caches)."""
    steps = _instructions(dockerfile)
    last = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    for word, args in steps[last:]:
        if word != "COPY" or any(a.startswith("--from=") for a in args):
            continue
        *sources, target = args
        for source in sources:
            into = root / target.lstrip("/")
            into = into / Path(source).name if target.endswith("/") else into
            into.parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / source).is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "models", ".rasa", "results")
                shutil.copytree(ROOT / source, into, ignore=ignore)
            else:
                shutil.copy(ROOT / source, into)
    return root


def test_the_rasa_image_files_start_rasa_from_its_entry_point(tmp_path: Path) -> None:
    """The Rasa image's own files, run by Rasa's own packages (.venv-rasa): the entry point's
    imports resolve there, it writes the credentials and hands over to bot/server.py."""
    app = _image_files(DOCKER / "rasa.Dockerfile", tmp_path / "image") / "app"
    entry = [str(RASA_PYTHON), "-W", "ignore", str(app / "deploy" / "docker" / "rasa_entry.py")]
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path), "RASA_TELEMETRY_ENABLED": "false"}
    refused = subprocess.run(entry, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "LBDOCTOR_TRACKER_URL is not set" in refused.stderr
    env |= {"LBDOCTOR_TRACKER_URL": "postgresql://u@db/x", "LBDOCTOR_API_TOKEN": "t0ken"}
    done = subprocess.run([*entry, "--help"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--enable-api" in done.stdout  # `rasa run --help`, reached through bot/server.py
    written = yaml.safe_load((tmp_path / "lbdoctor-credentials.yml").read_text())
    assert "http://localhost:8080" in written["connectors.socketio.SocketIOInput"]["cors_origins"]


def test_the_rasa_entry_point_leaves_the_token_to_the_environment() -> None:
    sys.path.insert(0, str(DOCKER))
    try:
        import rasa_entry
    finally:
        sys.path.remove(str(DOCKER))
    env = {"LBDOCTOR_API_TOKEN": "t0ken", "LBDOCTOR_TRACKER_URL": "postgresql://u@db/x"}
    args = rasa_entry.rasa_arguments(env, Path("/tmp/c.yml"), ["--endpoints", "/etc/e.yml"])
    assert args[:2] == ["run", "--model"] and Path(args[2]).name == "lbdoctor.tar.gz"
    assert "--enable-api" in args and "t0ken" not in args
    assert Path(args[args.index("--endpoints") + 1]) == DEPLOY / "endpoints.yml"
    assert args[-2:] == ["--endpoints", "/etc/e.yml"]  # the last one wins (Kubernetes' mount)
