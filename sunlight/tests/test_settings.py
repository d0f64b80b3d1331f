import pytest
from django.core.exceptions import ImproperlyConfigured

from sunlight.lib.env import database_from_url, envbool, envint, envlist, envstr


def test_it_refuses_a_boolean_it_does_not_understand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        envbool("DEBUG", False)


def test_it_reads_booleans_and_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "yes")
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "7")
    assert envbool("DEBUG", False) is True
    assert envint("AXES_FAILURE_LIMIT", 5, minimum=1) == 7


def test_it_refuses_a_number_below_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        envint("AXES_FAILURE_LIMIT", 5, minimum=1)
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("AXES_FAILURE_LIMIT", 5)


def test_it_reads_secrets_from_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert envstr("SECRET_KEY") == "s3cret"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        envstr("SECRET_KEY")


def test_it_splits_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")
    assert envlist("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_it_understands_database_urls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pg = database_from_url("postgres://u:p%40ss@db.local:5433/sunlight", base_dir=tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "sunlight",
        "u",
        "p@ss",
        "db.local",
        "5433",
    )
    socket = database_from_url("postgres:///sunlight?host=/tmp/pg", base_dir=tmp_path)
    assert socket["HOST"] == "/tmp/pg"
    lite = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert lite["NAME"] == str(tmp_path / "var/x.sqlite3")
    absolute = database_from_url("sqlite:////srv/x.sqlite3", base_dir=tmp_path)
    assert absolute["NAME"] == "/srv/x.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://x/y", base_dir=tmp_path)


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {**os.environ, "SECRET_KEY": "", "DEV_SECRET_KEY": "false", "VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY_FILE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import sunlight.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_passes_the_deployment_checks_with_production_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SECRET_KEY": "x" * 60 + "-production-key-for-the-check",
        "DEV_SECRET_KEY": "false",
        "DEBUG": "false",
        "SITE_ROOT": "https://sunlight.wangcheng.example",
        "ALLOWED_HOSTS": "sunlight.wangcheng.example",
        "HSTS_SECONDS": "31536000",
        "SSL_REDIRECT": "true",
        "BEHIND_TLS_PROXY": "true",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
