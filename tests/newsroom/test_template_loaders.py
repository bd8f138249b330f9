from django.template import engines

from newsroom.template_loaders import dedent_html


def test_indentation_empty_lines_and_silent_tags_lines_go():
    source = (
        "<ul>\n  {% for item in items %}\n    <li>{{ item }}</li>\n"
        "  {% endfor %}\n\n</ul>\n"
    )
    assert dedent_html(source) == (
        "<ul>\n{% for item in items %}<li>{{ item }}</li>\n{% endfor %}\n</ul>\n"
    )


def test_a_tag_that_writes_keeps_its_line_break_so_words_stay_apart():
    source = '<p>\n  {% include "x.html" %}\n  and more\n</p>\n'
    assert dedent_html(source) == '<p>\n{% include "x.html" %}\nand more\n</p>\n'


def test_words_on_lines_of_their_own_stay_apart_whatever_a_condition_says():
    template = engines["django"].from_string(
        dedent_html(
            "<p>\n  Hello\n  {% if name %}\n    {{ name }}\n  {% endif %}\n</p>"
        )
    )
    assert template.render({"name": "Áine"}) == "<p>\nHello\nÁine\n</p>"
    assert template.render({}) == "<p>\nHello\n</p>"


def test_a_template_where_spaces_show_is_left_as_written():
    for source in ("<pre>\n  code\n</pre>\n", "<TEXTAREA>\n  kept\n</TEXTAREA>\n"):
        assert dedent_html(source) == source


def test_the_loader_dedents_the_projects_html_templates_only(settings):
    engine = engines["django"].engine
    base = engine.get_template("base.html")
    assert "\n  <meta charset" not in base.source
    assert "<meta charset" in base.source
    robots = engine.get_template("robots.txt")
    assert robots.source == (settings.BASE_DIR / "templates" / "robots.txt").read_text()
