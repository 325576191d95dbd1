"""Reading the owner's settings forms, the same way for a browser's fields and a script's JSON.

A form is a dict of strings. Each problem is kept next to its field's name, so a page shows it
beside the input (with what was typed kept) and a script gets them all in one answer. JSON bodies
are turned into the same strings first (`from_json`), so both paths share every rule.
"""
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from ...domain.clock import FIRST_DAY, LAST_DAY, in_calendar
from ...domain.errors import InvalidRequest
from ...domain.text import N_, ngettext

TRUE = {"1", "on", "true", "yes"}
FALSE = {"", "0", "off", "false", "no"}  # an unticked checkbox sends nothing: ""
_WALL = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_SEPARATORS = re.compile(r"[,;\s]+")


class FieldErrors(InvalidRequest):
    """Some fields are wrong: {field: what to do about it} (English, or a domain.text.Text the edge
    translates: web/localize.py)."""

    def __init__(self, errors: dict[str, str], code: str | None = None):
        self.errors = dict(errors)
        problems = "; ".join(f"{k}: {v}" for k, v in self.errors.items())  # the edge says each in its language
        super().__init__(N_("Some fields need attention: %(problems)s", problems=problems), code)


class Form:
    def __init__(self, values: Mapping[str, str | None]):
        self.values = {name: (value or "").strip() for name, value in values.items()}
        self.errors: dict[str, str] = {}
        self.codes: dict[str, str] = {}  # a field's own error code (invalid_phone), where it has one

    def raw(self, name: str) -> str:
        return self.values.get(name, "")

    def fail(self, name: str, message: str, code: str | None = None) -> None:
        if name not in self.errors and code:
            self.codes[name] = code
        self.errors.setdefault(name, message)

    def done(self) -> None:
        """FieldErrors if any field failed; its code is the fields' own when they all share one
        (a bad phone alone answers invalid_phone), else invalid_request."""
        if self.errors:
            codes = {self.codes.get(name) for name in self.errors}
            raise FieldErrors(self.errors, codes.pop() if len(codes) == 1 else None)

    def text(self, name: str, max_length: int = 100, required: bool = True, code: str | None = None) -> str:
        value = self.raw(name)
        if required and not value:
            self.fail(name, N_("Fill this in."))
        elif len(value) > max_length:
            self.fail(name, ngettext("Use at most %(num)s character.", "Use at most %(num)s characters.",
                                      max_length), code)
        elif not value.isprintable():
            self.fail(name, N_("Use plain text on one line."), code)
        return value

    def integer(self, name: str, low: int, high: int, step: int = 1, optional: bool = False) -> int | None:
        value = self.raw(name)
        if optional and not value:
            return None
        if not re.fullmatch(r"-?\d{1,9}", value):
            self.fail(name, N_("Enter a whole number from %(low)s to %(high)s.", low=low, high=high))
            return None
        number = int(value)
        if not low <= number <= high:
            self.fail(name, N_("Enter a whole number from %(low)s to %(high)s.", low=low, high=high))
        elif number % step:
            self.fail(name, N_("Use a multiple of %(step)s.", step=step))
        return number

    def wall(self, name: str) -> time | None:
        match = _WALL.match(self.raw(name))
        if not match:
            self.fail(name, N_("Enter a time like 09:30 (24-hour clock)."))
            return None
        return time(int(match.group(1)), int(match.group(2)))

    def money(self, name: str, high: Decimal = Decimal("100000")) -> Decimal | None:
        """An amount like 25 or 25.50; empty: none."""
        value = self.raw(name).replace(",", ".")
        if not value:
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not re.fullmatch(r"-?\d+(\.\d{1,2})?", value):
            self.fail(name, N_("Enter an amount like 25 or 25.50."))
            return None
        if amount < 0:
            self.fail(name, N_("An amount cannot be negative."))
        elif amount > high:
            self.fail(name, N_("Enter at most %(high)s.", high=high))
        return amount

    def flag(self, name: str) -> bool:
        value = self.raw(name).lower()
        if value not in TRUE | FALSE:  # a JSON "sometimes" must not quietly turn a setting off
            self.fail(name, N_("Choose yes or no (true or false)."))
        return value in TRUE

    def choice(self, name: str, options) -> str:
        value = self.raw(name)
        if value not in options:
            self.fail(name, N_("Choose one of: %(options)s.", options=", ".join(options)))
        return value

    def words(self, name: str) -> list[str]:
        """A list typed as words separated by commas, spaces or new lines."""
        return [w for w in _SEPARATORS.split(self.raw(name)) if w]

    def dates(self, name: str, most: int = 366) -> list[date]:
        found = []
        for word in self.words(name):
            try:
                day = date.fromisoformat(word) if len(word) == 10 else _bad()
            except ValueError:
                self.fail(name, N_("'%(word)s' is not a date like 2026-12-25.", word=word[:20]))
                continue
            if in_calendar(day):
                found.append(day)
            else:
                self.fail(name, N_("Give dates between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(),
                                  last=LAST_DAY.isoformat()))
        if len(found) > most:
            self.fail(name, ngettext("Give at most %(num)s date.", "Give at most %(num)s dates.", most))
        return sorted(set(found))


def local_datetime(text: str) -> datetime | None:
    """'2026-08-10 14:00' or '2026-08-10T14:00' -> naive local datetime; None when it is not one."""
    text = text.strip().replace("T", " ")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}", text):
        return None
    try:
        parsed = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return parsed if in_calendar(parsed) else None


def _bad():
    raise ValueError


# --- JSON -> form strings -------------------------------------------------------------------------

def from_json(body, allowed) -> dict[str, str]:
    """A JSON object of scalars and lists of scalars -> form strings. Unknown or nested fields are
    refused with 400 (the message names the field)."""
    if not isinstance(body, dict):
        raise InvalidRequest(N_("The body must be a JSON object."))
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidRequest(N_("Unknown field %(field)s. Allowed: %(allowed)s.", field=repr(unknown[0][:40]),
                                allowed=", ".join(sorted(allowed))))
    return {name: scalar(value, name) for name, value in body.items()}


def scalar(value, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, (int, str)) or (isinstance(value, float) and value == value):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        return ", ".join(str(v) for v in value)
    raise InvalidRequest(N_("%(name)s: expected a string, a number, a boolean or a list of strings.",
                               name=name[:40]))


# --- what changed, for the audit log --------------------------------------------------------------

def changes(before: Mapping[str, str], after: Mapping[str, str], flags=()) -> dict[str, str]:
    """{field: 'before → after'} for every field whose value differs; `flags` read as yes / no."""
    def shown(name, value):
        return ("yes" if value else "no") if name in flags else value or "(none)"

    return {name: f"{shown(name, before.get(name))} → {shown(name, after.get(name))}"
            for name in after if (before.get(name) or "") != (after.get(name) or "")}
