"""Reading rendered pages in tests the way a reader's browser would."""

from bs4 import BeautifulSoup


def parse(response):
    """The response's HTML as a BeautifulSoup tree (query it with .select())."""
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element):
    """The element's text with whitespace collapsed, as a reader sees it inline."""
    return " ".join(element.get_text().split())


def code_scripts(page):
    """
    The page's script elements that run code: all but JSON-LD data blocks
    (type="application/ld+json"), which browsers never execute.
    """
    return [
        script
        for script in page.select("script")
        if script.get("type") != "application/ld+json"
    ]
