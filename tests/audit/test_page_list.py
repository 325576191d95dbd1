"""The audit's page list keeps up with the routes: a new HTML page fails here until it is added to
tests/audit/pages.py (and so measured). Fast: no browser."""
import re

from chalicelib.api.declared_routes import DECLARED
from tests.audit import pages

# GET routes that answer something other than a page for people.
NOT_PAGES = {"/m/{token}", "/robots.txt", "/ical/{name}", "/local-photos/view"}
NOT_PAGE_SUFFIXES = (".csv", ".json", ".ics")


def page_routes() -> set[str]:
    return {route.path for routes in DECLARED.values() for route in routes
            if "GET" in route.methods and not route.path.startswith("/v1/") and route.path not in NOT_PAGES
            and not route.path.endswith(NOT_PAGE_SUFFIXES)}


def route_of(path: str, routes: set[str]) -> str | None:
    """The declared route a concrete path is served by (a literal segment beats a placeholder)."""
    concrete = re.sub(r"\{[^}]+\}", "x", path.split("?")[0])
    matching = [r for r in routes if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(r)), concrete)]
    return min(matching, key=lambda r: r.count("{"), default=None)


def test_every_page_route_is_in_the_audit():
    routes = page_routes()
    audited = {route_of(path, routes) for _, path in pages.ALL}
    assert routes - audited == set()


def test_page_names_are_unique_and_lighthouse_pages_are_listed():
    names = [name for name, _ in pages.ALL]
    assert len(names) == len(set(names))
    assert set(pages.LIGHTHOUSE) <= set(names) and pages.SIGNED_OUT <= set(names)
