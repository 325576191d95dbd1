"""Logs and metrics (Powertools): JSON logs with a correlation id and the salon on every line,
phone numbers and e-mail addresses masked whatever logged them; business metrics as CloudWatch EMF.

Names are never logged by the code; phone numbers and e-mail addresses may appear inside messages
from libraries or in exceptions (a ValueError quoting what it could not parse), so every string of
a line is masked as the line is written: the message, extra keys, the exception's text and
traceback, Powertools' stack trace. The Tracer is not used: it costs ~200 ms of cold start (the
X-Ray SDK) for little in a two-table-call request.
"""
import json
import logging
import re
import sys
from functools import lru_cache

SERVICE = "chairtime"
NAMESPACE = "Chairtime"
# +39 333 123 4567, 3331234567, (06) 1234-5678 ...: 8 or more digits with common separators.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PHONE = re.compile(r"(?<![\w/])\+?\d(?:[\s().-]?\d){7,}(?![\w/])")
# anna.rossi+x@mail.example.it, also URL-encoded (anna%40example.it): only the top-level domain stays.
_EMAIL = re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.([A-Za-z]{2,63})\b")


def mask_text(text: str) -> str:
    def masked(match: re.Match) -> str:
        if _DATE.fullmatch(match.group(0)):
            return match.group(0)
        digits = re.sub(r"\D", "", match.group(0))
        return ("+" if match.group(0).startswith("+") else "") + "*" * (len(digits) - 4) + digits[-4:]

    text = _EMAIL.sub(lambda match: f"***@***.{match.group(1)}", text)
    return _PHONE.sub(masked, text)


def _masked(value):
    """Every string in a log line's structure masked; anything else that is not JSON, as masked text."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask_text(str(value))  # an exception object, a datetime, a Decimal...


# Keys Powertools and observability.begin() fill from the invocation, never from data: left as they
# are (a request id such as 12345678-1234-... must stay whole to be searched for).
_INVOCATION_KEYS = frozenset({
    "level", "location", "timestamp", "service", "cold_start", "function_name", "function_memory_size",
    "function_arn", "function_request_id", "correlation_id", "xray_trace_id", "sampling_rate", "salon_id",
})


def serialize(log: dict) -> str:
    """Powertools' JSON line, masked: the exception text and traceback are formatted after any
    filter runs, so masking the finished structure is the one place that sees everything."""
    masked = {key: value if key in _INVOCATION_KEYS else _masked(value) for key, value in log.items()}
    return json.dumps(masked, separators=(",", ":"), ensure_ascii=False)


class _Stdout(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time (Lambda, the local server, a test's capture)."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value):
        pass


class MaskPersonalData(logging.Filter):
    """Masks the message early, for any handler; `serialize` masks the rest of the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        # A dict message stays a dict (Powertools writes it as JSON); `serialize` masks its strings.
        record.msg = _masked(record.msg) if isinstance(record.msg, dict) else mask_text(str(record.msg))
        return True


@lru_cache(maxsize=1)
def logger():
    from aws_lambda_powertools import Logger

    handler = _Stdout()
    log = Logger(service=SERVICE, use_rfc3339=True, logger_handler=handler, json_serializer=serialize)
    handler.addFilter(MaskPersonalData())
    # The app's own stdlib loggers write through Powertools, and only through it. Chalice's app.log
    # is the same "chairtime" logger, on which Chalice put a plain-text stdout handler at import:
    # it would write every line twice, tracebacks unmasked.
    for name in ("chalicelib", SERVICE):
        std = logging.getLogger(name)
        std.handlers = [handler]
        std.setLevel(log.log_level)
        std.propagate = False
    return log


@lru_cache(maxsize=1)
def metrics():
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=NAMESPACE, service=SERVICE)


# The events that are CloudWatch metrics: each costs $0.30 a month, so only those an alarm watches
# or an operator needs to see move (texts sent and failed, e-mails and WhatsApp messages failed,
# public writes refused). Every other event (Bookings, NoShows, Replies...) is a log line,
# {"event": name, "value": n, ...}, which Logs Insights counts; the month's business figures are
# the report counters in DynamoDB (docs/deploy.md §12).
CLOUDWATCH_METRICS = frozenset({"SmsSent", "SmsFailed", "MessagesFailed", "RateLimited"})


def count(name: str, value: int = 1, **metadata) -> None:
    """A business event: Bookings, Cancellations, LateCancellations, RemindersQueued, SmsSent,
    SmsFailed, Replies, NoShows, WaitlistOffers, WaitlistFills. The salon goes in metadata, not
    in a dimension: one metric per salon would cost money for every salon."""
    from aws_lambda_powertools.metrics import MetricUnit

    if name not in CLOUDWATCH_METRICS:
        logger().info({"event": name, "value": value, **metadata})
        return
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
