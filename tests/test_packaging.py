"""What can be checked of the container and the lock files without a Docker engine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {m[0].lower(): m[1] for m in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.M)}


def stages() -> list[str]:
    return re.split(r"^FROM ", DOCKERFILE, flags=re.M)[1:]


def test_image_installs_the_runtime_lock_with_hashes() -> None:
    assert "COPY requirements.lock" in DOCKERFILE
    assert re.search(r"pip install --require-hashes -r requirements.lock", DOCKERFILE)
    assert "requirements-dev.lock" not in DOCKERFILE


def test_runtime_stage_is_slim_non_root_with_a_data_volume() -> None:
    _build, runtime = stages()
    assert "slim" in runtime.splitlines()[0]
    user = re.findall(r"^USER (\S+)", runtime, re.M)
    assert user and user[-1] not in ("root", "0")
    assert re.search(r'^VOLUME \["/app/data"\]', runtime, re.M)
    assert re.search(r'^CMD \["python", "-m", "bot"\]', runtime, re.M)
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert "sqlite+aiosqlite:////app/data/" in runtime


def test_every_copied_path_exists_and_secrets_stay_out_of_the_context() -> None:
    for src in re.findall(r"^COPY (?!--from)(\S+)", DOCKERFILE, re.M):
        assert (ROOT / src).exists(), src
    ignored = (ROOT / ".dockerignore").read_text().split()
    for name in (".env", ".venv", "data", ".git"):
        assert name in ignored


def test_runtime_lock_is_the_dev_lock_minus_tools() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert runtime, "no pins found"
    for name, version in runtime.items():
        assert dev.get(name) == version, f"{name}: {version} vs {dev.get(name)}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower()
        assert name in runtime, f"{name} is not pinned in requirements.lock"
    assert "pytest" not in runtime and "pytest" in dev


def test_every_pin_has_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        blocks = re.split(r"^(?=[A-Za-z0-9_.\-]+==)", (ROOT / lock).read_text(), flags=re.M)[1:]
        assert blocks and all("--hash=sha256:" in b for b in blocks), lock


def test_compose_runs_the_bot_on_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert bot["build"] == "."
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert db["image"].startswith("postgres")


def test_env_example_lists_every_setting() -> None:
    from bot.config import Settings

    example = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert re.search(rf"^{name.upper()}=", example, re.M), name


def test_image_healthcheck_asks_readiness_on_the_health_port() -> None:
    _build, runtime = stages()
    assert re.search(r"HEALTH_PORT=8080", runtime)
    assert re.search(r'^\s+CMD \["python", "-m", "bot", "healthcheck"\]', runtime, re.M)
    assert re.search(r"^HEALTHCHECK ", runtime, re.M)
    assert re.search(r"^EXPOSE .*8080", runtime, re.M)


def test_compose_checks_health_and_shows_the_webhook_behind_a_proxy() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot, proxy = compose["services"]["bot"], compose["services"]["proxy"]
    assert bot["healthcheck"]["test"] == ["CMD", "python", "-m", "bot", "healthcheck"]
    assert bot["environment"]["HEALTH_PORT"] != bot["environment"]["WEBHOOK_PORT"]
    assert "bot:" + bot["environment"]["WEBHOOK_PORT"] in proxy["command"]
    assert proxy["profiles"] == ["webhook"] and "443:443" in proxy["ports"]
    assert proxy["depends_on"]["bot"]["condition"] == "service_healthy"


def test_kubernetes_example_probes_the_health_port_and_keeps_the_token_secret() -> None:
    docs = list(yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()))
    by_kind = {d["kind"]: d for d in docs}
    assert set(by_kind) == {"Secret", "Deployment", "Service"}
    deployment = by_kind["Deployment"]["spec"]
    assert deployment["replicas"] > 1
    pod = deployment["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] >= 15
    [container] = pod["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["health"] == int(env["HEALTH_PORT"]) and ports["webhook"] == int(
        env["WEBHOOK_PORT"]
    )
    assert env["WEBHOOK_URL"].startswith("https://")  # several replicas: webhook, not polling
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "health"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    secret = by_kind["Secret"]
    assert "BOT_TOKEN" in secret["stringData"] and "BOT_TOKEN" not in env
    assert container["envFrom"] == [{"secretRef": {"name": secret["metadata"]["name"]}}]
    service = by_kind["Service"]["spec"]
    assert service["selector"] == deployment["selector"]["matchLabels"]
    assert {p["targetPort"] for p in service["ports"]} == {"webhook", "health"}
    from bot.config import Settings

    for name in env:
        assert name.lower() in Settings.model_fields, name


def test_image_compiles_content_at_build_into_a_cache_the_bot_user_owns() -> None:
    """Each start then reads the compiled copy instead of parsing content/ (idle memory)."""
    _build, runtime = stages()
    cache = re.search(r"CACHE_DIR=(\S+)", runtime)
    assert cache is not None
    compile_at = runtime.index("python -m bot check-content")
    assert runtime.index("COPY content") < compile_at < runtime.index("USER coach")
    assert re.search(rf"chown -R coach:coach {re.escape(cache[1])}", runtime)
