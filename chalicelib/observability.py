"""Logs and metrics (Powertools): JSON logs with a correlation id and the salon on every line,
phone numbers masked whatever logged them; business metrics as CloudWatch EMF.

Names are never logged by the code; phone numbers may appear inside messages from libraries or
exceptions, so a filter masks anything shaped like one before a line is written. The Tracer is
not used: it costs ~200 ms of cold start (the X-Ray SDK) for little in a two-table-call request.
"""
import logging
import re
import sys
from functools import lru_cache

SERVICE = "chairtime"
NAMESPACE = "Chairtime"
# +39 333 123 4567, 3331234567, (06) 1234-5678 ...: 8 or more digits with common separators.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PHONE = re.compile(r"(?<![\w/])\+?\d(?:[\s().-]?\d){7,}(?![\w/])")


def mask_text(text: str) -> str:
    def masked(match: re.Match) -> str:
        if _DATE.fullmatch(match.group(0)):
            return match.group(0)
        digits = re.sub(r"\D", "", match.group(0))
        return ("+" if match.group(0).startswith("+") else "") + "*" * (len(digits) - 4) + digits[-4:]

    return _PHONE.sub(masked, text)


class _Stdout(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time (Lambda, the local server, a test's capture)."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


class MaskPhones(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = mask_text(str(record.msg))
        return True


@lru_cache(maxsize=1)
def logger():
    from aws_lambda_powertools import Logger

    log = Logger(service=SERVICE, use_rfc3339=True, logger_handler=_Stdout())
    mask = MaskPhones()
    for handler in log.handlers:
        handler.addFilter(mask)
    for name in ("chalicelib", "chairtime"):  # the app's own stdlib loggers write through Powertools
        std = logging.getLogger(name)
        std.handlers = log.handlers
        std.setLevel(log.log_level)
        std.propagate = False
    return log


@lru_cache(maxsize=1)
def metrics():
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=NAMESPACE, service=SERVICE)


def count(name: str, value: int = 1, **metadata) -> None:
    """A business event: Bookings, Cancellations, LateCancellations, RemindersQueued, SmsSent,
    SmsFailed, Replies, NoShows, WaitlistOffers, WaitlistFills. The salon goes in metadata, not
    in a dimension: one metric per salon would cost money for every salon."""
    from aws_lambda_powertools.metrics import MetricUnit

    store = metrics()
    store.add_metric(name=name, unit=MetricUnit.Count, value=value)
    for key, item in metadata.items():
        store.add_metadata(key=key, value=item)


def begin(correlation_id: str | None, salon_id: str | None = None) -> None:
    log = logger()
    log.set_correlation_id(correlation_id)
    log.remove_keys(["salon_id"])
    if salon_id:
        log.append_keys(salon_id=salon_id)


def flush() -> None:
    """Write this invocation's metrics (EMF lines) once it is done."""
    store = metrics()
    if store.metric_set:
        store.flush_metrics()
