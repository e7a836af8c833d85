"""The pages and the API over a demo database (real server on loopback, real SQLite): what
each shows, the filters, evidence highlighting, search errors, feeds, and hostile text."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET

import httpx
import pytest

from bot.store import Store
from bot.web.deps import WebDeps
from tests.web.site import HOSTILE_TITLE

Site = tuple[str, Store, WebDeps]


def get(site: Site, path: str, **kw: object) -> httpx.Response:
    return httpx.get(site[0] + path, timeout=10, **kw)  # type: ignore[arg-type]


def multi_outlet(site: Site) -> dict[str, object]:
    stories = get(site, "/api/stories").json()
    return next(s for s in stories if len(s["outlets"]) >= 2)


def test_api_stories_and_home_page_name_the_same_story(site: Site) -> None:
    story = multi_outlet(site)
    assert set(story) >= {"id", "title", "lead", "first_seen", "last_seen", "topics", "entities"}
    page = get(site, "/")
    assert page.status_code == 200
    assert str(story["title"]) in html.unescape(page.text)
    for outlet in story["outlets"]:  # type: ignore[attr-defined]
        assert page.text.count(f'href="{html.escape(outlet["url"])}"') >= 1


def test_filters_narrow_the_stories(site: Site) -> None:
    every = get(site, "/api/stories").json()
    drones = get(site, "/api/stories", params={"topic": "drones"}).json()
    assert drones and len(drones) < len(every)
    assert all("drones" in s["topics"] for s in drones)
    persian = get(site, "/api/stories", params={"lang": "fa"}).json()
    assert persian and all(s["id"] in {e["id"] for e in every} for s in persian)
    by_source = get(site, "/api/stories", params={"source": "pegah"}).json()
    assert by_source and all(any("pegah" in o["url"] for o in s["outlets"]) for s in by_source)
    assert get(site, "/api/stories", params={"since": "1m"}).json() == []
    bad = get(site, "/api/stories", params={"since": "soon"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]
    page = get(site, "/", params={"topic": "drones"})
    assert page.status_code == 200 and 'class="trend"' in page.text


def test_story_page_highlights_evidence(site: Site) -> None:
    story = multi_outlet(site)
    detail = get(site, f"/api/stories/{story['id']}").json()
    assert len(detail["articles"]) >= 2
    matched = [m for a in detail["articles"] for m in a["entities"] + a["topics"]]
    assert matched and all(m["evidence"] for m in matched)
    page = get(site, f"/stories/{story['id']}")
    assert page.status_code == 200 and "<mark" in page.text
    surface = matched[0]["evidence"][0]["surface"]
    assert f">{surface}</mark>" in html.unescape(page.text)
    assert get(site, "/stories/999999").status_code == 404
    assert get(site, "/api/stories/999999").status_code == 404


def test_search_finds_articles_and_points_at_errors(site: Site) -> None:
    found = get(site, "/api/search", params={"q": "@nasirzadeh"}).json()
    assert found and all({"title", "url", "source"} <= set(a) for a in found)
    bad = get(site, "/api/search", params={"q": "drone AND (sanctions"})
    assert bad.status_code == 400
    assert bad.json()["column"] == 11 and bad.json()["caret"].endswith("^")
    page = get(site, "/search", params={"q": "drone AND (sanctions"})
    assert page.status_code == 400
    assert "column 11" in page.text and "\n          ^" in page.text
    assert get(site, "/api/search").status_code == 400


def test_sources_failing_first(site: Site) -> None:
    sources = get(site, "/api/sources").json()
    assert sources[0]["id"] == "rogue" and sources[0]["status"] == "failing"
    assert all(s["status"] == "ok" and s["articles_stored"] > 0 for s in sources[1:])
    page = get(site, "/sources").text
    assert page.index("status-failing") < page.index("status-ok")
    assert "HTTP 503 &lt;b&gt;from&lt;/b&gt; upstream" in page


def test_rules_and_the_test_form(site: Site) -> None:
    rules = get(site, "/api/rules").json()
    assert rules["topics"] and rules["entities"]
    entity = rules["entities"][0]
    alias = entity["aliases"][0]
    sent = httpx.post(
        site[0] + "/api/rules/test",
        json={"title": "A note", "text": f"Yesterday {alias} spoke at length."},
        timeout=10,
    )
    assert sent.status_code == 200
    hit = next(m for m in sent.json()["entities"] if m["id"] == entity["id"])
    assert hit["evidence"][0]["field"] == "text"
    page = get(site, f"/rules/entity/{entity['id']}")
    assert page.status_code == 200 and alias in html.unescape(page.text)
    assert get(site, "/rules/topic/no-such-topic").status_code == 404


def test_channels_and_their_feeds(site: Site) -> None:
    channels = get(site, "/api/channels").json()
    analysts = next(c for c in channels if c["id"] == "analysts")
    assert analysts["paused"] is False and analysts["subscriptions"]
    atom = get(site, "/feeds/analysts.xml")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(atom.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries
    feed = get(site, "/feeds/analysts.json")
    body = json.loads(feed.text)
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert len(body["items"]) == len(entries)
    assert get(site, "/feeds/nobody.xml").status_code == 404


@pytest.mark.parametrize("path", ["/", "/sources", "/search?q=Kestrel"])
def test_hostile_text_is_inert(site: Site, path: str) -> None:
    page = get(site, path)
    assert "<script>window" not in page.text and "<img src=x" not in page.text
    assert "javascript:" not in page.text.replace("javascript:x", "")
    assert "\u202e" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src" not in page.headers["content-security-policy"]


def test_hostile_story_page(site: Site) -> None:
    story = next(s for s in get(site, "/api/stories").json() if s["title"] == HOSTILE_TITLE)
    page = get(site, f"/stories/{story['id']}")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page.text
    assert 'href="javascript:' not in page.text and "<script>" not in page.text
    assert "\u202e" not in page.text


def test_stories_in_a_language_and_a_channels_feed_read_in_that_language(site: Site) -> None:
    """The Moscow visit story was first reported in Arabic and also by an English outlet: the
    stories page filtered to English and the English channel's feed show the English
    headline; the Arabic channel's feed shows its stories' Arabic headlines."""
    english = "Iran's defence chief lands in Moscow"
    page = html.unescape(get(site, "/", params={"lang": "en"}).text)
    assert english in page
    titles = [i["title"] for i in get(site, "/feeds/analysts.json").json()["items"]]
    assert any(t.startswith(english) for t in titles), titles
    arabic = [i["title"] for i in get(site, "/feeds/sanctions-desk.json").json()["items"]]
    assert any(t.startswith("الاتحاد الأوروبي يفرض") for t in arabic), arabic
