"""The kernel the build runs the chapters in."""

from jupyter_client.manager import start_new_kernel

from book_build.execution import kernels

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
