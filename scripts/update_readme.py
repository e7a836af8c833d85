"""Regenerate the README's settings table from the settings table (bot.settings.SETTINGS)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import settings_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    block = f"<!-- settings-table -->\n{settings_markdown()}\n<!-- /settings-table -->"
    text = re.sub(r"<!-- settings-table -->\n.*?<!-- /settings-table -->", block, text, flags=re.S)
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
