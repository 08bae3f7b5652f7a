"""`lingograph chat` talks to the address `lingograph serve` binds (HOST and PORT)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from api.cli import served_url
from tools.settings import get_settings


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("0.0.0.0", 8123, "http://127.0.0.1:8123"),
        ("::", 9000, "http://127.0.0.1:9000"),
        ("[::]", 9000, "http://127.0.0.1:9000"),
        ("::1", 8000, "http://[::1]:8000"),
        ("tutor.lan", 80, "http://tutor.lan:80"),
    ],
    ids=["loopback", "any-ipv4", "any-ipv6", "any-ipv6-bracketed", "ipv6-loopback", "name"],
)
def test_served_url_is_where_a_local_client_connects(host, port, url):
    assert served_url(host, port) == url


@pytest.fixture
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_chat_defaults_to_host_and_port(monkeypatch, fresh_settings):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8123")
    result = CliRunner().invoke(cli, ["chat", "--user", "ana"], input="/quit\n")
    assert result.exit_code == 0, result.output
    assert "with http://127.0.0.1:8123." in result.output


def test_chat_url_option_wins(monkeypatch, fresh_settings):
    monkeypatch.setenv("PORT", "8123")
    url = "http://tutor.lan:9000"
    result = CliRunner().invoke(cli, ["chat", "--user", "ana", "--url", url], input="/quit\n")
    assert f"with {url}." in result.output
