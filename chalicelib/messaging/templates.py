"""SMS bodies in six languages, dates and times in the salon's zone.

Texts are gettext entries of the `messages` domain (wording.py: a context per kind and variant,
`%(field)s` placeholders), a kind's text or variants from the fullest to the most compact,
`<kind>_late` for a late cancellation; each locale's Babel date patterns are data (wording.py). Only
the named fields ever reach a text: whatever else a caller passes (notes, allergies) is ignored.

Every part is paid for, so `render` takes the fullest variant that fits ONE segment, else the
fullest that fits MAX_SEGMENTS, trying each one also without the accents GSM-7 lacks (a Polish or
Portuguese text in UCS-2 holds 134 characters in two segments, in GSM-7 306). A reminder, sent for
every appointment, must fit one segment where it can: when no variant does, the salon's name is
shortened before a second part is accepted; only a link too long for any wording, or a script
GSM-7 lacks (Russian: 70 characters a part), still takes more (docs/channels.md has the table).

A booking confirmation repeats the money terms the salon has (`deposit` paid, `late_fee`,
`no_show_fee`: amounts as text): `booking_confirmation_terms` holds its wordings with a `%(terms)s`
slot, and each `terms_<name>` a full and a compact wording; the candidates run from the fullest
wording with the full terms to the most compact with the compact ones.
"""
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..web.catalogs import translations
from .segments import encoding, fold_to_gsm7, sms_segments
from .wording import COUNTED_BY, DATE_PATTERNS, TEXTS

logger = logging.getLogger(__name__)

KINDS = (
    "booking_confirmation",
    "cancellation_confirmation",
    "reminder",
    "noshow_policy",
    "noshow_warning",
    "booking_restricted",
    "ban_notice",
    "waitlist_offer",
    "recall",
    "reply_confirmed",
    "reply_cancelled",
    "reply_unknown",
    "payment_too_late",
    "deposit_refunded",
    "fee_payment_link",
    "reply_ambiguous",
    "sign_in_code",
)
LOCALES = ("en", "it", "pl", "pt", "es", "ru")
DEFAULT = "en"
MAX_SEGMENTS = 2
MUST_FIT = frozenset({"reminder"})  # sent to every client for every appointment: cost matters
MIN_SALON_NAME = 12  # characters a shortened salon name keeps, the ellipsis included

_HAS_LATE = frozenset({"cancellation_confirmation", "reply_cancelled"})
_TERMS = ("deposit", "late_fee", "no_show_fee")  # a confirmation's money terms, in the order told
_PLAIN = ("salon_name", "service_name", "salon_phone", "manage_url", "claim_url", "book_url", "code", "amount",
          "pay_url", *_TERMS)


def supported(locale: str | None) -> str:
    """'it', 'it-IT', 'pt_BR' -> a locale we have texts for; anything else -> English."""
    code = (locale or "").replace("-", "_").split("_")[0].strip().lower()
    return code if code in LOCALES else DEFAULT


def render(kind: str, locale: str, tz: str, **fields) -> str:
    """The SMS body of `kind` in the client's language, times in the salon's zone `tz`."""
    if kind not in KINDS:
        raise ValueError(f"unknown SMS kind {kind!r}")
    locale = supported(locale)
    key = f"{kind}_late" if kind in _HAS_LATE and fields.get("late") else kind
    variants = _translated(key, locale, fields.get(COUNTED_BY.get(kind, ""), 0))
    if kind == "booking_confirmation" and any(fields.get(name) for name in _TERMS):
        variants = _with_terms(locale, fields)
    values = _values(DATE_PATTERNS[locale], locale, ZoneInfo(tz), fields)
    candidates = [_fill(kind, variant, values) for variant in variants]
    for segments in range(1, MAX_SEGMENTS + 1):
        fitting = _first_fitting(candidates, segments)
        if fitting is None and kind in MUST_FIT:
            fitting = _shortened(kind, variants[-1], values, segments)
        if fitting is not None:
            return fitting
    if kind in MUST_FIT:
        text = _fill(kind, variants[-1], values)
        logger.warning("SMS %s (%s) takes %d segments: a %d-character link leaves no room",
                       kind, locale, sms_segments(text)[1], len(values.get("manage_url", "")))
        return text
    return min(_options(candidates), key=lambda text: sms_segments(text)[1])  # the fullest of the cheapest


