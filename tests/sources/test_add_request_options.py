"""`newswatch sources add URL --header … --cookie-env …` over real loopback HTTP: a feed that
answers only with its header and cookie is added (the check fetch sends them), kept with
its options in the database (the variable's name, never its value), fetched with them by
the next cycle, and shown by `sources list`; a wrong flag is refused naming the flag, before
anything is fetched."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import open_store
from tests.loopback import LoopbackServer
from tests.sources.test_discover_add import _config

COOKIE = "member=tidewater-51c2"  # an invented secret
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tidewater '
    "Ledger</title><link>{base}/</link>"
    "<item><title>Ferry timetable changes at the north pier</title><link>{base}/a/1</link>"
    "<guid>{base}/a/1</guid><pubDate>Mon, 07 Dec 2026 08:00:00 +0000</pubDate>"
    "<description>The north pier ferry leaves earlier from Monday.</description></item>"
    "<item><title>Harbour dredging finishes a week early</title><link>{base}/a/2</link>"
    "<guid>{base}/a/2</guid><pubDate>Mon, 07 Dec 2026 09:00:00 +0000</pubDate>"
    "<description>The dredgers left the harbour mouth on Sunday.</description></item>"
    "</channel></rss>"
)


class GatedFeed(LoopbackServer):
    """A members' feed: 403 unless the request carries X-Ledger-Key and the cookie."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        super().__init__(_Handler)


class _Handler(BaseHTTPRequestHandler):
    server: GatedFeed

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.seen.append(headers)
        ok = headers.get("x-ledger-key") == "reader" and headers.get("cookie") == COOKIE
        body = FEED.replace("{base}", self.server.base) if ok else "members only"
        data = body.encode("utf-8")
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "application/rss+xml" if ok else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_feed_behind_a_header_and_cookie_is_added_and_fetched_with_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    monkeypatch.setenv("LEDGER_COOKIE", COOKIE)
    flags = ["--header", "X-Ledger-Key: reader", "--cookie-env", "LEDGER_COOKIE"]
    flags += ["--rate-limit", "1s", "--id", "ledger", "--config", str(config)]
    with GatedFeed() as site:
        # without the options the feed refuses: the check fetch says so
        assert main(["sources", "add", f"{site.base}/feed", "--config", str(config)]) == 1
        assert "403" in "".join(capsys.readouterr())
        assert main(["sources", "add", f"{site.base}/feed", *flags]) == 0
        assert "items listed now: 2" in capsys.readouterr().out
        assert main(["fetch", "--once", "--json", "--config", str(config)]) == 0
        [report] = json.loads(capsys.readouterr().out)
        last = site.seen[-1]
    assert report["source"] == "ledger" and report["new"] == 2, report
    assert last["x-ledger-key"] == "reader" and last["cookie"] == COOKIE

    store = open_store(str(tmp_path / "nw.db"))
    try:
        [source] = store.stored_sources()
    finally:
        store.close()
    assert source.headers == (("X-Ledger-Key", "reader"),)
    assert source.cookie_env == "LEDGER_COOKIE" and source.rate_limit == 1.0
    assert COOKIE not in (tmp_path / "nw.db").read_bytes().decode("utf-8", "replace")

    assert main(["sources", "list", "--json", "--config", str(config)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["request"] == {
        "headers": ["X-Ledger-Key"],
        "cookie_env": "LEDGER_COOKIE",
        "rate_limit": 1.0,
    }
    assert main(["sources", "list", "--config", str(config)]) == 0
    assert "request options: headers ['X-Ledger-Key'], cookie_env LEDGER_COOKIE" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--header", "Cookie: a=b"], "--header: Cookie cannot be set here (use `cookie_env`)"),
        (["--header", "no colon here"], "--header: expected 'NAME: VALUE'"),
        (["--cookie-env", "not a name"], "--cookie-env: the name of an environment variable"),
        (["--proxy", "ftp://relay.example"], "--proxy: an http:// or https:// proxy URL"),
        (["--rate-limit", "soon"], "--rate-limit: seconds between requests"),
    ],
)
def test_a_wrong_request_flag_is_refused_before_any_fetch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], said: str
) -> None:
    with GatedFeed() as site:
        status = main(
            ["sources", "add", f"{site.base}/feed", *flags, "--config", str(_config(tmp_path))]
        )
        asked = list(site.seen)
    assert status == 2
    assert said in capsys.readouterr().err
    assert asked == []


def test_an_unset_cookie_variable_is_the_add_s_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEDGER_COOKIE_UNSET", raising=False)
    with GatedFeed() as site:
        flags = ["--cookie-env", "LEDGER_COOKIE_UNSET", "--config", str(_config(tmp_path))]
        status = main(["sources", "add", f"{site.base}/feed", *flags])
        asked = list(site.seen)
    assert status == 1
    assert "cookie_env: $LEDGER_COOKIE_UNSET is not set" in "".join(capsys.readouterr())
    assert asked == []
