"""
How long saving a 30-megapixel photograph (6720×4480, a JPEG of gradients
and noise) takes, through the model and through the image admin's upload:

- before: the code of another git revision (`--before`, by default where
  this branch left `main`), run from a copy of it (`git archive`) in a
  process of its own: there the full set of renditions is made inside the
  save;
- after: this tree's code, where the save stores the cleaned original and
  one small JPEG and queues the full set for the worker;
- then the worker's part here, the full set of one picture, on its own.

Each side uses a throwaway SQLite database and media folder.

    .venv/bin/python benchmarks/picture_save.py [--repeats 3] [--before REV]
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FOLDER = Path(tempfile.mkdtemp(prefix="newsroom-picture-save-"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'db.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(FOLDER / "media")
os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageFilter  # noqa: E402

from articles.models import Image  # noqa: E402

WIDTH, HEIGHT = 6720, 4480


def photograph(width=WIDTH, height=HEIGHT):
    """A JPEG with a photograph's mix of smooth areas and fine noise."""
    gradient = PILImage.linear_gradient("L").resize((width, height))
    noise = PILImage.effect_noise((width, height), 40).filter(
        ImageFilter.GaussianBlur(1.2)
    )
    ripples = PILImage.radial_gradient("L").resize((width, height))
    picture = PILImage.merge("RGB", (gradient, noise, ripples))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def timed(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def seconds(figures):
    fastest, median = figures
    return f"{fastest:.2f} s fastest, {median:.2f} s median"


def save_picture(data):
    Image.objects.create(
        file=SimpleUploadedFile("photograph.jpg", data, "image/jpeg"),
        alt_text="A harbour at dawn",
        caption="The harbour at dawn.",
        credit="Staff photographer",
    )


def admin_upload(client, data):
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile("photograph.jpg", data, "image/jpeg"),
            "alt_text": "A harbour at dawn",
            "caption": "The harbour at dawn.",
            "credit": "Staff photographer",
            "focal_point_x": "0.5",
            "focal_point_y": "0.5",
        },
    )
    assert response.status_code == 302, response.status_code


def time_saves(data, repeats, label=""):
    """Print the time of both ways of saving the picture in this tree."""
    call_command("migrate", verbosity=0)
    user = User.objects.create_superuser("bench", "bench@example.org", "x" * 20)
    client = Client()
    client.force_login(user)
    for name, function in (
        ("Image.objects.create", lambda: save_picture(data)),
        ("admin upload (POST)", lambda: admin_upload(client, data)),
    ):
        print(f"{label}{name}: {seconds(timed(function, repeats))}", flush=True)


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def time_before(revision, photo, repeats):
    """Run time_saves on a copy of `revision`, in a process of its own."""
    tree = FOLDER / "before"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    (tree / "benchmarks" / "picture_save.py").write_text(Path(__file__).read_text())
    child = subprocess.run(
        [
            sys.executable,
            "benchmarks/picture_save.py",
            "--saves-only",
            str(photo),
            "--repeats",
            str(repeats),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if child.returncode:
        sys.exit(f"The run of {revision} failed:\n{child.stderr}")
    return [line for line in child.stdout.splitlines() if " s median" in line]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", help="the git revision to compare")
    parser.add_argument("--saves-only", metavar="PHOTO", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.saves_only:
        time_saves(Path(options.saves_only).read_bytes(), options.repeats)
        return

    from articles import renditions

    before = options.before or git("merge-base", "HEAD", "main")[:10]
    data = photograph()
    photo = FOLDER / "photograph.jpg"
    photo.write_bytes(data)
    print(
        f"source: {WIDTH}x{HEIGHT} JPEG ({WIDTH * HEIGHT / 1e6:.0f} MP), "
        f"{len(data) / 1024 / 1024:.1f} MiB, {options.repeats} runs each"
    )
    for line in time_before(before, photo, options.repeats):
        print(f"before ({before}, renditions in the save), {line}")
    time_saves(data, options.repeats, "after (small JPEG, worker queued), ")
    pictures = iter(list(Image.objects.filter(renditions_status="waiting")))
    figures = timed(lambda: renditions.build(next(pictures)), options.repeats)
    print(f"the worker's part, the full set of one picture: {seconds(figures)}")


if __name__ == "__main__":
    main()
