"""DynamoDB requests per message of a broadcast of 1,000 messages, in a salon of 1,000 clients and
in one of 10,000 (of whom 1,000 agreed to offers): the owner's send, the outbox job's enqueueing
(pages of 99 messages) and the dispatcher's runs every 5 minutes until every message is sent, on
DynamoDB Local and the local SMS provider. The goal: the same per message at both sizes (the
segment's Query reads the bigger salon's files in a few more 1 MB pages, nothing per client).
"""
import contextlib
import io
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib import observability
from chalicelib.domain.broadcast import Segment, SegmentKind
from chalicelib.domain.client import Client
from chalicelib.domain.ids import new_id
from chalicelib.messaging.providers import LocalSender
from chalicelib.services import broadcasts, dispatch
from local import demo

from .counting import Counted, counted_repository

TABLE_NAME = "chairtime-bench-broadcast"
NOW = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Rome: inside the sending window
MESSAGES = 1000
SIZES = (1000, 10000)
GOAL_SPREAD = 0.10  # "flat": per-message requests at 10k within 10% of those at 1k


def measure(progress=lambda message: None) -> dict:
    progress("starting DynamoDB Local for the broadcast request counts")
    figures = {}
    with counted_repository(TABLE_NAME, NOW) as (repo, counter), contextlib.redirect_stdout(io.StringIO()):
        for size in SIZES:
            progress(f"broadcast of {MESSAGES:,} messages in a salon of {size:,} clients")
            figures[size] = _one(repo, counter, size)
            observability.metrics().clear_metrics()
    return figures


def _one(repo, counter, size: int) -> dict:
    from chalicelib.storage import mapping
    from chalicelib.storage.models import ClientItem

    salon_id = f"bcast-{size}-{uuid.uuid4().hex[:6]}"
    demo.seed(repo, salon_id)
    salon, _ = repo.load_salon(salon_id)
    salon = replace(salon, policy=replace(salon.policy, salon_daily_cap=2000))
    repo.update_salon_fields(salon, ("policy",))
    seeding = time.perf_counter()
    with ClientItem.batch_write() as batch:
        for i in range(size):
            item = mapping.client_to_item(salon_id, Client(id=new_id(), name=f"Client {i}", phone=f"+39335{i:07d}"),
                                          NOW)
            item.marketing_consent = i % (size // MESSAGES) == 0  # 1,000 agreed to offers
            batch.save(item)
    seed_s = time.perf_counter() - seeding
    sender, now, phases = LocalSender(), NOW, {}
    with counter.measure() as sent_by_owner:
        broadcast, _ = broadcasts.send(repo, salon, "owner", new_id(), "Spring offer: 20% off colour this week.",
                                       Segment(SegmentKind.MARKETING), now)
    phases["send"] = sent_by_owner
    enqueue, dispatching = Counted(), Counted()
    for _ in range(40):  # the outbox job every 5 minutes; 30 a minute: about 34 minutes of messages
        with counter.measure() as step:
            broadcasts.enqueue_due(repo, now)
        _add(enqueue, step)
        with counter.measure() as step:
            dispatch.dispatch(repo, sender, now)
        _add(dispatching, step)
        now += timedelta(minutes=5)
        if sum(1 for t in sender.sent if t["phone"].startswith("+39335")) >= MESSAGES:
            break
    phases["enqueue"], phases["dispatch"] = enqueue, dispatching
    sent = len(sender.sent)
    total = sum(p.total for p in phases.values())
    return {"clients": size, "sent": sent, "requests": total, "per_message": total / max(sent, 1),
            "phases": {name: dict(p.calls) for name, p in phases.items()},
            "phase_totals": {name: p.total for name, p in phases.items()}, "seed_s": seed_s}


def _add(into: Counted, step: Counted) -> None:
    into.calls.update(step.calls)
    into.sends.update(step.sends)
    into.items.update(step.items)


def lines(figures: dict) -> list[str]:
    out = ["", f"7. A broadcast of {MESSAGES:,} messages (DynamoDB requests per message sent: send, enqueue, dispatch)"]
    for size in SIZES:
        row = figures[size]
        phases = ", ".join(f"{name} {n}" for name, n in row["phase_totals"].items())
        out.append(f"   {size:>6,} clients: {row['per_message']:.2f} per message   {row['requests']:,} requests "
                   f"for {row['sent']:,} sent ({phases}); seeding {row['seed_s']:.0f} s")
    low, high = (figures[s]["per_message"] for s in SIZES)
    verdict = "met" if abs(high - low) <= GOAL_SPREAD * low and all(figures[s]["sent"] == MESSAGES for s in SIZES) \
        else "NOT MET"
    out.append(f"   goal: every message sent once, per-message requests at 10k within 10% of 1k: {verdict}")
    return out


def as_json(figures: dict) -> dict:
    return {"broadcast": {"requests_per_message": {f"{s // 1000}k": round(figures[s]["per_message"], 3)
                                                   for s in SIZES},
                          "sent": {f"{s // 1000}k": figures[s]["sent"] for s in SIZES}}}


if __name__ == "__main__":
    import sys

    result = measure(progress=lambda message: print(message, file=sys.stderr))
    print("\n".join(lines(result)))
    print(as_json(result))
