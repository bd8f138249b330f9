"""
Time `manage.py import_wordpress` on a generated export of N posts with
local pictures, into a fresh database, then a second run (which must write
nothing).

    .venv/bin/python benchmarks/import_wordpress.py
    .venv/bin/python benchmarks/import_wordpress.py --posts 2000 --only sqlite

The export is WordPress's own shape (WXR 1.2): posts in three categories,
two to four tags each, one or two authors (Co-Authors Plus on one post in
ten), classic bodies of six paragraphs; 40% of posts have a featured
picture and 10% an inline one besides (each its own attachment and file,
1200×800 JPEGs of about 100 KB in an uploads folder; a post's attachments
follow it in the file, as they do when WordPress exports). Prints the total
time, the rate, and the peak resident memory of the importing process
(resource.getrusage of the child). The PostgreSQL database named in
--postgres (default newsroom_import_bench) is dropped and created again.
"""

import argparse
import io
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from load_demo import manage, recreate_postgres  # this folder: run as a script
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://old.example.com"
BLANK_LINE = "\n\n"
WORDS = [
    *("harbour", "council", "plan", "river", "bridge", "county", "school"),
    *("hospital", "road", "market", "festival", "match", "final", "club"),
    *("report", "budget", "housing", "water", "storm", "ferry"),
]


def picture_pool(count=24):
    """A few distinct photographs' worth of JPEG bytes, 1200×800."""
    pool = []
    for seed in range(count):
        noise = Image.effect_noise((1200, 800), 30 + seed).filter(
            ImageFilter.GaussianBlur(1.5)
        )
        gradient = Image.linear_gradient("L").resize((1200, 800))
        picture = Image.merge("RGB", (gradient, noise, gradient.rotate(seed * 15)))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        pool.append(buffer.getvalue())
    return pool


def cdata(value):
    return f"<![CDATA[{value}]]>"


def paragraph(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(30, 60))]
    return " ".join(words).capitalize() + "."


