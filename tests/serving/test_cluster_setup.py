"""What ``bot run --instances`` checks and writes before it starts anything."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from bot.config import load_settings
from bot.runner import run
from bot.serving import cluster, load_balancer
from bot.serving.load_balancer import find_nginx, render, write_config

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def clustered(tmp_path, **env):
    values = {"BOT_PROJECT_DIR": str(tmp_path), "RASA_INSTANCES": "2", "ACTION_SERVERS": "3",
              "DATABASE_URL": POSTGRES, "REDIS_URL": "redis://127.0.0.1:6379/1", **env}  # fmt: skip
    return load_settings(values)


def test_nginx_spreads_turns_over_every_instance_and_exposes_only_the_chat(tmp_path):
    config = render(clustered(tmp_path, RASA_PORT="6000", ACTION_PORT="6100"))
    rasa_block = config.split("upstream rasa {")[1].split("}")[0]
    assert "127.0.0.1:6001" in rasa_block and "127.0.0.1:6002" in rasa_block
    actions_block = config.split("upstream actions {")[1].split("}")[0]
    assert [f"127.0.0.1:{p}" in actions_block for p in (6101, 6102, 6103)] == [True] * 3
    assert "listen 127.0.0.1:6000;" in config and "listen 127.0.0.1:6100;" in config
    public = config.split("listen 127.0.0.1:6000;")[1].split("listen 127.0.0.1:6100;")[0]
    assert "location /webhooks/" in public and "location /socket.io/" in public
    assert "/model" not in public and "/conversations" not in public


@pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed")
def test_nginx_accepts_the_configuration_it_is_given(tmp_path):
    path = write_config(clustered(tmp_path / "a project folder"))
    checked = subprocess.run(
        [find_nginx(), "-t", "-c", str(path), "-p", str(path.parent)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_a_cluster_on_sqlite_without_redis_or_nginx_is_refused_with_what_to_do(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(cluster, "find_nginx", lambda: None)
    settings = load_settings(
        {"BOT_PROJECT_DIR": str(tmp_path), "RASA_INSTANCES": "2", "MODELS_DIR": str(tmp_path)}
    )
    said = []
    assert run(settings, log=said.append) == 1
    text = "\n".join(said)
    assert "apt-get install nginx-light" in text
    assert "DATABASE_URL=postgresql://" in text and "TRACKER_STORE_URL=postgresql://" in text
    assert "set REDIS_URL=redis://" in text
    assert "One of each (`make run`, RASA_INSTANCES=1 ACTION_SERVERS=1)" in text
    assert not (tmp_path / "var" / "logs").exists(), "nothing was started"


def test_a_redis_that_does_not_answer_is_named(tmp_path):
    settings = clustered(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    problems = cluster.missing_prerequisites(settings)
    assert any("Redis at REDIS_URL does not answer" in p for p in problems)


def test_instances_start_before_the_load_balancer_on_their_own_ports(tmp_path):
    settings = clustered(tmp_path)
    specs = cluster.serving_specs(settings, tmp_path / "model.tar.gz")
    names = [spec.name for spec in specs]
    assert names == ["action server 1", "action server 2", "action server 3",
                     "Rasa server 1", "Rasa server 2", load_balancer.NAME]  # fmt: skip
    rasa_two = specs[4]
    assert rasa_two.command[rasa_two.command.index("--port") + 1] == "5007"
    assert rasa_two.command[rasa_two.command.index("--interface") + 1] == "127.0.0.1"
    assert specs[2].env["ACTION_PORT"] == "5058"


def test_one_of_each_needs_no_load_balancer(tmp_path):
    settings = dataclasses.replace(clustered(tmp_path), rasa_instances=1, action_servers=1)
    names = [spec.name for spec in cluster.serving_specs(settings, tmp_path / "m.tar.gz")]
    assert names == ["action server", "Rasa server"]
