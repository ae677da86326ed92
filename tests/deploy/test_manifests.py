"""The Kubernetes manifests of deploy/k8s: valid, and true to the code they start.

Every object is checked against the JSON schema of :data:`KUBERNETES_VERSION`
bundled with kubernetes-validate (no network), in strict mode, where a
misspelt or misplaced field is an error. The rest checks them against the
code: each pod runs the command ``bot run`` uses for that server, its
environment (ConfigMap plus the example Secret) loads into settings with the
ports its Service and probes use, Rasa can read endpoints.yml with it, and the
Ingress sends visitors to the chat channels and never to Rasa's HTTP API.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
from typing import Dict, List, Tuple
from unittest import mock
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from bot import processes
from bot.cli import build_parser
from bot.config import PROJECT_ROOT, REDIS_LOCK_STORE, Settings, load_settings
from bot.handoff.channels import build_channels

K8S_DIR = PROJECT_ROOT / "deploy" / "k8s"
# kubernetes-validate 1.28 is the newest release that works with the jsonschema
# Rasa 3.6 needs; every API used here is unchanged in later Kubernetes versions.
KUBERNETES_VERSION = "1.28.0"
PUBLIC_HOST = "chat.example.com"
SECRET_EXAMPLE = "secret.example.yaml"
# Connections one Rasa pod may open to the tracker store (deploy/README.md).
RASA_POOL_CEILING = 10
# How each server is started by `bot run` (bot/processes.py).
SPECS = {
    "rasa": lambda settings: processes.rasa_server(settings, settings.models_dir),
    "actions": processes.action_server,
    "web": processes.web_server,
    "lead-dispatcher": processes.dispatcher,
    "workspace": processes.workspace,
}
RASA_API = ("/model", "/conversations/visitor-1/tracker", "/status", "/version", "/domain")


@functools.lru_cache(maxsize=None)
def documents() -> Tuple[Tuple[str, dict], ...]:
    """(file name, object) of every manifest, read once: the tests only look at them."""
    return tuple(
        (path.name, document)
        for path in sorted(K8S_DIR.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for document in yaml.safe_load_all(path.read_text())
    )


def objects(kind: str) -> List[dict]:
    return [document for _, document in documents() if document["kind"] == kind]


def named(kind: str, name: str) -> dict:
    (found,) = [o for o in objects(kind) if o["metadata"]["name"] == name]
    return found


def workload(name: str) -> dict:
    (found,) = [o for o in objects("Deployment") + objects("Job") if o["metadata"]["name"] == name]
    return found


def container(name: str) -> dict:
    (only,) = workload(name)["spec"]["template"]["spec"]["containers"]
    return only


def pod_env(name: str) -> Dict[str, str]:
    """A pod's environment: its ConfigMap, then its own entries, secrets from the example."""
    spec = container(name)
    env = {}
    for source in spec.get("envFrom", []):
        env.update(named("ConfigMap", source["configMapRef"]["name"])["data"])
    for item in spec.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = named("Secret", ref["name"])["stringData"][ref["key"]]
    return env


def pod_settings(name: str) -> Settings:
    return load_settings(pod_env(name))


def command_line(name: str) -> List[str]:
    """The pod's command as ``python -m ...``, the way bot/processes.py writes it."""
    spec = container(name)
    line = spec["command"] + spec.get("args", [])
    return ["python", "-m", "bot.cli", *line[1:]] if line[0] == "bot" else line


def routes(ingress: dict, host: str = PUBLIC_HOST) -> List[Tuple[str, str]]:
    """(path prefix, Service) of each path an Ingress object sends to a Service for ``host``."""
    return [(entry["path"], entry["backend"]["service"]["name"])
            for rule in ingress["spec"]["rules"] if rule["host"] == host
            for entry in rule["http"]["paths"]]  # fmt: skip


def ingress_backend(path: str) -> str | None:
    """The Service that gets ``path``: the longest matching Prefix rule, as ingress-nginx picks."""
    path, best = urlsplit(path).path, ("", None)
    for prefix, service in [r for ingress in objects("Ingress") for r in routes(ingress)]:
        prefix = prefix.rstrip("/")
        matches = path == prefix or path.startswith(prefix + "/")
        if matches and (best[1] is None or len(prefix) > len(best[0])):
            best = (prefix, service)
    return best[1]


def nginx_size(text: str) -> int:
    units = {"k": 1024, "m": 1024**2}
    return int(text[:-1]) * units[text[-1].lower()] if text[-1].isalpha() else int(text)


