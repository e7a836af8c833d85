"""The bot's own words exist in all four languages: every key of the commands' catalogue and
of the delivery catalogue has its English, Arabic, Persian and Russian text (a missing one
would fall back to English in that channel), every command its help in each, with the same
placeholders as the English; Persian is written with Persian letters and Arabic with Arabic
ones (ی ک against ي ك), as a reader of each expects."""

from __future__ import annotations

import string
from collections.abc import Mapping

import pytest

from bot.core.commands import visible
from bot.core.commands.texts import CATALOGUES, HELP
from bot.core.i18n import CATALOGUE, LANGUAGES

TABLES: dict[str, Mapping[str, Mapping[str, str]]] = {
    "commands (bot.core.commands.texts)": CATALOGUES,
    "delivery (bot.core.i18n)": CATALOGUE,
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("table", TABLES)
def test_every_key_is_written_in_every_language(table: str) -> None:
    catalogue = TABLES[table]
    assert set(catalogue) == set(LANGUAGES)
    keys = set().union(*(set(texts) for texts in catalogue.values()))
    missing = [
        f"{lang}: {key}"
        for lang in LANGUAGES
        for key in sorted(keys)
        if not catalogue[lang].get(key, "").strip()
    ]
    assert not missing, f"{table}: texts missing (shown in English instead):\n" + "\n".join(missing)


@pytest.mark.parametrize("table", TABLES)
def test_translations_fill_in_the_same_values_as_the_english(table: str) -> None:
    catalogue = TABLES[table]
    differ = [
        f"{lang}: {key}: {sorted(_fields(text))} against {sorted(_fields(catalogue['en'][key]))}"
        for lang in LANGUAGES
        for key, text in catalogue[lang].items()
        if key in catalogue["en"] and _fields(text) != _fields(catalogue["en"][key])
    ]
    assert not differ, "\n".join(differ)


def test_every_command_has_its_help_in_every_language() -> None:
    names = {c.name for c in visible()}
    assert "source" in names
    missing = [
        f"{lang}: {name}" for lang in sorted(HELP) for name in sorted(names - set(HELP[lang]))
    ]
    assert set(HELP) == set(LANGUAGES) - {"en"}  # English help is each command's docstring
    assert not missing, "help missing:\n" + "\n".join(missing)


ARABIC_ONLY, PERSIAN_ONLY = "يك", "یک"  # ye and kaf: Arabic's, and Persian's


def test_persian_is_written_with_persian_letters_and_arabic_with_arabic() -> None:
    def texts(lang: str) -> list[tuple[str, str]]:
        tables = [*(t[lang] for t in TABLES.values()), HELP[lang]]
        return [(key, text) for table in tables for key, text in table.items()]

    wrong = [f"fa: {key}: {text}" for key, text in texts("fa") if set(text) & set(ARABIC_ONLY)]
    wrong += [f"ar: {key}: {text}" for key, text in texts("ar") if set(text) & set(PERSIAN_ONLY)]
    assert not wrong, "\n".join(wrong)
