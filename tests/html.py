"""Reading rendered pages in tests the way a reader's browser would."""

from bs4 import BeautifulSoup


def parse(response):
    """The response's HTML as a BeautifulSoup tree (query it with .select())."""
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element):
    """The element's text with whitespace collapsed, as a reader sees it inline."""
    return " ".join(element.get_text().split())
