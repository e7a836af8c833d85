"""Rules applied again to stored articles: after a rule change, stored stories carry the tags
the new rules give them.

Each article seen since a time (and already in a story) is matched again; its matches are
replaced when they differ, and each story with a changed article gets the union of its
articles' matches as its tags (a new topic tags it; a removed one no longer does). A story
that now matches a channel's subscription it did not match before would go out in that
channel's next digest or instant batch as if it were news; unless `alert` is set it is
recorded as delivered instead (with its outlets now, so later outlets still show as an
update), and old stories do not alert again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.digest import route
from bot.core.match import Matcher
from bot.core.rules import RuleSet
from bot.models import MatchResult, Story
from bot.store import Store


@dataclass(frozen=True)
class ApplyReport:
    articles: int  # matched again
    changed: int  # whose matches changed
    stories: int  # whose tags changed
    held: int  # (channel, story) pairs newly subscribed, recorded as delivered (no alert)
    alerting: int  # such pairs left for the next digest or instant batch (--alert)


def _ids(result: MatchResult) -> tuple[frozenset[str], frozenset[str]]:
    return result.entity_ids, result.topic_ids


def apply_rules(
    store: Store, rules: RuleSet, since: datetime, now: datetime, alert: bool = False
) -> ApplyReport:
    """Match stored articles seen since `since` again and retag their stories."""
    matcher = Matcher(rules)
    touched: set[int] = set()
    articles = changed = 0
    for article, story_id, _ in store.articles_for_index(since):
        if story_id is None or article.id is None:
            continue  # not analysed yet: the pipeline matches it with the current rules
        articles += 1
        result = matcher.match(article.title, article.text)
        if _ids(result) != _ids(store.matches_for(article.id)):
            store.save_matches(article.id, result)
            changed += 1
            touched.add(story_id)
    priorities = {k: t.priority for k, t in rules.topics.items()}
    channels = store.channels()
    delivered = {c.id: store.delivered_outlets(c.id) for c in channels}
    stories = held = alerting = 0
    for story_id in sorted(touched):
        before = store.story(story_id)
        if before is None:
            continue
        after = _retagged(store, before)
        if (after.entity_ids, after.topic_ids) == (before.entity_ids, before.topic_ids):
            continue
        store.retag_story(story_id, after.entity_ids, after.topic_ids)
        stories += 1
        for channel in channels:
            if story_id in delivered[channel.id]:
                continue
            if route(before, channel, priorities) or not route(after, channel, priorities):
                continue
            if alert:
                alerting += 1
            else:
                store.record_delivered(channel.id, {story_id: len(after.outlets)}, now)
                held += 1
    return ApplyReport(articles, changed, stories, held, alerting)


def _retagged(store: Store, story: Story) -> Story:
    """The story with the union of its articles' stored matches as its tags."""
    entities: set[str] = set()
    topics: set[str] = set()
    for article_id in story.article_ids:
        result = store.matches_for(article_id)
        entities |= result.entity_ids
        topics |= result.topic_ids
    return replace(story, entity_ids=tuple(sorted(entities)), topic_ids=tuple(sorted(topics)))
