"""The two ways to run: embedded defaults, and PostgreSQL + Redis when their URLs are set."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from tests.conftest import running_on_services
from tests.servers import daphne

BASE_DIR = Path(settings.BASE_DIR)


def settings_with(env: dict[str, str]) -> dict[str, str]:
    """Load config.settings in a fresh interpreter under ``env`` and report key choices."""
    code = (
        "import django, json; from django.conf import settings as s; django.setup(); "
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
        "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
        "'cache': s.CACHES['default']['BACKEND']}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    return dict(json.loads(result.stdout))


def test_defaults_run_embedded() -> None:
    chosen = settings_with({})
    assert chosen == {
        "db": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }


def test_urls_switch_to_postgresql_and_redis() -> None:
    chosen = settings_with(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert chosen == {
        "db": "django.db.backends.postgresql",
        "layer": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "cache": "django.core.cache.backends.redis.RedisCache",
    }


def test_env_example_lists_every_variable_settings_read() -> None:
    import re

    source = (BASE_DIR / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:_bool|_list)?\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"


@pytest.mark.services
def test_channel_layer_carries_a_group_message() -> None:
    """On Redis in CI, in memory otherwise: a group message reaches a subscribed channel."""
    layer = get_channel_layer()

    async def round_trip() -> dict[str, object]:
        channel = await layer.new_channel()
        await layer.group_add("test.setup", channel)
        await layer.group_send("test.setup", {"type": "ping", "n": 1})
        message = await asyncio.wait_for(layer.receive(channel), 5)
        await layer.group_discard("test.setup", channel)
        return dict(message)

    assert async_to_sync(round_trip)() == {"type": "ping", "n": 1}
    if running_on_services():
        assert type(layer).__module__.startswith("channels_redis")


def test_daphne_serves_the_app_api_and_static_files(transactional_db: None, tmp_path: Path) -> None:
    import urllib.request

    if not (Path(settings.FRONTEND_DIST) / "index.html").is_file():
        pytest.fail("the front end is not built: run `make frontend`")
    with daphne(tmp_path) as server:
        for path in ("/", "/join/anything", "/review"):
            with urllib.request.urlopen(server.url + path) as response:
                html = response.read().decode()
                assert response.status == 200, path
                assert '<div id="app"' in html, path
        # The first script is the blocking pre-paint step (public/display-boot.js); the app
        # itself is the built module under /static/assets/.
        sources = [part.split('"')[0] for part in html.split('src="')[1:]]
        assert "/static/display-boot.js" in sources
        asset = next(src for src in sources if src.startswith("/static/assets/"))
        with urllib.request.urlopen(server.url + asset) as response:
            assert response.status == 200
            assert "javascript" in response.headers["Content-Type"]
        with urllib.request.urlopen(server.url + "/api/openapi.json") as response:
            assert response.status == 200


def compose_command() -> list[str]:
    """Docker Compose v2: the docker CLI plugin, or the binary `make compose` put in .venv."""
    for command in (["docker", "compose"], [str(BASE_DIR / ".venv" / "bin" / "docker-compose")]):
        try:
            subprocess.run([*command, "version"], capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            continue
        return command
    pytest.fail(
        "neither `docker compose` nor `docker-compose` is installed (make test installs it)"
    )


def test_docker_compose_file_validates_and_has_the_production_topology() -> None:
    import yaml

    command = compose_command()
    result = subprocess.run(
        [*command, "-f", "docker-compose.yml", "config", "-q"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "web1", "web2", "worker", "nginx"} <= set(services)
    assert "db_worker" in services["worker"]["command"]
    assert "schedule_daily" in services["migrate"]["command"]
    for web in ("web1", "web2"):
        assert "daphne" in services[web]["command"]
        assert services[web]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    nginx_conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert "server web1:8000" in nginx_conf
    assert "server web2:8000" in nginx_conf
    assert "alias /srv/static/" in nginx_conf
    assert "proxy_set_header Upgrade" in nginx_conf


def test_make_compose_leaves_the_users_docker_set_up_alone(tmp_path: Path) -> None:
    """`make compose` (part of `make test`) once linked the venv's binary into
    ~/.docker/cli-plugins: deleting the checkout then broke `docker compose` for the user."""
    home = tmp_path / "home"
    home.mkdir()
    # A docker without the compose plugin, as on a machine that has only the engine's CLI.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake_docker = fake_bin / "docker"
    fake_docker.write_text("#!/bin/sh\nexit 1\n")
    fake_docker.chmod(0o755)
    env = {**os.environ, "HOME": str(home), "PATH": f"{fake_bin}:{os.environ['PATH']}"}
    env.pop("DOCKER_CONFIG", None)
    result = subprocess.run(
        ["make", "-s", "compose"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # (pip may keep its cache under HOME; only docker's own folder is the user's set-up.)
    assert not (home / ".docker").exists()
    version = subprocess.run(
        [str(BASE_DIR / ".venv" / "bin" / "docker-compose"), "version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Docker Compose version v2" in version.stdout


def test_uploads_live_in_one_media_volume_that_nginx_serves() -> None:
    import re

    import yaml

    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "media" in compose["volumes"]
    for name in ("web1", "web2", "migrate"):
        service = services[name]
        assert "media:/srv/media" in service["volumes"], name
        assert service["environment"]["MEDIA_ROOT"] == "/srv/media", name
        assert service["environment"]["SERVE_MEDIA"] == "false", name
    assert "media:/srv/media:ro" in services["nginx"]["volumes"]
    nginx_conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    media = nginx_conf[nginx_conf.index("location /media/") :]
    media = media[: media.index("\n    }\n")]
    assert "root /srv;" in media
    assert media.count("add_header X-Content-Type-Options nosniff always;") == 2
    pdf = media[media.index("location ~* \\.pdf$") :]
    assert "add_header Content-Disposition attachment always;" in pdf[: pdf.index("\n        }")]
    assert media.rstrip().endswith("return 404;")  # nothing but the stored kinds
    body_limit = re.search(r"client_max_body_size (\d+)m;", nginx_conf)
    assert body_limit is not None
    assert int(body_limit.group(1)) * 1024 * 1024 > settings.BOARD_ATTACHMENT_MAX_BYTES


def test_the_image_holds_every_package_the_app_installs() -> None:
    """The Dockerfile copies each first-party package pyproject.toml installs (a missing
    one fails only when the image starts)."""
    import re
    import tomllib

    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    packages = {
        name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (?:--\S+ )*([a-z_]+)/", dockerfile, flags=re.M))
    assert packages == {
        *("config", "realtime", "communities", "chat", "presence", "notifications", "frontend")
    }
    assert packages <= copied, packages - copied
