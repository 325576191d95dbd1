"""The page's language: which locale a page speaks, its texts through the `messages` gettext catalog
(web/catalogs.py), and locale-aware formatting. Babel is imported inside the functions: it is heavy
and a cold start rarely needs it."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from .catalogs import Translator

LOCALES = ("en", "it", "pl", "pt", "es", "ru")
DEFAULT = "en"


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


class Texts(Translator):
    """The page's translator (`t` in templates, `ctx.t` in Python): gettext in the locale we have
    texts for, plus the texts a page picks by a code (web/wording.py) rather than writes out."""

    def __init__(self, locale: str | None, domain: str = "messages"):
        super().__init__(supported(locale), domain)

    def status(self, status: str) -> str:
        """An appointment's status as the client reads it."""
        from .wording import STATUS

        return self.gettext(STATUS[status]) if status in STATUS else status

    def field_error(self, key: str) -> str:
        """A booking form's problem (web/forms.py's key) as the client reads it."""
        from .wording import FIELD_ERRORS

        return self.gettext(FIELD_ERRORS[key])

    def not_found(self, code: str) -> str | None:
        from .wording import NOT_FOUND

        return self.gettext(NOT_FOUND[code]) if code in NOT_FOUND else None

    def headline(self, code: str) -> str | None:
        """A refusal's headline, None for a code no text covers."""
        from .wording import HEADLINES

        return self.gettext(HEADLINES[code]) if code in HEADLINES else None

    def detail(self, problem, salon) -> str | None:
        """What the client can do about a refusal, with the salon's name and phone: None where the
        code (and reason) has no such text or no salon is behind the page."""
        from .wording import DETAILS

        reason = getattr(problem, "reason", None)
        found = DETAILS.get(f"{problem.code}_{reason}" if reason else problem.code)
        if found is None or salon is None:
            return None
        text, counting = found
        values = {"salon": salon.name, "phone": salon.phone, **getattr(problem, "values", {})}
        if counting is None:
            return self.gettext(text, **values)
        return self.ngettext(*text, int(values[counting]), **values)


class Formatter:
    """Dates, times and prices as people in the salon's locale and time zone write them."""

    def __init__(self, texts: Texts, tz: ZoneInfo, currency: str = "EUR"):
        self.texts = texts
        self.locale = texts.locale
        # Its few words ("at", "min") are the client's catalog's, whichever page formats.
        self._words = texts if texts.domain == "messages" else Translator(texts.locale)
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
        return self._words.gettext("%(date)s at %(time)s", date=self.date(instant), time=self.time(instant))

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
        return self._words.gettext("%(minutes)s min", minutes=minutes)
