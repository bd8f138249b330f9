"""
Hypothesis strategies for hostile input: text with NUL bytes, lone
surrogates, markup, control characters and very long runs, sent the way a
client sends it (UTF-8 bytes, surrogates passed through, percent-encoded).
"""

from urllib.parse import quote, urlencode

from hypothesis import strategies as st

NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\ud83d",
    "%00",
    "%",
    "'",
    '"',
    "\\",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "\r\nBcc: victim@example.ie",
    "../../etc/passwd",
    "{{ 7|add:7 }}",
    "\u202e",
    "\ufeff",
    "Ä",
    "ß",
    "🙂",
    "ｓｅｃｔｉｏｎ",
    " ",
    "-",
    "9" * 30,
    "x" * 600,
]

hostile_text = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(NASTY)), max_size=5
).map("".join)


def wire(text):
    """`text` as the bytes a client sends: UTF-8, lone surrogates passed through."""
    return text.encode("utf-8", "surrogatepass")


def url_segment(text):
    return quote(wire(text), safe="")


def form_body(data):
    """An urlencoded body of `data` (values may be lists), bytes as sent."""
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, wire(item)))
    return urlencode(pairs)
