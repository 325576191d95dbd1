"""Owner side — reports: /owner/reports (SVG charts, each beside a table of its numbers), its CSV
and the JSON twin /v1/admin/reports; owner and front desk. Two DynamoDB requests after the
guard's: the salon and one Query of the counters.

The routes join the Clients area's blueprint (loaded with the other owner pages of that area)."""
from chalice import Response

from ...auth import roles
from ...auth.guard import owner_page, owner_translator
from ...domain.reports import MonthFigures
from ...services import reports as service
from ...web.charts import bar_chart
from ...web.owner.wording import Wording
from ...wiring import now, repository
from .clients import guard, owner_clients


class Figures:
    """How the reader's language writes the report's numbers, and the titles of its columns and charts."""

    def __init__(self, tr):
        self.tr = tr
        self.say = Wording(tr)

    def percent(self, value: float | None) -> str:
        from babel.numbers import format_percent

        return "—" if value is None else format_percent(value, locale=self.tr.locale)

    def money(self, cents: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(cents / 100, "#,##0.00", locale=self.tr.locale)

    def columns(self) -> tuple:
        """(column title, how to show it) for the tables."""
        _, percent, money = self.tr.gettext, self.percent, self.money
        return (
            (_("Appointments"), lambda m: m.get("appointments")),
            (_("Completed"), lambda m: m.get("completed")),
            (_("No-shows"), lambda m: m.get("no_shows")),
            (_("No-show rate"), lambda m: percent(m.no_show_rate)),
            (_("Late cancels"), lambda m: m.get("late_cancels")),
            (_("Cancels"), lambda m: m.get("cancels")),
            (_("Revenue booked"), lambda m: money(m.get("revenue_booked_cents"))),
            (_("Revenue lost"), lambda m: money(m.get("revenue_lost_cents"))),
            (_("Utilisation"), lambda m: percent(m.utilisation)),
            (_("New clients"), lambda m: m.get("new_clients")),
            (_("Returning"), lambda m: m.get("returning_clients")),
            (_("Messages sent"), lambda m: m.get("messages_sent")),
            (_("Message cost (USD, est.)"),
             lambda m: service.usd(m.get("message_cost_musd")) if m.get("message_cost_musd") else "—"),
            (_("Deposits"), lambda m: money(m.get("deposits_cents"))),
            (_("Fees collected"), lambda m: money(m.get("fees_collected_cents"))),
            (_("Refunds"), lambda m: money(m.get("refunds_cents"))),
        )

    def label(self, m: MonthFigures) -> str:
        return self.say.month(m.month)

    def charts(self, report: service.Report) -> list:
        months, _, label = report.salon_line.months, self.tr.gettext, self.label
        currency = report.salon.currency
        return [
            bar_chart("appointments", _("Appointments"),
                      [(label(m), m.get("appointments"), str(m.get("appointments"))) for m in months]),
            bar_chart("no-shows", _("No-show rate"),
                      [(label(m), m.no_show_rate, self.percent(m.no_show_rate)) for m in months]),
            bar_chart("revenue", _("Revenue booked (%(currency)s)", currency=currency),
                      [(label(m), m.get("revenue_booked_cents"), self.money(m.get("revenue_booked_cents")))
                       for m in months]),
            bar_chart("lost", _("Revenue lost to no-shows and late cancels (%(currency)s)", currency=currency),
                      [(label(m), m.get("revenue_lost_cents"), self.money(m.get("revenue_lost_cents")))
                       for m in months]),
            bar_chart("utilisation", _("Utilisation"),
                      [(label(m), m.utilisation, self.percent(m.utilisation)) for m in months]),
        ]


@owner_clients.route("/owner/reports", methods=["GET"])
@guard.require(roles.REPORTS)
def reports_page():
    me = guard.principal()
    report = service.load_report(repository(), me.salon_id, now())
    figures = Figures(owner_translator(me))
    staff_chart = bar_chart("per-staff", figures.tr.gettext("Appointments per specialist (12 months)"), [
        (line.name, line.total("appointments"), str(line.total("appointments"))) for line in report.staff_lines])
    return owner_page(owner_clients.current_request, "owner/reports/reports.html", me=me,
                      salon_name=report.salon.name, report=report, charts=figures.charts(report),
                      staff_chart=staff_chart if report.staff_lines else None, columns=figures.columns())


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
    from .clients import OPENAPI_PATHS, OPENAPI_SCHEMAS, operation, string

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
