"""No refusal is built by formatting English: a message with values is a `Text` (domain/text.py).

An owner reads every refusal in their language (web/localize.py translates a fixed English text as its
own msgid, a `Text` by its pattern and values). A message built with an f-string, `%` or `.format`
has no msgid: it reaches an Italian owner in English. This scan of chalicelib's source finds such a
message wherever a refusal is made: a DomainError (or subclass) built, `raise something(...)` of a
callable the scan cannot prove is not a refusal, a field's problem (`FieldErrors({...})`,
`form.fail(name, ...)`) and a page's `problem=`. And a refusal with a fixed text, in a file that feeds the
owner catalog (babel-owner.cfg), is marked `N_("...")`: Babel extracts nothing else, so a bare string
there would never be translated.
"""
import ast
import builtins
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"


# Refusals still to convert in a file that another change is rewriting at the moment: (path, callee). Remove
# an entry once its file is converted; the test fails while an entry no longer matches anything.
NOT_YET: set[tuple[str, str]] = set()


def _sources() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(PACKAGE.rglob("*.py"))}


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _classes(trees) -> dict[str, set[str]]:
    """Every class defined in chalicelib -> the names of its bases."""
    found: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                found.setdefault(node.name, set()).update(filter(None, map(_name, node.bases)))
    return found


def domain_errors(classes: dict[str, set[str]]) -> set[str]:
    """DomainError and every class that descends from it (by name: chalicelib's names are unique enough)."""
    errors = {"DomainError"}
    grew = True
    while grew:
        more = {name for name, bases in classes.items() if bases & errors} - errors
        errors |= more
        grew = bool(more)
    return errors


def formatted(node) -> bool:
    """An English text built from values at run time: f-string, `%`, `.format` or `+` with a value."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, (ast.Constant, ast.JoinedStr)) and isinstance(
            getattr(node.left, "value", ""), str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        texts = [s for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)]
        return formatted(node.left) or formatted(node.right) or (len(texts) == 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, (ast.Constant, ast.JoinedStr))
    if isinstance(node, ast.IfExp):
        return formatted(node.body) or formatted(node.orelse)
    return False


def _message_args(call: ast.Call):
    yield from call.args[:1]
    yield from (k.value for k in call.keywords if k.arg == "message")


def offenders(trees: dict[Path, ast.Module]) -> list[str]:
    classes = _classes(trees.values())
    refusals = domain_errors(classes)
    not_refusals = ({name for name, value in vars(builtins).items()
                     if isinstance(value, type) and issubclass(value, BaseException)}
                    | (set(classes) - refusals))
    found = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT)
        raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None}
        refusal_inits = {id(call) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef) and cls.name in refusals
                         for call in ast.walk(cls) if isinstance(call, ast.Call) and _name(call.func) == "__init__"}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _name(node.func)
            suspects = []
            if callee in refusals or (id(node) in raised and callee not in not_refusals):
                suspects += list(_message_args(node))
            if callee == "FieldErrors" and node.args and isinstance(node.args[0], ast.Dict):
                suspects += node.args[0].values
            if callee == "fail" and len(node.args) > 1:
                suspects.append(node.args[1])
            suspects += [k.value for k in node.keywords if k.arg == "problem"]
            if callee == "__init__" and isinstance(node.func, ast.Attribute) and id(node) in refusal_inits:
                suspects += list(_message_args(node))  # a refusal's own constructor: super().__init__(f"...")
            if any(formatted(s) for s in suspects):
                found.append(f"{where}:{node.lineno} {callee}(...) builds its English message from values")
    return found


def test_the_scan_catches_every_way_to_format_a_refusal():
    source = '''
class DomainError(Exception): ...
class InvalidRequest(DomainError): ...
class Fine(Exception): ...
def f(x, form, error):
    raise InvalidRequest(f"Line {x}: nope.")
    raise InvalidRequest("At most %d." % x)
    raise InvalidRequest("At most {}.".format(x))
    raise InvalidRequest("Unknown " + x)
    raise error(f"The {x} is too long.")
    InvalidRequest(message=f"{x}")
    FieldErrors({"name": f"{x} is taken"})
    form.fail("name", f"{x} is taken")
    Search(x, problem=f"Type {x} digits.")
    raise InvalidRequest(N_("At most %(x)s.", x=x))
    raise InvalidRequest("Fixed.")
    raise Fine(f"internal {x}")
    raise ValueError(f"internal {x}")
class Locked(InvalidRequest):
    def __init__(self, x):
        super().__init__(f"Try again in {x} minutes.")
'''
    found = offenders({ROOT / "chalicelib" / "example.py": ast.parse(source)})
    assert [line.split()[0].rsplit(":", 1)[1] for line in found] == [
        "6", "7", "8", "9", "10", "11", "12", "13", "14", "21"]


def owner_sources() -> set[Path]:
    """The Python files that feed the `owner` catalog (babel-owner.cfg's python sections)."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel-owner.cfg", encoding="utf-8") as cfg:
        method_map, _ = parse_mapping_cfg(cfg)
    return {path for pattern, method in method_map if method == "python" for path in ROOT.glob(pattern)}


def unmarked(trees: dict[Path, ast.Module]) -> list[str]:
    """Refusals with a fixed English text that Babel cannot see: a bare string, not N_("...")."""
    refusals = domain_errors(_classes(_sources().values()))
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _name(node.func)
            messages = list(_message_args(node)) if callee in refusals else []
            if callee == "FieldErrors" and node.args and isinstance(node.args[0], ast.Dict):
                messages += node.args[0].values
            if callee == "fail" and len(node.args) > 1:
                messages.append(node.args[1])
            messages += [k.value for k in node.keywords if k.arg == "problem"]
            for message in messages:
                if isinstance(message, ast.Constant) and isinstance(message.value, str) and message.value:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {message.value[:60]!r}")
    return found


def test_the_owner_catalog_reads_every_file_of_the_owner_side():
    """A refusal is only checked (and extracted) where babel-owner.cfg reads: every owner area's file is."""
    read = owner_sources()
    owner_side = {path for area in ("api/owner", "services/owner", "web/owner")
                  for path in (PACKAGE / area).glob("*.py") if path.name != "__init__.py"}
    assert not sorted(str(p.relative_to(ROOT)) for p in owner_side - read), "add them to babel-owner.cfg"


def test_a_fixed_refusal_in_a_file_the_owner_catalog_reads_is_marked_for_extraction():
    """Babel extracts N_("...") only: a bare English refusal in these files never reaches the catalog."""
    trees = {path: tree for path, tree in _sources().items() if path in owner_sources()}
    assert len(trees) > 20, "babel-owner.cfg names the owner side's Python files"
    found = unmarked(trees)
    assert not found, "Mark each with N_(...) and run `make messages`:\n" + "\n".join(found)


def test_no_refusal_in_chalicelib_is_built_with_an_fstring_percent_or_format():
    found = offenders(_sources())
    waived = {line for line in found if (line.split(":")[0], line.split()[1].split("(")[0]) in NOT_YET}
    stale = {entry for entry in NOT_YET if not any(line.startswith(f"{entry[0]}:") for line in waived)}
    assert not stale, f"Converted already: remove {sorted(stale)} from NOT_YET"
    found = [line for line in found if line not in waived]
    assert not found, "Use N_('... %(x)s ...', x=value) or ngettext (domain/text.py):\n" + "\n".join(found)
