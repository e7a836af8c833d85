"""Read-only commands: help, topics, entities, search, latest, why, sources, status."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.chatrules import CHAT_DESCRIPTION, is_watch
from bot.core.commands import parse
from bot.core.commands.base import CommandError, Env
from bot.core.commands.channel import display, target_of
from bot.core.commands.registry import COMMANDS, Call, command, page_buttons, paged, visible
from bot.core.commands.textquery import text_query
from bot.core.commands.texts import HELP
from bot.core.headline import in_language
from bot.core.i18n import t
from bot.core.query import QuerySyntaxError, parse_query, refs
from bot.core.render import own_topic
from bot.core.searchterms import search_node
from bot.core.textsafe import clean, inert, safe_url, shorten
from bot.models import Article, Reply, Story

PER_PAGE = 10  # search and latest results per message
LIST_PAGE = 25  # topics, entities, sources per message
MAX_QUERY = 500
MAX_SCAN = 3000  # candidates the matcher confirms per search page, at most
BATCH = 200
TITLE = 200  # characters of a title shown

MORE_NAMES = 12  # outlets named after the first three in a reply; the rest counted


def _short(title: str, limit: int = TITLE) -> str:
    """Someone else's text made inert (no bidi overrides, no @mentions) and capped."""
    return shorten(inert(clean(title)), limit)


def _link(url: str) -> str:
    return safe_url(url) or ""


def _when(dt: datetime | None, never: str) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else never


@command("help")
def help_(call: Call) -> Reply:
    """help [command]

    What each command does; `help <command>` for one.
    """
    name = call.args.strip().lower().lstrip("/")
    if name:
        cmd = COMMANDS.get(name)
        if cmd is None:
            return Reply(call.t("help.unknown_topic", name=name[:40]), ok=False)
        summary = HELP.get(call.language, {}).get(cmd.name, cmd.summary)
        return Reply(f"{cmd.usage}\n{summary}")
    lines = [call.t("help.header")]
    for cmd in visible():
        summary = HELP.get(call.language, {}).get(cmd.name, cmd.summary)
        lines.append(f"• {cmd.usage} — {summary}")
    lines.append(call.t("help.footer"))
    return Reply("\n".join(lines))


@command("start", hidden=True)
def start(call: Call) -> Reply:
    """start

    What Telegram sends when someone opens the bot: the help.
    """
    return help_(call)


@command("topics")
def topics(call: Call) -> Reply:
    """topics

    The topics this channel can subscribe to, with their names.
    """
    _, options = parse.split_options(call.args)
    page = parse.number(options.get("page"), "page", 1, 10_000, 1)
    rules = call.env.rules()
    lines = [
        f"• #{t.id} — {t.name_in(call.language)}" + (" (!)" if t.priority == "high" else "")
        for t in sorted(rules.topics.values(), key=lambda t: t.id)
        if not is_watch(t.id)  # watches: `watches` lists the channel's own
    ]
    if not lines:
        return call.reply("none")
    return paged(call, call.t("topics.header"), lines, page, LIST_PAGE, "topics")


@command("entities")
def entities(call: Call) -> Reply:
    """entities

    The people, organisations and places this channel can subscribe to (as @id).
    """
    _, options = parse.split_options(call.args)
    page = parse.number(options.get("page"), "page", 1, 10_000, 1)
    rules = call.env.rules()
    lines = [
        f"• @{e.id} — {e.name_in(call.language)} ({e.kind})"
        + (f" · {call.t('entities.chat')}" if e.description == CHAT_DESCRIPTION else "")
        for e in sorted(rules.entities.values(), key=lambda e: e.id)
    ]
    if not lines:
        return call.reply("none")
    return paged(call, call.t("entities.header"), lines, page, LIST_PAGE, "entities")


def _syntax(call: Call, exc: QuerySyntaxError) -> CommandError:
    return CommandError(
        "search.syntax", message=exc.message, column=exc.position + 1, caret=exc.caret()
    )