@pytest.mark.parametrize(
    "document",
    [d for _, d in documents()],
    ids=[f"{f}:{d['kind']}/{d['metadata']['name']}" for f, d in documents()],
)
def test_every_object_matches_the_kubernetes_schema_strictly(document):
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_applies_every_manifest_but_the_secret_example():
    listed = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml", SECRET_EXAMPLE}
    assert sorted(listed) == sorted(on_disk)


def test_the_secret_example_holds_placeholders_only():
    values = named("Secret", "footcare-bot-secrets")["stringData"].values()
    assert all("CHANGE-ME" in value for value in values)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_pod_runs_the_command_bot_run_starts_for_that_server(name):
    expected = ["python", *SPECS[name](pod_settings(name)).command[1:]]
    actual = command_line(name)
    assert actual[: len(expected)] == expected
    assert importlib.util.find_spec(actual[2]) is not None


def test_bot_subcommands_and_their_options_exist():
    for name in ("web", "lead-dispatcher", "workspace", "db-upgrade"):
        args = build_parser().parse_args(container(name)["command"][1:])
        assert callable(args.handler), name


def test_rasa_accepts_the_options_of_its_pod_and_finds_their_files():
    from rasa.cli.arguments.run import set_run_arguments

    parser = argparse.ArgumentParser()
    set_run_arguments(parser)
    subcommand, *options = container("rasa")["args"]
    args = parser.parse_args(options)
    assert subcommand == "run" and args.interface == "0.0.0.0"
    assert (PROJECT_ROOT / args.endpoints).is_file() and (PROJECT_ROOT / args.credentials).is_file()
    assert args.model == str(pod_settings("rasa").models_dir)


@pytest.mark.parametrize(
    "name, port",
    [("rasa", "rasa_port"), ("actions", "action_port"), ("web", "web_port"),
     ("workspace", "workspace_port")],
)  # fmt: skip
def test_settings_load_from_each_pod_and_listen_where_its_service_points(name, port):
    settings = pod_settings(name)
    (container_port,) = container(name)["ports"]
    (service_port,) = named("Service", name)["spec"]["ports"]
    assert getattr(settings, port) == container_port["containerPort"] == service_port["port"]
    assert service_port["targetPort"] == container_port["name"]
    host = settings.action_bind_host if name == "actions" else settings.bind_host
    assert host == "0.0.0.0"


def test_every_variable_set_is_one_that_bot_run_gives_its_servers():
    from rasa.core.constants import POSTGRESQL_MAX_OVERFLOW, POSTGRESQL_POOL_SIZE

    every = {}
    for name in ("rasa", "actions", "web", "lead-dispatcher", "workspace", "db-upgrade"):
        every.update(pod_env(name))
    settings = load_settings(every)
    with mock.patch.dict(os.environ, {}, clear=True):
        known = set().union(*(spec(settings).env for spec in SPECS.values()))
    # Rasa's own: the tracker store's connection pool per pod.
    known |= {POSTGRESQL_POOL_SIZE, POSTGRESQL_MAX_OVERFLOW}
    assert every.keys() - known == set()


def test_the_rasa_pod_gets_what_bot_run_gives_the_rasa_server():
    env = pod_env("rasa")
    derived = load_settings(env).child_environment()
    differing = {n for n in derived.keys() & env.keys() if derived[n] != env[n]}
    # In the cluster the action server is a Service, not this host.
    assert differing == {"ACTION_ENDPOINT_URL"}
    # Leads are the action server's business: Rasa gets no leads database.
    assert derived.keys() - env.keys() == {"DATABASE_URL"}


def test_rasa_reads_endpoints_yml_with_the_environment_of_its_pod():
    from rasa.shared.utils.io import read_config_file

    env = pod_env("rasa")
    with mock.patch.dict(os.environ, env, clear=True):
        endpoints = read_config_file(PROJECT_ROOT / "endpoints.yml")
    lock_store, settings = endpoints["lock_store"], load_settings(env)
    assert lock_store["type"] == REDIS_LOCK_STORE
    assert urlsplit(settings.redis_url).hostname == lock_store["url"]
    assert endpoints["tracker_store"]["url"] == settings.tracker_store_url
    assert endpoints["action_endpoint"]["headers"]["X-Action-Token"] == env["ACTION_SERVER_TOKEN"]


def test_rasa_calls_the_actions_service_on_the_port_the_action_server_listens_on():
    url = urlsplit(pod_env("rasa")["ACTION_ENDPOINT_URL"])
    (service_port,) = named("Service", url.hostname)["spec"]["ports"]
    assert url.port == service_port["port"] == pod_settings(url.hostname).action_port
    assert url.path == "/webhook"
    token = "ACTION_SERVER_TOKEN"
    assert pod_env("rasa")[token] == pod_env("actions")[token]


