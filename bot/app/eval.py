"""`newswatch eval FOLDER`: run the real pipeline over a labelled corpus and score it.

The corpus format is ../shared/corpus/FORMAT.md: articles.jsonl, rules.yaml, labels.yaml.
Every article goes through `Pipeline.ingest` on a throw-away store, as a live item would
(an `html` article through the page extractor first), so the scores measure the code that
serves users: cleanup, matching and story grouping together.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.app.evalscore import prf, score, story_scores, table
from bot.config import load_config
from bot.core.rules import RulesError, RuleSet, parse_rules
from bot.core.yamlpos import Document, YamlFileError, load_document
from bot.models import MatchResult, RawItem, Source

if TYPE_CHECKING:
    from bot.app.ingest import CycleProgress


class CorpusError(Exception):
    """The corpus cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    url: str
    source: str
    line: int
    title: str = ""
    text: str | None = None
    html: str | None = None
    published: datetime | None = None
    lang: str | None = None
    fetched: datetime | None = None  # when the outlet was fetched, if the corpus says


@dataclass
class Corpus:
    articles: list[CorpusArticle]
    rules: RuleSet
    stories: dict[str, list[str]]  # story label → article ids
    mentions: dict[str, set[str]] = field(default_factory=dict)
    topics: dict[str, set[str]] = field(default_factory=dict)


