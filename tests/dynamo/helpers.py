"""Request helpers for API tests."""
import json

TUESDAY_10 = "2026-03-24T10:00:00+01:00"


def post(api, path: str, body=None, headers=None):
    raw = body if isinstance(body, str) else json.dumps(body or {})
    return api.http.post(path, body=raw, headers={"Content-Type": "application/json", **(headers or {})})


def booking_body(start=TUESDAY_10, service="color", staff="giulia", phone="333 123 4567", name="Anna Rossi",
                 email=None, **extra):
    client = {"name": name, "phone": phone, **({"email": email} if email else {})}
    body = {"service_id": service, "start": start, "client": client, **extra}
    if staff is not None:
        body["staff_id"] = staff
    return body


def book(api, salon_id, **kwargs):
    headers = kwargs.pop("headers", None)
    return post(api, f"/v1/salons/{salon_id}/bookings", booking_body(**kwargs), headers)


def slot_starts(api, salon_id, day="2026-03-24", service="color", staff="giulia") -> list[str]:
    query = f"service_id={service}&date_from={day}&date_to={day}" + (f"&staff_id={staff}" if staff else "")
    response = api.http.get(f"/v1/salons/{salon_id}/availability?{query}")
    assert response.status_code == 200, response.json_body
    return [s["start"] for s in response.json_body["slots"]]