def generate(posts, folder, featured_share=0.4, inline_share=0.1, seed=7):
    """Write export.xml and uploads/ into `folder`; return the picture count."""
    rng = random.Random(seed)
    pool = picture_pool()
    uploads = folder / "uploads" / "2020" / "01"
    uploads.mkdir(parents=True)
    pool_files = []
    for n, data in enumerate(pool):
        path = folder / f"pool-{n}.jpg"
        path.write_bytes(data)
        pool_files.append(path)
    next_id = posts + 1
    pictures = 0
    with open(folder / "export.xml", "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Bench Gazette</title><link>{SITE}</link>"
            "<wp:wxr_version>1.2</wp:wxr_version>"
            f"<wp:base_site_url>{SITE}</wp:base_site_url>\n"
        )
        for n in range(1, 21):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>"
                f"{cdata(f'writer{n}')}</wp:author_login><wp:author_display_name>"
                f"{cdata(f'Writer Number {n}')}</wp:author_display_name></wp:author>\n"
            )
        for n, slug in enumerate(("news", "sport", "business"), start=1):
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>"
                f"{slug}</wp:category_nicename><wp:cat_name>{cdata(slug.title())}"
                "</wp:cat_name></wp:category>\n"
            )
        for post_id in range(1, posts + 1):
            attachments = []
            body = [paragraph(rng) for _ in range(6)]
            meta = {}
            if rng.random() < featured_share:
                attachments.append(next_id)
                meta["_thumbnail_id"] = str(next_id)
                next_id += 1
            if rng.random() < inline_share:
                body.insert(
                    3,
                    f'<img class="wp-image-{next_id}" '
                    f'src="{SITE}/wp-content/uploads/2020/01/p{next_id}.jpg" />',
                )
                attachments.append(next_id)
                next_id += 1
            day = 1 + post_id % 28
            date = f"2020-01-{day:02d} {post_id % 24:02d}:00:00"
            terms = [
                f'<category domain="category" nicename="{c}">{cdata(c)}</category>'
                for c in rng.sample(["news", "sport", "business"], rng.randint(1, 2))
            ]
            terms += [
                f'<category domain="post_tag" nicename="{t}">{cdata(t)}</category>'
                for t in rng.sample(WORDS, rng.randint(2, 4))
            ]
            creator = f"writer{rng.randint(1, 20)}"
            if post_id % 10 == 0:
                terms.append(
                    f'<category domain="author" nicename="cap-{creator}">'
                    f"{cdata(creator)}</category>"
                    f'<category domain="author" nicename="cap-writer1">'
                    f"{cdata('writer1')}</category>"
                )
            postmeta = "".join(
                f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value>"
                f"{cdata(v)}</wp:meta_value></wp:postmeta>"
                for k, v in meta.items()
            )
            title = f"{paragraph(rng)[:60]} {post_id}"
            out.write(
                f"<item><title>{escape(title)}</title>"
                f"<link>{SITE}/2020/01/{day:02d}/story-{post_id}/</link>"
                f"<dc:creator>{cdata(creator)}</dc:creator>"
                f"<content:encoded>{cdata(BLANK_LINE.join(body))}</content:encoded>"
                f"<excerpt:encoded>{cdata(body[0][:150])}</excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id>"
                f"<wp:post_date>{date}</wp:post_date>"
                f"<wp:post_date_gmt>{date}</wp:post_date_gmt>"
                f"<wp:post_name>story-{post_id}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f"{''.join(terms)}{postmeta}</item>\n"
            )
            for attachment_id in attachments:
                name = f"p{attachment_id}.jpg"
                os.link(rng.choice(pool_files), uploads / name)
                pictures += 1
                out.write(
                    f"<item><title>Picture {attachment_id}</title>"
                    f"<link>{SITE}/?attachment_id={attachment_id}</link>"
                    f"<excerpt:encoded>{cdata('A caption.')}</excerpt:encoded>"
                    f"<wp:post_id>{attachment_id}</wp:post_id>"
                    "<wp:status>inherit</wp:status>"
                    f"<wp:post_parent>{post_id}</wp:post_parent>"
                    "<wp:post_type>attachment</wp:post_type><wp:attachment_url>"
                    f"{SITE}/wp-content/uploads/2020/01/{name}</wp:attachment_url>"
                    "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                    f"<wp:meta_value>{cdata('What it shows')}</wp:meta_value>"
                    "</wp:postmeta></item>\n"
                )
        out.write("</channel>\n</rss>\n")
    return pictures


def run(label, database_url, folder, posts, pictures):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(folder / f"media-{label}"),
    }
    manage(env, "migrate", "--no-input", "-v0")
    args = ["import_wordpress", str(folder / "export.xml")]
    args += ["--media", str(folder / "uploads")]
    first, output = manage(env, *args)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    second, again = manage(env, *args)
    print(f"\n{label}")
    print(f"  first run   {first:8.1f} s  ({posts / first:,.1f} posts/s)")
    print(f"  peak RSS    {peak:8.0f} MB (largest child so far)")
    print(f"  second run  {second:8.1f} s  ({posts / second:,.1f} posts/s)")
    for line in output[1:]:
        if line.startswith("  ") and not line.startswith("    "):
            print(f"    {line.strip()}")
    print(f"  second run: {', '.join(line.strip() for line in again[1:4])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--featured-share", type=float, default=0.4)
    parser.add_argument("--inline-share", type=float, default=0.1)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/newsroom_import_bench",
        ),
    )
    parser.add_argument("--only", choices=["postgres", "sqlite"], default="postgres")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-wxr-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        pictures = generate(
            options.posts, folder, options.featured_share, options.inline_share
        )
        size = (folder / "export.xml").stat().st_size / 1024 / 1024
        print(
            f"import_wordpress benchmark: {options.posts:,} posts, {pictures:,} "
            f"pictures (1200x800 JPEG), export {size:,.0f} MB, generated in "
            f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs"
        )
        if options.only == "postgres":
            recreate_postgres(options.postgres)
            run("PostgreSQL", options.postgres, folder, options.posts, pictures)
        else:
            url = f"sqlite:///{folder}/bench.sqlite3"
            run("SQLite", url, folder, options.posts, pictures)


if __name__ == "__main__":
    main()
