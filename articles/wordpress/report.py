"""What an import did: counts, and everything skipped or doubtful, by kind."""

import json
import sys
import time
from collections import Counter, defaultdict

from django.core.management.base import OutputWrapper

# Each kind of note keeps this many examples in the report; all are counted.
EXAMPLES = 500

NOTES = {
    "skipped": "Skipped (private, trash or another status)",
    "password": "Password-protected: imported as drafts",
    "page_path": "Pages whose address the site already uses (left out)",
    "missing_picture": "Pictures whose file could not be had (left out)",
    "not_in_export": "Inline pictures neither in the export nor uploaded (left out)",
    "no_alt_text": "Pictures without alt text (title or caption used)",
    "shortcode": "Shortcodes left as text",
    "yoast": "Yoast SEO fields changed to fit",
    "slug": "Slugs changed (non-ASCII, taken or empty)",
    "edited_here": "Changed in WordPress but edited here since: left alone",
    "deleted_here": "Imported before, deleted here since: not brought back",
    "redirect_conflict": "Old addresses that already redirect elsewhere",
    "no_category": "Posts without a category (default section)",
    "truncated": "Titles or fields shortened to fit",
}


class Report:
    def __init__(self):
        self.counts = Counter()
        self.notes = defaultdict(list)
        self.noted = Counter()
        self.started = time.monotonic()

    def count(self, key, n=1):
        if n:
            self.counts[key] += n

    def note(self, kind, **details):
        self.noted[kind] += 1
        if len(self.notes[kind]) < EXAMPLES:
            self.notes[kind].append(details)

    def as_dict(self):
        return {
            "counts": dict(sorted(self.counts.items())),
            "seconds": round(time.monotonic() - self.started, 1),
            "notes": {
                kind: {
                    "what": NOTES.get(kind, kind),
                    "count": self.noted[kind],
                    "examples": self.notes[kind],
                }
                for kind in self.notes
            },
        }

    def write_json(self, path):
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_dict(), out, ensure_ascii=False, indent=2, default=str)

    def summary(self):
        """The readable summary, as lines."""
        lines = [
            f"{name.replace('_', ' ').capitalize()}: {value:,}"
            for name, value in sorted(self.counts.items())
        ]
        for kind, examples in self.notes.items():
            lines.append(f"{NOTES.get(kind, kind)}: {self.noted[kind]:,}")
            for example in examples[:5]:
                lines.append("  " + ", ".join(f"{k} {v}" for k, v in example.items()))
            if self.noted[kind] > 5:
                lines.append(f"  … and {self.noted[kind] - 5:,} more (see the report)")
        return lines


class Progress:
    """One line on stderr, rewritten: counts, rate and time left."""

    def __init__(self, total, stream=None, every=0.5):
        self.total = total
        self.stream = stream or sys.stderr
        self.every = every
        self.started = self.shown = time.monotonic()

    def show(self, done, counts, final=False):
        now = time.monotonic()
        if not final and now - self.shown < self.every:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0
        minutes, seconds = divmod(int(left), 60)
        line = (
            f"\r{done:,}/{self.total:,} items · {rate:,.0f}/s · "
            f"{minutes}m {seconds:02d}s left · {counts['created']:,} new, "
            f"{counts['updated']:,} updated, {counts['unchanged']:,} unchanged, "
            f"{counts['skipped']:,} skipped"
        )
        line += "\n" if final else ""
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(line, ending="")
        else:
            self.stream.write(line)
        self.stream.flush()
