"""GSM-7 fit, measured: every SMS kind in every language, rendered as it leaves with a short link,
and how many parts it takes; also the fewest any of its wordings could take without accents.
The table in docs/channels.md is this measurement; the test fails when the two disagree, and
prints the table to paste (`pytest tests/unit/test_sms_fit.py -q`)."""
import re
from datetime import UTC, date, datetime
from pathlib import Path

from chalicelib.domain.outbox import LINK_PLACEHOLDER
from chalicelib.messaging import templates
from chalicelib.messaging.segments import encoding, fold_to_gsm7, sms_segments

DOC = Path(__file__).resolve().parents[2] / "docs" / "channels.md"
SHORT = "https://bk.example"  # a short booking domain: the link is 21 + 43 characters
FIELDS = {"salon_name": "Studio Demo", "service_name": "Taglio donna", "salon_phone": "+39 06 1234 5678",
          "manage_url": f"{SHORT}/m/{LINK_PLACEHOLDER}", "claim_url": f"{SHORT}/claim/{LINK_PLACEHOLDER}",
          "book_url": f"{SHORT}/book/demo", "pay_url": f"{SHORT}/pay/{LINK_PLACEHOLDER}", "code": "123456",
          "amount": "20,00 €", "hold_minutes": 30, "start": datetime(2026, 4, 15, 8, 0, tzinfo=UTC),
          "until": date(2026, 7, 1)}


def fewest_parts(kind: str, locale: str) -> int:
    """The fewest parts any wording of the kind could take, accents folded where that makes it GSM-7."""
    variants = templates._translated(kind, locale, FIELDS["hold_minutes"])
    values = templates.field_values(locale, "Europe/Rome", **FIELDS)
    best = 99
    for variant in variants:
        text = variant % values
        folded = fold_to_gsm7(text)
        for option in (text, folded) if encoding(folded) == "GSM-7" else (text,):
            best = min(best, sms_segments(option)[1])
    return best


def measure() -> list[tuple[str, str, int, str, int]]:
    """(kind, locale, parts as sent, encoding as sent, fewest possible) for every kind and language."""
    rows = []
    for kind in templates.KINDS:
        for locale in templates.LOCALES:
            sent = templates.render(kind, locale, "Europe/Rome", **FIELDS)
            enc, parts = sms_segments(sent)
            rows.append((kind, locale, parts, enc, fewest_parts(kind, locale)))
    return rows


def table(rows) -> str:
    lines = ["| kind | " + " | ".join(templates.LOCALES) + " |", "|---|" + "---|" * len(templates.LOCALES)]
    for kind in templates.KINDS:
        cells = []
        for _, _, parts, enc, fewest in (r for r in rows if r[0] == kind):
            cell = f"{parts}" + (" UCS-2" if enc != "GSM-7" else "")
            cells.append(cell + (f" (could be {fewest})" if fewest < parts else ""))
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def documented() -> str:
    match = re.search(r"<!-- sms-fit -->\n(.*?)\n<!-- /sms-fit -->", DOC.read_text("utf-8"), re.S)
    assert match, "docs/channels.md has no sms-fit table"
    return match.group(1).strip()


def test_the_documented_fit_table_is_the_measurement():
    measured = table(measure())
    print("\n" + measured)
    assert documented() == measured


def test_a_short_link_keeps_every_text_within_three_parts_and_a_reminder_could_fit_one_in_latin_scripts():
    rows = measure()
    assert all(parts <= 3 for _, _, parts, _, _ in rows)
    assert all(fewest == 1 for kind, locale, _, _, fewest in rows if kind == "reminder" and locale != "ru")
    assert all(enc == "UCS-2" for _, locale, _, enc, _ in rows if locale == "ru")  # Cyrillic: never GSM-7
