"""What each Lambda function can ask of AWS, read from the code (no hand-kept list of calls).

The code is read with `ast`, never imported. A *node* is a module's top-level code, or one
top-level function or class (a class with all its methods). Each node refers to others through
names: its own module's definitions, what it imports (at the top or inside a function: the code
imports lazily), and attributes of imported modules (`wiring.repository`). Importing a module runs
its top-level code, not its functions, so reaching a module does not reach its functions; a
function decorated with a route or middleware is registered when its module runs, so it is.

A Lambda function starts at app.py's top-level code, its middleware, and then:
  the API            every route area (chalicelib/api/lazy.py AREAS loads them by name)
  a schedule or SNS  its own decorated function in app.py

From every node it reaches, the AWS requests are the calls that issue one:
  PynamoDB           model and index methods (`Item.query`, `item.save()`...), TransactWrite parts,
                     and the methods of chalicelib's own Transaction, each mapped to the TransactWrite
                     part it queues (storage/transaction.py is read too, not restated here);
                     counted in modules that use PynamoDB (import it, the models or the transaction)
  boto3 clients      `boto3.client("<service>")` in a node (or in a helper function of the same
                     module that the node calls: a cached client), and the node's calls of that
                     service's operations, named by botocore's own service model (sns:Publish, ...);
                     a presigned request or a paginator counts as the operation it names
                     (`generate_presigned_url("get_object")`: s3:GetObject, a presigned POST:
                     s3:PutObject), and an operation whose IAM action has another name is mapped
                     to it (S3's ListObjectsV2 is s3:ListBucket)
  Powertools         its SSM parameter helpers
The mapping from a library method to the IAM action it needs is the library's behaviour, kept
here; which of those methods the code calls, and from where, is read from the code.

It over-approximates (a `dict.get` in a storage module reads as GetItem, an object's methods are
all reachable once its class is): a function may be granted a little more than it uses, never
less than it can call.
"""
import ast
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "chalicelib"

# PynamoDB's Model/Index methods -> the DynamoDB action each request needs.
MODEL_METHODS = {
    "get": "GetItem", "refresh": "GetItem", "batch_get": "BatchGetItem", "query": "Query", "scan": "Scan",
    "count": "Query", "save": "PutItem", "update": "UpdateItem", "delete": "DeleteItem",
    "batch_write": "BatchWriteItem", "describe_table": "DescribeTable", "create_table": "CreateTable",
    "delete_table": "DeleteTable", "update_ttl": "UpdateTimeToLive",
}
# `Model.exists()` describes the table; `Model.attr.exists()` is a condition, not a request.
CLASS_ONLY_METHODS = {"exists": "DescribeTable"}
# The parts of TransactWriteItems / TransactGetItems: IAM checks each part's own action.
TRANSACT_WRITE_PARTS = {"save": "PutItem", "update": "UpdateItem", "delete": "DeleteItem",
                        "condition_check": "ConditionCheckItem"}
TRANSACT_GET_PARTS = {"get": "GetItem"}
# Powertools' parameter helpers -> the action behind them.
POWERTOOLS_CALLS = {
    "aws_lambda_powertools.utilities.parameters.get_parameter": "ssm:GetParameter",
    "aws_lambda_powertools.utilities.parameters.get_parameters": "ssm:GetParametersByPath",
    "aws_lambda_powertools.utilities.parameters.get_parameters_by_name": "ssm:GetParameters",
    "aws_lambda_powertools.utilities.parameters.get_secret": "secretsmanager:GetSecretValue",
}
# Client methods that make no request themselves but name the operation that will be made (the
# browser makes a presigned one): the operation's argument, or the operation a presigned POST is.
NAMING_METHODS = {"generate_presigned_url": ("ClientMethod", 0), "get_paginator": ("operation_name", 0)}
PRESIGNED_POST = {"generate_presigned_post": "put_object"}
# Operations whose IAM action is not `<service>:<Operation>`.
IAM_ACTION_OF = {"s3:ListObjectsV2": "s3:ListBucket", "s3:ListObjects": "s3:ListBucket",
                 "s3:DeleteObjects": "s3:DeleteObject", "s3:HeadObject": "s3:GetObject"}
USES_PYNAMODB = ("pynamodb", f"{PACKAGE}.storage.models", f"{PACKAGE}.storage.transaction")
REGISTERING_DECORATORS = {"route", "middleware"}
EVENT_SOURCE_DECORATORS = {"schedule", "on_sns_message", "on_s3_event", "on_sqs_message", "on_cw_event",
                           "lambda_function", "on_kinesis_record", "on_dynamodb_record"}


@dataclass
class Node:
    module: str
    name: str | None  # None: the module's top-level code
    statements: list = field(default_factory=list)
    refs: set = field(default_factory=set)  # other nodes' keys
    method_calls: set = field(default_factory=set)  # (method, receiver is a bare name)
    external_calls: set = field(default_factory=set)  # dotted names of called third-party functions
    clients: set = field(default_factory=set)  # boto3 client services created here

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.module, self.name)


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    defs: dict = field(default_factory=dict)  # top-level function/class name -> node
    imports: dict = field(default_factory=dict)  # bound name -> ("module", m) | ("symbol", m, n) | ("external", d)
    imported: set = field(default_factory=set)  # every module path named by an import, anywhere


