"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright (no browser
download). Each page is opened over the demo database and saved as a PNG under this test's
output folder; the filters and the rule test form are used; the hostile story runs no script.

Without a Chromium these tests are skipped with the reason, unless BROWSER_TESTS
is `required` (CI sets it after installing the browser), when they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.models import StoryFilter
from bot.store import Store
from bot.web.deps import WebDeps

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("BROWSER_TESTS") == "required"

sync_api: Any
try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - dev machines without the dev extra
    sync_api = None

if sync_api is None or not Path(CHROMIUM).exists():
    reason = f"no browser: Chromium at {CHROMIUM} and Playwright are both needed"
    if REQUIRED:
        raise RuntimeError(reason + " (BROWSER_TESTS=required)")
    pytest.skip(reason + "; apt-get install chromium", allow_module_level=True)

Site = tuple[str, Store, WebDeps]
ARABIC = re.compile(r"^[^A-Za-z\u0600-\u06ff]*[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda d: errors.append("dialog: " + d.message))
    # CSP refusals and script errors show here; failed loads are judged by status below
    pg.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and errors.append(m.text)
        ),
    )
    pg.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
    assert not errors, errors


def shot(page: Any, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 2000
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def test_every_page_opens_and_is_saved(page: Any, site: Site, out: Path) -> None:
    base = site[0]
    for name, path in [
        ("stories", "/"),
        ("sources", "/sources"),
        ("rules", "/rules"),
        ("channels", "/channels"),
        ("search", "/search?q=%40nasirzadeh"),
        ("search-error", "/search?q=drone+AND+%28sanctions"),
        ("rule-topic", "/rules/topic/drones"),
    ]:
        response = page.goto(base + path)
        assert response.status in (200, 400), (path, response.status)
        assert page.locator("nav a.brand").is_visible()
        # readable on a phone: nothing wider than the viewport
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, (path, width)
        shot(page, out, name)


def _direction(locator: Any) -> str:
    return str(locator.evaluate("e => getComputedStyle(e).direction"))


def test_arabic_story_reads_right_to_left(page: Any, site: Site, out: Path) -> None:
    story = max(site[1].find_stories(_all(), 100), key=lambda s: len(s.outlets))
    assert ARABIC.match(story.title)
    page.goto(f"{site[0]}/stories/{story.id}")
    assert _direction(page.locator("h1")) == "rtl"
    assert page.locator("mark").count() > 0
    titles = page.locator("section.article h3")
    assert titles.count() == len(story.article_ids)
    for i in range(titles.count()):  # each item takes its own direction (dir="auto")
        want = "rtl" if ARABIC.match(titles.nth(i).inner_text()) else "ltr"
        assert _direction(titles.nth(i)) == want
        assert _direction(page.locator("div.text").nth(i)) == want
    shot(page, out, "story-arabic")


def test_filters_narrow_the_list(page: Any, site: Site, out: Path) -> None:
    page.goto(site[0] + "/")
    before = page.locator("article.story").count()
    page.select_option("select[name=topic]", "drones")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?topic=drones*")
    after = page.locator("article.story").count()
    assert 0 < after < before
    assert page.locator("svg.trend").count() == 1
    shot(page, out, "stories-filtered")


def test_rule_test_form_highlights_matches(page: Any, site: Site, out: Path) -> None:
    rules = site[2].rules()
    entity = next(iter(rules.entities.values()))
    page.goto(site[0] + "/rules")
    page.fill("input[name=title]", "Morning briefing")
    page.fill("textarea[name=text]", f"Analysts say {entity.aliases[0]} met the delegation today.")
    page.click("form.test button[type=submit]")
    page.wait_for_selector("div.result")
    assert page.locator("div.result mark").first.inner_text().strip() != ""
    assert f"@{entity.id}" in page.locator("div.result mark").first.get_attribute("title")
    shot(page, out, "rules-tested")


def test_hostile_story_runs_no_script(page: Any, site: Site, out: Path) -> None:
    story = next(s for s in site[1].find_stories(_all(), 100) if s.title.startswith("<script>"))
    page.goto(site[0] + "/")
    page.goto(f"{site[0]}/stories/{story.id}")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned = 1</script>" in page.locator("h1").inner_text()
    assert page.locator("a[href^='javascript:']").count() == 0
    shot(page, out, "story-hostile")


def _all() -> StoryFilter:
    return StoryFilter()