def test_each_service_selects_the_pods_of_its_deployment():
    for service in objects("Service"):
        selector = service["spec"]["selector"].items()
        chosen = [d["metadata"]["name"] for d in objects("Deployment")
                  if selector <= d["spec"]["template"]["metadata"]["labels"].items()]  # fmt: skip
        expected = service["metadata"]["name"].replace("-headless", "")
        assert chosen == [expected], service["metadata"]["name"]
    assert named("Service", "rasa-headless")["spec"]["clusterIP"] == "None"


def test_the_ingress_sends_visitors_to_the_site_and_the_chat_channels_only():
    assert ingress_backend("/") == ingress_backend("/widget.js") == "web"
    assert ingress_backend("/webhooks/rest/webhook") == "rasa"
    assert ingress_backend("/socket.io/?EIO=4&transport=polling") == "rasa"
    assert [ingress_backend(path) for path in RASA_API] == ["web"] * len(RASA_API)


def test_ingress_body_limit_is_the_bots_and_socketio_is_sticky():
    limit = pod_settings("rasa").max_request_bytes
    for ingress in objects("Ingress"):
        annotations = ingress["metadata"]["annotations"]
        if "rasa" in {service for _, service in routes(ingress)}:
            assert nginx_size(annotations["nginx.ingress.kubernetes.io/proxy-body-size"]) == limit
    (socketio,) = [i for i in objects("Ingress") if ("/socket.io/", "rasa") in routes(i)]
    assert socketio["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def test_the_widget_talks_to_the_public_host_from_an_allowed_origin():
    args = build_parser().parse_args(container("web")["command"][1:])
    assert urlsplit(args.bot_url).hostname == PUBLIC_HOST
    assert args.bot_url in pod_settings("rasa").cors_origins


def test_several_rasa_pods_always_share_a_redis_lock_store():
    autoscaler = named("HorizontalPodAutoscaler", "rasa")["spec"]
    assert autoscaler["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                            "name": "rasa"}  # fmt: skip
    assert autoscaler["minReplicas"] >= 2
    assert workload("rasa")["spec"].get("replicas", 2) >= 2
    assert pod_env("rasa")["LOCK_STORE_TYPE"] == REDIS_LOCK_STORE and pod_settings("rasa").redis_url
    budget = named("PodDisruptionBudget", "rasa")["spec"]
    assert 1 <= budget["minAvailable"] < autoscaler["minReplicas"]


def test_the_workspace_runs_more_than_one_replica_only_with_shared_state():
    """Several replicas need Redis (throttle, sign-outs) and one cookie key from the Secret:
    without WORKSPACE_SECRET_KEY each pod generates its own and rejects the others' sessions."""
    replicas = workload("workspace")["spec"]["replicas"]
    if replicas == 1:
        return
    assert pod_settings("workspace").redis_url
    (key,) = [e for e in container("workspace")["env"] if e["name"] == "WORKSPACE_SECRET_KEY"]
    secret = {"name": "footcare-bot-secrets", "key": "WORKSPACE_SECRET_KEY"}
    assert key["valueFrom"]["secretKeyRef"] == secret
    assert pod_settings("workspace").workspace_secret_key


def test_a_rasa_pod_keeps_few_tracker_store_connections():
    from rasa.core.tracker_store import create_engine_kwargs

    env = pod_env("rasa")
    with mock.patch.dict(os.environ, env):
        kwargs = create_engine_kwargs(env["TRACKER_STORE_URL"])
    assert kwargs["pool_size"] + kwargs["max_overflow"] <= RASA_POOL_CEILING


def test_the_dispatcher_has_a_complete_channel_to_the_sales_team():
    assert build_channels(pod_settings("lead-dispatcher"))


def test_every_pod_runs_unprivileged_with_memory_bounds():
    for name in [w["metadata"]["name"] for w in objects("Deployment") + objects("Job")]:
        pod = workload(name)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for spec in pod["containers"]:
            assert spec["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert spec["securityContext"]["capabilities"]["drop"] == ["ALL"], name
            assert {"requests", "limits"} <= spec["resources"].keys(), name
            assert "memory" in spec["resources"]["limits"], name


def test_every_pod_runs_one_image_from_the_project_folder_of_the_dockerfile():
    images = {c["image"] for w in objects("Deployment") + objects("Job")
              for c in w["spec"]["template"]["spec"]["containers"]}  # fmt: skip
    assert images == {"footcare-bot:0.1.0"}
    for name in ("rasa", "actions", "web", "lead-dispatcher", "workspace", "db-upgrade"):
        assert container(name)["workingDir"] == str(pod_settings(name).project_dir) == "/app"
