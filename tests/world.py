"""The tests' one world builder: invented news in a real Store.

build_world(path)     a small newsroom from tests/data/commands/{rules,world}.yaml
                      (sources, articles, matches, stories) through the real matcher
                      and store, so the chat tests read what the pipeline would write
add_story(store, ...) one story with an article per outlet (the delivery tests)
channel(...)          a Channel subscribed to some targets
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.app.chatrules import ChatRulesFollower
from bot.core.commands import Env, Request
from bot.core.match import Matcher
from bot.core.normalize import normalize
from bot.core.rules import RuleSet, parse_rules
from bot.models import Article, Channel, Platform, Source, Subscription
from bot.store import Store, open_store

DATA = Path(__file__).parent / "data" / "commands"


def load_rules() -> RuleSet:
    return parse_rules([("rules.yaml", (DATA / "rules.yaml").read_text(encoding="utf-8"))])


@dataclass
class World:
    store: Store
    rules: RuleSet
    matcher: Matcher
    now: datetime
    story_ids: dict[int, int]  # story number in world.yaml → store id
    digests: list[str]

    def env(self, language: str = "en") -> Env:
        async def digest_now(channel: Channel) -> int:
            self.digests.append(channel.id)
            return len(channel.subscriptions)

        follower = ChatRulesFollower(self.store, self.rules)

        def rules_changed() -> None:  # as the daemon does: rules made in chat, merged again
            if follower.refresh() is not None:
                self.matcher = Matcher(follower.rules)

        return Env(
            store=self.store,
            rules=lambda: follower.rules,
            matcher=lambda: self.matcher,
            digest_now=digest_now,
            rules_changed=rules_changed,
            language="ar" if language == "ar" else "en",
        )

    def request(
        self,
        destination: str = "-100",
        may_change: bool = True,
        platform: Platform = "telegram",
        instance_admin: bool = False,
    ) -> Request:
        return Request(
            platform, destination, "u1", may_change, self.now, instance_admin=instance_admin
        )


def build_world(path: Path) -> World:
    spec: dict[str, Any] = yaml.safe_load((DATA / "world.yaml").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(spec["now"])
    rules = load_rules()
    matcher = Matcher(rules)
    store = open_store(path)
    names = {s["id"]: s["name"] for s in spec["sources"]}
    store.sync_sources(
        Source(s["id"], f"https://{s['id']}.example/feed", name=s["name"]) for s in spec["sources"]
    )
    for s in spec["sources"]:
        if s["failing"]:
            for _ in range(5):
                store.record_fetch_error(s["id"], now, now, s["error"], 5)
        else:
            store.record_fetch_success(s["id"], now - timedelta(minutes=10), now, None, None)
    story_ids: dict[int, int] = {}
    for i, a in enumerate(spec["articles"]):
        seen = now - timedelta(hours=a["hours_ago"])
        article = Article(
            key=f"k{i}",
            source_id=a["source"],
            source_name=names[a["source"]],
            url=a["url"],
            title=a["title"],
            text=a["text"],
            fetched=seen,
            published=seen,
        )
        aid = store.add_article(article, normalize(a["title"]), normalize(a["text"]))
        assert aid is not None
        result = matcher.match(a["title"], a["text"])
        store.save_matches(aid, result)
        if a["story"] not in story_ids:
            story_ids[a["story"]] = store.create_story(a["title"], a["text"], seen)
        store.attach_article(story_ids[a["story"]], aid, seen, result.entity_ids, result.topic_ids)
    return World(store, rules, matcher, now, story_ids, [])


def add_story(
    store: Store,
    title: str,
    outlets: Sequence[str],
    seen: datetime,
    topics: Sequence[str] = ("drones",),
    entities: Sequence[str] = (),
    lead: str = "A first sentence of the report. A second one. A third that is cut.",
    url_prefix: str = "",
) -> int:
    """A story with one article per outlet (outlet names are also source ids)."""
    story_id = store.create_story(title, lead, seen)
    for k, outlet in enumerate(outlets):
        article = Article(
            key=f"{title[:40]}|{outlet}|{seen.isoformat()}|{k}",
            source_id=outlet,
            source_name=outlet.title(),
            url=f"{url_prefix}https://{outlet}.example/news/{story_id}-{k}",
            title=title,
            text=lead,
            fetched=seen + timedelta(seconds=k),
            published=seen + timedelta(seconds=k),
        )
        article_id = store.add_article(article, title.lower(), lead.lower())
        assert article_id is not None
        store.attach_article(story_id, article_id, article.seen_at, entities, topics)
    return story_id


def channel(
    cid: str,
    platform: str,
    destination: str,
    targets: Sequence[str] = ("drones",),
    **kw: object,
) -> Channel:
    subs = tuple(Subscription(cid, t) for t in targets)
    return Channel(cid, platform, destination, subs, **kw)  # type: ignore[arg-type]
