"""UI texts per locale (JSON files in i18n/, English fallback per key) and locale-aware
formatting. Babel is imported inside the functions: it is heavy and a cold start rarely needs it."""
import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

LOCALES = ("en", "it", "pl", "pt", "es", "ru")
DEFAULT = "en"
_DIR = Path(__file__).parent / "i18n"


def supported(locale: str | None) -> str:
    """'it', 'it-IT', 'pt_BR' -> a locale we have texts for; anything else -> English."""
    code = (locale or "").replace("-", "_").split("_")[0].strip().lower()
    return code if code in LOCALES else DEFAULT


def from_accept_language(header: str | None) -> str:
    """The best supported language of an Accept-Language header (pages with no salon behind them)."""
    ranked = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        try:
            weight = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        code = tag.replace("-", "_").split("_")[0].lower()
        if code in LOCALES and weight > 0:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else DEFAULT


@cache
def _texts(locale: str) -> dict[str, str]:
    return json.loads((_DIR / f"{locale}.json").read_text("utf-8"))


class Texts:
    """`t("key", name=...)` in templates: the locale's text, else the English one, else the key."""

    def __init__(self, locale: str | None):
        self.locale = supported(locale)
        self._own = _texts(self.locale)
        self._fallback = _texts(DEFAULT)

    def __call__(self, key: str, **values) -> str:
        text = self._own.get(key) or self._fallback.get(key) or key
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback


class Formatter:
    """Dates, times and prices as people in the salon's locale and time zone write them."""

    def __init__(self, texts: Texts, tz: ZoneInfo, currency: str = "EUR"):
        self.texts = texts
        self.locale = texts.locale
        self.tz = tz
        self.currency = currency

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.tz)

    def time(self, instant: datetime) -> str:
        from babel.dates import format_time

        return format_time(self.local(instant), "HH:mm", locale=self.locale)

    def date(self, day: date | datetime) -> str:
        from babel.dates import format_date

        day = self.local(day).date() if isinstance(day, datetime) else day
        return format_date(day, "full", locale=self.locale)

    def when(self, instant: datetime) -> str:
        return self.texts("date_at_time", date=self.date(instant), time=self.time(instant))

    def weekday(self, day: date) -> str:
        from babel.dates import format_date

        return format_date(day, "EEE", locale=self.locale)

    def day_month(self, day: date) -> str:
        from babel.dates import format_date

        return format_date(day, "d MMM", locale=self.locale)

    def money(self, amount: Decimal) -> str:
        from babel.numbers import format_currency

        return format_currency(amount, self.currency, locale=self.locale)

    def money_minor(self, minor: int, currency: str | None = None) -> str:
        """An amount kept in minor units (deposits, fees collected): 2000 -> '20,00 €'."""
        from ..domain.money import format_amount

        currency = currency or self.currency
        from babel.numbers import format_currency

        return format_currency(Decimal(format_amount(minor, currency)), currency, locale=self.locale)

    def minutes(self, minutes: int) -> str:
        return self.texts("minutes", minutes=minutes)
