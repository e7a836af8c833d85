"""`newswatch web`: the web page, JSON API and channel feeds over an existing database.

Read-only by default (the daemon keeps running elsewhere); `--writable` allows pausing and
resuming channels, which like everything that changes state also needs NEWSWATCH_WEB_TOKEN.
Any address but loopback needs the token too, so binding elsewhere without it is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from aiohttp import web

from bot.app.assembly import load_rules
from bot.app.chatrules import ChatRulesFollower, PolledChatRules
from bot.app.web import web_deps
from bot.cli.common import CliError, add_config_arguments, open_config, open_store
from bot.config import Config, secrets_from_env
from bot.core.match import Matcher
from bot.core.rules import RulesError
from bot.store import Store
from bot.web.app import create_app
from bot.web.deps import WebDeps
from bot.web.security import is_loopback


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "web",
        help="serve the web page, JSON API and channel feeds over a database",
        description=__doc__,
    )
    p.add_argument("--host", help="address to listen on (default: web.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default: web.port, 8081)")
    p.add_argument(
        "--writable", action="store_true", help="allow pausing and resuming channels (token)"
    )
    add_config_arguments(p)
    p.set_defaults(func=run)


def _deps(config: Config, store: Store, token: str | None, writable: bool) -> WebDeps:
    try:
        follower = ChatRulesFollower(store, load_rules(config))
    except RulesError as exc:
        raise CliError(f"invalid rules:\n{exc}") from None
    live = PolledChatRules(follower, Matcher)
    return web_deps(
        config, store, lambda: live.current()[0], lambda: live.current()[1], token, writable
    )


def _local_host(host: str) -> bool:
    return host == "localhost" or is_loopback(host)


def run(args: argparse.Namespace) -> int:
    config = open_config(args)
    host = args.host or config.settings.web.host
    port = args.port if args.port is not None else config.settings.web.port
    if not 0 <= port <= 65535:
        raise CliError(f"--port: {port} is not a port number (0-65535)")
    token = secrets_from_env().web_token or None
    if not _local_host(host) and token is None:
        raise CliError(
            f"listening on {host} (not loopback) needs NEWSWATCH_WEB_TOKEN: set a long random token"
        )
    if args.writable and token is None:
        print(
            "newswatch web: --writable without NEWSWATCH_WEB_TOKEN: every change is refused "
            "until the token is set",
            file=sys.stderr,
        )
    store = open_store(args, config, existing=True)
    try:
        deps = _deps(config, store, token, args.writable)
        return asyncio.run(_serve(create_app(deps), host, port, args.writable))
    finally:
        store.close()


async def _serve(app: web.Application, host: str, port: int, writable: bool) -> int:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0]
        mode = "writable" if writable else "read-only"
        print(f"newswatch web: serving http://{host}:{bound[1]}/ ({mode})", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    except OSError as exc:
        print(f"newswatch: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 2
    finally:
        await runner.cleanup()
    return 0
