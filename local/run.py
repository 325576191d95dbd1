"""`make run`: DynamoDB Local with data under .data/, the table, the demo salon, the app on
a threaded server. Ctrl-C stops everything it started."""
import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from . import env
from .dynamodb import ROOT, DynamoDBLocal

# Connections the kernel may queue before the server accepts them. Python's default (5) resets
# clients when a few dozen book at once (a salon's launch, a race for a freed slot); Linux caps it
# at net.core.somaxconn.
LISTEN_BACKLOG = 256


def serve(port: int, host: str = "127.0.0.1"):
    """Chalice's local server (what `chalice local` runs), with a listen backlog for a burst."""
    from chalice import local
    from chalice.config import Config

    from app import app

    class BurstServer(local.ThreadedHTTPServer):
        request_queue_size = LISTEN_BACKLOG

    config = Config(chalice_stage="dev", user_provided_params={"app_name": "chairtime"},
                    config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()))
    if not isinstance(app, local.LocalChalice):  # what chalice.local.create_local_server does, once
        local.CustomLocalChalice.__bases__ = (local.LocalChalice, app.__class__)
        app.__class__ = local.CustomLocalChalice
    return local.LocalDevServer(app, config, host, port, server_cls=BurstServer)


def prepare(endpoint: str) -> None:
    from chalicelib import wiring
    from chalicelib.storage.table import ensure_table

    from .demo import seed

    created = ensure_table(env.dynamodb_client(endpoint), env.LOCAL_ENV["TABLE_NAME"])
    wiring.reset()
    repo = wiring.repository()
    if repo.load_salon("demo") is None:  # never overwrite what the owner changed since
        seed(repo)
        print(f"Table {'created' if created else 'found'}; demo salon seeded.")
    else:
        print("Table found; demo salon already there.")
    from .demo_owner import ensure_demo_owner

    return ensure_demo_owner(repo)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dynamodb-port", type=int, default=8001)
    parser.add_argument("--data", type=Path, default=ROOT / ".data")
    args = parser.parse_args(argv)

    dynamodb = DynamoDBLocal(args.dynamodb_port, args.data).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        env.apply(dynamodb.endpoint, PUBLIC_BASE_URL=f"http://127.0.0.1:{args.port}")
        owner_email, owner_password = prepare(dynamodb.endpoint)
        server = serve(args.port)
        base = f"http://127.0.0.1:{args.port}"
        print(f"\nChairtime is running (DynamoDB Local at {dynamodb.endpoint}, data in {args.data}):")
        print(f"  Booking page  {base}/book/demo")
        print(f"  Client area   {base}/my/demo   (its sign-in codes are printed below, within a minute)")
        print(f"  Public API    {base}/v1/salons/demo")
        print(f"  OpenAPI       {base}/v1/openapi.json")
        print(f"  Owner form    {base}/owner   (log in as {owner_email} / {owner_password})")
        print("Scheduled jobs run every minute here; texts appear below as they are sent.")
        print("Ctrl-C stops the app and DynamoDB Local.\n", flush=True)
        from . import ticker

        stop_ticker = threading.Event()
        ticker.start(stop_ticker)
        server.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave Java running
        dynamodb.stop()
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
