"""The kernel the build runs the chapters in."""

import os
import subprocess
import sys
import time

from jupyter_client.manager import start_new_kernel

from book_build.execution import kernels, warm

FIGURE_DATE = """
import io, re
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
pdf = io.BytesIO()
plt.figure().savefig(pdf, format="pdf")
print(re.search(rb"/CreationDate \\(D:(\\d+)", pdf.getvalue())[1].decode())
"""


def test_a_figure_s_pdf_has_one_date_whichever_build_runs_the_chapter(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "")
    kernels.install_kernelspec(tmp_path / "jupyter")
    dates = []
    for epoch in ("0", "1700000000"):  # the site's build, the PDF's (a commit's date)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        manager, client = start_new_kernel(kernel_name="python3")
        try:
            printed = []
            client.execute_interactive(FIGURE_DATE, output_hook=printed.append)
            dates.append("".join(m["content"].get("text", "") for m in printed).strip())
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    assert dates == ["19700101000000", "19700101000000"]


# What a chapter's kernel could notice of how it was started.
STARTED = """
import os, sys, matplotlib
print((sys.argv[1:], sys.path[:2], os.getcwd(), os.environ.get("JPY_PARENT_PID"),
       os.environ.get("SOURCE_DATE_EPOCH"), matplotlib.get_backend(),
       [name for name in ("descent", "left_by_a_chapter") if name in sys.modules | globals()]))
import descent
left_by_a_chapter = 1
"""


def started(**launch) -> tuple[str, type]:
    """What STARTED prints in a kernel of the build's kernelspec, and how that kernel runs."""
    manager, client = start_new_kernel(kernel_name="python3", **launch)
    try:
        printed = []
        client.execute_interactive(STARTED, output_hook=printed.append)
        text = "".join(m["content"].get("text", "") for m in printed)
        connection = manager.connection_file
        return text.replace(connection, "CONNECTION"), type(manager.provisioner.process)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_kernel_from_the_warm_start_is_started_as_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setattr(warm.WarmStart, "_asked", 1)  # as after a first chapter
    monkeypatch.setenv("JUPYTER_PATH", "")
    kernels.install_kernelspec(tmp_path / "jupyter")
    folder = tmp_path / "chapter"
    folder.mkdir()
    first, second = (started(cwd=str(folder)) for _ in range(2))
    # A variable asked to differ from the warm process's start: the usual launch, for reference.
    usual = started(cwd=str(folder), env={**os.environ, "PYTHONWARNINGS": "default"})
    assert (first[1], second[1], usual[1]) == (warm.Forked, warm.Forked, subprocess.Popen)
    assert first[0] == second[0] == usual[0]
    assert "[]" in first[0]  # nothing of an earlier chapter, and the book's package not loaded


def test_a_warm_kernel_can_be_interrupted_and_is_seen_to_end(tmp_path, monkeypatch):
    monkeypatch.setattr(warm.WarmStart, "_asked", 1)
    monkeypatch.setenv("JUPYTER_PATH", "")
    kernels.install_kernelspec(tmp_path / "jupyter")
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        assert isinstance(manager.provisioner.process, warm.Forked)
        client.execute("print('asleep', flush=True); import time; time.sleep(60)")
        while "asleep" not in client.get_iopub_msg(timeout=60)["content"].get("text", ""):
            pass
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=30)
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        client.execute("import os; os._exit(0)")
        deadline = time.monotonic() + 30
        while manager.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not manager.is_alive()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_process_s_first_kernel_or_one_whose_path_depends_on_its_folder_starts_the_usual_way(
    monkeypatch,
):
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "connection.json"]
    monkeypatch.setattr(warm.WarmStart, "_asked", 0)
    assert not warm.WarmStart.serves(kernel, dict(os.environ))  # a build that runs one chapter
    for path, forked in [("", True), ("/code", True), ("code", False), ("/code:", False)]:
        monkeypatch.setenv("PYTHONPATH", path.replace(":", os.pathsep))
        assert warm.WarmStart.serves(kernel, dict(os.environ)) == forked, path
    assert not warm.WarmStart.serves(kernel, {**os.environ, "OMP_NUM_THREADS": "7"})
    assert not warm.WarmStart.serves(["python3.12", *kernel[1:]], dict(os.environ))
