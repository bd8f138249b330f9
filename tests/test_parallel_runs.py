"""
`./dev test` runs the suite on one worker per CPU (`-n auto`), except a single
test file, which runs in one process (tests/conftest.py).
"""

import subprocess
import sys
from types import SimpleNamespace

from tests.conftest import pytest_xdist_auto_num_workers


def workers_for(*args):
    return pytest_xdist_auto_num_workers(SimpleNamespace(args=list(args)))


def test_one_test_file_runs_in_this_process():
    assert workers_for(__file__) == 0
    assert workers_for(f"{__file__}::test_one_test_file_runs_in_this_process") == 0
    assert workers_for(f"{__file__}::a", f"{__file__}::b") == 0


def test_folders_and_several_files_leave_the_count_to_pytest_xdist(tmp_path):
    """None: pytest-xdist's own rule, one worker per CPU, decides."""
    assert workers_for("tests") is None
    assert workers_for(str(tmp_path)) is None
    other = tmp_path / "test_other.py"
    other.write_text("")
    assert workers_for(__file__, str(other)) is None


def test_the_tests_of_one_xdist_group_run_on_one_worker(tmp_path):
    """
    `--dist loadgroup`, as `./dev test` runs it, hands an `xdist_group` to one
    worker, so the servers or the demo paper a group shares are made once.
    """
    (tmp_path / "test_grouped.py").write_text(
        "import os\n"
        "import pytest\n\n"
        "@pytest.mark.xdist_group('one')\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_grouped(n, tmp_path_factory):\n"
        "    worker = os.environ['PYTEST_XDIST_WORKER']\n"
        "    folder = tmp_path_factory.getbasetemp().parent\n"
        "    (folder / f'ran-{n}').write_text(worker)\n"
    )
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup"),
            *("-p", "no:django", "-p", "no:cacheprovider", "-q"),
            *("--rootdir", str(tmp_path), "--basetemp", str(tmp_path / "temp")),
            str(tmp_path / "test_grouped.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ran = {path.read_text() for path in (tmp_path / "temp").glob("ran-*")}
    assert len(ran) == 1, f"the group ran on {sorted(ran)}"
