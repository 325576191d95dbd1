"""`make sweep AT=2026-03-28T19:00`: run every scheduled job once at a simulated time, so a
person can watch reminders, the no-show ladder and the outbox work. A time without an offset
is the demo salon's local time (Europe/Rome). Uses the running `make run` stack, or starts
DynamoDB Local on .data/ for the moment."""
import argparse
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from . import env
from .dynamodb import local_stack_dynamodb


def parse_at(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo("Europe/Rome"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--at", required=True, help="e.g. 2026-03-28T19:00 (salon time) or with an offset")
    parser.add_argument("--dynamodb-port", type=int, default=8001)
    parser.add_argument("--port", type=int, default=8000, help="where `make run` serves (for links)")
    args = parser.parse_args(argv)
    try:
        now = parse_at(args.at)
    except ValueError:
        print(f"AT={args.at!r} is not a date and time like 2026-03-28T19:00", file=sys.stderr)
        return 2
    with local_stack_dynamodb(args.dynamodb_port) as endpoint:
        env.apply(endpoint, PUBLIC_BASE_URL=f"http://127.0.0.1:{args.port}")
        from chalicelib import wiring
        from chalicelib.jobs import run

        from .ticker import print_new_texts

        wiring.reset()
        wiring.set_clock(lambda: now)
        print(f"Sweeping at {now.isoformat()} ({now.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC)")
        report = run.run_all(now)
        print_new_texts(wiring.current_sender(), 0)
        print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
