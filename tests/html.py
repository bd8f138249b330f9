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


def form_data(response, selector="form[method=post]"):
    """
    What a browser would submit from the page's form (the first matching
    `selector`) if the user changed nothing: text, hidden and checked inputs,
    selected options and text areas; no file inputs, buttons, or the empty
    template rows of admin inlines.
    """
    form = parse(response).select_one(selector)
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if "__prefix__" in name:
            continue
        if field.name == "textarea":
            # Browsers drop the newline that follows <textarea>.
            value = field.get_text()
            data[name] = value[1:] if value.startswith("\n") else value
        elif field.name == "select":
            chosen = field.select("option[selected]") or field.select("option")[:1]
            if field.has_attr("multiple"):
                data[name] = [option.get("value", "") for option in chosen]
            elif chosen:
                data[name] = chosen[0].get("value", "")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("file", "submit", "button", "image", "reset"):
            data[name] = field.get("value", "")
    return data
