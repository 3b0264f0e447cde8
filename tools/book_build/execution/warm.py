"""A warm start for the build's kernels: one process per Sphinx run imports what every chapter's
kernel imports first (ipykernel, PyTorch, Matplotlib, scikit-learn's datasets), then forks a
kernel for each chapter.

Why: a fresh kernel spent about 2.5 s of each chapter's run importing them, in each edition
and in each test that builds a copy of the book (measured: one edition's chapters ran in 207 s
instead of 283 s, and the site came out the same, byte for byte). A forked kernel is a fresh
``python -m ipykernel_launcher``: same interpreter, environment, working folder and arguments,
no variable of another chapter, the book's own package not yet imported (the preloaded ones
keep no state a chapter sees: each seeds what it draws). When the environment a kernel asks for
differs in anything its interpreter or these modules read at start, it starts the usual way
(``kernels.IPCProvisioner``). Python's ``multiprocessing`` forkserver would preload too, but its
children run a function with the parent's ``sys.path`` and ``__main__``, not a program.

    python -m book_build.execution.warm REPLY_FD

Reads one JSON request per line on stdin, ``{"argv", "env", "cwd"}``, forks, and writes the
kernel's process id on ``REPLY_FD``. At the end of stdin (the build has ended), it kills the
kernels still running and exits.
"""

import contextlib
import json
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
import traceback

import psutil

# What a kernel reads before its first cell: ipykernel sets this before Matplotlib reads it.
KERNEL_BACKEND = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
# Not ipykernel.kernelapp, whose options read the kernel's own JPY_PARENT_PID as it is imported.
PRELOADED = ("ipykernel.ipkernel", "torch", "matplotlib.pyplot", "sklearn.datasets")
# Read by the interpreter or a preloaded module as it starts: a kernel that asks for other
# values than the warm process started with starts the usual way.
READ_AT_START = (
    "PYTHON", "LD_", "HOME", "XDG_", "OMP_", "MKL_", "KMP_", "OPENBLAS", "TORCH", "MPL",
    "SKLEARN", "JOBLIB", "IPYTHON", "JUPYTER",
)  # fmt: skip


def read_at_start(env: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key.startswith(READ_AT_START)}


# --- The build's side: jupyter_client's provisioner asks for kernels ------------------------
class Forked:
    """A forked kernel, as ``subprocess.Popen`` shows a process to jupyter_client. The warm
    process is its parent and reaps it: its exit code is not known here, only its end."""

    stdin = stdout = stderr = None  # the kernel's are the warm process's own

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                ended = psutil.Process(self.pid).status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                ended = True
            self.returncode = 0 if ended else None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WarmStart:
    """This process's warm start for kernels (``execution.warm``), started with its first
    kernel; it ends with this process (the end of its stdin)."""

    _current: "WarmStart | None" = None
    _lock = threading.Lock()
    _asked = 0  # kernels this process has started

    def __init__(self):
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(write)],
            stdin=subprocess.PIPE, pass_fds=(write,), text=True,
        )  # fmt: skip
        os.close(write)
        self.replies = os.fdopen(read)

    @classmethod
    def get(cls) -> "WarmStart":
        with cls._lock:
            if cls._current is None or cls._current.process.poll() is not None:
                cls._current = WarmStart()
            return cls._current

    @classmethod
    def serves(cls, cmd: list[str], env: dict[str, str]) -> bool:
        """Whether a kernel ``cmd`` in ``env`` is what the warm start forks: this interpreter
        running ipykernel's launcher, asking for what the warm process started with, and no
        folder on PYTHONPATH that depends on the kernel's working folder. Not the first
        kernel of this process: a build that runs one chapter (a test's copy of the book)
        would pay for the imports twice."""
        same_start = read_at_start(env) == read_at_start(os.environ)
        paths = env["PYTHONPATH"].split(os.pathsep) if env.get("PYTHONPATH") else []
        absolute = all(os.path.isabs(path) for path in paths)  # "" is the working folder too
        with cls._lock:
            cls._asked += 1
            first = cls._asked == 1
        kernel = cmd[:3] == [sys.executable, "-m", "ipykernel_launcher"]
        return kernel and same_start and absolute and not first

    def fork(self, cmd: list[str], env: dict[str, str], cwd) -> Forked:
        with self._lock:
            request = {"argv": cmd, "env": env, "cwd": str(cwd) if cwd else None}
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            pid = self.replies.readline()
        if not pid:
            raise RuntimeError(f"the kernels' warm start ended: exit code {self.process.wait()}")
        return Forked(int(pid))


# --- The warm process's side ------------------------------------------------------------------
def become_kernel(argv: list[str], env: dict[str, str], cwd: str | None, reply: int) -> None:
    """In the forked child: the rest of ``python -m ipykernel_launcher ...``, then exit."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the chapter's own subprocesses report back
    os.setsid()  # as jupyter_client's launcher does: an interrupt reaches the kernel's group
    os.close(reply)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # as the launcher gives a kernel no terminal to read
    os.close(null)
    if cwd:
        os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.path[0] = os.getcwd()  # `python -m` starts with the working folder first
    module = argv.index("-m") + 1
    sys.argv = [argv[module], *argv[module + 1 :]]
    code = 0
    try:
        runpy.run_module(argv[module], run_name="__main__", alter_sys=True)
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else int(end.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(reply: int) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended kernels are reaped by the system
    kernels = []
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            become_kernel(**request, reply=reply)
        kernels.append(pid)
        os.write(reply, f"{pid}\n".encode())
    for pid in kernels:  # the build is gone: so are its kernels, as a kernel's poller would do
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    os.environ.update(KERNEL_BACKEND)
    for name in PRELOADED:
        __import__(name)
    serve(int(sys.argv[1]))
