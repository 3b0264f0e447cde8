"""The Pages workflow: valid for GitHub (actionlint), and it builds the way the README says."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from book_build import project
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def readme_commands() -> list[str]:
    """The commands of the README's shell blocks, without their comments."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]


def steps() -> list[dict]:
    return [step for job in yaml.safe_load(WORKFLOW.read_text())["jobs"].values()
            for step in job["steps"]]  # fmt: skip


def run_lines() -> list[str]:
    return [line.strip() for step in steps() for line in step.get("run", "").splitlines()]


def test_actionlint_finds_nothing_wrong():
    # The test extra's actionlint, beside this Python (on PATH too when nox runs the tests)
    actionlint = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}"
                              f"{os.environ.get('PATH', '')}")  # fmt: skip
    assert actionlint, "actionlint is missing: nox installs it with the test extra"
    result = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_builds_with_the_readme_command_and_publishes_the_site():
    build = next(command for command in readme_commands() if command == "nox -s book")
    assert build in run_lines()
    publish = " ".join(run_lines())
    assert "ghp-import" in publish and "_build/html" in publish
    assert f"--branch {project.PAGES_BRANCH}" in publish  # where the launch buttons look


def test_the_workflow_sets_the_publishing_setting_and_the_cpu_index_the_readme_names():
    env = next(iter(yaml.safe_load(WORKFLOW.read_text())["jobs"].values()))["env"]
    assert env["BOOK_SITE_URL"].startswith("https://") and env["BOOK_SITE_URL"].endswith("/")
    assert env["BOOK_REPOSITORY"] == "${{ github.repository }}"
    # The README's command for a machine where PyPI serves PyTorch's CUDA build:
    cpu = next(c for c in readme_commands() if c.endswith("nox -s book") and "=" in c)
    name, value = cpu.split()[0].split("=", 1)
    assert env[name] == value
