"""The fetch job's orchestrator: the only module that wires sources → core → store.

For each new item: identity key → stored once → cleaned text matched against the rules →
grouped into a story. Every step after the article row is re-done at start-up for articles
that a crash left without a story, so `kill -9` at any moment loses nothing.

The fetcher only fetches; a source's feed or pages are parsed, and its new items prepared
(identity, cleanup, normalisation: pure CPU work), in the parse pool handed to the cycle, so
with fetch.parse_workers they use the other cores; they are stored in one transaction per
source; matching and grouping then run here, article by article.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from bot.app.metrics import NO_METRICS, Metrics
from bot.core.backoff import BackoffPolicy
from bot.core.cleanup import clean_text
from bot.core.events import lead_entities
from bot.core.headline import headline, lead_of
from bot.core.identity import item_key
from bot.core.match import Matcher
from bot.core.normalize import normalize
from bot.core.rules import RuleSet
from bot.core.stories import GroupingParams, StoryDoc, StoryIndex
from bot.core.urls import canonical_url
from bot.models import Article, MatchResult, RawItem, Source
from bot.settings import Settings
from bot.sources.collect import SourceOutcome, collect
from bot.sources.http import Fetcher
from bot.sources.parsepool import THREADS, ParsePool
from bot.store import FetchSuccess, SourceState, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ingested:
    article_id: int
    story_id: int
    matches: MatchResult
    new_story: bool


@dataclass(frozen=True)
class SourceReport:
    """What one source gave in one cycle (the `fetch --once` line)."""

    source_id: str
    status: Literal["new", "unchanged", "error"]
    new: int = 0
    items: int = 0
    error: str | None = None
    next_check_at: datetime | None = None
    ingested: tuple[Ingested, ...] = field(default=(), repr=False)
    warning: str | None = None  # answered but gave nothing to read (no links, no items)
    page_errors: tuple[str, ...] = ()  # article pages that failed this cycle
    waiting: int = 0  # items still waiting for their article page
    updated: int = 0  # stored articles whose source changed them (edited posts)


class _Answered:
    """A cycle's answered polls, recorded a batch at a time: one transaction for up to
    BATCH sources (or what came within FLUSH_SECONDS) rather than one per source. A source
    whose articles were stored but whose poll was not recorded yet (a crash in between) is
    polled again and finds them known."""

    BATCH = 64
    FLUSH_SECONDS = 1.0

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[FetchSuccess] = []
        self.since = 0.0
        self.failed: dict[str, str] = {}  # source id → why its answered poll went unrecorded

    def add(self, success: FetchSuccess) -> None:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(success)
        if len(self.pending) >= self.BATCH or time.monotonic() - self.since >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Record what is pending; a failure is logged with every source it concerns (their
        polls were made, their state was not recorded: they are polled again as before)."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            self.store.record_fetch_successes(batch)
        except Exception as exc:  # containment: a failed write never fails the cycle
            ids = ", ".join(f.source_id for f in batch)
            log.exception("recording %d answered poll(s) failed: %s", len(batch), ids[:2000])
            error = f"internal error: recording the poll failed: {type(exc).__name__}: {exc}"
            self.failed.update(dict.fromkeys((f.source_id for f in batch), error[:200]))

    def reported(self, reports: list[SourceReport]) -> list[SourceReport]:
        """`reports` with those whose poll went unrecorded turned into errors (their
        articles are stored; their state is not, so they are polled again)."""
        if not self.failed:
            return reports
        return [
            replace(r, status="error", error=self.failed[r.source_id])
            if r.source_id in self.failed
            else r
            for r in reports
        ]


class CycleProgress(Protocol):
    """Told how far a fetch cycle has come (the CLI's progress bar on a terminal)."""

    def start(self, total: int) -> None: ...

    def step(self, note: str = "") -> None: ...


def prepare_article(raw: RawItem, source: Source, fetched: datetime) -> tuple[Article, str, str]:
    """An item as an article row (not stored yet) with its normalised title and text."""
    title = " ".join(raw.title.split())
    text = clean_text(raw.text) or clean_text(raw.summary)
    article = Article(
        key=item_key(raw),
        source_id=source.id,
        source_name=source.display_name,
        url=canonical_url(raw.url) if raw.url else source.url,
        title=title,
        text=text,
        fetched=fetched,
        published=raw.published,
        lang=raw.lang or source.lang,
    )
    return article, normalize(title), normalize(text)


_Prepared = tuple[list[tuple[Article, str, str]], list[str]]


def prepare_articles(raws: Sequence[RawItem], source: Source, fetched: datetime) -> _Prepared:
    """prepare_article for a source's new items (runs in the parse pool): the prepared rows,
    oldest first, and a line for each item that failed, so one bad item costs only itself.
    Rows are stored, and grouped, in that order: a feed lists its newest item first, and a
    follow-up (the arrest of a bombing's suspects) grouped before the event it follows takes
    the event's reports in. Undated items come last (they are placed at the fetch time), in
    the source's order."""
    rows: list[tuple[Article, str, str]] = []
    failed: list[str] = []
    for raw in raws:
        try:
            rows.append(prepare_article(raw, source, fetched))
        except Exception as exc:
            failed.append(f"{raw.url or raw.title[:80]}: {type(exc).__name__}: {exc}"[:300])
    rows.sort(key=_seen_at)  # stable: equal times keep the source's order
    return rows, failed


def _seen_at(row: tuple[Article, str, str]) -> datetime:
    when = row[0].seen_at
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


class Pipeline:
    """Holds the store, compiled rules and the story index for one running instance."""

    def __init__(
        self,
        store: Store,
        rules: RuleSet,
        settings: Settings,
        metrics: Metrics = NO_METRICS,
        *,
        rebuild: bool = True,
    ) -> None:
        """`rebuild` off: no story index (a fetch or chat process, whose articles another
        process analyses)."""
        self.store = store
        self.metrics = metrics
        self.settings = settings
        self.rules = rules
        self.matcher = Matcher(rules)
        self.params = GroupingParams.from_settings(settings.stories)
        self.index = StoryIndex(self.params)
        self.policy = BackoffPolicy(
            max_backoff=settings.fetch.max_backoff,
            failing_after=settings.fetch.failing_after,
        )
        if rebuild:
            self._rebuild_index()

    def set_rules(self, rules: RuleSet) -> None:
        """Swap in new rules (reload); articles already matched keep their matches."""
        self.rules = rules
        self.matcher = Matcher(rules)

    def _rebuild_index(self) -> None:
        """Refill the story index from stored articles and finish what a crash left."""
        self.store.drop_empty_stories()
        latest = self.store.latest_article_time()
        if latest is None:
            return
        since = latest - timedelta(hours=self.settings.stories.window_hours)
        for article, story_id, entity_ids in self.store.articles_for_index(since):
            if story_id is None:
                self.analyse(article)  # stored, then the process died before grouping
            else:
                # the lead's entities are not stored: the rules find them again
                lead = lead_entities(self.matcher.match(article.title, article.text), article.text)
                self.index.add(self._doc(article, entity_ids, lead & entity_ids), story_id)

    def ingest(self, raw: RawItem, source: Source, fetched: datetime) -> Ingested | None:
        """Store, match and group one item; None when it was already stored."""
        if self.store.has_article(item_key(raw)):
            return None
        article, norm_title, norm_text = prepare_article(raw, source, fetched)
        article_id = self.store.add_article(article, norm_title, norm_text)
        if article_id is None:
            return None
        return self.analyse(replace(article, id=article_id))

    def analyse(self, article: Article) -> Ingested:
        """Match a stored article against the rules and group it into a story."""
        result = self._match_and_save(article)
        lead = lead_entities(result, article.text)
        return self._group(article, self._doc(article, result.entity_ids, lead), result)

    def analyse_pending(self) -> list[Ingested]:
        """Match and group every stored article still without a story, in stored order,
        and match again those an edit changed (their story stays theirs): what
        fetch_cycle(analyse=False) leaves for later."""
        return self.analyse_stored()[0]

    def analyse_stored(self) -> tuple[list[Ingested], int]:
        """analyse_pending, and how many edited articles were matched again (an edit can
        change what a story matches: instant alerts look again then too)."""
        done = [self.analyse(article) for article in self.store.unanalysed_articles()]
        return done, self._rematch(self.store.edited_articles())

    def _rematch(self, edited: Sequence[Article]) -> int:
        """Articles an edit changed, matched again with their new text; the mark cleared."""
        for article in edited:
            self._match_and_save(article)
        if edited:
            self.store.mark_matched(edited)
            log.info("%d edited article(s) matched again", len(edited))
        return len(edited)

    def _match_and_save(self, article: Article) -> MatchResult:
        assert article.id is not None
        result = self.matcher.match(article.title, article.text)
        self.store.save_matches(article.id, result)
        self.metrics.matches.labels(kind="entity").inc(len(result.entities))
        self.metrics.matches.labels(kind="topic").inc(len(result.topics))
        return result

    def _doc(self, article: Article, entity_ids: frozenset[str], lead: frozenset[str]) -> StoryDoc:
        assert article.id is not None
        return StoryDoc(
            article_id=article.id,
            source_id=article.source_id,
            lang=article.lang,
            title=article.title,
            text=article.text,
            seen_at=article.seen_at,
            entity_ids=entity_ids,
            url=article.url,
            places=frozenset(
                e
                for e in entity_ids
                if e in self.rules.entities and self.rules.entities[e].kind == "place"
            ),
            lead_entities=lead,
        )

    def _group(self, article: Article, doc: StoryDoc, result: MatchResult) -> Ingested:
        assert article.id is not None
        assignment = self.index.assign(doc)
        story_id = assignment.story_id
        new_story = story_id is None
        if story_id is None:
            story_id = self.store.create_story(article.title, lead_of(article.text), doc.seen_at)
            self.metrics.stories_created.inc()
        self.store.attach_article(
            story_id, article.id, doc.seen_at, result.entity_ids, result.topic_ids
        )
        if not new_story:  # a new article may carry a better headline
            self.store.set_story_headline(story_id, *headline(self.store.story_headlines(story_id)))
        self.index.add(doc, story_id)
        return Ingested(article.id, story_id, result, new_story)

    def sources_to_fetch(
        self, sources: Sequence[Source], now: datetime, only_due: bool = True
    ) -> list[Source]:
        """The one decision of which sources a cycle fetches: the enabled ones, and with
        `only_due` only those whose next check (interval, backoff) has come."""
        enabled = [s for s in sources if s.enabled]
        return self.store.due_sources(enabled, now) if only_due else enabled

    async def fetch_cycle(
        self,
        fetcher: Fetcher,
        chosen: Sequence[Source],
        now: datetime,
        analyse: bool = True,
        pool: ParsePool = THREADS,
        progress: CycleProgress | None = None,
    ) -> list[SourceReport]:
        """Fetch the `chosen` sources (see sources_to_fetch) concurrently; store a source's
        new articles as it finishes, and match and group them unless `analyse` is off (then
        they wait, story-less, for analyse_pending or the next start-up; the fetch benchmark
        times the two halves apart)."""
        started = time.monotonic()

        ids = [s.id for s in chosen]
        states = {state.id: state for state in self.store.source_states(ids)}  # one query
        waiting = self.store.waiting_items(ids)  # one query
        # Sources between their fetch and the end of their recording, at most: fetching
        # outruns parsing (and analysis), and each waiting source holds its body or items in
        # memory. Twice the fetch concurrency never holds a fetch slot back.
        in_hand = asyncio.Semaphore(2 * fetcher.settings.concurrency)

        async def one(source: Source) -> tuple[Source, SourceOutcome, _Prepared]:
            await in_hand.acquire()  # released once recorded, below
            try:
                return await _one(source)
            except BaseException:
                in_hand.release()
                raise

        async def _one(source: Source) -> tuple[Source, SourceOutcome, _Prepared]:
            state = states.get(source.id) or SourceState(id=source.id)
            outcome = await collect(
                fetcher,
                source,
                state.etag,
                state.last_modified,
                now,
                self.store.has_article,
                self.store.known_keys,
                lambda links: self.store.known_links(source.id, links),
                waiting.get(source.id, ()),
                pool=pool,
            )
            prepared: _Prepared = ([], [])
            if outcome.error is None and outcome.items:
                # In this source's own task, so the pool prepares many sources at once.
                try:
                    prepared = await pool.run(prepare_articles, outcome.items, source, now)
                except Exception as exc:  # e.g. a pool process died: this source only fails
                    log.exception("preparing items failed", extra={"source": source.id})
                    error = f"internal error: {type(exc).__name__}: {exc}"[:200]
                    outcome = replace(outcome, error=error, items=())
            return source, outcome, prepared

        reports: list[SourceReport] = []
        answered = _Answered(self.store)
        if progress is not None:
            progress.start(len(chosen))
        try:
            for next_done in asyncio.as_completed([one(s) for s in chosen]):
                source, outcome, prepared = await next_done
                try:
                    state = states.get(source.id) or SourceState(id=source.id)
                    had_waiting = source.id in waiting
                    reports.append(
                        await self._record(
                            source, state, had_waiting, outcome, prepared, now, analyse, answered
                        )
                    )
                except Exception as exc:  # containment: one source's failure never fails all
                    log.exception("recording failed", extra={"source": source.id})
                    error = f"internal error: {type(exc).__name__}: {exc}"[:200]
                    reports.append(SourceReport(source.id, "error", error=error))
                finally:
                    in_hand.release()
                    if progress is not None:
                        progress.step(source.id)
        finally:
            answered.flush()  # also when the cycle is cancelled: what was fetched counts
        reports = answered.reported(reports)
        self.store.close_stories(self.index.expire(now))
        reports.sort(key=lambda r: r.source_id)
        self.metrics.cycle_seconds.labels(job="fetch").observe(time.monotonic() - started)
        return reports

    async def _record(
        self,
        source: Source,
        state: SourceState,
        had_waiting: bool,
        outcome: SourceOutcome,
        prepared: _Prepared,
        now: datetime,
        analyse: bool,
        answered: _Answered,
    ) -> SourceReport:
        if outcome.error is not None:
            log.warning("fetch failed: %s", outcome.error, extra={"source": source.id})
            self.metrics.fetch_errors.labels(source=source.id).inc()
            errors = self.store.source_state(source.id).error_count + 1
            next_check = outcome.next_check(self.policy, errors)
            self.store.record_fetch_error(
                source.id, now, next_check, outcome.error, self.policy.failing_after
            )
            return SourceReport(source.id, "error", error=outcome.error, next_check_at=next_check)
        self.metrics.articles_fetched.inc(outcome.seen)
        rows, failed = prepared
        for line in failed:  # one bad item must not cost the source's other items
            log.error("ingest failed: %s", line, extra={"source": source.id})
        ids = self.store.add_articles(rows) if rows else []
        stored = [replace(a, id=i) for (a, _, _), i in zip(rows, ids, strict=True) if i is not None]
        self.metrics.articles_stored.inc(len(stored))
        ingested: list[Ingested] = []
        for article in stored if analyse else ():
            try:
                ingested.append(self.analyse(article))
            except Exception:  # the article stays story-less: start-up analyses it again
                log.exception("ingest failed", extra={"source": source.id, "url": article.url})
            await asyncio.sleep(0)  # analysis is CPU work: let other sources' I/O move on
        updated = self._apply_edits(source, outcome.edited, now, analyse) if outcome.edited else 0
        if outcome.waiting is not None:
            if outcome.waiting or had_waiting:  # most polls have none, before or after
                self.store.replace_waiting(source.id, outcome.waiting)
            self.metrics.items_waiting.labels(source=source.id).set(len(outcome.waiting))
        # A 304 says nothing new about the listing: its last warning stands.
        warning = state.warning if outcome.not_modified else outcome.warning
        for line in outcome.page_errors:
            log.warning("page failed: %s", line, extra={"source": source.id})
        if warning:
            log.warning("source gave nothing to read: %s", warning, extra={"source": source.id})
        self.metrics.page_errors.labels(source=source.id).inc(len(outcome.page_errors))
        self.metrics.source_warning.labels(source=source.id).set(1 if warning else 0)
        next_check = outcome.next_check(self.policy)
        answered.add(
            FetchSuccess(
                source.id,
                now,
                next_check,
                outcome.etag,
                outcome.last_modified,
                new_articles=len(stored),
                warning=warning,
                page_errors=outcome.page_errors,
            )
        )
        status: Literal["new", "unchanged"] = "new" if stored else "unchanged"
        return SourceReport(
            source.id,
            status,
            len(stored),
            outcome.seen,
            next_check_at=next_check,
            ingested=tuple(ingested),
            warning=warning,
            page_errors=outcome.page_errors,
            waiting=len(outcome.waiting or ()),
            updated=updated,
        )

    def _apply_edits(
        self, source: Source, edited: Sequence[RawItem], now: datetime, analyse: bool
    ) -> int:
        """Stored articles brought up to date with their edited items, matched again (their
        story stays theirs); how many changed."""
        ids = self.store.update_articles([prepare_article(i, source, now) for i in edited])
        if ids:
            log.info("%d stored articles edited", len(ids), extra={"source": source.id})
        if ids and analyse:  # else the analyser does it (analyse_pending)
            self._rematch(self.store.articles(ids))
        return len(ids)
