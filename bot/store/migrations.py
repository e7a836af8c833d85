"""Versioned schema changes, applied in order by sqlite-utils' Migrations.

Append new migrations at the end; never edit one that has shipped. A database that has a
migration this code does not know was written by a newer newswatch and is refused.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "newswatch"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            etag TEXT,
            last_modified TEXT,
            last_checked_at TEXT,
            last_success_at TEXT,
            last_error TEXT,
            last_error_at TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            failing INTEGER NOT NULL DEFAULT 0,
            next_check_at TEXT,
            articles_total INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            source_id TEXT NOT NULL,
            source_name TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            lang TEXT,
            published TEXT,
            fetched TEXT NOT NULL,
            norm_title TEXT NOT NULL DEFAULT '',
            norm_text TEXT NOT NULL DEFAULT '',
            story_id INTEGER
        );
        CREATE INDEX articles_source ON articles(source_id);
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_fetched ON articles(fetched);
        CREATE TABLE matches (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            evidence TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (article_id, kind, target_id)
        );
        CREATE INDEX matches_target ON matches(kind, target_id);
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            lead TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            entity_ids TEXT NOT NULL DEFAULT '[]',
            topic_ids TEXT NOT NULL DEFAULT '[]',
            article_count INTEGER NOT NULL DEFAULT 0,
            outlet_count INTEGER NOT NULL DEFAULT 0,
            closed INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);
        CREATE TABLE channels (
            id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            destination TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'digest',
            schedule TEXT NOT NULL DEFAULT '0 8,20 * * *',
            timezone TEXT NOT NULL DEFAULT 'UTC',
            max_stories INTEGER NOT NULL DEFAULT 20,
            language TEXT NOT NULL DEFAULT 'en',
            show_updates INTEGER NOT NULL DEFAULT 1,
            origin TEXT NOT NULL DEFAULT 'config',
            paused INTEGER NOT NULL DEFAULT 0,
            paused_reason TEXT,
            last_digest_at TEXT
        );
        CREATE TABLE subscriptions (
            channel_id TEXT NOT NULL REFERENCES channels(id),
            target TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'digest',
            origin TEXT NOT NULL DEFAULT 'config',
            PRIMARY KEY (channel_id, target)
        );
        CREATE TABLE deliveries (
            channel_id TEXT NOT NULL,
            story_id INTEGER NOT NULL,
            outlet_count INTEGER NOT NULL DEFAULT 0,
            delivered_at TEXT NOT NULL,
            PRIMARY KEY (channel_id, story_id)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            channel_id TEXT NOT NULL,
            batch TEXT NOT NULL,
            seq INTEGER NOT NULL,
            platform TEXT NOT NULL,
            destination TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            message_ref TEXT,
            UNIQUE (batch, seq)
        );
        CREATE INDEX outbox_pending ON outbox(status, id);
        CREATE TABLE mutes (
            channel_id TEXT NOT NULL,
            story_id INTEGER NOT NULL,
            PRIMARY KEY (channel_id, story_id)
        );
        """
    )
    # FTS5 over the normalised columns: SQLite's tokenizer splits Arabic words at
    # diacritics and does not fold hamza forms, so the raw text would not be searchable.
    db.table("articles").enable_fts(
        ["norm_title", "norm_text"], fts_version="FTS5", create_triggers=True, tokenize="unicode61"
    )


@migrations()
def m002_sources_origin(db: Database) -> None:
    # Sources imported from OPML (or added from chat later) live only in the database, so
    # the row must hold everything needed to fetch them, and say where it came from.
    db.executescript(
        """
        ALTER TABLE sources ADD COLUMN origin TEXT NOT NULL DEFAULT 'config';
        ALTER TABLE sources ADD COLUMN interval INTEGER NOT NULL DEFAULT 900;
        ALTER TABLE sources ADD COLUMN full_text INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sources ADD COLUMN lang TEXT;
        ALTER TABLE sources ADD COLUMN selector TEXT;
        CREATE INDEX sources_next_check ON sources(next_check_at);
        """
    )


@migrations()
def m003_delivery_outbox(db: Database) -> None:
    # A message is claimed (status 'sending', claimed_at) before its request goes out, so two
    # flushers never send it twice; a failed attempt waits until next_attempt_at. `kind`
    # tells a digest's messages from instant ones.
    db.executescript(
        """
        ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'digest';
        ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
        ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
        ALTER TABLE channels ADD COLUMN paused_at TEXT;
        CREATE INDEX outbox_channel ON outbox(channel_id, status, id);
        """
    )


