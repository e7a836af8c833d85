"""The container files agree with the code: the image's default configuration loads, the
Dockerfile probes the port it exposes, and compose and the deployment guide name every
variable the daemon reads. The image itself is checked by .ci/container-check.sh."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import SECRET_ENV, SETTINGS, SETTINGS_BY_NAME, load_config

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
ENV_SETTINGS = tuple(s.env for s in SETTINGS if s.env)


def _dockerfile_env() -> dict[str, str]:
    """ENV of the final stage (continuation lines joined)."""
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1].replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in final.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def test_default_configuration_loads_and_keeps_the_database_in_data() -> None:
    config = load_config(ROOT / "deploy" / "newswatch.yaml", env={})
    assert config.database == Path("/data/newswatch.db")
    assert config.settings.rules == ("rules/*.yaml",)
    assert config.settings.health.host == "0.0.0.0"


def test_dockerfile_points_at_the_default_configuration_and_volume() -> None:
    env = _dockerfile_env()
    assert env["NEWSWATCH_CONFIG"] == "/etc/newswatch/newswatch.yaml"
    assert env["NEWSWATCH_DATABASE"] == "/data/newswatch.db"
    assert 'VOLUME ["/data"]' in DOCKERFILE
    assert "COPY deploy/newswatch.yaml /etc/newswatch/newswatch.yaml" in DOCKERFILE
    assert "WORKDIR /etc/newswatch" in DOCKERFILE


def test_healthcheck_probes_the_exposed_default_port() -> None:
    port = SETTINGS_BY_NAME["health.port"].default
    config = load_config(ROOT / "deploy" / "newswatch.yaml", env={})
    assert config.settings.health.port == port
    assert f"EXPOSE {port}" in DOCKERFILE
    healthcheck = DOCKERFILE.split("\nHEALTHCHECK ", 1)[1].split("\n\n", 1)[0]
    assert "/healthz" in healthcheck
    assert f"'NEWSWATCH_HEALTH_PORT', '{port}'" in healthcheck


def test_compose_passes_every_variable_the_daemon_reads() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["newswatch"]
    for name in (*SECRET_ENV, *ENV_SETTINGS):
        assert name in service["environment"], name
    assert any(v.startswith("newswatch-data:/data") for v in service["volumes"])
    assert any(v.endswith(":/etc/newswatch:ro") for v in service["volumes"])


def test_deployment_guide_names_every_variable() -> None:
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in (*SECRET_ENV, *ENV_SETTINGS, "NEWSWATCH_CONFIG", "NEWSWATCH_DATABASE"):
        assert f"`{name}`" in guide, name


def test_postgres_compose_runs_each_role_on_the_database() -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose.postgres.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    roles = {name: s["command"][-1] for name, s in services.items() if "command" in s}
    assert roles == {"fetch": "fetch", "analyse": "analyse", "deliver": "deliver", "chat": "chat"}
    assert services["fetch"]["deploy"]["replicas"] == 2
    for name in roles:
        env = services[name]["environment"]
        assert env["NEWSWATCH_DATABASE"].startswith("postgresql://newswatch@postgres:5432/")
        assert "NEWSWATCH_DATABASE_PASSWORD" in env  # from .env, never written in the file
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (
        "${NEWSWATCH_DATABASE_PASSWORD" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    )
