"""`make package`: a stage's CloudFormation template and zip, repeatable offline.

    .venv/bin/python -m infra.package --stage prod [--region eu-west-1]

1. infra/resources.json and the .chalice/policy-<stage>-<function>.json files must be what
   infra/template.py and infra/policies.py render (else: stop, say how to fix).
2. .wheelhouse/ holds the wheels of requirements.txt for the Lambda runtime (CPython 3.13,
   manylinux x86_64), downloaded once per requirements.txt: the only step that needs the index.
3. dist/<stage>.build/ gets app.py, chalicelib/, the stage's .chalice files and vendor/: the
   requirements installed from the wheelhouse alone (--no-index), minus what the Lambda runtime
   already has (boto3, botocore and the packages only they need). There is no requirements.txt
   in it, so chalice does not run pip: chalice builds for the Python it runs on (3.11 in .venv),
   whose Lambda runtime can no longer be deployed; vendor/ is copied into the zip as it is.
4. chalice package --stage <stage> --merge-template infra/resources.json dist/<stage>
5. dist/<stage>/parameter-overrides.txt: the stage's CloudFormation parameters, from its
   environment in .chalice/config.json (docs/deploy.md passes them to `aws cloudformation deploy`).

The tests (tests/infra) run steps 1, 3 and 4 without vendor/, in a temporary directory.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from . import policies, template

ROOT = template.ROOT
REQUIREMENTS = ROOT / "requirements.txt"
WHEELHOUSE = ROOT / ".wheelhouse"
DIST = ROOT / "dist"
PYTHON_VERSION = template.LAMBDA_RUNTIME.removeprefix("python")  # "3.13"
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")  # the runtime is Amazon Linux 2023 (glibc 2.34)
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer"}  # every Lambda Python runtime ships the AWS SDK
LAMBDA_ZIP_LIMIT = 50 * 1024 * 1024  # direct upload; S3 upload (cloudformation package) allows more
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(path: Path = REQUIREMENTS) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(canonical(re.split(r"[\s\[<>=!~;]", line, maxsplit=1)[0]))
    return names


def pip_target_options() -> list[str]:
    options = ["--only-binary=:all:", "--python-version", PYTHON_VERSION, "--implementation", "cp"]
    for platform in PLATFORMS:
        options += ["--platform", platform]
    return options


def ensure_wheelhouse(log=print) -> None:
    """Download the wheels once per requirements.txt and target; later runs need no network."""
    stamp = WHEELHOUSE / ".stamp"
    wanted = hashlib.sha256((REQUIREMENTS.read_text() + repr(pip_target_options())).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        log(f"wheelhouse: up to date ({len(list(WHEELHOUSE.glob('*.whl')))} wheels in .wheelhouse/)")
        return
    log(f"wheelhouse: downloading requirements.txt for {template.LAMBDA_RUNTIME} ({', '.join(PLATFORMS)})")
    WHEELHOUSE.mkdir(exist_ok=True)
    for old in WHEELHOUSE.glob("*.whl"):  # another requirements.txt: start over, keep no stale versions
        old.unlink()
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS), "-d", str(WHEELHOUSE), *pip_target_options()], check=True)
    stamp.write_text(wanted)


def stage_project(stage: str, build: Path, with_dependencies: bool = True, log=print) -> list[str]:
    """The project chalice packages: app files, the stage's config and policy, vendor/. Returns the
    distributions left out because the runtime has them."""
    config = template.chalice_config()
    if stage not in config["stages"]:
        raise SystemExit(f"No stage {stage!r} in .chalice/config.json (have: {', '.join(config['stages'])})")
    if build.exists():
        shutil.rmtree(build)
    (build / ".chalice").mkdir(parents=True)
    shutil.copy2(ROOT / "app.py", build / "app.py")
    shutil.copytree(ROOT / "chalicelib", build / "chalicelib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(template.CHALICE_CONFIG, build / ".chalice" / "config.json")
    stage_config = config["stages"][stage]
    policy_files = {stage_config.get("iam_policy_file")} | {
        function.get("iam_policy_file") for function in stage_config.get("lambda_functions", {}).values()}
    for policy in sorted(p for p in policy_files if p):  # one per function (infra/policies.py)
        shutil.copy2(ROOT / ".chalice" / policy, build / ".chalice" / policy)
    if not with_dependencies:
        return []
    vendor = build / "vendor"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index",
                    "--find-links", str(WHEELHOUSE), "--target", str(vendor), "--no-compile",
                    *pip_target_options(), "-r", str(REQUIREMENTS)], check=True)
    dropped = drop_runtime_provided(vendor, requirement_names())
    pruned = prune_babel_locales(vendor)
    lookups = prune_phone_lookups(vendor)
    stripe_parts = prune_stripe_typing(vendor)
    log(f"vendor: {len(installed_distributions(vendor))} distributions for {template.LAMBDA_RUNTIME}; "
        f"left to the Lambda runtime: {', '.join(dropped) or 'nothing'}; "
        f"Babel locale files dropped: {pruned}; phonenumbers lookups dropped: {', '.join(lookups) or 'none'}; "
        f"stripe packages emptied: {', '.join(stripe_parts) or 'none'}")
    compile_bytecode(build, log)
    return dropped


def prune_babel_locales(vendor: Path) -> int:
    """Babel ships ~1,000 locale files (~30 MB); texts and pages use only the six supported
    locales (and `root`, which every locale inherits from). The rest is most of the zip."""
    from chalicelib.domain.salon import SUPPORTED_LOCALES

    keep = {*SUPPORTED_LOCALES, "root"}
    dropped = 0
    for data in (vendor / "babel" / "locale-data").glob("*.dat"):
        if data.stem not in keep:
            data.unlink()
            dropped += 1
    return dropped


PHONE_LOOKUPS = ("geocoder", "carrier", "timezone")  # each a module + its data folder below


def prune_phone_lookups(vendor: Path) -> list[str]:
    """phonenumbers carries ~20 MB of place, carrier and time-zone names per number prefix; the code
    only parses, validates and formats (phonenumbers' own "lite" build does the same, but trails
    its releases). The modules go with their data, so a use of them fails at import, loudly."""
    root = vendor / "phonenumbers"
    dropped = []
    for name, data in zip(PHONE_LOOKUPS, ("geodata", "carrierdata", "tzdata"), strict=True):
        found = [p for p in (root / f"{name}.py", root / f"{name}.pyi", root / data) if p.exists()]
        for path in found:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if found:
            dropped.append(name)
    return dropped


# The Stripe SDK's `params` (TypedDicts of every request's parameters, imported only for type
# checkers) and `events` (classes of the v2 "thin" event notifications, which Chairtime does not
# subscribe to: its webhook takes v1 events) are 12 MB of its 20. Each is left as an empty
# package: `import stripe` and every call made here work; a use of what went fails at import.
STRIPE_TYPING_PACKAGES = ("params", "events")


def prune_stripe_typing(vendor: Path) -> list[str]:
    root = vendor / "stripe"
    emptied = []
    for name in STRIPE_TYPING_PACKAGES:
        folder = root / name
        if not folder.is_dir():
            continue
        shutil.rmtree(folder)
        folder.mkdir()
        (folder / "__init__.py").write_text(
            '"""Emptied by infra/package.py (prune_stripe_typing): not used at run time."""\n', "utf-8")
        emptied.append(name)
    return emptied


BYTECODE_DIR = "tmp/chairtime-bytecode"  # inside the runtime root, where the staged code is compiled
LAMBDA_TASK_ROOT = "/var/task"


def compile_bytecode(build: Path, log=print) -> int:
    """Bytecode for the Lambda runtime's Python, shipped in the zip: returns how many files.

    Lambda cannot write __pycache__ into /var/task, so without it every cold start compiles the
    app and every vendored package from source (`make bench` prints both costs). Bytecode is
    specific to a CPython minor version, and the venv is 3.11: it is compiled by the 3.13 of the
    runtime-smoke root (infra/runtime_smoke.py, built once; needs root for chroot). The files are
    unchecked-hash .pyc: a zip keeps timestamps to 2 seconds, so timestamp-checked bytecode could
    look stale after unzipping, and the runtime cannot rewrite it. Covered: chalicelib/, vendor/,
    app.py and the two chalice modules chalice's packager adds (placed in vendor/, whose content
    lands at the zip's root)."""
    from . import runtime_smoke

    if os.geteuid() != 0:
        log("bytecode: NOT compiled (the Python 3.13 root needs root for chroot): every cold start compiles")
        return 0
    runtime_smoke.ensure_root_fs()
    work = runtime_smoke.FS / BYTECODE_DIR
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(build / "chalicelib", work / "chalicelib")
    shutil.copytree(build / "vendor", work / "vendor")
    shutil.copy2(build / "app.py", work / "vendor" / "app.py")
    import chalice

    (work / "vendor" / "chalice").mkdir(exist_ok=True)
    for name in ("app.py", "__init__.py"):  # the same files chalice's packager puts in the zip
        shutil.copy2(Path(chalice.__file__).with_name(name), work / "vendor" / "chalice" / name)
    inside = f"/{BYTECODE_DIR}"
    targets = [(f"{inside}/chalicelib", f"{LAMBDA_TASK_ROOT}/chalicelib"), (f"{inside}/vendor", LAMBDA_TASK_ROOT)]
    for source, shown_as in targets:  # tracebacks name the files where Lambda has them
        done = subprocess.run([runtime_smoke._chroot(), str(runtime_smoke.FS), "/usr/bin/python3", "-m", "compileall",
                               "-q", "--invalidation-mode", "unchecked-hash", "-s", source, "-p", shown_as, source],
                              capture_output=True, text=True)
        if done.returncode != 0:  # a file that does not compile stays source only; say which
            log(f"bytecode: some files did not compile:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    count = 0
    for cache in sorted(work.rglob("__pycache__")):
        relative = cache.relative_to(work)
        target = build / relative
        target.mkdir(parents=True, exist_ok=True)
        for compiled in cache.glob("*.pyc"):
            shutil.copy2(compiled, target / compiled.name)
            count += 1
    shutil.rmtree(work, ignore_errors=True)
    sourceless = vendor_without_sources(build / "vendor")
    log(f"bytecode: {count} files compiled for Python {runtime_smoke._python_version(runtime_smoke.FS)}; "
        f"{sourceless} vendored modules shipped as bytecode alone")
    return count


# Our own code (app.py, chalicelib/) ships its sources beside its bytecode, so a traceback in the logs
# shows the failing line. A vendored package ships its bytecode alone: a traceback through it still
# names the file and line, and the zip loses 2.8 MB of sources nobody reads on Lambda.
KEEP_SOURCES = frozenset({"chalice"})  # chalice's runtime module, which its packager adds again as source


def vendor_without_sources(vendor: Path) -> int:
    """Each vendored `x.py` that has its `__pycache__/x.<tag>.pyc` is replaced by that bytecode at
    `x.pyc` (where Python imports a module that has no source); returns how many."""
    moved = 0
    for cache in sorted(vendor.rglob("__pycache__")):
        package_dir = cache.parent
        if package_dir.relative_to(vendor).parts[:1] in {(name,) for name in KEEP_SOURCES}:
            continue
        for compiled in cache.glob("*.pyc"):
            source = package_dir / (compiled.name.split(".", 1)[0] + ".py")
            if not source.exists():
                continue  # app.py's bytecode (its source is at the zip's root, not in vendor/) stays in place
            shutil.move(compiled, package_dir / (source.stem + ".pyc"))
            source.unlink()
            moved += 1
        if not any(cache.iterdir()):
            cache.rmdir()
    return moved


def installed_distributions(directory: Path) -> dict[str, tuple[Path, dict]]:
    """canonical name -> (its .dist-info, {"version", "requires", "files"}) for a pip --target dir."""
    found = {}
    for info in directory.glob("*.dist-info"):
        metadata = Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        requires = []
        for spec in metadata.get_all("Requires-Dist") or []:
            requirement, _, marker = spec.partition(";")
            if "extra" in marker:
                continue  # extras are not installed
            requires.append(canonical(re.split(r"[\s\[(<>=!~]", requirement.strip(), maxsplit=1)[0]))
        record = (info / "RECORD").read_text(encoding="utf-8").splitlines() if (info / "RECORD").exists() else []
        files = [line.rsplit(",", 2)[0] for line in record if line.strip()]
        found[canonical(metadata["Name"])] = (info, {"version": metadata["Version"], "requires": requires,
                                                     "files": files})
    return found


def drop_runtime_provided(vendor: Path, roots: list[str]) -> list[str]:
    """Delete RUNTIME_PROVIDED and the distributions only they need; fail if a requirement is missing."""
    dists = installed_distributions(vendor)
    missing = [name for name in roots if name not in dists and name not in RUNTIME_PROVIDED]
    if missing:
        raise SystemExit(f"not installed in vendor/: {', '.join(missing)}")

    def closure(starts, stop=frozenset()):
        seen, todo = set(), [s for s in starts if s in dists and s not in stop]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += [r for r in dists[name][1]["requires"] if r in dists and r not in stop]
        return seen

    needed = closure(roots, stop=frozenset(RUNTIME_PROVIDED))
    dropped = sorted(closure(RUNTIME_PROVIDED & dists.keys()) - needed)
    for name in dropped:
        info, meta = dists[name]
        for relative in meta["files"]:
            path = vendor / relative
            if path.is_file() and vendor in path.resolve().parents:
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
    for directory in sorted((p for p in vendor.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()
    return [f"{name} {dists[name][1]['version']}" for name in dropped]


def chalice_executable() -> str:
    beside = Path(sys.executable).with_name("chalice")
    return str(beside) if beside.exists() else (shutil.which("chalice") or "chalice")


def chalice_package(build: Path, stage: str, out: Path, region: str) -> Path:
    if out.exists():
        shutil.rmtree(out)
    env = {**os.environ, "AWS_DEFAULT_REGION": region}
    env.pop("AWS_PROFILE", None)  # packaging calls no AWS API: a missing profile must not stop it
    # chalice's progress goes to stderr, so a caller's stdout (make bench's table) stays its own
    subprocess.run([chalice_executable(), "package", "--stage", stage, "--merge-template", str(template.OUTPUT),
                    str(out)], cwd=build, env=env, check=True, stdout=sys.stderr)
    return out / "sam.json"


def write_parameters(stage: str, out: Path) -> Path:
    path = out / "parameter-overrides.txt"
    path.write_text("".join(f"{key}={value}\n" for key, value in template.stage_parameters(stage).items()))
    return path


def build(stage: str, out: Path, region: str, with_dependencies: bool = True, build_dir: Path | None = None,
          log=print) -> Path:
    """Everything `make package` does after the wheelhouse; returns the merged template's path."""
    if template.OUTPUT.read_text() != template.dumps(template.render()):
        raise SystemExit("infra/resources.json is stale: run .venv/bin/python -m infra.template and commit it")
    if names := policies.stale():
        raise SystemExit(f"{', '.join(names)} stale: run .venv/bin/python -m infra.policies and commit them")
    build_dir = build_dir or out.with_name(out.name + ".build")
    stage_project(stage, build_dir, with_dependencies, log)
    sam = chalice_package(build_dir, stage, out, region)
    write_parameters(stage, out)
    return sam


def sizes(zip_path: Path) -> tuple[int, int]:
    with zipfile.ZipFile(zip_path) as archive:
        return zip_path.stat().st_size, sum(info.file_size for info in archive.infolist())


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                        or "eu-west-1")
    args = parser.parse_args(argv)
    out = DIST / args.stage
    ensure_wheelhouse()
    sam = build(args.stage, out, args.region)
    zipped, unzipped = sizes(out / "deployment.zip")
    functions = {name: r["Properties"]["Runtime"] for name, r in json.loads(sam.read_text())["Resources"].items()
                 if r.get("Type") == "AWS::Serverless::Function"}
    print(f"\n{out.relative_to(ROOT)}/sam.json            {len(functions)} functions on "
          f"{', '.join(sorted(set(functions.values())))}, merged with infra/resources.json")
    print(f"{out.relative_to(ROOT)}/deployment.zip      {mb(zipped)} zipped, {mb(unzipped)} unzipped "
          f"(Lambda limits: {mb(LAMBDA_ZIP_LIMIT)} zipped upload, {mb(LAMBDA_UNZIPPED_LIMIT)} unzipped)")
    print(f"{out.relative_to(ROOT)}/parameter-overrides.txt   the stage's parameters (docs/deploy.md)")
    if zipped > LAMBDA_ZIP_LIMIT or unzipped > LAMBDA_UNZIPPED_LIMIT:
        print("The package is over a Lambda limit.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
