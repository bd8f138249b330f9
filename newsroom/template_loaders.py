"""
The project's HTML templates without their indentation, read once per process.

Templates are indented for the people who edit them; readers would download
that indentation with every page (about a tenth of an article's HTML). This
loader drops it when it reads a template file: each line's leading spaces and
tabs, lines left empty, and the line break after a line holding only a block
tag that writes nothing itself ({% if %}, {% endfor %}, …), whose output
would be an empty line. The
cached loader keeps the compiled result, so rendering costs nothing more, as
`{% spaceless %}` would on every render.

This is safe in HTML because a line break stays wherever text meets text: the
break before each line is kept, so words never run together. A template
holding <pre> or <textarea>, where spaces show, is left as written; so is
every file that is not HTML (plain-text emails, robots.txt, XML).
"""

import re

from django.template.loaders import filesystem

INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
# Tags that write nothing themselves: a tag that writes (an include, an
# inclusion tag) keeps the line break after it, which may part its last word
# from the next line's first.
SILENT_TAGS = (
    "if|elif|else|endif|for|empty|endfor|with|endwith|block|endblock|load|extends"
)
BLOCK_TAG_LINE = re.compile(rf"^(\{{%\s*(?:{SILENT_TAGS})\b[^%]*%\}})\n", re.MULTILINE)
WHITESPACE_SHOWS = re.compile(r"<(pre|textarea)\b", re.IGNORECASE)


def dedent_html(source):
    """`source` without indentation, empty lines or block tags' own lines."""
    if WHITESPACE_SHOWS.search(source):
        return source
    source = INDENT.sub("", source)
    source = BLOCK_TAG_LINE.sub(r"\1", source)
    return re.sub(r"\n{2,}", "\n", source)


class Loader(filesystem.Loader):
    """The filesystem loader, handing on .html templates dedented."""

    def get_contents(self, origin):
        contents = super().get_contents(origin)
        if origin.name.endswith(".html"):
            return dedent_html(contents)
        return contents
