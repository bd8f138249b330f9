"""
The instructions this process executes for a cold render of each reading
page (every kept part empty, as right after a publish), counted by
valgrind's callgrind: unlike a time, the count is the same on a busy
machine as on a quiet one (two runs agree to 0.1%), so a change worth 1%
can be seen. The database's own work is not counted, only this process's.
The pages are cold_render.py's (a standard article). Fill the database in
DATABASE_URL first (`manage.py load_demo`); needs valgrind (Debian's
package).

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/cold_instructions.py

It runs itself under callgrind, with counting switched on only around the
renders (`callgrind_control`), and prints millions of instructions a render.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES = "home,article,section,author,tag"


def count(page, renders):
    """Instructions a cold render of `page`, as callgrind counts them."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--render",
                page,
                "--renders",
                str(renders),
            ],
            check=True,
            capture_output=True,
            # The same hashes in every run: dictionaries and sets then do
            # the same work.
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        totals = re.search(r"^totals:\s+(\d+)", out.read_text(), re.MULTILINE)
        return int(totals.group(1)) / renders


def render(page, renders):
    """Inside callgrind: warm up, then count `renders` cold renders of `page`."""
    import in_process

    in_process.start()

    from cold_render import reader_urls
    from django.test import Client

    from tests.kept import forget_everything_kept

    client = Client(secure=True)
    url = reader_urls()[page]
    for _ in range(15):  # imports, URL patterns, templates, prepared statements
        forget_everything_kept()
        assert client.get(url).status_code == 200, url
    for _ in range(renders):
        forget_everything_kept()
        counting("on")
        client.get(url)
        counting("off")


def counting(state):
    """Switch callgrind's counting in this process "on" or "off"."""
    subprocess.run(
        ["callgrind_control", "--instr", state, str(os.getpid())],
        check=True,
        capture_output=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--pages", default=PAGES, help="comma-separated")
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--render", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.render:
        return render(options.render, options.renders)
    if not shutil.which("valgrind"):
        sys.exit("cold_instructions.py needs valgrind: apt-get install valgrind")
    print(f"cold render, instructions of this process ({options.renders} renders):")
    for page in options.pages.split(","):
        print(f"{page:<9}{count(page, options.renders) / 1e6:>8.2f} million a render")


if __name__ == "__main__":
    main()
