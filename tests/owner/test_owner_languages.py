"""The settings, users, audit, messages, waitlist and reports pages and the /v1/admin refusals in the
reader's language (guard.owner_locale), on DynamoDB Local: codes stay English, messages, field
problems, labels, counts, dates and the audit log's wording follow the reader."""
import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from chalicelib.auth import guard, roles
from chalicelib.domain.outbox import MessageStatus
from chalicelib.services.salons import load_salon
from chalicelib.web.catalogs import LOCALES
from tests.owner.test_auth import text
from tests.owner.test_messages import message
from tests.owner.test_settings import audit, error_of, signed

pytestmark = pytest.mark.dynamodb_local

UNKNOWN_USER = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


@pytest.fixture
def reads(monkeypatch):
    """The signed-in reader reads `locale` (what a user's language setting decides)."""
    def choose(locale: str):
        monkeypatch.setattr(guard, "owner_locale", lambda who=None, request=None: locale)
    return choose


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def page_text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text(response)))


# --- /v1/admin refusals ---------------------------------------------------------------------------

def test_admin_refusals_keep_their_code_and_speak_the_readers_language(api, owner, salon_id, reads):
    reads("it")
    bad = owner.json("PATCH", "/v1/admin/settings/booking", {"slot_minutes": 7})
    assert bad.status_code == 400
    error = error_of(bad)
    assert error["code"] == "invalid_request"
    assert error["fields"] == {"slot_minutes": "Usa un multiplo di 5."}
    assert error["message"] == "Alcuni campi vanno corretti: slot_minutes: Usa un multiplo di 5."

    missing = owner.json("GET", f"/v1/admin/users/{UNKNOWN_USER}")
    assert missing.status_code == 404
    assert error_of(missing) == {"code": "user_not_found", "message": "Questo utente non esiste."}

    forged = owner.json("PATCH", "/v1/admin/settings/booking", {"slot_minutes": 30}, csrf=False)
    assert forged.status_code == 403 and error_of(forged)["code"] == "csrf_failed"
    assert error_of(forged)["message"] == "Questo modulo è scaduto. Torna indietro, ricarica la pagina e riprova."

    desk = signed(api, salon_id, roles.FRONT_DESK).json("GET", "/v1/admin/users")
    assert desk.status_code == 403
    assert error_of(desk) == {"code": "forbidden", "message": "Il tuo ruolo non lo consente."}


def test_the_last_owner_refusal_is_translated_at_the_edge(owner, reads):
    reads("es")
    me = owner.json("GET", "/v1/admin/me").json_body
    refused = owner.json("PATCH", f"/v1/admin/users/{me['id']}", {"role": roles.FRONT_DESK})
    assert refused.status_code == 409
    assert error_of(refused) == {"code": "last_owner", "message": "El salón necesita un propietario activo: "
                                                                  "primero haz propietario a otra persona."}


def test_a_counted_problem_takes_the_readers_plural_form(owner, reads):
    reads("ru")
    week = {"tue": [f"{h:02d}:00-{h:02d}:30" for h in range(9, 16)]}  # 7 intervals, 6 allowed
    refused = owner.json("PATCH", "/v1/admin/settings/hours", {"hours": week})
    assert error_of(refused)["fields"] == {"hours_tue": "Не больше 6 интервалов в день."}
    reads("pl")
    long_name = owner.json("PATCH", "/v1/admin/settings/salon", {"name": "x" * 101})
    assert error_of(long_name)["fields"] == {"name": "Maksymalnie 100 znaków."}


def test_an_english_reader_gets_the_english_texts(owner):
    bad = owner.json("PATCH", "/v1/admin/settings/booking", {"slot_minutes": 7})
    assert error_of(bad)["fields"] == {"slot_minutes": "Use a multiple of 5."}


# --- pages ----------------------------------------------------------------------------------------

def test_a_settings_form_its_problems_and_its_notice_speak_polish(owner, reads):
    reads("pl")
    form = page_text(owner.get("/owner/settings/booking"))
    assert "Zasady rezerwacji" in form and "Godziny rozpoczęcia co (minuty)" in form
    refused = owner.submit("/owner/settings/booking", slot_minutes="7", min_notice_minutes="60", horizon_days="60",
                           cancellation_cutoff_hours="24")
    assert refused.status_code == 400
    shown = page_text(refused)
    assert "Nic nie zapisano: sprawdź zaznaczone pola poniżej." in shown and "Użyj wielokrotności 5." in shown
    saved = owner.submit("/owner/settings/booking", slot_minutes="30", min_notice_minutes="60", horizon_days="60",
                         cancellation_cutoff_hours="24")
    assert saved.status_code == 303
    assert "Zapisano." in page_text(owner.get(saved.headers["Location"]))


def test_the_audit_log_reads_in_the_readers_language_and_stores_codes(owner, salon_id, reads):
    owner.submit("/owner/settings/policies", **_policies(staff_see_notes="1"))
    entry = audit(salon_id, "settings_changed")[0]
    assert entry.details["changes"]["staff_see_notes"] == "no → yes"  # stored: a code and data, no language
    reads("es")
    shown = page_text(owner.get("/owner/audit"))
    assert "Cambió la configuración" in shown
    assert "El equipo puede leer las notas privadas de los clientes" in shown and "no → sí" in shown
    assert "Settings changed" not in shown and "staff see notes" not in shown


