"""Every string of the interface is translated in all five catalogues (English, 简体中文, 繁體中文, 日本語, 한국어)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tongwen.web.i18n import LANGUAGES, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]


def interface_strings() -> set[str]:
    with (LOCALES_DIR / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {message for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map)
            if isinstance(message, str)}


def test_the_interface_has_strings_to_translate():
    strings = interface_strings()
    assert "Search the collections" in strings and len(strings) > 100


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_every_interface_string_is_translated(language):
    with (LOCALES_DIR / language.babel / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language.babel)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(interface_strings() - translated.keys())
    assert not missing, f"{language.label}: {len(missing)} untranslated, e.g. {missing[:5]}"
    for msgid, text in translated.items():
        for placeholder in ("%(count)s", "%(id)s", "%(name)s", "%(page)s", "%(pages)s", "%(code)s"):
            if placeholder in msgid:
                assert placeholder in text, f"{language.label}: {msgid!r} lost {placeholder}"
