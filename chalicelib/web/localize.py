"""The edge's half of domain/text.py: a refusal or a field's problem, said in the reader's language.

`localize(message, tr)` translates a `Text` (its pattern, then its values) or a plain English text
(its own msgid); a text the catalog does not hold stays English, never breaks. Owner pages and the
/v1/admin errors call it with the reader's `Translator` (domain `owner`)."""
from ..domain.text import Text


def localize(message, tr) -> str:
    if isinstance(message, Text):
        values = {name: localize(value, tr) if isinstance(value, Text) else value
                  for name, value in message.values.items()}
        if message.plural is not None:
            values.pop("num", None)  # ngettext passes the count itself
            return tr.ngettext(message.msgid, message.plural, message.num, **values)
        return tr.gettext(message.msgid, **values)
    if isinstance(message, str) and message:
        return tr.gettext(message)
    return message


def localize_fields(errors: dict | None, tr) -> dict:
    """{field: problem} with each problem in the reader's language."""
    return {name: localize(problem, tr) for name, problem in (errors or {}).items()}


def error_message(error, tr) -> str:
    """A domain error's message; FieldErrors say each field's problem, each translated."""
    fields = getattr(error, "errors", None)
    if isinstance(fields, dict) and fields:
        problems = "; ".join(f"{name}: {problem}" for name, problem in localize_fields(fields, tr).items())
        return tr.gettext("Some fields need attention: %(problems)s", problems=problems)
    return localize(error.message, tr)
