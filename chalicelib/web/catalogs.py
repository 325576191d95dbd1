"""gettext catalogs: the compiled `.mo` files in chalicelib/locale/<locale>/LC_MESSAGES/.

Two domains, so a client's page never loads the staff's texts and each audience's catalog is
translated and reviewed on its own:
- `messages`: what clients read (public pages, the client's area, texts sent to clients);
- `owner`: what the salon's owner, front desk and staff read (owner pages, their e-mails and texts,
  `/v1/admin` errors, audit wording).

`make messages` extracts both (babel-<domain>.cfg says which files feed which domain), updates the
`.po` files and compiles them; the `.mo` files are committed so the package needs no build step
(tests/unit/test_catalogs.py fails while one is stale, incomplete or fuzzy).

Placeholders are named, Python `%` style: `_("%(count)s min", count=30)`; a literal percent sign is
`%%`. Anything counted goes through `ngettext` (Russian and Polish have three plural forms).
"""
import gettext as _gettext
from functools import cache
from pathlib import Path

from ..domain.text import N_  # noqa: F401 - marks a text translated when shown; imported from here too

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LOCALES = ("en", "it", "pl", "pt", "es", "ru")
DOMAINS = ("messages", "owner")


@cache
def translations(locale: str, domain: str = "messages") -> _gettext.NullTranslations:
    """The catalog of `domain` in `locale`; English (the msgids themselves) where there is none."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown text domain {domain!r}")
    try:
        return _gettext.translation(domain, str(LOCALE_DIR), languages=[locale])
    except FileNotFoundError:
        return _gettext.NullTranslations()


class Translator:
    """Python-side texts of one domain in one locale: `tr.gettext("Saved")`,
    `tr.ngettext("%(num)s visit", "%(num)s visits", 3)`, `tr.pgettext("sms", "...")`."""

    def __init__(self, locale: str, domain: str = "messages"):
        self.locale = locale
        self.domain = domain
        self._catalog = translations(locale, domain)

    def gettext(self, message: str, **values) -> str:
        text = self._catalog.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        values.setdefault("num", num)
        return self._catalog.ngettext(singular, plural, num) % values

    def pgettext(self, context: str, message: str, **values) -> str:
        text = self._catalog.pgettext(context, message)
        return text % values if values else text

    __call__ = gettext


def jinja_context(locale: str, domain: str) -> dict:
    """`gettext`, `ngettext` and `pgettext` for one render, in the Jinja2 i18n extension's
    "newstyle" form (variables passed as keywords, the result autoescaped like any other value):
    `{{ _("Hello %(name)s", name=client) }}`, `{% trans count=n %}...{% pluralize %}...{% endtrans %}`.
    Passed per render rather than installed on the environment, so one environment serves every
    locale and domain."""
    from jinja2 import pass_context
    from markupsafe import Markup

    catalog = translations(locale, domain)

    def finish(context, text, values):
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % values

    @pass_context
    def gettext(context, message, **values):
        return finish(context, catalog.gettext(message), values)

    @pass_context
    def ngettext(context, singular, plural, num, **values):
        values.setdefault("num", num)
        return finish(context, catalog.ngettext(singular, plural, num), values)

    @pass_context
    def pgettext(context, message_context, message, **values):
        return finish(context, catalog.pgettext(message_context, message), values)

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext}


def domain_of_template(template: str) -> str:
    return "owner" if template.startswith("owner/") else "messages"