def _module_files() -> dict[str, Path]:
    files = {"app": ROOT / "app.py"}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


class Program:
    """Every module of the app, its nodes and how they refer to each other."""

    def __init__(self):
        self.files = _module_files()
        self.modules = {name: self._parse(name, path) for name, path in self.files.items()}
        self.nodes: dict[tuple, Node] = {}
        for module in self.modules.values():
            self._build_nodes(module)
        self.transaction_methods = self._transaction_methods()

    # --- reading ----------------------------------------------------------------------------
    def _parse(self, name: str, path: Path) -> Module:
        module = Module(name, path, ast.parse(path.read_text(), str(path)))
        for statement in module.tree.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                module.defs[statement.name] = None
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for _bound, target in self._bindings(module, node):
                    module.imported.add(target[1])
        for statement in module.tree.body:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                module.imports.update(self._bindings(module, statement))
        return module

    def _is_package(self, name: str) -> bool:
        return name in self.files and self.files[name].name == "__init__.py"

    def _absolute(self, module: Module, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.name.split(".")
        if not self._is_package(module.name):
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def _bindings(self, module: Module, node) -> list[tuple[str, tuple]]:
        found = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name if alias.asname else alias.name.split(".")[0]
                kind = "module" if target in self.files else "external"
                found.append((alias.asname or alias.name.split(".")[0], (kind, target)))
            return found
        source = self._absolute(module, node)
        for alias in node.names:
            bound = alias.asname or alias.name
            if f"{source}.{alias.name}" in self.files:
                found.append((bound, ("module", f"{source}.{alias.name}")))
            elif source in self.files:
                found.append((bound, ("symbol", source, alias.name)))
            else:
                found.append((bound, ("external", f"{source}.{alias.name}")))
        return found

    def _build_nodes(self, module: Module) -> None:
        top = Node(module.name, None)
        self.nodes[top.key] = top
        for statement in module.tree.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                node = Node(module.name, statement.name, [statement])
                self.nodes[node.key] = node
                module.defs[statement.name] = node
                # What runs when the module runs: decorators, defaults, bases.
                top.statements += statement.decorator_list
                if isinstance(statement, ast.ClassDef):
                    top.statements += statement.bases + [k.value for k in statement.keywords]
                else:
                    top.statements += statement.args.defaults + [d for d in statement.args.kw_defaults if d]
                if module.name != "app" and any(_decorator_name(d) in REGISTERING_DECORATORS
                                                for d in statement.decorator_list):
                    top.refs.add(node.key)
            else:
                top.statements.append(statement)
        parts = module.name.split(".")
        for i in range(1, len(parts)):  # importing a.b.c runs a and a.b first
            top.refs.add((".".join(parts[:i]), None))
        for node in [top, *[n for n in self.nodes.values() if n.module == module.name and n.name]]:
            self._read_node(module, node)

    def _read_node(self, module: Module, node: Node) -> None:
        local = {}
        for statement in node.statements:
            for sub in ast.walk(statement):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    for bound, target in self._bindings(module, sub):
                        local[bound] = target
                        if target[0] in ("module", "symbol"):
                            node.refs.add((target[1], None))
        for statement in node.statements:
            for sub in ast.walk(statement):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                    node.refs.update(self._resolve_chain(module, local, [sub.id]))
                elif isinstance(sub, ast.Attribute):
                    chain = _chain(sub)
                    if chain:
                        node.refs.update(self._resolve_chain(module, local, chain))
                if isinstance(sub, ast.Call):
                    self._read_call(module, local, node, sub)

    def _read_call(self, module: Module, local: dict, node: Node, call: ast.Call) -> None:
        func = call.func
        chain = _chain(func)
        if chain:
            dotted = self._external_name(module, local, chain)
            if dotted:
                node.external_calls.add(dotted)
                if dotted in ("boto3.client", "boto3.session.Session.client") and call.args:
                    if isinstance(call.args[0], ast.Constant):
                        node.clients.add(call.args[0].value)
        if isinstance(func, ast.Attribute):
            node.method_calls.add((func.attr, isinstance(func.value, ast.Name)))
            if func.attr in PRESIGNED_POST:
                node.method_calls.add((PRESIGNED_POST[func.attr], False))
            if func.attr in NAMING_METHODS:
                keyword, position = NAMING_METHODS[func.attr]
                named = [k.value for k in call.keywords if k.arg == keyword]
                named += call.args[position:position + 1]
                if named and isinstance(named[0], ast.Constant) and isinstance(named[0].value, str):
                    node.method_calls.add((named[0].value, False))

    def _external_name(self, module: Module, local: dict, chain: list[str]) -> str | None:
        target = local.get(chain[0]) or module.imports.get(chain[0])
        if target and target[0] == "external":
            return ".".join([target[1], *chain[1:]])
        return None

    def _resolve_chain(self, module: Module, local: dict, chain: list[str]) -> set:
        head = chain[0]
        target = local.get(head) or module.imports.get(head)
        if target is None:
            if head in module.defs:
                return {(module.name, head)}
            return set()
        return self._follow(target, chain[1:])

    def _follow(self, target: tuple, rest: list[str], depth: int = 0) -> set:
        if depth > 20 or target[0] == "external":
            return set()
        if target[0] == "symbol":
            _, source, name = target
            found = self._symbol(source, name, depth)
            return found
        module = target[1]
        if not rest:
            return {(module, None)}
        found = self._symbol(module, rest[0], depth)
        if f"{module}.{rest[0]}" in self.files:  # a submodule: keep following the chain
            return found | self._follow(("module", f"{module}.{rest[0]}"), rest[1:], depth + 1)
        return found

    def _symbol(self, module_name: str, name: str, depth: int) -> set:
        module = self.modules[module_name]
        if name in module.defs:
            return {(module_name, name), (module_name, None)}
        if name in module.imports:  # re-exported by the module
            return {(module_name, None)} | self._follow(module.imports[name], [], depth + 1)
        return {(module_name, None)}  # a module-level value: running the module made it

    def _transaction_methods(self) -> dict[str, str]:
        """chalicelib's Transaction method -> the TransactWrite part it queues (`_Op("<part>", ...)`)."""
        found = {}
        module = self.modules.get(f"{PACKAGE}.storage.transaction")
        klass = module and module.defs.get("Transaction")
        for statement in (klass.statements[0].body if klass else []):
            if isinstance(statement, ast.FunctionDef):
                for sub in ast.walk(statement):
                    if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.args
                            and isinstance(sub.args[0], ast.Constant) and sub.args[0].value in TRANSACT_WRITE_PARTS):
                        found[statement.name] = sub.args[0].value
        return found

    # --- what a function reaches and asks --------------------------------------------------
    def reachable(self, entries: set) -> set:
        seen, todo = set(), deque(entries)
        while todo:
            key = todo.popleft()
            if key in seen or key not in self.nodes:
                continue
            seen.add(key)
            todo.extend(self.nodes[key].refs)
        return seen

    def actions(self, keys: set) -> set[str]:
        needed = set()
        for key in keys:
            node = self.nodes[key]
            module = self.modules[node.module]
            if any(m == prefix or m.startswith(prefix + ".") for m in module.imported for prefix in USES_PYNAMODB):
                for method, on_a_name in node.method_calls:
                    action = (MODEL_METHODS.get(method) or TRANSACT_WRITE_PARTS.get(method)
                              or TRANSACT_GET_PARTS.get(method)
                              or TRANSACT_WRITE_PARTS.get(self.transaction_methods.get(method, ""))
                              or (CLASS_ONLY_METHODS.get(method) if on_a_name else None))
                    if action:
                        needed.add(f"dynamodb:{action}")
            helpers = [self.nodes[ref] for ref in node.refs
                       if ref in self.nodes and ref[0] == node.module and ref[1] and ref != node.key]
            for service in node.clients.union(*(helper.clients for helper in helpers)):
                model = _service_model(service)
                names = {method for method, _ in node.method_calls}
                for operation in model.operation_names:
                    if _snake(operation) in names:
                        action = f"{model.signing_name}:{operation}"
                        needed.add(IAM_ACTION_OF.get(action, action))
            for called in node.external_calls:
                if called in POWERTOOLS_CALLS:
                    needed.add(POWERTOOLS_CALLS[called])
        return needed

    def lambda_entries(self) -> dict[str, set]:
        """chalice's function name -> the nodes it starts from."""
        app = self.modules["app"]
        common, sources, api = {("app", None)}, {}, set()
        for statement in app.tree.body:
            if not isinstance(statement, ast.FunctionDef):
                continue
            decorators = {_decorator_name(d) for d in statement.decorator_list}
            if "middleware" in decorators:
                common.add(("app", statement.name))
            elif decorators & EVENT_SOURCE_DECORATORS:
                sources[statement.name] = {("app", statement.name)}
            elif "route" in decorators:
                api.add(("app", statement.name))
        for module in _area_modules():
            api.add((module, None))
        return {"api_handler": common | api, **{name: common | nodes for name, nodes in sources.items()}}

    def needs(self) -> dict[str, set[str]]:
        return {name: self.actions(self.reachable(entries)) for name, entries in self.lambda_entries().items()}


def _area_modules() -> list[str]:
    from chalicelib.api.lazy import AREAS

    return [module for _, module, _ in AREAS]


def _decorator_name(decorator) -> str | None:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)


def _chain(node) -> list[str] | None:
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(names)]
    return None


@cache
def _service_model(service: str):
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


@cache
def program() -> Program:
    return Program()
