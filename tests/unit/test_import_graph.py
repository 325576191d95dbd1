"""The import graph of chalicelib: no module imports another module's private name, and no
import circle joins two modules, whether the import is at the top or inside a function.

A circle means the seam between two modules is in the wrong place (what both need belongs in a
third module both depend on); a private name imported from elsewhere is a seam asking to become
a public function. The graph is read from the source with `ast`, so lazy imports count too.
"""
import ast
from pathlib import Path

PACKAGE = "chalicelib"
ROOT = Path(__file__).resolve().parents[2]

# Each area's blueprint module imports its route modules at its end, so that their routes land
# on its blueprint, and they import the blueprint back: the one circle kept on purpose. Only these
# edges (area module -> its route modules) are left out of the search; any other circle fails.
# A new route module of an area joins its area's tuple here.
AREA_ROUTE_MODULES = {
    "chalicelib.api.owner.agenda": (
        "chalicelib.api.owner.agenda_feeds", "chalicelib.api.owner.agenda_json", "chalicelib.api.owner.agenda_moves",
        "chalicelib.api.owner.agenda_pages", "chalicelib.api.owner.agenda_self"),
    "chalicelib.api.owner.auth": ("chalicelib.api.owner.language", "chalicelib.api.owner.password"),
    "chalicelib.api.owner.clients": (
        "chalicelib.api.owner.local_photos", "chalicelib.api.owner.client_api", "chalicelib.api.owner.client_pages",
        "chalicelib.api.owner.exports", "chalicelib.api.owner.records", "chalicelib.api.owner.reports"),
    "chalicelib.api.owner.settings": (
        "chalicelib.api.owner.settings_catalog", "chalicelib.api.owner.settings_messages",
        "chalicelib.api.owner.broadcasts", "chalicelib.api.owner.settings_channels",
        "chalicelib.api.owner.settings_profile", "chalicelib.api.owner.settings_users"),
}


def package_modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's __init__)."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules[".".join(parts)] = (path, is_package)
    return modules


def imports_of(source: str, module: str, is_package: bool, known: set[str]) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import in `source`, at any depth.
    `from pkg import sub` counts as importing the module `pkg.sub` when it is one."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((submodule, None) if submodule in known else (target, alias.name))
    return found


def import_graph(root: Path = ROOT, package: str = PACKAGE):
    """(edges: module -> modules of the package it imports, private imports: (importer, module, name))."""
    modules = package_modules(root, package)
    edges: dict[str, set[str]] = {name: set() for name in modules}
    private = []
    for name, (path, is_package) in modules.items():
        for target, imported in imports_of(path.read_text(encoding="utf-8"), name, is_package, set(modules)):
            if target not in modules or target == name:
                continue
            edges[name].add(target)
            if imported and imported.startswith("_") and not imported.startswith("__"):
                private.append((name, target, imported))
    return edges, private


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def without_area_registrations(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: targets - set(AREA_ROUTE_MODULES.get(name, ())) for name, targets in edges.items()}


def test_no_import_circle_between_modules_of_chalicelib():
    edges, _ = import_graph()
    found = cycles(without_area_registrations(edges))
    assert found == [], ("import circles: put what both modules need in a module both import (an area's "
                         f"new route module joins AREA_ROUTE_MODULES): {found}")


def test_no_module_imports_a_private_name_of_another():
    _, private = import_graph()
    assert private == [], f"(importer, module, private name): make the name public where it lives: {private}"


def test_the_allowed_area_registrations_are_real_imports():
    """An entry left behind after a route module moved or went would hide nothing but mislead."""
    edges, _ = import_graph()
    stale = [(area, module) for area, modules in AREA_ROUTE_MODULES.items() for module in modules
             if module not in edges.get(area, set())]
    assert stale == []


def test_a_circle_is_found_however_long_and_a_chain_is_not():
    chain = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert cycles(chain) == []
    assert cycles({**chain, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"x": {"y"}, "y": {"x"}, "p": {"q"}, "q": {"p"}}) == [["p", "q"], ["x", "y"]]


def test_lazy_relative_and_absolute_imports_all_make_edges(tmp_path):
    """A synthetic package: a top-level relative import one way, a function-level absolute one back
    (the shape of the circles this test guards against), and a private name imported."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "first.py").write_text("from ..second import helper\n")
    (package / "second.py").write_text(
        "def helper():\n    from pkg.sub.first import _hidden\n    return _hidden\n\n"
        "def other():\n    from .sub import first\n    return first\n")
    edges, private = import_graph(tmp_path, "pkg")
    assert edges["pkg.sub.first"] == {"pkg.second"}
    assert edges["pkg.second"] == {"pkg.sub.first"}
    assert cycles(edges) == [["pkg.second", "pkg.sub.first"]]
    assert private == [("pkg.second", "pkg.sub.first", "_hidden")]