def _parse_time(value: Any, where: str, key: str = "published") -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CorpusError(f"{where}: `{key}` must be an ISO 8601 string or null")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CorpusError(f"{where}: `{key}` is not ISO 8601: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_articles(path: Path) -> list[CorpusArticle]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from None
    out: list[CorpusArticle] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise CorpusError(f"{where}: expected a JSON object")
        for key in ("id", "url", "source"):
            if not isinstance(obj.get(key), str) or not obj[key]:
                raise CorpusError(f"{where}: `{key}` is required (a string)")
        text, html = obj.get("text"), obj.get("html")
        if not isinstance(text, str) and not isinstance(html, str):
            raise CorpusError(f"{where}: one of `text` or `html` is required")
        if obj["id"] in seen:
            raise CorpusError(
                f"{where}: duplicate id {obj['id']!r} (first at line {seen[obj['id']]})"
            )
        seen[obj["id"]] = n
        title = obj.get("title")
        out.append(
            CorpusArticle(
                id=obj["id"],
                url=obj["url"],
                source=obj["source"],
                line=n,
                title=title if isinstance(title, str) else "",
                text=text if isinstance(text, str) else None,
                html=html if isinstance(html, str) and not isinstance(text, str) else None,
                published=_parse_time(obj.get("published"), where),
                fetched=_parse_time(obj.get("fetched"), where, "fetched"),
                lang=obj["lang"] if isinstance(obj.get("lang"), str) else None,
            )
        )
    if not out:
        raise CorpusError(f"{path}: no articles")
    return out


def _id_lists(doc: Document, key: str, known: set[str]) -> dict[str, list[str]]:
    value = doc.value.get(key) if isinstance(doc.value, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        line, _ = doc.where((key,))
        raise CorpusError(f"{doc.file}:{line}: `{key}` must be a mapping")
    out: dict[str, list[str]] = {}
    for name, ids in value.items():
        line, _ = doc.where((key, name))
        if ids is None:
            ids = []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise CorpusError(f"{doc.file}:{line}: `{key}.{name}` must be a list of ids")
        out[str(name)] = ids
        if known is not None and key != "stories" and name not in known:
            raise CorpusError(f"{doc.file}:{line}: unknown article id {name!r}")
    return out


def read_labels(
    path: Path, ids: list[str]
) -> tuple[dict[str, list[str]], dict[str, set[str]], dict[str, set[str]]]:
    try:
        doc = load_document(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from None
    except YamlFileError as exc:
        raise CorpusError(str(exc)) from None
    known = set(ids)
    stories = _id_lists(doc, "stories", known)
    placed: dict[str, str] = {}
    for name, members in stories.items():
        line, _ = doc.where(("stories", name))
        for a in members:
            if a not in known:
                raise CorpusError(f"{path}:{line}: unknown article id {a!r} in story {name!r}")
            if a in placed:
                raise CorpusError(f"{path}:{line}: {a!r} is in stories {placed[a]!r} and {name!r}")
            placed[a] = name
    for a in ids:  # an article no story lists stands alone
        if a not in placed:
            stories[f"(alone) {a}"] = [a]
    mentions = {k: set(v) for k, v in _id_lists(doc, "mentions", known).items()}
    topics = {k: set(v) for k, v in _id_lists(doc, "topics", known).items()}
    return stories, mentions, topics


def load_corpus(folder: Path) -> Corpus:
    """Read and validate a corpus folder; raise CorpusError naming file and line."""
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    articles = read_articles(folder / "articles.jsonl")
    rules_path = folder / "rules.yaml"
    try:
        rules = parse_rules([(str(rules_path), rules_path.read_text(encoding="utf-8"))])
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{rules_path}: cannot read: {exc}") from None
    except RulesError as exc:
        raise CorpusError(str(exc)) from None
    stories, mentions, topics = read_labels(folder / "labels.yaml", [a.id for a in articles])
    return Corpus(articles, rules, stories, mentions, topics)


def source_of(article: CorpusArticle) -> Source:
    slug = re.sub(r"[^a-z0-9]+", "-", article.source.lower()).strip("-")
    if not slug:
        slug = "src-" + hashlib.sha1(article.source.encode()).hexdigest()[:10]
    parts = urlsplit(article.url)
    home = f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else article.url
    return Source(id=slug, url=home, name=article.source)


def fetch_times(
    raws: Sequence[RawItem], given: Sequence[datetime | None], now: datetime
) -> list[datetime]:
    """When a crawler polling the outlets would have fetched each article, the time the live
    path records and groups an undated article by: the corpus's `fetched` when it gives one;
    a dated article when it was published (sources are polled every few minutes); an undated
    one when the crawler reached it, the date of the dated article before it in the corpus
    (the one after it when none is before; `now` when the corpus has no date at all). One
    time for every article (the newest date, as before) put an undated report of an old
    event outside its story's window."""
    known = [g or r.published for g, r in zip(given, raws, strict=True)]
    out: list[datetime | None] = []
    last: datetime | None = None
    for t in known:
        last = t or last
        out.append(t or last)
    following = next((t for t in out if t is not None), now)
    return [t or following for t in out]


def raw_item(article: CorpusArticle, source: Source) -> RawItem:
    """The RawItem a fetcher would have produced (html through the page extractor)."""
    title, text, published, lang = (
        article.title,
        article.text or "",
        article.published,
        article.lang,
    )
    if article.html is not None:
        pages: Any = importlib.import_module("bot.sources.pages")
        page = pages.extract_article(article.html.encode("utf-8"), article.url)
        title = page.title or title
        text = page.text
        published = page.published or published
        lang = page.lang or lang
    return RawItem(
        source_id=source.id,
        title=title,
        url=article.url,
        guid=f"corpus:{article.id}",
        text=text,
        published=published,
        lang=lang,
    )


@dataclass
class Predicted:
    result: MatchResult
    story: str


def run_pipeline(
    corpus: Corpus, progress: CycleProgress | None = None, listed_order: bool = False
) -> dict[str, Predicted]:
    """Ingest every article through the real pipeline on a temporary store (`progress` is
    told the number of articles, then each one done), by fetch time; in the corpus's own
    order with `listed_order` (tests of other arrival orders)."""
    from bot.app.assembly import assemble  # imported late to keep eval light

    config = load_config(None, env={})
    sources = [source_of(a) for a in corpus.articles]
    raws = [raw_item(a, s) for a, s in zip(corpus.articles, sources, strict=True)]
    times = fetch_times(raws, [a.fetched for a in corpus.articles], datetime.now(UTC))
    out: dict[str, Predicted] = {}
    with tempfile.TemporaryDirectory(prefix="newswatch-eval-") as tmp:
        instance = assemble(config, Path(tmp) / "eval.db", corpus.rules)
        pipeline = instance.pipeline
        if progress is not None:
            progress.start(len(corpus.articles))
        # replayed as a crawler meets them, by when each would have been fetched (the
        # corpus's order only among equal times): a corpus may list its articles story by
        # story, and an arrest must not come in before the bombing it follows
        order = (
            range(len(raws)) if listed_order else sorted(range(len(raws)), key=times.__getitem__)
        )
        try:
            for i in order:
                article, source, raw, fetched = corpus.articles[i], sources[i], raws[i], times[i]
                done = pipeline.ingest(raw, source, fetched)
                if done is None:
                    out[article.id] = Predicted(MatchResult(), f"(not stored) {article.id}")
                else:
                    out[article.id] = Predicted(done.matches, str(done.story_id))
                if progress is not None:
                    progress.step(article.id)
        finally:
            instance.close()
    return out


__all__ = ["CorpusError", "evaluate", "load_corpus", "prf", "story_scores", "table"]


def evaluate(folder: Path, progress: CycleProgress | None = None) -> dict[str, Any]:
    """Load, run and score a corpus folder."""
    corpus = load_corpus(folder)
    return score(corpus, run_pipeline(corpus, progress))