@migrations()
def m004_destination_moves(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE destination_moves (
            platform TEXT NOT NULL,
            old TEXT NOT NULL,
            new TEXT NOT NULL,
            moved_at TEXT NOT NULL,
            PRIMARY KEY (platform, old)
        );
        """
    )


@migrations()
def m005_source_health(db: Database) -> None:
    # Items waiting for their article page (feed text kept, so nothing is lost if the page
    # never comes); what a poll warned about (a listing with no links); article-page errors
    # per source; and the (source, link) lookup that makes a GUID change no new article.
    db.executescript(
        """
        CREATE TABLE waiting_items (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            key TEXT NOT NULL,
            item TEXT NOT NULL,
            tries INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            UNIQUE (source_id, key)
        );
        ALTER TABLE sources ADD COLUMN warning TEXT;
        ALTER TABLE sources ADD COLUMN page_error_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sources ADD COLUMN last_page_error TEXT;
        ALTER TABLE sources ADD COLUMN last_page_error_at TEXT;
        CREATE INDEX articles_source_url ON articles(source_id, url);
        """
    )


@migrations()
def m006_fetch_leases(db: Database) -> None:
    # Fetch workers in several processes (PostgreSQL) lease the due sources they take, with
    # an expiry, so two never fetch one source in a cycle and a dead worker's come back.
    db.executescript(
        """
        ALTER TABLE sources ADD COLUMN lease_owner TEXT;
        ALTER TABLE sources ADD COLUMN lease_until TEXT;
        """
    )


@migrations()
def m007_drop_source_index(db: Database) -> None:
    # articles_source_url (source_id, url) serves every lookup by source_id too: one index
    # fewer to maintain on each of a busy cycle's inserts.
    db.executescript("DROP INDEX IF EXISTS articles_source;")


@migrations()
def m008_outbox_once_only(db: Database) -> None:
    # A send whose outcome is unknown (no answer came back, or the process died in flight)
    # is counted in `uncertain`: resent once, then held (status 'uncertain') for a person.
    # `claimed_by` names the process that holds a 'sending' claim; deliver processes on
    # PostgreSQL serve a channel under a lease row with an expiry (outbox_leases).
    db.executescript(
        """
        ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        CREATE TABLE outbox_leases (
            channel_id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m009_chat_rules(db: Database) -> None:
    # Entities and watches made in chat (bot.core.chatrules): merged into the rule files'
    # rules at load, reload and when a command changes them. Aliases are a JSON list.
    db.executescript(
        """
        CREATE TABLE chat_entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'thing',
            aliases TEXT NOT NULL DEFAULT '[]',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE chat_watches (
            channel_id TEXT NOT NULL,
            name TEXT NOT NULL,
            query TEXT NOT NULL,
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            PRIMARY KEY (channel_id, name)
        );
        """
    )


@migrations()
def m010_pruned_keys(db: Database) -> None:
    # Retention removes old articles; their identity keys stay a while, so a feed that
    # still lists an item does not bring it back as news (bot.store.prune).
    db.executescript(
        """
        CREATE TABLE pruned_keys (
            key TEXT PRIMARY KEY,
            pruned_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m011_source_pause(db: Database) -> None:
    # A person's pause of a source (CLI, chat, web), kept apart from the file's `enabled` so
    # a configuration re-sync never undoes it; who added a database-only source, and when.
    db.executescript(
        """
        ALTER TABLE sources ADD COLUMN paused_at TEXT;
        ALTER TABLE sources ADD COLUMN paused_by TEXT;
        ALTER TABLE sources ADD COLUMN added_by TEXT;
        ALTER TABLE sources ADD COLUMN added_at TEXT;
        """
    )


@migrations()
def m012_outbox_owners(db: Database) -> None:
    # Every process that claims outbox messages keeps a liveness row here (renewed every few
    # seconds, deleted at a clean stop): a claim is recovered as an uncertain send only when
    # its owner's row expired (bot.app.claims), never while the owner lives.
    db.executescript(
        """
        CREATE TABLE outbox_owners (
            owner TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            started_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m013_article_edits(db: Database) -> None:
    # An article whose text an edit changed (a Telegram post edited after it was fetched)
    # waits here to be matched again: a fetch-only worker stores the edit, the analyser
    # re-matches it (bot.app.ingest); cleared once matched with that text.
    db.executescript(
        """
        ALTER TABLE articles ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX articles_edited ON articles (id) WHERE edited = 1;
        """
    )


@migrations()
def m014_source_requests(db: Database) -> None:
    # A database-only source's request options (`sources add --header/--cookie-env/...`),
    # as JSON (bot.store.sources.request_json); a configured source's stay in the file.
    db.executescript("ALTER TABLE sources ADD COLUMN request TEXT;")
