"""Stories made directly through the store, and the channels the delivery tests use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.models import Article, Channel, Subscription
from bot.store import Store


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
