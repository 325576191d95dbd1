"""Texts for people, chosen where a rule fails and said in the reader's language at the edge.

Services and the domain refuse in English; the edge that answers (an owner page, a /v1/admin JSON
error) translates into the reader's language (web/localize.py). A fixed English text is its own
gettext msgid, so it needs nothing more. A text with values ("Enter a whole number from 1 to 20.")
is a `Text`: still the English `str` (logs, tests and an English reader see exactly what they saw
before) that also keeps its msgid and values, so the edge translates the pattern, then fills it in.

`N_` and `ngettext` make them; Babel extracts both (babel-owner.cfg), so the catalogs hold the
patterns. Named placeholders, `%(x)s`, as everywhere in the catalogs.
"""


class Text(str):
    msgid: str
    plural: str | None
    num: int | None
    values: dict

    def __new__(cls, msgid: str, values: dict, plural: str | None = None, num: int | None = None):
        english = plural if plural is not None and num != 1 else msgid
        self = super().__new__(cls, english % values if values else english)
        self.msgid, self.plural, self.num, self.values = msgid, plural, num, dict(values)
        return self

    def __reduce__(self):  # copy and pickle rebuild it from its parts, not from the English text
        return Text, (self.msgid, self.values, self.plural, self.num)


def N_(message: str, **values) -> str:  # noqa: N802 - gettext's name for "mark now, translate later"
    """A text translated later, where the reader is known: `N_("Use a multiple of %(step)s.", step=5)`."""
    return Text(message, values) if values else message


def ngettext(singular: str, plural: str, num: int, **values) -> Text:
    """A counted text translated later (each locale picks its plural form): `%(num)s` is the count."""
    return Text(singular, {"num": num, **values}, plural, num)
