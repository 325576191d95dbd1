"""Chalice local never fires @app.schedule: `make run` runs every scheduled job on this ticker
instead, and prints the messages the local providers (SMS, e-mail, WhatsApp) "sent"."""
import threading

from chalicelib import wiring
from chalicelib.domain.client import mask_phone
from chalicelib.jobs import run

INTERVAL_SECONDS = 60


def print_new_texts(sender, already: int) -> int:
    for text in sender.sent[already:]:
        print(f"  SMS to {mask_phone(text['phone'])}: {text['body']}", flush=True)
    return len(sender.sent)


def print_new_messages(senders, shown: dict) -> bool:
    """Every channel's new messages since the last call (`shown`: how many per channel so far)."""
    printed = False
    for text in senders.sms.sent[shown.get("sms", 0):] if hasattr(senders.sms, "sent") else ():
        print(f"  SMS to {mask_phone(text['phone'])}: {text['body']}", flush=True)
        printed = True
    for mail in getattr(senders.email, "sent", [])[shown.get("email", 0):]:
        print(f"  E-mail from {mail['from']}: {mail['email'].subject}\n    {mail['email'].text}", flush=True)
        printed = True
    for message in getattr(senders.whatsapp, "sent", [])[shown.get("whatsapp", 0):]:
        template = message["template"]
        print(f"  WhatsApp to {mask_phone(message['to'])}: {template.name} ({template.language}) "
              f"{list(template.parameters)}", flush=True)
        printed = True
    for channel in ("sms", "email", "whatsapp"):
        shown[channel] = len(getattr(getattr(senders, channel), "sent", []))
    return printed


def run_once(now=None) -> dict:
    return run.run_all(now or wiring.now())


def start(stop: threading.Event) -> threading.Thread:
    def loop():
        shown: dict = {}
        while True:
            try:
                report = run_once()
            except Exception as error:  # noqa: BLE001 - keep ticking; the next minute may work
                print(f"ticker: {type(error).__name__}: {error}", flush=True)
            else:
                if print_new_messages(wiring.current_senders(), shown):
                    print(f"ticker: {report}", flush=True)
            if stop.wait(INTERVAL_SECONDS):
                return

    thread = threading.Thread(target=loop, name="ticker", daemon=True)
    thread.start()
    return thread
