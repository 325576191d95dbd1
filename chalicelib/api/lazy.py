"""Route areas that load on their first request.

Chalice runs every function of the app (the API and the four scheduled/SNS functions) by
importing app.py, and needs every route declared at import. Declaring a route does not need its
view, though: app.py declares each area's routes from `declared_routes.py` (path, methods,
content types) and the area's module is imported when one of its routes is first called. So the
outbox dispatcher never loads a page, a client booking never loads the owner side, and a cold
start pays only for the area it serves (figures: `make bench`).

The area modules stay ordinary Chalice blueprints: they are registered on a private Chalice app
when loaded, whose request is always the real app's, and a declared route calls the view that
app has for the same path and method. `make routes` rewrites declared_routes.py after a route
change; a test fails while it is stale.
"""
import importlib
import threading

from chalice import Blueprint, Chalice

from ..domain.values import frozen

# (area, module, blueprint attribute): the order app.py registers them in.
AREAS = (
    ("public", "chalicelib.api.public", "public"),
    ("docs", "chalicelib.api.openapi", "docs"),
    ("pages", "chalicelib.api.pages", "pages"),
    ("pay_pages", "chalicelib.api.pay_pages", "pay_pages"),
    ("owner_auth", "chalicelib.api.owner.auth", "owner_auth"),
    ("owner_agenda", "chalicelib.api.owner.agenda", "owner_agenda"),
    ("owner_clients", "chalicelib.api.owner.clients", "owner_clients"),
    ("owner_settings", "chalicelib.api.owner.settings", "owner_settings"),
    ("client_pages", "chalicelib.api.client_area.pages", "client_pages"),
    ("client_api", "chalicelib.api.client_area.api", "client_api"),
)


JSON = ("application/json",)  # Chalice's default
FORM = ("application/x-www-form-urlencoded",)


@frozen
class Route:
    path: str
    methods: tuple[str, ...]
    view: str  # the view's name in its module, for tracebacks and readers
    content_types: tuple[str, ...] = JSON


class _Areas(Chalice):
    """The private app the loaded areas' blueprints are registered on. Its request and Lambda
    context are always the real app's, so a view reads exactly what the real app received."""

    def __init__(self, outer: Chalice):
        self._outer = outer
        super().__init__(app_name=outer.app_name)

    @property
    def current_request(self):
        return self._outer.current_request

    @current_request.setter
    def current_request(self, _value) -> None:  # Chalice.__init__ sets it; the real app's is used
        pass

    @property
    def lambda_context(self):
        return self._outer.lambda_context

    @lambda_context.setter
    def lambda_context(self, _value) -> None:
        pass


class LazyAreas:
    """Declares every area's routes on `app`; loads an area's module on its first request."""

    def __init__(self, app: Chalice, declared: dict[str, tuple[Route, ...]]):
        self._app = app
        self._inner = _Areas(app)  # holds the loaded areas' real routes
        self._lock = threading.Lock()
        self._loaded: set[str] = set()
        for area, module, attribute in AREAS:
            app.register_blueprint(self._declare(area, module, attribute, declared[area]))

    @property
    def loaded(self) -> frozenset[str]:
        return frozenset(self._loaded)

    def load(self, *areas: str) -> None:
        """Load these areas now (the bench times them; a warm-up could use it)."""
        wanted = {area: (module, attribute) for area, module, attribute in AREAS if area in areas}
        if unknown := set(areas) - set(wanted):
            raise ValueError(f"no such area: {sorted(unknown)}")
        for area, (module, attribute) in wanted.items():
            self._load(area, module, attribute)

    def _declare(self, area: str, module: str, attribute: str, routes: tuple[Route, ...]) -> Blueprint:
        blueprint = Blueprint(f"{module}.declared")
        for route in routes:
            view = self._forwarder(area, module, attribute, route)
            blueprint.route(route.path, methods=list(route.methods), content_types=list(route.content_types))(view)
        return blueprint

    def _forwarder(self, area: str, module: str, attribute: str, route: Route):
        def view(**params):
            self._load(area, module, attribute)
            method = self._app.current_request.method
            return self._inner.routes[route.path][method].view_function(**params)

        view.__name__ = view.__qualname__ = route.view
        return view

    def _load(self, area: str, module: str, attribute: str) -> None:
        if area in self._loaded:
            return
        with self._lock:  # `chalice local` serves requests on threads
            if area not in self._loaded:
                self._inner.register_blueprint(getattr(importlib.import_module(module), attribute))
                self._loaded.add(area)


def describe() -> dict[str, tuple[Route, ...]]:
    """Every area's routes as its module declares them. Imports every area and binds its blueprint
    to a probe app: run it in a process of its own (`make routes`, or `--check` in the tests)."""
    described = {}
    for area, module, attribute in AREAS:
        probe = Chalice(app_name="describe")
        probe.register_blueprint(getattr(importlib.import_module(module), attribute))
        routes = {}
        for path, methods in probe.routes.items():
            for method, entry in methods.items():
                key = (path, entry.view_name, tuple(entry.content_types))
                routes.setdefault(key, []).append(method)
        described[area] = tuple(Route(path, tuple(sorted(methods)), name, types)
                                for (path, name, types), methods in sorted(routes.items()))
    return described


def _quoted(value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_quoted(v) for v in value) + (",)" if len(value) == 1 else ")")
    return '"' + value + '"'


def render(described: dict[str, tuple[Route, ...]]) -> str:
    lines = ['"""Every route of every area, as its module declares it. Generated by `make routes`',
             '(chalicelib/api/lazy.py): do not edit by hand."""',
             "from .lazy import FORM, Route", "", "DECLARED = {"]
    for area, routes in described.items():
        lines.append(f"    {_quoted(area)}: (")
        for r in routes:
            args = [_quoted(r.path), _quoted(r.methods), _quoted(r.view)]
            if r.content_types != JSON:
                args.append("FORM" if r.content_types == FORM else _quoted(r.content_types))
            line = f"        Route({', '.join(args)}),"
            lines.append(line if len(line) <= 120 else "        Route(\n" + "".join(f"            {a},\n" for a in args)
                         + "        ),")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(__file__).with_name("declared_routes.py")
    fresh = render(describe())
    if "--check" in sys.argv[1:]:
        if target.read_text() != fresh:
            sys.exit(f"{target} is stale: run `make routes`")
    else:
        target.write_text(fresh)
        print(f"wrote {target}")
