"""Counting DynamoDB requests, and the items they read, on botocore's event hooks.

`models.bind` gives every model class one shared connection, and the repository runs its
transactions on that same client; the counter still attaches to every client it can find and
the run fails if PynamoDB built one it did not see. `before-call` fires once per API call (what
the code asks for); `before-send` fires once per HTTP attempt (retries included): the two agree
unless something was retried. `after-call` fires once per API call with the parsed response:
items read are what DynamoDB itself reports having read, `ScannedCount` of a Query or Scan (the
items it evaluated and bills for; the same as `Count` when there is no filter), an item found by
GetItem, the items returned by BatchGetItem and TransactGetItems. Conditional writes read the
item they check too, but report nothing: they are requests, not items read.
"""
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Counted:
    """Requests made inside one `RequestCounter.measure()` block."""

    calls: Counter = field(default_factory=Counter)  # operation name -> API calls
    sends: Counter = field(default_factory=Counter)  # operation name -> HTTP attempts
    items: Counter = field(default_factory=Counter)  # operation name -> items read (see above)

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    @property
    def items_read(self) -> int:
        return sum(self.items.values())

    @property
    def retries(self) -> int:
        return sum(self.sends.values()) - self.total


class RequestCounter:
    def __init__(self):
        self._clients: list = []
        self._current: Counted | None = None

    def attach(self, client) -> None:
        """Count this botocore DynamoDB client's requests (once, however often it is attached)."""
        if any(known is client for known in self._clients):
            return
        tag = f"chairtime-bench-{id(self)}"
        client.meta.events.register("before-call.dynamodb", self._on_call, unique_id=f"{tag}-call")
        client.meta.events.register("before-send.dynamodb", self._on_send, unique_id=f"{tag}-send")
        client.meta.events.register("after-call.dynamodb", self._on_response, unique_id=f"{tag}-items")
        self._clients.append(client)

    def covers(self, clients) -> bool:
        """Are all these clients attached? (False if PynamoDB built a new client meanwhile.)"""
        return all(any(known is client for known in self._clients) for client in clients)

    @contextmanager
    def measure(self):
        self._current = counted = Counted()
        try:
            yield counted
        finally:
            self._current = None

    # The handlers must return None: a value returned from before-call/before-send would be
    # taken by botocore as the response and the request would never be sent.
    def _on_call(self, model=None, event_name: str = "", **_) -> None:
        if self._current is not None:
            self._current.calls[model.name if model is not None else event_name.rsplit(".", 1)[-1]] += 1

    def _on_send(self, event_name: str = "", **_) -> None:
        if self._current is not None:
            self._current.sends[event_name.rsplit(".", 1)[-1]] += 1

    def _on_response(self, parsed=None, model=None, event_name: str = "", **_) -> None:
        if self._current is not None and isinstance(parsed, dict):
            self._current.items[model.name if model is not None else event_name.rsplit(".", 1)[-1]] += \
                items_read(parsed)


def items_read(parsed: dict) -> int:
    """Items a DynamoDB response says were read (0 for writes and errors)."""
    if "ScannedCount" in parsed or "Count" in parsed:  # Query, Scan
        return int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    if "Item" in parsed:  # GetItem that found its item
        return 1
    if "Responses" in parsed:
        responses = parsed["Responses"]
        if isinstance(responses, dict):  # BatchGetItem: table -> items
            return sum(len(items) for items in responses.values())
        return sum(1 for response in responses if response.get("Item"))  # TransactGetItems
    return 0


def pynamodb_clients(repo) -> list:
    """Every botocore client the app's storage layer sends requests with."""
    from chalicelib.storage.models import Item

    clients = [model._get_connection().connection.client for model in _models(Item)]
    clients.append(repo._connection.client)  # transactions go through the repository's Connection
    return clients


def _models(base) -> list:
    """`base` and every model class derived from it (what `models.bind` points at the table)."""
    found = [base]
    for sub in base.__subclasses__():
        found.extend(model for model in _models(sub) if model not in found)
    return found


@contextmanager
def counted_repository(table_name: str, now):
    """DynamoDB Local in memory with the table, the app wired to it on a fixed clock, and a counter
    attached to every PynamoDB client: yields (repository, counter). On the way out it checks the
    counter saw every client (else the counts would be incomplete) and always stops DynamoDB Local."""
    from chalicelib import wiring
    from chalicelib.storage.table import ensure_table
    from local import env as local_env
    from local.dynamodb import DynamoDBLocal, free_port

    dynamodb = DynamoDBLocal(free_port()).start()
    try:
        ensure_table(local_env.dynamodb_client(dynamodb.endpoint), table_name)
        local_env.apply(dynamodb.endpoint, TABLE_NAME=table_name)
        wiring.reset()
        wiring.set_clock(lambda: now)
        repo = wiring.repository()
        counter = RequestCounter()
        for client in pynamodb_clients(repo):
            counter.attach(client)
        yield repo, counter
        if not counter.covers(pynamodb_clients(repo)):
            raise RuntimeError("PynamoDB created a botocore client the counter did not see: the counts are incomplete.")
    finally:
        wiring.set_clock(None)
        wiring.reset()
        dynamodb.stop()
