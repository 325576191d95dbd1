"""`make runtime-smoke`: the deployment package, run as Lambda runs it, on the Lambda's Python.

The functions deploy on python3.13 while the venv (and most tests) use 3.11, and the package holds
wheels built for 3.13. This proves the artifact itself works there, offline:

1. a Debian trixie root with its Python 3.13 (debootstrap, once, into .lambda-root/; the Lambda
   runtime is Amazon Linux 2023 with the same CPython minor, and the wheels are manylinux);
2. the dev stage's deployment.zip, built as `make package` builds it, unzipped to /var/task, and
   boto3 for 3.13 in /var/runtime (the runtime provides it on AWS);
3. DynamoDB Local and a moto server (SSM for the session secret, SNS for the texts) on loopback;
4. infra/runtime_smoke_inside.py, inside that root: seeds a salon, calls the API handler with API
   Gateway events (availability, booking, bad input, pages, owner sign-in and agenda), the
   outbox dispatcher with a scheduled event and the inbound-SMS handler with an SNS event.

Needs root (chroot) and, the first time, the Debian mirror; tests/infra/test_runtime_smoke.py runs it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from . import package, template

ROOT = template.ROOT
FS = ROOT / ".lambda-root"
SUITE, MIRROR = "trixie", "http://deb.debian.org/debian"
SECRET_PARAMETER = "/chairtime/smoke/session-secret"
TABLE = "chairtime-smoke"
REGION = "eu-west-1"

# What each step must answer (infra/runtime_smoke_inside.py records them in this order).
EXPECTED_CALLS = [
    ["GET", "/v1/salons/smoke-salon/availability", 200], ["POST", "/v1/salons/smoke-salon/bookings", 201],
    ["POST", "/v1/salons/smoke-salon/bookings", 400], ["GET", "/v1/salons/nobody-here", 404],
    ["GET", "/book/smoke-salon", 200], ["GET", "/manage/{token}", 200], ["GET", "/manage/{token}/calendar.ics", 200],
    ["GET", "/owner/login", 200],
    ["POST", "/owner/login", 303], ["GET", "/owner/agenda", 200], ["GET", "/v1/bookings/{token}", 200],
]


def log(message: str) -> None:
    print(f"runtime-smoke: {message}", file=sys.stderr, flush=True)


def _chroot() -> str:
    found = shutil.which("chroot") or shutil.which("chroot", path="/usr/sbin:/sbin")
    if found is None:
        raise SystemExit("chroot is missing (coreutils)")
    return found


def _python_version(fs: Path) -> str:
    done = subprocess.run([_chroot(), str(fs), "/usr/bin/python3", "-c", "import sys; print(sys.version.split()[0])"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def ensure_root_fs() -> str:
    """The trixie root with Python 3.13; returns its Python version."""
    if not (FS / "usr" / "bin" / "python3").exists():
        if shutil.which("debootstrap") is None:
            subprocess.run([str(ROOT / "local" / "install-system.sh"), "debootstrap"], check=True)
        log(f"debootstrap {SUITE} with python3 into {FS.relative_to(ROOT)}/ (once, ~1 minute)")
        partial = FS.with_name(FS.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["debootstrap", "--variant=minbase", "--include=python3", SUITE, str(partial), MIRROR],
                       check=True, stdout=subprocess.DEVNULL)
        partial.rename(FS)
    version = _python_version(FS)
    wanted = template.LAMBDA_RUNTIME.removeprefix("python")
    if not version.startswith(wanted + "."):
        raise SystemExit(f"{FS} has Python {version}, the functions run on {wanted}: delete it to rebuild")
    return version


def _boto3_version() -> str:
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        if line.startswith("boto3=="):
            return line.split("==", 1)[1].strip()
    raise SystemExit("requirements-dev.txt pins no boto3")


def install_runtime_sdk() -> None:
    """boto3 for 3.13 in /var/runtime, with its bytecode, as the Lambda runtime provides it (the
    import times measured inside then compare with what a function pays on AWS)."""
    target, version = FS / "var" / "runtime", _boto3_version()
    stamp, wanted = target / ".boto3", f"{version} with bytecode"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    shutil.rmtree(target, ignore_errors=True)
    log(f"boto3 {version} for Python 3.13 into /var/runtime")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target",
                    str(target), "--no-compile", *package.pip_target_options(), f"boto3=={version}"], check=True)
    subprocess.run([_chroot(), str(FS), "/usr/bin/python3", "-m", "compileall", "-q", "/var/runtime"], check=True,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(wanted)


def install_package() -> dict:
    """The dev stage's zip, built as `make package` builds it, unzipped to /var/task."""
    package.ensure_wheelhouse(log=log)
    task = FS / "var" / "task"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dev"
        package.build("dev", out, REGION, build_dir=Path(tmp) / "build", log=log)
        zipped, unzipped = package.sizes(out / "deployment.zip")
        shutil.rmtree(task, ignore_errors=True)
        with zipfile.ZipFile(out / "deployment.zip") as archive:
            archive.extractall(task)
    shutil.copy2(Path(__file__).with_name("runtime_smoke_inside.py"), FS / "var" / "smoke.py")
    return {"zipped": zipped, "unzipped": unzipped}


