"""The no-show ladder: what the n-th missed appointment within the window leads to."""
from datetime import date, timedelta

from .policy import Ladder
from .values import frozen


@frozen
class Step:
    message: str  # the SMS kind: noshow_policy | noshow_warning | booking_restricted
    restrict_until: date | None = None


def step_for(no_show_days: list[date], today: date, ladder: Ladder) -> Step:
    """`no_show_days` includes the one just recorded. Restriction lasts `restrict_days`."""
    recent = [d for d in no_show_days if d > today - timedelta(days=ladder.window_days)]
    if len(recent) >= ladder.restrict_at:
        return Step("booking_restricted", today + timedelta(days=ladder.restrict_days))
    if len(recent) >= ladder.warn_at:
        return Step("noshow_warning")
    return Step("noshow_policy")
