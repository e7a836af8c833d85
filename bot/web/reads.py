"""The work behind pages and API alike: a story with its evidence, search, trends, the
rule test, pausing a channel. Handlers only parse the request and pick HTML or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.core.commands.queries import find_articles
from bot.models import Article, MatchResult, Story
from bot.web import present, svg
from bot.web.context import authed, deps, env_of, names, trend_window
from bot.web.deps import FetchFailed, WebDeps

MAX_TEXT = 200_000  # characters of pasted text the rule test reads
MAX_QUERY = 500


@dataclass(frozen=True)
class ArticleView:
    article: Article
    result: MatchResult
    title: list[present.Segment]
    text: list[present.Segment]


@dataclass(frozen=True)
class StoryDetail:
    story: Story
    articles: list[ArticleView]


def article_view(article: Article, result: MatchResult) -> ArticleView:
    return ArticleView(
        article,
        result,
        present.segments(article.title, present.field_spans(result, "title")),
        present.segments(article.text, present.field_spans(result, "text")),
    )


def story_detail(d: WebDeps, story_id: int) -> StoryDetail | None:
    story = d.store.story(story_id)
    if story is None:
        return None
    views = [
        article_view(a, d.store.matches_for(a.id or 0))
        for a in d.store.articles(list(story.article_ids))
    ]
    return StoryDetail(story, views)


def search(d: WebDeps, query: str, days: int, limit: int) -> list[Article]:
    """Articles matching the query; QuerySyntaxError (with its column) on a bad one."""
    return find_articles(env_of(d), query, d.now() - timedelta(days=days), limit)


@dataclass(frozen=True)
class Trend:
    key: str  # topic id or @entity id
    name: str
    total: int
    svg: str


def trends(d: WebDeps, only: set[str] | None = None, top: int = 8) -> list[Trend]:
    """Hourly charts for the busiest rules (or for `only` those keys), busiest first."""
    since, hours = trend_window(d)
    data = svg.series(d.store.hourly_activity(since), d.now(), hours)
    label = names(d.rules())
    out = []
    for (kind, target), points in data.items():
        key = ("@" if kind == "entity" else "") + target
        if only is not None and key not in only:
            continue
        name = label.get(key, key)
        out.append(Trend(key, name, sum(a for a, _ in points), svg.chart(points, name)))
    out.sort(key=lambda t: (-t.total, t.key))
    return out if only is not None else out[:top]


class Refused(Exception):
    """The request may not do this (the message says why); `status` for the answer."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


async def rule_test(request: web.Request, title: str, text: str, url: str) -> ArticleView:
    """The rules run over a pasted article, or over the page at `url` (token needed:
    the server fetches it, within `fetch.allow_private` and the fetch limits)."""
    d = deps(request)
    if url:
        if d.fetch_page is None:
            raise Refused("fetching a URL is not available here; paste the text instead")
        if not authed(request):
            raise Refused("testing a URL needs NEWSWATCH_WEB_TOKEN (log in first)")
        if present.link(url) is None:
            raise Refused("the URL must be http or https", 400)
        try:
            title, text = await d.fetch_page(url)
        except FetchFailed as exc:
            raise Refused(f"{url}: {exc}", 502) from None
    if not (title or text).strip():
        raise Refused("paste a title or a text (or give a URL)", 400)
    title, text = title[:2000], text[:MAX_TEXT]
    result = d.matcher().match(title, text)
    article = Article(
        key="test",
        source_id="test",
        source_name="",
        url=url,
        title=title,
        text=text,
        fetched=d.now(),
    )
    return article_view(article, result)


def set_paused(request: web.Request, channel_id: str, action: str) -> None:
    """Pause or resume a channel's deliveries: the daemon's server or `web --writable`, and
    the token, even on loopback."""
    d = deps(request)
    if not d.writable:
        raise Refused("this server is read-only (newswatch web --writable, or the daemon's)")
    if not authed(request):
        raise Refused("changing a channel needs NEWSWATCH_WEB_TOKEN (log in first)")
    if channel_id not in {s.channel.id for s in d.store.channel_states()}:
        raise Refused(f"no channel {channel_id!r}", 404)
    if action == "pause":
        d.store.pause_channel(channel_id, "paused from the web page", d.now())
    else:
        d.store.resume_channel(channel_id)
