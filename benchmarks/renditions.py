"""
How long the image pipeline takes for one 3000×2000 photograph.

    .venv/bin/python benchmarks/renditions.py [repeats]

Prints the time to clean the original (decode, strip metadata, re-encode), to
make the renditions with and without AVIF, and to cut the fixed shapes around
the focal point (the cards' 3:2 and the 1200×630 sharing image), with the
bytes each format produces at each width. Runs without a database.
"""

import io
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageFilter  # noqa: E402

from articles import images  # noqa: E402


def photograph(width=3000, height=2000):
    """A JPEG with a photograph's mix of smooth areas and fine noise."""
    gradient = PILImage.linear_gradient("L").resize((width, height))
    noise = PILImage.effect_noise((width, height), 40).filter(
        ImageFilter.GaussianBlur(1.2)
    )
    mandel = PILImage.effect_mandelbrot((width, height), (-2, -1.2, 1, 1.2), 64)
    picture = PILImage.merge("RGB", (gradient, noise, mandel))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def ms(seconds):
    fastest, median = seconds
    return f"{fastest * 1000:.0f} ms fastest, {median * 1000:.0f} ms median"


def timed(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return (min(times), statistics.median(times)), result


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    data = photograph()
    print(f"source: 3000x2000 JPEG, {len(data) / 1024:.0f} KiB, {repeats} runs each")

    def clean():
        return images.clean_original(SimpleUploadedFile("photo.jpg", data))

    seconds, original = timed(clean, repeats)
    print(f"clean original (strip metadata, re-encode): {ms(seconds)}")
    stored = original.content.read()
    for formats in (
        (),
        ("jpeg",),
        ("webp",),
        ("avif",),
        ("webp", "jpeg"),
        ("avif", "webp", "jpeg"),
    ):
        seconds, encoded = timed(
            lambda formats=formats: images.encode_renditions(
                io.BytesIO(stored), formats=formats
            ),
            repeats,
        )
        sizes = ", ".join(
            f"{r.format} {r.width}w {r.content.size / 1024:.0f} KiB"
            for r in sorted(encoded, key=lambda r: (r.format, r.width))
        )
        label = "+".join(formats) or "decode and resize only"
        print(f"renditions {label}: {ms(seconds)} ({sizes})")
    seconds, encoded = timed(
        lambda: images.encode_shapes(io.BytesIO(stored), 0.7, 0.3), repeats
    )
    sizes = ", ".join(
        f"{r.shape} {r.format} {r.width}x{r.height} {r.content.size / 1024:.0f} KiB"
        for r in sorted(encoded, key=lambda r: (r.shape, r.format, r.width))
    )
    print(f"shapes around the focal point (all formats): {ms(seconds)} ({sizes})")


if __name__ == "__main__":
    main()
