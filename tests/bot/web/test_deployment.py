"""The deployment files: the compose file validates, the image's health check really asks /healthz,
the systemd unit parses. Tools that are missing here are reported, not faked."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.web.app import mount
from bot.webhook import WebhookServer
from models import heartbeat

ROOT = Path(__file__).resolve().parents[3]


def _compose() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True,
                                                 check=False).returncode == 0:
        return ["docker", "compose"]
    return None


def _skip(reason: str) -> None:
    print(f"SKIPPED: {reason}")
    pytest.skip(reason)


def _project(tmp_path: Path, env: str) -> Path:
    tmp_path.mkdir(parents=True)
    (tmp_path / "compose.yaml").write_text((ROOT / "compose.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".env").write_text(env, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")  # the build context must exist
    return tmp_path


def test_the_compose_file_validates(tmp_path):
    compose = _compose()
    if compose is None:
        _skip("neither docker-compose nor `docker compose` is installed (apt-get install docker-compose)")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    project = _project(tmp_path / "ok", example)
    result = subprocess.run([*compose, "config", "-q"], cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    rendered = subprocess.run([*compose, "config"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "condition: service_healthy" in rendered and "pg_isready" in rendered and "postgres:16" in rendered
    assert "NHACVIEC_FILES_DIR: /data/files" in rendered and "files:/data/files" in rendered
    # Without the database password the file refuses to start anything.
    bare = _project(tmp_path / "bare", re.sub(r"(?m)^POSTGRES_PASSWORD=.*$", "", example))
    result = subprocess.run([*compose, "config", "-q"], cwd=bare, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr + result.stdout


def test_the_dockerfile_runs_the_bot_as_a_user_on_the_one_port():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^FROM python:3\.11-slim$", text)
    assert re.search(r"(?m)^USER nhacviec$", text) and "useradd --system" in text
    assert "NHACVIEC_LISTEN=0.0.0.0:8080" in text and "COPY plans plans" in text
    assert re.search(r'(?m)^CMD \["nhacviec", "run"\]$', text)
    assert "curl" not in text.split("HEALTHCHECK", 1)[1]


def _healthcheck() -> str:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    command = json.loads(re.search(r"(?s)HEALTHCHECK .*?CMD (\[.*?\])\n", text)[1])  # type: ignore[index]
    assert command[:2] == ["python", "-c"]
    return command[2]


async def test_the_image_health_check_follows_healthz(sessions, clock, web_settings):
    async with sessions() as session:
        await heartbeat.beat(session, clock())
        await session.commit()
    server = WebhookServer("127.0.0.1:0")
    mount(server, sessions, web_settings, clock=clock)
    await server.start()
    try:
        script = _healthcheck().replace("127.0.0.1:8080", f"127.0.0.1:{server.port}")

        async def probe() -> int:
            process = await asyncio.create_subprocess_exec(sys.executable, "-c", script,
                                                           stderr=asyncio.subprocess.DEVNULL)
            return await process.wait()

        assert await probe() == 0
        clock.now += timedelta(minutes=5)  # the tick stopped: 503
        assert await probe() == 1
    finally:
        await server.stop()


def test_the_systemd_unit_parses():
    unit = ROOT / "docs" / "deploy" / "nhacviec.service"
    text = unit.read_text(encoding="utf-8")
    for line in ("EnvironmentFile=/etc/nhacviec/nhacviec.env", "Restart=on-failure", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "ReadWritePaths=/var/lib/nhacviec", "User=nhacviec"):
        assert re.search(rf"(?m)^{re.escape(line)}$", text), line
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        _skip("systemd-analyze is not installed: the unit's options were checked as text only")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, check=False)
    problems = [line for line in (result.stderr + result.stdout).splitlines()
                if line.strip() and "is not executable" not in line and "No such file" not in line]
    assert problems == []