def _wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    from local.dynamodb import port_open

    deadline = time.monotonic() + 60
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.1)


def _stage_environment(stage: str) -> dict[str, str]:
    config = template.chalice_config()
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def run() -> dict:
    """Prepare everything, run the inside script, return what it saw (raises on a broken setup)."""
    import boto3

    from chalicelib.storage import table
    from local.dynamodb import DynamoDBLocal, free_port
    from local.env import dynamodb_client

    python = ensure_root_fs()
    install_runtime_sdk()
    size = install_package()
    dynamodb = DynamoDBLocal(free_port()).start()
    moto_port = free_port()
    moto = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-p", str(moto_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(moto_port, moto, "moto server")
        moto_url = f"http://127.0.0.1:{moto_port}"
        table.ensure_table(dynamodb_client(dynamodb.endpoint), TABLE)
        credentials = {"AWS_ACCESS_KEY_ID": "smoke", "AWS_SECRET_ACCESS_KEY": "smoke"}
        boto3.client("ssm", region_name=REGION, endpoint_url=moto_url, **{k.lower(): v for k, v in credentials.items()}
                     ).put_parameter(Name=SECRET_PARAMETER, Value="s" * 48, Type="SecureString", Overwrite=True)
        env = {
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": "/var/task:/var/runtime",
            "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda: only shipped bytecode counts
            "LAMBDA_TASK_ROOT": "/var/task", "AWS_LAMBDA_FUNCTION_NAME": "chairtime-smoke", **credentials,
            "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, **_stage_environment("dev"),
            "TABLE_NAME": TABLE, "DYNAMODB_ENDPOINT": dynamodb.endpoint, "PUBLIC_BASE_URL": "https://book.example",
            "SMS_PROVIDER": "sns", "SESSION_SECRET_PARAMETER": SECRET_PARAMETER,
            "AWS_ENDPOINT_URL_SSM": moto_url, "AWS_ENDPOINT_URL_SNS": moto_url,
        }
        log(f"running the package on Python {python} (handlers called with Lambda events)")
        done = subprocess.run([_chroot(), str(FS), "/usr/bin/python3", "/var/smoke.py"], env=env,
                              capture_output=True, text=True, timeout=300)
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise SystemExit(f"the smoke script failed ({done.returncode}):\n{done.stderr[-4000:]}")
        seen = json.loads(lines[-1])
        seen["package"] = size
        seen["texts_sent"] = _texts_sent(moto_url)
        return seen
    finally:
        moto.terminate()
        dynamodb.stop()


def _texts_sent(moto_url: str) -> list[str]:
    """The SMS moto's SNS received, as "<masked phone>: <text>"."""
    import urllib.request

    from chalicelib.domain.client import mask_phone

    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10) as answer:
        sms = json.load(answer).get("sns", {}).get("SMS", [])
    return [f"{mask_phone(m['phone_number'])}: {m['message']}" for m in sms]


def problems(seen: dict) -> list[str]:
    """What is wrong with a run (empty: it passed)."""
    if "error" in seen:
        return [seen["error"]]
    wrong = []
    calls = seen.get("calls", [])
    if calls != EXPECTED_CALLS:
        wrong.append(f"answers {calls}, expected {EXPECTED_CALLS}")
    checks = {"python": seen.get("python", "").startswith(template.LAMBDA_RUNTIME.removeprefix("python") + "."),
              "slots": seen.get("slots", 0) > 0, "booking_status": seen.get("booking_status") == "booked",
              "calendar_file": seen.get("calendar_file") is True,
              "stripe_webhook": seen.get("stripe_webhook") == "Session",
              "booking_page_italian": seen.get("booking_page_italian") is True,
              "agenda_shows_client": seen.get("agenda_shows_client") is True,
              # The online booking's confirmation is a receipt: its page said so, and with no e-mail
              # given it is not texted (services/notify.py RECEIPT); the reminder and the reply's answer are.
              "dispatch": seen.get("dispatch", {}) == {"cancelled": 1},
              "dispatch_reminder": seen.get("dispatch_reminder", {}).get("sent") == 1,
              "inbound": seen.get("after_reply") == "confirmed",
              "dispatch_after_reply": seen.get("dispatch_after_reply", {}).get("sent") == 1,
              "texts_sent": len(seen.get("texts_sent", [])) == 2,
              "imported_from_source": seen.get("imported_from_source") == []}  # the zip ships bytecode
    wrong += [f"{name}: {seen.get(name)!r}" for name, ok in checks.items() if not ok]
    return wrong


def main() -> int:
    if os.geteuid() != 0:
        print("runtime-smoke needs root (it uses chroot).", file=sys.stderr)
        return 2
    seen = run()
    print(json.dumps({k: v for k, v in seen.items() if k != "calls"}, indent=1, default=str))
    wrong = problems(seen)
    for line in wrong:
        print(f"WRONG: {line}", file=sys.stderr)
    print("runtime smoke: " + ("passed" if not wrong else "FAILED"))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