def test_the_outbox_says_status_time_and_attempts_in_russian(owner, repo, salon_id, reads):
    repo.add_message(message(salon_id, MessageStatus.SENT, sent_at=datetime(2026, 3, 23, 8, 0, tzinfo=UTC),
                             attempts=2, provider_message_id="p-2"))
    repo.add_message(message(salon_id, MessageStatus.FAILED, reason="daily_cap_reached", attempts=5))
    reads("ru")
    shown = page_text(owner.get("/owner/messages"))
    assert "Отправлено: пн 23 мар. 2026, 09:00" in shown
    assert "2 попытки" in shown and "5 попыток" in shown
    assert "Причина: дневной лимит исчерпан" in shown and "Напоминание" in shown


def test_the_reports_name_months_and_figures_in_the_readers_language(api, salon_id, reads):
    reads("it")
    shown = page_text(signed(api, salon_id).get("/owner/reports"))
    assert "Tasso di mancate presentazioni" in shown and "Tutto il salone" in shown
    assert re.search(r"\bmar\b", shown)  # the chart's month labels: Italian's short names
    assert "No-show rate" not in shown


# --- no English left on these pages ---------------------------------------------------------------

class _Texts(HTMLParser):
    """The visible text nodes inside <main>."""

    def __init__(self):
        super().__init__()
        self.depth, self.nodes, self._skip = 0, [], 0

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "main"
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.depth -= tag == "main"
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if self.depth > 0 and not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible(markup: str) -> list[str]:
    parser = _Texts()
    parser.feed(markup)
    return parser.nodes


NEUTRAL = {"min", "EUR", "CSV", "SMS", "ISO", "IANA"}  # read the same in every language


def english_left(english: str, translated: str, data: set[str]) -> list[str]:
    """Text nodes of two words or more that read the same in English and in the translated page and
    are not data of the salon (names, e-mails): a text someone forgot to wrap in gettext."""
    same = set(visible(english)) & set(visible(translated))
    return sorted(node for node in same
                  if len([w for w in re.findall(r"[^\W\d_]{2,}", node) if w not in NEUTRAL]) >= 2
                  and not any(datum in node for datum in data))


def test_the_english_left_check_finds_an_unwrapped_sentence():
    english = "<main><h1>Settings</h1><p>Nothing was saved.</p><p>Studio Demo</p></main>"
    italian = "<main><h1>Impostazioni</h1><p>Nothing was saved.</p><p>Studio Demo</p></main>"
    assert english_left(english, italian, {"Studio Demo"}) == ["Nothing was saved."]


PAGES = ("/owner/settings", "/owner/settings/salon", "/owner/settings/hours", "/owner/settings/booking",
         "/owner/settings/policies", "/owner/settings/services", "/owner/settings/services/new",
         "/owner/settings/staff", "/owner/settings/staff/new", "/owner/users", "/owner/users/new", "/owner/audit",
         "/owner/messages", "/owner/messages/inbox", "/owner/waitlist", "/owner/reports")


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != "en"])
def test_no_english_is_left_on_these_pages(api, owner, repo, salon_id, reads, locale):
    owner.submit("/owner/settings/policies", **_policies(staff_see_notes="1"))  # an audit entry to word
    repo.add_message(message(salon_id, MessageStatus.FAILED, reason="daily_cap_reached", attempts=2))
    salon, catalog = load_salon(repo, salon_id)
    data = {salon.name, owner.user.email, *(s.name for s in catalog.services), *(s.name for s in catalog.staff),
            "Promemoria"}
    pages = [*PAGES, f"/owner/settings/services/{catalog.services[0].id}",
             f"/owner/settings/staff/{catalog.staff[0].id}", f"/owner/users/{owner.user.id}"]
    found = {}
    for path in pages:
        reads("en")
        english = text(owner.get(path))
        reads(locale)
        answer = owner.get(path)
        assert answer.status_code == 200, path
        left = english_left(english, text(answer), data)
        if left:
            found[path] = left
    assert not found, found


def test_refusals_answered_beside_the_guard_speak_the_readers_language(api, salon_id, reads):
    """A staff login the owner did not let book by phone: the agenda's own refusal, translated too."""
    staff = signed(api, salon_id, roles.STAFF, staff_id="giulia")
    reads("pt")
    refused = staff.json("POST", "/v1/admin/bookings", {})
    assert refused.status_code == 403
    assert error_of(refused) == {"code": "forbidden", "message": "Seu perfil não permite isso."}


def _policies(**changed) -> dict[str, str]:
    values = {"send_from": "09:00", "send_until": "20:00", "reminder_time": "18:00", "confirmations": "1",
              "allowed_countries": "", "phone_daily_cap": "3", "salon_daily_cap": "200", "grace_minutes": "15",
              "warn_at": "2", "restrict_at": "3", "window_days": "365", "restrict_days": "90", "late_cancel_fee": "",
              "no_show_fee": "", "waitlist_hold_minutes": "30", "deposit_expiry_minutes": "15",
              "card_on_file": "never"}
    values.update(changed)
    return {name: value for name, value in values.items() if value}
