"""The Jupyter kernels of the build talk over Unix sockets in a private folder, not TCP ports.

Why: jupyter_client picks a kernel's five TCP ports by binding port 0 and closing the socket;
the kernel binds them a moment later. Two editions building side by side start kernels at the
same instants, and a port freed for one kernel can be taken by the other before it binds: that
kernel dies ("Kernel died before replying to kernel_info"). Sockets named by files in a folder
of their own cannot collide. The provisioner is jupyter_client's public extension point; the
build points the chapters' ``python3`` kernel at it with a kernelspec of its own.

Workaround of https://github.com/jupyter/jupyter_client/issues/487 (open: the kernel should pick
its ports); canary: tests/test_workarounds.py::test_jupyter_client_still_picks_kernel_ports.

The provisioner also starts each kernel warm: forked from a process that has already imported
PyTorch and the rest (``execution.warm``), which saves about 2.5 s of each chapter's run.
"""

import asyncio
import json
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

from book_build.execution import warm

PROVISIONER = "book-ipc-provisioner"  # the entry point in tools/pyproject.toml
# Every figure is kept as PNG, which the HTML and the ePub show, and as PDF, which the PDF
# includes as vector graphics; each builder picks its format from the same cached outputs.
FIGURE_FORMATS = ("png", "pdf")


class IPCProvisioner(LocalProvisioner):
    async def pre_launch(self, **kwargs):
        manager = self.parent
        self.socket_dir = tempfile.mkdtemp(prefix="book-kernel-")
        manager.transport = "ipc"
        manager.ip = os.path.join(self.socket_dir, "kernel")
        manager.cache_ports = False  # port numbers are file suffixes here, not TCP ports
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs):
        """The kernel, forked from this process's warm start (``execution.warm``) when it can
        be: then it is ``cmd`` in ``kwargs``' environment and folder, as the launcher runs it."""
        env = kwargs.get("env") or dict(os.environ)
        if not warm.WarmStart.serves(cmd, env):
            return await super().launch_kernel(cmd, **kwargs)
        env = {**env, "JPY_PARENT_PID": str(os.getpid())}  # as the launcher sets it
        self.process = await asyncio.to_thread(
            warm.WarmStart.get().fork, cmd, env, kwargs.get("cwd")
        )
        self.pid = self.pgid = self.process.pid  # its own session and group, as launched
        self.cwd = kwargs.get("cwd", Path.cwd())
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if not restart:
            shutil.rmtree(getattr(self, "socket_dir", ""), ignore_errors=True)


def install_kernelspec(jupyter_dir: Path, name: str = "python3") -> Path:
    """Write kernelspec ``name`` (this Python, over Unix sockets, figures in every format a
    builder needs) and put it first on ``JUPYTER_PATH``, where jupyter_client looks before the
    user's and the system's kernels. Return its file, rewritten only when it changes: the
    chapters' outputs depend on it."""
    formats = [f"--InlineBackend.figure_formats={form}" for form in FIGURE_FORMATS]
    spec = {
        # "python": jupyter_client runs the building interpreter, so that a build from the tests'
        # environment and one from the book's share this file (and do not re-run every chapter).
        "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}", *formats],
        "display_name": "Python 3",
        "language": "python",
        # A figure's PDF dates itself by SOURCE_DATE_EPOCH: one date whichever command ran the
        # chapter (the site's build, 0; the PDF's, the last commit's), so the cached figures,
        # and the PDF made from them, do not depend on which build ran first.
        "env": {"SOURCE_DATE_EPOCH": "0"},
        "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER}},
    }
    folder = jupyter_dir / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    path, text = folder / "kernel.json", json.dumps(spec, indent=1)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    paths = [str(jupyter_dir), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return path
