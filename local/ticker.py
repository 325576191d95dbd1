"""Chalice local never fires @app.schedule: `make run` runs every scheduled job on this ticker
instead, and prints the texts the local SMS provider "sent"."""
import threading

from chalicelib import wiring
from chalicelib.domain.client import mask_phone
from chalicelib.jobs import run

INTERVAL_SECONDS = 60


def print_new_texts(sender, already: int) -> int:
    for text in sender.sent[already:]:
        print(f"  SMS to {mask_phone(text['phone'])}: {text['body']}", flush=True)
    return len(sender.sent)


def run_once(now=None) -> dict:
    return run.run_all(now or wiring.now())


def start(stop: threading.Event) -> threading.Thread:
    def loop():
        shown = 0
        while True:
            try:
                report = run_once()
            except Exception as error:  # noqa: BLE001 - keep ticking; the next minute may work
                print(f"ticker: {type(error).__name__}: {error}", flush=True)
            else:
                sender = wiring.current_sender()
                if hasattr(sender, "sent") and len(sender.sent) > shown:
                    shown = print_new_texts(sender, shown)
                    print(f"ticker: {report}", flush=True)
            if stop.wait(INTERVAL_SECONDS):
                return

    thread = threading.Thread(target=loop, name="ticker", daemon=True)
    thread.start()
    return thread
