"""
The WSGI module compiles the project's templates and builds the URL
resolver before gunicorn forks its workers, touching no database or cache.
"""

import pytest
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from newsroom.cache.digest import project_code_folders
from newsroom.wsgi import warm_up

pytestmark = pytest.mark.django_db


def project_templates():
    names = set()
    for folder in project_code_folders():
        root = folder if folder.name == "templates" else folder / "templates"
        names |= {str(path.relative_to(root)) for path in root.rglob("*.html")}
    return names


def test_warm_up_compiles_every_project_template_and_runs_no_query(
    django_assert_num_queries,
):
    loader = engines["django"].engine.template_loaders[0]
    assert isinstance(loader, CachedLoader)
    loader.reset()
    with django_assert_num_queries(0):
        compiled = warm_up()
    names = project_templates()
    assert "articles/article_detail.html" in names
    assert "includes/article_list.html" in names
    assert compiled >= len(names)
    kept = set(loader.get_template_cache)
    assert names <= kept