def _translated(key: str, locale: str, count) -> list[str]:
    """The locale's wording of each variant (the English msgid where a catalog lacks one)."""
    catalog = translations(locale, "messages")
    return [catalog.pgettext(context, singular) if plural is None
            else catalog.npgettext(context, singular, plural, int(count or 0))
            for context, singular, plural in TEXTS[key]]



def _with_terms(locale: str, fields: dict) -> list[str]:
    """The confirmation's wordings, each with its terms in full and then compact."""
    named = [name for name in _TERMS if fields.get(name)]
    terms = {name: _translated(f"terms_{name}", locale, 0) for name in named}
    levels = min(len(wordings) for wordings in terms.values())
    return [wording.replace("%(terms)s", " ".join(terms[name][level] for name in named))
            for wording in _translated("booking_confirmation_terms", locale, 0) for level in range(levels)]


def _values(patterns: dict[str, str], locale: str, tz: ZoneInfo, fields: dict) -> dict[str, str]:
    from babel.dates import format_date, format_time

    values = {name: " ".join(str(fields[name]).split()) for name in _PLAIN if fields.get(name) is not None}
    if fields.get("hold_minutes") is not None:
        values["hold_minutes"] = str(int(fields["hold_minutes"]))
    start = fields.get("start")
    if start is not None:
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        local = start.astimezone(tz)
        values["date"] = _spaces(format_date(local, patterns["date"], locale=locale))
        values["date_short"] = _spaces(format_date(local, patterns["date_short"], locale=locale))
        values["time"] = format_time(local, "HH:mm", locale=locale)
    until = fields.get("until")
    if until is not None:
        day = until.astimezone(tz).date() if isinstance(until, datetime) else until
        if not isinstance(day, date):
            raise ValueError("until must be a date")
        values["until"] = _spaces(format_date(day, patterns["day"], locale=locale))
    return values


def _spaces(text: str) -> str:
    """CLDR puts no-break spaces in some formats ('2026 г.'): one is enough to make a text UCS-2."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _fill(kind: str, template: str, values: dict[str, str]) -> str:
    try:
        return template % values
    except KeyError as exc:
        raise ValueError(f"SMS {kind!r} needs the field {exc.args[0]!r}") from None


def _options(candidates: list[str]):
    """Each text as written, then without the accents GSM-7 lacks when that makes it GSM-7."""
    for text in candidates:
        yield text
        folded = fold_to_gsm7(text)
        if folded != text and encoding(folded) == "GSM-7":
            yield folded


def _first_fitting(candidates: list[str], segments: int = MAX_SEGMENTS) -> str | None:
    return next((text for text in _options(candidates) if sms_segments(text)[1] <= segments), None)


def _shortened(kind: str, template: str, values: dict[str, str], segments: int) -> str | None:
    """The most compact wording with the salon's name cut (to MIN_SALON_NAME at the least) until
    the text fits `segments`; None when no cut is enough."""
    name = values.get("salon_name", "")
    for keep in range(len(name) - 1, MIN_SALON_NAME - 1, -1):
        short = name[: keep - 1].rstrip() + "…"
        fitting = _first_fitting([_fill(kind, template, {**values, "salon_name": short})], segments)
        if fitting is not None:
            return fitting
    return None


def field_values(locale: str, tz: str, **fields) -> dict[str, str]:
    """The named fields as a text shows them in `locale` (dates in the salon's zone `tz`): what
    another channel's wording (an e-mail, a WhatsApp template's parameters) is filled with."""
    locale = supported(locale)
    return _values(DATE_PATTERNS[locale], locale, ZoneInfo(tz), fields)


def full_text(kind: str, locale: str, tz: str, **fields) -> str:
    """The fullest wording of `kind`, accents kept: an e-mail has no segments to save."""
    locale = supported(locale)
    key = f"{kind}_late" if kind in _HAS_LATE and fields.get("late") else kind
    fullest = _translated(key, locale, fields.get(COUNTED_BY.get(kind, ""), 0))[0]
    return _fill(kind, fullest, _values(DATE_PATTERNS[locale], locale, ZoneInfo(tz), fields))