@command("search")
def search(call: Call) -> Reply:
    """search <query> [--days N]

    Stored articles matching a topic query (words, "phrases", AND OR NOT, NEAR/n, @entity,
    #topic), newest first.
    """
    query, options = parse.split_options(call.args)
    days = parse.number(options.get("days"), "--days", 1, 3650, 30)
    page = parse.number(options.get("page"), "--page", 1, 1000, 1)
    if not query:
        raise CommandError("usage", usage="search <query> [--days N]")
    if len(query) > MAX_QUERY:
        raise CommandError("search.too_long", limit=MAX_QUERY)
    since = call.request.now - timedelta(days=days)
    wanted = page * PER_PAGE + 1  # one more tells whether a next page exists
    try:
        found = find_articles(call.env, query, since, wanted)
    except QuerySyntaxError as exc:
        raise _syntax(call, exc) from None
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    if not shown:
        return Reply(call.t("search.none", query=_short(query, 80), days=days))
    lines = [call.t("search.header", query=_short(query, 80), days=days)]
    for i, a in enumerate(shown, (page - 1) * PER_PAGE + 1):
        when = a.seen_at.strftime("%Y-%m-%d")
        source = _short(a.source_name or a.source_id, 80)
        lines.append(f"{i}. {_short(a.title)} — {source}, {when}\n{_link(a.url)}".rstrip())
    action = f"search --days {days} {query}"
    return Reply(
        "\n".join(lines), buttons=page_buttons(call, action, page, len(found) > page * PER_PAGE)
    )


def find_articles(env: Env, query: str, since: datetime, wanted: int) -> list[Article]:
    """Stored articles seen since `since` that the query matches, newest first, at most
    `wanted` (confirming no more than MAX_SCAN candidates); QuerySyntaxError on a bad query.
    The chat `search` and the web page's search both come here."""
    matcher = env.matcher()
    node = search_node(parse_query(query))  # والعقوبات also finds عقوبات
    matcher.match_query(query, "", "", node)  # unknown @entity / #topic, NOT-only queries
    text = text_query(node, env.rules())
    # @entity / #topic: also the articles the pipeline matched to them (alias spellings
    # that only the matcher's letter variants find)
    tagged = [(r.kind, r.id) for r in refs(node)]
    found: list[Article] = []
    offset = 0
    while len(found) < wanted and offset < MAX_SCAN:
        batch = env.store.search_articles(text, since, BATCH, offset, tagged)
        found += [a for a in batch if matcher.match_query(query, a.title, a.text, node) is not None]
        offset += len(batch)
        if len(batch) < BATCH:
            break
    return found[:wanted]


def story_line(story: Story, language: str) -> str:
    """A story in a reply: its number and title (in the reader's language when an outlet
    wrote in it), every outlet by name ("+N more: D, E, F"), and the first link."""
    story = in_language(story, language)
    names = [_short(o.name, 80) for o in story.outlets]
    outlets = " · ".join(names[:3])
    if len(names) > 3:
        rest = names[3 : 3 + MORE_NAMES]
        outlets += f" · {t(language, 'story.more_outlets', count=len(names) - 3)} "
        outlets += ", ".join(rest)
        if len(names) > 3 + MORE_NAMES:
            outlets += " " + t(language, "story.others", count=len(names) - 3 - MORE_NAMES)
    link = _link(story.outlets[0].url) if story.outlets else ""
    return f"#{story.id} {_short(story.title)}\n{outlets}\n{link}".rstrip()


