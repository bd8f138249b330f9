"""
`./dev test` runs the suite on one worker per CPU (`-n auto`), except a single
test file, which runs in one process (tests/conftest.py).
"""

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
