"""The gettext catalogs are complete, current and consistent with the English source texts.

For each domain (chalicelib/web/catalogs.py) the texts are extracted afresh from the sources with the
same mapping file `make messages` uses, and every locale's catalog must hold each of them,
translated, not fuzzy, with the same placeholders as the English text and every plural form
filled; the committed `.mo` must be the compilation of the `.po` beside it.
"""
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from chalicelib.web.catalogs import DOMAINS, LOCALE_DIR, LOCALES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [locale for locale in LOCALES if locale != "en"]  # English is the source: no catalog
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def source_messages(domain: str) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(context, singular) -> all msgid forms, as `make messages` would extract them now."""
    with open(ROOT / f"babel-{domain}.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, options_map):
        forms = message if isinstance(message, tuple) else (message,)
        if forms[0]:
            found[(context, forms[0])] = forms
    return found


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(0) != "%%")


def problems_in(domain: str, locale: str, sources: dict, locale_dir: Path = LOCALE_DIR) -> list[str]:
    po_path = locale_dir / locale / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.exists():
        return [f"{locale}/{domain}.po is missing: run `make messages`"] if sources else []
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, locale=locale)
    found = []
    for (context, singular), forms in sorted(sources.items(), key=lambda item: item[0][1]):
        message = catalog.get(singular, context=context)
        label = f"{locale}/{domain}: {singular[:60]!r}"
        if message is None:
            found.append(f"{label} is not in the catalog (run `make messages`)")
            continue
        if message.fuzzy:
            found.append(f"{label} is fuzzy")
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(translations):
            found.append(f"{label} is untranslated")
            continue
        if len(forms) > 1 and len(translations) != catalog.num_plurals:
            found.append(f"{label} has {len(translations)} plural forms, the locale needs {catalog.num_plurals}")
        expected = placeholders(forms[-1])
        for translation in translations:
            # A singular may leave out %(num)s ("one visit"), but never invent or drop another name.
            got = placeholders(translation)
            if got != expected and [p for p in got if p != "%(num)s"] != [p for p in expected if p != "%(num)s"]:
                found.append(f"{label}: placeholders {got} differ from the English {expected}")
    mo_path = po_path.with_suffix(".mo")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    if not mo_path.exists() or mo_path.read_bytes() != compiled.getvalue():
        found.append(f"{locale}/{domain}.mo is stale: run `make messages`")
    return found


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalog_translates_every_text_with_the_same_placeholders(domain):
    sources = source_messages(domain)
    found = [problem for locale in TRANSLATED for problem in problems_in(domain, locale, sources)]
    assert not found, "\n".join(found[:50]) + (f"\n... and {len(found) - 50} more" if len(found) > 50 else "")


def test_the_check_finds_a_missing_a_fuzzy_and_a_wrong_placeholder(tmp_path):
    """The check above can fail: a catalog missing one text, with a fuzzy one and a changed placeholder."""
    locale_dir = tmp_path / "locale"
    po_dir = locale_dir / "ru" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "owner.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        '#, fuzzy\nmsgid "Saved"\nmsgstr "Сохранено"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Здравствуйте, %(client)s"\n', encoding="utf-8")
    sources = {(None, "Saved"): ("Saved",), (None, "Hello %(name)s"): ("Hello %(name)s",),
               (None, "Missing"): ("Missing",)}
    found = "\n".join(problems_in("owner", "ru", sources, locale_dir))
    assert "'Saved' is fuzzy" in found
    assert "'Missing' is not in the catalog" in found
    assert "placeholders ['%(client)s'] differ" in found
    assert "owner.mo is stale" in found
