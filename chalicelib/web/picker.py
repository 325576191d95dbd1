"""The day strip and slot buttons shared by booking and rescheduling.

The strip shows WINDOW_DAYS days from `first`; windows are counted from today, so "later",
"earlier" and a direct link to a day all land on the same pages. One availability call per
window (the service allows 31 days at most).
"""
from collections.abc import Callable
from datetime import date, timedelta

from ..domain.values import frozen
from .i18n import Formatter

WINDOW_DAYS = 14


@frozen
class Window:
    first: date
    last: date
    earlier: date | None  # first day of the previous window, None at today
    later: date | None  # None past the salon's horizon


def window(today: date, horizon_days: int, first: date | None, day: date | None,
           week_start: int | None = None) -> Window:
    """`week_start` (0 Monday ... 6 Sunday, the reader's first day of the week): windows begin on
    that weekday, so the strip's seven columns are the weekdays and the days before today show no
    times; None: windows begin today."""
    origin = today - timedelta(days=(today.weekday() - week_start) % 7) if week_start is not None else today
    end = today + timedelta(days=horizon_days)
    anchor = min(max(first or day or today, today), end)
    start = origin + timedelta(days=(anchor - origin).days // WINDOW_DAYS * WINDOW_DAYS)
    earlier = start - timedelta(days=WINDOW_DAYS) if start > origin else None
    later = start + timedelta(days=WINDOW_DAYS)
    return Window(start, min(start + timedelta(days=WINDOW_DAYS - 1), end), earlier, later if later <= end else None)


@frozen
class Day:
    day: date
    weekday: str
    label: str
    url: str | None  # None: no free time that day
    selected: bool


@frozen
class Time:
    label: str
    url: str


@frozen
class Picker:
    days: list[Day]
    times: list[Time]
    selected: date | None
    earlier_url: str | None
    later_url: str | None


def build(win: Window, slots, wanted: date | None, fmt: Formatter,
          day_url: Callable[[date], str], slot_url: Callable, window_url: Callable[[date], str]) -> Picker:
    """`wanted` when it is in the window (even if full: say so), else the first day with free times."""
    by_day: dict[date, list] = {}
    for slot in slots:
        by_day.setdefault(fmt.local(slot.start).date(), []).append(slot)
    selected = wanted if wanted is not None and win.first <= wanted <= win.last else min(by_day, default=None)
    days, current = [], win.first
    while current <= win.last:
        days.append(Day(current, fmt.weekday(current), fmt.day_month(current),
                        day_url(current) if current in by_day else None, current == selected))
        current += timedelta(days=1)
    times = [Time(fmt.time(s.start), slot_url(s)) for s in by_day.get(selected, [])]
    return Picker(days, times, selected, window_url(win.earlier) if win.earlier else None,
                  window_url(win.later) if win.later else None)
