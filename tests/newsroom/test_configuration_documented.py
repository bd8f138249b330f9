"""The README's configuration table names every variable the settings read."""

import ast

from django.conf import settings

ENV_HELPERS = {"env", "env_bool", "env_int", "env_list", "rate"}


def variables_settings_read():
    tree = ast.parse((settings.BASE_DIR / "newsroom" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ENV_HELPERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def readme_configuration_section():
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1]
    return section.split("\n## ", 1)[0]


def test_every_environment_variable_is_in_the_readme_table():
    """A variable added to settings.py without a line in the README fails here."""
    variables = variables_settings_read()
    assert {"DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL", "TASKS_BACKEND"} <= variables
    section = readme_configuration_section()
    missing = sorted(name for name in variables if f"`{name}`" not in section)
    assert missing == []
