"""Sources' request options in the configuration: read onto the Source, refused with
file:line when wrong, secrets named by variable and never shown (list, export, logs)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config, ConfigError, config_from_text

SECRET_COOKIE = "sid=tide-4417-private"
SECRET_PROXY = "http://desk:hunter2@127.0.0.1:9"
ENV = {"ALWAHA_COOKIE": SECRET_COOKIE, "ALWAHA_PROXY": SECRET_PROXY}


def load(text: str, tmp_path: Path, env: dict[str, str] = ENV) -> Config:
    return config_from_text(text, "nw.yaml", tmp_path, env)


def refused(text: str, tmp_path: Path, env: dict[str, str] = ENV) -> str:
    with pytest.raises(ConfigError) as info:
        load(text, tmp_path, env)
    return str(info.value)


def test_options_are_read_onto_the_source(tmp_path: Path) -> None:
    config = config_from_text(
        "sources:\n"
        "  - id: alwaha\n"
        "    url: https://alwaha.example/rss.xml\n"
        "    headers: {X-Desk: analysts, Accept-Language: ar}\n"
        "    cookie_env: ALWAHA_COOKIE\n"
        "    proxy_env: ALWAHA_PROXY\n"
        "    rate_limit: 2s\n"
        "  - {id: mirsad, url: 'https://mirsad.example/', proxy: 'http://10.0.0.5:3128', "
        "rate_limit: 0.5}\n",
        "nw.yaml",
        tmp_path,
        ENV,
    )
    alwaha, mirsad = config.sources
    assert alwaha.headers == (("X-Desk", "analysts"), ("Accept-Language", "ar"))
    assert (alwaha.cookie_env, alwaha.proxy_env, alwaha.rate_limit) == (
        "ALWAHA_COOKIE",
        "ALWAHA_PROXY",
        2.0,
    )
    assert (mirsad.proxy, mirsad.rate_limit, mirsad.cookie_env) == (
        "http://10.0.0.5:3128",
        0.5,
        None,
    )
    assert SECRET_COOKIE not in repr(config.sources) and "hunter2" not in repr(config.sources)


@pytest.mark.parametrize(
    ("entry", "line", "needle"),
    [
        ("headers: {Cookie: a=b}", 3, "headers: Cookie cannot be set here (use `cookie_env`)"),
        ("headers: {Host: x.example}", 3, "Host cannot be set here (the fetcher sets it)"),
        ("headers: {'Bad Name': x}", 3, "not a header name: 'Bad Name'"),
        ("headers: [X-Desk]", 3, "headers: a mapping of header names to values"),
        ("cookie_env: 'not a name'", 3, "cookie_env: the name of an environment variable"),
        ("proxy: 'socks5://127.0.0.1:9050'", 3, "proxy: an http:// or https:// proxy URL"),
        ("proxy: 'http://u:p@proxy.example:3128'", 3, "belongs in `proxy_env`"),
        ("rate_limit: -1", 3, "rate_limit: seconds between requests"),
        ("rate_limit: 2h", 3, "rate_limit: seconds between requests (0 to 3600"),
    ],
)
def test_bad_options_are_refused_with_their_place(
    entry: str, line: int, needle: str, tmp_path: Path
) -> None:
    message = refused(f"sources:\n  - id: a\n    {entry}\n    url: https://a.example/\n", tmp_path)
    assert f"nw.yaml:{line}:" in message and needle in message, message


def test_an_unset_variable_does_not_refuse_the_file(tmp_path: Path) -> None:
    config = load(
        "sources:\n  - {id: a, url: 'https://a.example/', cookie_env: NOT_SET}\n", tmp_path, {}
    )
    assert config.sources[0].cookie_env == "NOT_SET"  # the source's fetch says it is unset


def test_a_bad_proxy_in_the_environment_is_refused_without_its_value(tmp_path: Path) -> None:
    env = {"BAD_PROXY": "ftp://user:topsecret@proxy.example"}
    message = refused(
        "sources:\n  - {id: a, url: 'https://a.example/', proxy_env: BAD_PROXY}\n", tmp_path, env
    )
    assert "proxy_env: an http:// or https:// proxy URL, got the variable's value" in message
    assert "topsecret" not in message


def test_secrets_are_never_listed_exported_or_logged(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(
        "topics:\n  tides: {name: Tides, query: tide}\n", encoding="utf-8"
    )
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "database: nw.db\n"
        "fetch: {allow_private: true, connect_timeout: 1, total_timeout: 3}\n"
        "sources:\n"
        "  - {id: alwaha, url: 'http://127.0.0.1:9/rss.xml', cookie_env: ALWAHA_COOKIE,\n"
        "     proxy_env: ALWAHA_PROXY, headers: {X-Desk: analysts}}\n",
        encoding="utf-8",
    )
    caplog.set_level(logging.DEBUG)
    main(["fetch", "--once", "--json", "--config", str(config)])  # the proxy refuses: an error
    main(["sources", "list", "--json", "--config", str(config)])
    main(["sources", "export", "--config", str(config)])
    out = capsys.readouterr()
    text = out.out + out.err + caplog.text
    assert "alwaha" in out.out and "<outline" in out.out
    for secret in (SECRET_COOKIE, "hunter2", "analysts"):
        assert secret not in text, secret
