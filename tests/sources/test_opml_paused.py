"""OPML export marks a source that does not run (`newswatch:paused="true"`, in newswatch's
own namespace), import adds it paused, so an export → import → export round trip keeps the
pause; a plain OPML reader (the standard library's, knowing nothing of newswatch) still reads
every feed of the file."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.opml import NAMESPACE, parse_opml
from bot.sources.kinds import DEFAULT_KIND, opml_forms

SOURCES = """\
sources:
  - {id: tidewatch, url: "https://tidewatch.example/rss.xml"}
  - {id: saltmarsh, url: "https://saltmarsh.example/atom.xml", lang: en}
  - {id: dunes, url: "https://dunes.example/feed.xml", enabled: false}
"""


def _config(folder: Path, sources: str = "") -> Path:
    folder.mkdir()
    path = folder / "newswatch.yaml"
    path.write_text(f"database: nw.db\nrules: []\n{sources}", encoding="utf-8")
    return path


def _states(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[str, str]]:
    """url → (state, paused_by) as `sources list` reports them."""
    capsys.readouterr()
    assert main(["sources", "list", "--json", "--config", str(config)]) == 0
    rows = json.loads(capsys.readouterr().out)
    return {r["url"]: (r["state"], r["paused_by"]) for r in rows}


def test_a_paused_source_stays_paused_through_export_and_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _config(tmp_path / "first", SOURCES)
    assert main(["sources", "pause", "saltmarsh", "--config", str(first)]) == 0
    exported = tmp_path / "out.opml"
    assert main(["sources", "export", "--config", str(first), "-o", str(exported)]) == 0
    text = exported.read_text(encoding="utf-8")
    assert f'xmlns:newswatch="{NAMESPACE}"' in text and text.count('newswatch:paused="true"') == 2

    # a plain reader: every feed is there, the mark is an attribute it may ignore
    outlines = ElementTree.parse(exported).getroot().iter("outline")
    plain = {o.get("xmlUrl"): o.get("type") for o in outlines}
    assert plain == {
        "https://tidewatch.example/rss.xml": "rss",
        "https://saltmarsh.example/atom.xml": "rss",
        "https://dunes.example/feed.xml": "rss",
    }

    second = _config(tmp_path / "second")  # no sources of its own: all from the OPML
    capsys.readouterr()
    assert main(["sources", "import", str(exported), "--config", str(second)]) == 0
    out = capsys.readouterr().out
    assert "3 added" in out and out.count("(paused)") == 2
    assert _states(second, capsys) == {
        "https://tidewatch.example/rss.xml": ("running", None),
        "https://saltmarsh.example/atom.xml": ("paused", "cli"),
        "https://dunes.example/feed.xml": ("paused", "cli"),  # disabled by the first's file
    }
    again = tmp_path / "again.opml"
    assert main(["sources", "export", "--config", str(second), "-o", str(again)]) == 0
    assert again.read_text(encoding="utf-8").count('newswatch:paused="true"') == 2

    # resumed, it runs; importing the file again leaves a known source as it is
    saltmarsh = "https://saltmarsh.example/atom.xml"
    assert main(["sources", "resume", saltmarsh, "--config", str(second)]) == 0
    assert main(["sources", "import", str(exported), "--config", str(second)]) == 0
    assert _states(second, capsys)[saltmarsh] == ("running", None)


def test_the_mark_is_read_by_namespace_not_by_prefix() -> None:
    data = (
        f'<?xml version="1.0"?><opml version="2.0" xmlns:nw="{NAMESPACE}"><body>'
        '<outline text="Reef Gazette" type="rss" xmlUrl="https://reef.example/rss"'
        ' nw:paused="true"/>'
        '<outline text="Lagoon Daily" type="rss" xmlUrl="https://lagoon.example/rss"'
        ' paused="true"/>'
        '<outline text="Cape Herald" type="rss" xmlUrl="https://cape.example/rss"'
        ' xmlns:other="urn:another:reader" other:paused="true"/>'
        "</body></opml>"
    ).encode()
    read = parse_opml(data, opml_forms(), DEFAULT_KIND)
    assert [(o.source.name, o.paused) for o in read] == [
        ("Reef Gazette", True),
        ("Lagoon Daily", False),  # not newswatch's attribute
        ("Cape Herald", False),
    ]