@command("latest")
def latest(call: Call) -> Reply:
    """latest [topic | @entity]

    The most recent stories (not those muted here), with every outlet that reported them.
    """
    rest, options = parse.split_options(call.args)
    page = parse.number(options.get("page"), "--page", 1, 100, 1)
    target, header = None, call.t("latest.header")
    if rest:
        target, name = target_of(call, rest)
        header = call.t("latest.header_for", name=name)
    store = call.env.store
    muted = store.muted_story_ids(call.channel.id) if call.channel else set()
    stories = store.latest_stories(target, page * PER_PAGE + 1 + len(muted))
    stories = [s for s in stories if s.id not in muted]
    shown = stories[(page - 1) * PER_PAGE : page * PER_PAGE]
    if not shown:
        return call.reply("latest.none")
    text = "\n\n".join([header, *(story_line(s, call.language) for s in shown)])
    more = len(stories) > page * PER_PAGE
    return Reply(text, buttons=page_buttons(call, f"latest {rest}".strip(), page, more))


@command("why")
def why(call: Call) -> Reply:
    """why <story>

    Which rules matched a story (its number from a digest), with the words that did it.
    """
    if not call.args:
        raise CommandError("usage", usage="why <story>")
    story_id = parse.story_id(call.args)
    store = call.env.store
    story = store.story(story_id)
    if story is None:
        raise CommandError("story.unknown", id=story_id)
    evidence: dict[tuple[str, str], list[str]] = {}
    channel_id = call.channel.id if call.channel else ""
    for article in store.articles(list(story.article_ids)):
        result = store.matches_for(article.id or 0)
        for m in (*result.entities, *result.topics):
            if m.kind == "topic" and not own_topic(m.id, channel_id):
                continue  # another channel's watch is that channel's business
            spans = evidence.setdefault((m.kind, m.id), [])
            for e in m.evidence[:2]:
                outlet = _short(article.source_name, 80)
                where = call.t("why.in", outlet=outlet, field=e.field)
                spans.append(f"«{_short(e.surface, 60)}» {where}")
    if not evidence:
        return Reply(call.t("why.none", id=story_id))
    title = in_language(story, call.language).title
    lines = [call.t("why.header", id=story_id, title=_short(title))]
    for (kind, target_id), spans in sorted(evidence.items()):
        name = display(call, ("@" if kind == "entity" else "") + target_id)
        shown = "; ".join(list(dict.fromkeys(spans))[:4])
        lines.append(
            "• " + call.t("why.rule", kind=call.t(f"kind.{kind}"), name=name, evidence=shown)
        )
    return Reply("\n".join(lines))


@command("sources")
def sources(call: Call) -> Reply:
    """sources

    Every source with its last successful fetch; failing ones first, with the error.
    """
    _, options = parse.split_options(call.args)
    page = parse.number(options.get("page"), "--page", 1, 10_000, 1)
    report = call.env.store.source_report()
    if not report:
        return call.reply("sources.none")
    never = call.t("never")
    lines = []
    for s in sorted(report, key=lambda s: (not s.failing, not s.paused, s.name.lower())):
        if s.paused:
            lines.append("• " + call.t("sources.paused", name=s.name))
        elif s.failing:
            error = _short(s.last_error or "", 120)
            lines.append(
                "• " + call.t("sources.failing", name=s.name, errors=s.error_count, error=error)
            )
        elif s.last_success is None:
            lines.append("• " + call.t("sources.never", name=s.name))
        else:
            lines.append(
                "• " + call.t("sources.ok", name=s.name, when=_when(s.last_success, never))
            )
    failing = sum(s.failing for s in report)
    header = call.t("sources.header", count=len(report), failing=failing)
    return paged(call, header, lines, page, LIST_PAGE, "sources")


@command("status")
def status(call: Call) -> Reply:
    """status

    How much is stored, when sources were last fetched, and what waits to be sent.
    """
    s = call.env.store.status_summary()
    reply = call.reply(
        "status",
        articles=s.articles,
        stories=s.stories,
        sources=s.sources,
        failing=s.failing_sources,
        last_fetch=_when(s.last_fetch, call.t("never")),
        channels=s.channels,
        pending=s.pending_messages,
    )
    if s.held_messages:
        reply = replace(
            reply, text=reply.text + "\n" + call.t("status.held", count=s.held_messages)
        )
    return reply
