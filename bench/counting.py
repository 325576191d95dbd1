"""Counting DynamoDB requests on botocore's event hooks.

`models.bind` gives every model class one shared connection, and the repository runs its
transactions on that same client; the counter still attaches to every client it can find and
the run fails if PynamoDB built one it did not see. `before-call` fires once per API call (what
the code asks for); `before-send` fires once per HTTP attempt (retries included): the two agree
unless something was retried.
"""
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Counted:
    """Requests made inside one `RequestCounter.measure()` block."""

    calls: Counter = field(default_factory=Counter)  # operation name -> API calls
    sends: Counter = field(default_factory=Counter)  # operation name -> HTTP attempts

    @property
    def total(self) -> int:
        return sum(self.calls.values())

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

    # Both handlers must return None: a value returned from before-call/before-send would be
    # taken by botocore as the response and the request would never be sent.
    def _on_call(self, model=None, event_name: str = "", **_) -> None:
        if self._current is not None:
            self._current.calls[model.name if model is not None else event_name.rsplit(".", 1)[-1]] += 1

    def _on_send(self, event_name: str = "", **_) -> None:
        if self._current is not None:
            self._current.sends[event_name.rsplit(".", 1)[-1]] += 1


def pynamodb_clients(repo) -> list:
    """Every botocore client the app's storage layer sends requests with."""
    from chalicelib.storage import models

    clients = [model._get_connection().connection.client for model in models.ALL_MODELS]
    clients.append(repo._connection.client)  # transactions go through the repository's Connection
    return clients
