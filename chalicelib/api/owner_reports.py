"""Owner side — reports: /owner/reports (SVG charts, each beside a table of its numbers), its CSV
and the JSON twin /v1/admin/reports; owner and front desk. Two DynamoDB requests after the
guard's: the salon and one Query of the counters.

The routes join the Clients area's blueprint (loaded with the other owner pages of that area)."""
from chalice import Response

from ..auth import roles
from ..auth.guard import owner_page
from ..domain.reports import MonthFigures
from ..services import reports as service
from ..web.charts import bar_chart
from ..wiring import now, repository
from .owner_clients import guard, owner_clients

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _money(cents: int) -> str:
    return f"{cents / 100:,.2f}"


# (column title, how to show it) for the tables
COLUMNS = (
    ("Appointments", lambda m: m.get("appointments")),
    ("Completed", lambda m: m.get("completed")),
    ("No-shows", lambda m: m.get("no_shows")),
    ("No-show rate", lambda m: _percent(m.no_show_rate)),
    ("Late cancels", lambda m: m.get("late_cancels")),
    ("Cancels", lambda m: m.get("cancels")),
    ("Revenue booked", lambda m: _money(m.get("revenue_booked_cents"))),
    ("Revenue lost", lambda m: _money(m.get("revenue_lost_cents"))),
    ("Utilisation", lambda m: _percent(m.utilisation)),
    ("New clients", lambda m: m.get("new_clients")),
    ("Returning", lambda m: m.get("returning_clients")),
    ("Messages sent", lambda m: m.get("messages_sent")),
    ("Message cost (USD, est.)", lambda m: service.usd(m.get("message_cost_musd")) if m.get("message_cost_musd")
     else "—"),
    *(("Deposits", lambda m: _money(m.get("deposits_cents"))),
      ("Fees collected", lambda m: _money(m.get("fees_collected_cents"))),
      ("Refunds", lambda m: _money(m.get("refunds_cents")))),
)


def _label(m: MonthFigures) -> str:
    return MONTH_NAMES[int(m.month[5:]) - 1]


def charts(report: service.Report) -> list:
    months = report.salon_line.months
    return [
        bar_chart("appointments", "Appointments", [(_label(m), m.get("appointments"), str(m.get("appointments")))
                                                   for m in months]),
        bar_chart("no-shows", "No-show rate", [(_label(m), m.no_show_rate, _percent(m.no_show_rate))
                                               for m in months]),
        bar_chart("revenue", f"Revenue booked ({report.salon.currency})",
                  [(_label(m), m.get("revenue_booked_cents"), _money(m.get("revenue_booked_cents"))) for m in months]),
        bar_chart("lost", f"Revenue lost to no-shows and late cancels ({report.salon.currency})",
                  [(_label(m), m.get("revenue_lost_cents"), _money(m.get("revenue_lost_cents"))) for m in months]),
        bar_chart("utilisation", "Utilisation", [(_label(m), m.utilisation, _percent(m.utilisation))
                                                 for m in months]),
    ]


@owner_clients.route("/owner/reports", methods=["GET"])
@guard.require(roles.REPORTS)
def reports_page():
    report = service.load_report(repository(), guard.principal().salon_id, now())
    staff_chart = bar_chart("per-staff", "Appointments per specialist (12 months)", [
        (line.name, line.total("appointments"), str(line.total("appointments"))) for line in report.staff_lines])
    return owner_page(owner_clients.current_request, "owner/reports/reports.html", me=guard.principal(),
                      salon_name=report.salon.name, report=report, charts=charts(report),
                      staff_chart=staff_chart if report.staff_lines else None, columns=COLUMNS)


@owner_clients.route("/owner/reports.csv", methods=["GET"])
@guard.require(roles.REPORTS)
def reports_csv():
    report = service.load_report(repository(), guard.principal().salon_id, now())
    filename = f"reports-{report.salon.id}-{report.months[-1]}.csv"
    return Response(body=service.as_csv(report), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


@owner_clients.route("/v1/admin/reports", methods=["GET"])
@guard.require(roles.REPORTS, api=True)
def api_reports():
    return service.as_json(service.load_report(repository(), guard.principal().salon_id, now()))


def _openapi() -> None:
    from .owner_clients import OPENAPI_PATHS, OPENAPI_SCHEMAS, operation, string

    OPENAPI_PATHS["/v1/admin/reports"] = {"get": operation(
        "getReports", "The last 12 months for the salon and per specialist (owner, front desk)", "Reports", [])}
    money = ("revenue_booked", "revenue_lost", "message_cost", "deposits", "fees_collected", "refunds")
    month = {"type": "object", "properties": {"month": string(), **{
        name: string(description="decimal amount") if name in money else {"type": "number", "nullable": True}
        for name in service.CSV_COLUMNS[3:]}}}
    OPENAPI_SCHEMAS["Reports"] = {"type": "object", "properties": {
        "salon": {"type": "object"}, "months": {"type": "array", "items": string()},
        "whole_salon": {"type": "array", "items": month},
        "staff": {"type": "array", "items": {"type": "object", "properties": {
            "id": string(), "name": string(), "months": {"type": "array", "items": month}}}}}}


_openapi()
