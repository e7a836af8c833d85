"""`newswatch run`: the daemon (scheduler, chat adapters, health and metrics server)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.app.reload import Loaded, Refused, load
from bot.cli.common import CliError, add_config_arguments, database_path
from bot.config import ConfigError, find_config_file, secrets_from_env, with_webhook_secret
from bot.logs import setup_logging
from bot.settings import Secrets

ROLES = ("all", "fetch", "analyse", "deliver", "chat")  # bot.app.roles runs all but `all`


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run",
        help="run the daemon: scheduled fetches and digests, chat commands, health server",
        description=(
            "Run until SIGTERM or SIGINT: fetch due sources, deliver instant alerts and "
            "scheduled digests, answer chat commands (Telegram and Slack, as tokens allow), "
            "and serve /healthz, /readyz and /metrics. SIGHUP, or saving the configuration "
            "or a rule file, reloads them; an invalid file is refused and the old stay."
        ),
    )
    add_config_arguments(p)
    p.add_argument(
        "--role",
        choices=ROLES,
        default="all",
        help="all (default): everything in this process; fetch, analyse, deliver or chat: one "
        "part, for several processes on one PostgreSQL database (see docs/deployment.md)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config_path = find_config_file(args.config)
    try:
        loaded = load(config_path)
    except Refused as exc:
        raise CliError(str(exc)) from None
    from bot.store.postgres import database_password, is_postgres_url  # config known good

    database = database_path(args, loaded.config)
    if args.role != "all" and not is_postgres_url(str(database)):
        raise CliError(
            f"--role {args.role} needs a PostgreSQL database (several processes share it); "
            f"{database} is a SQLite file, which one process uses: run with --role all "
            "(the default), or set database/--db to postgresql://user@host:port/db"
        )
    settings = loaded.config.settings
    try:
        secrets = with_webhook_secret(secrets_from_env(), settings)
    except ConfigError as exc:
        raise CliError(f"invalid configuration:\n{exc}") from None
    setup_logging(
        settings.log.level,
        settings.log.format,
        (*secrets.values(), *database_password()),
        stream=sys.stdout,
    )
    # APScheduler announces every job added and removed at INFO; our own lines say more.
    logging.getLogger("apscheduler.scheduler").setLevel(
        max(logging.WARNING, logging.getLogger().level)
    )
    if args.role != "all":
        return asyncio.run(_role(args.role, loaded, database, secrets))
    return asyncio.run(_main(config_path, loaded, database, secrets))


async def _role(role: str, loaded: Loaded, database: Path | str, secrets: Secrets) -> int:
    from bot.app.assembly import open_store, prepare_store
    from bot.app.roles import run_role
    from bot.store import StoreError

    try:
        store = open_store(database)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    try:
        prepare_store(loaded.config, store)
        return await run_role(role, loaded.config, loaded, store, secrets)
    finally:
        store.close()


async def _main(
    config_path: Path | None, loaded: Loaded, database: Path | str, secrets: Secrets
) -> int:
    from bot.app.daemon import Daemon  # the daemon's imports are heavy; --help stays quick
    from bot.store import StoreError

    try:
        daemon = Daemon(config_path, loaded, database, secrets)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    return await daemon.run()
