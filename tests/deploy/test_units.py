"""The shipped systemd units run commands that exist, from the shipped config."""

import configparser
import shlex

from django.conf import settings
from django.core.management import get_commands, load_command_class

UNITS = settings.BASE_DIR / "deploy" / "systemd"


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def manage_py_command(name):
    words = shlex.split(unit(name)["Service"]["ExecStart"])
    assert words[1] == "manage.py", name
    return words[2]


def test_each_service_runs_a_real_command_from_the_project_folder():
    assert manage_py_command("newsroom-worker.service") == "db_worker"
    assert manage_py_command("newsroom-newsletters.service") == "send_due_newsletters"
    assert manage_py_command("newsroom-retention.service") == "apply_retention"
    assert manage_py_command("newsroom-agency-feed.service") == "import_feed"
    for name in (
        "newsroom-worker.service",
        "newsroom-newsletters.service",
        "newsroom-retention.service",
        "newsroom-agency-feed.service",
    ):
        assert manage_py_command(name) in get_commands(), name
    backup = unit("newsroom-backup.service")["Service"]["ExecStart"]
    assert backup == "/srv/newsroom/deploy/backup/newsroom-backup"
    script = settings.BASE_DIR / backup.removeprefix("/srv/newsroom/")
    assert script.stat().st_mode & 0o111, "the backup script is executable"
    web = unit("newsroom-web.service")["Service"]
    assert web["ExecStart"].endswith("gunicorn -c gunicorn.conf.py")
    assert (settings.BASE_DIR / "gunicorn.conf.py").exists()
    for name in UNITS.glob("*.service"):
        service = unit(name.name)["Service"]
        assert service["WorkingDirectory"] == "/srv/newsroom", name
        assert service["EnvironmentFile"] == "/etc/newsroom/env", name


def test_every_timer_starts_its_service_on_a_calendar():
    timers = sorted(path.name for path in UNITS.glob("*.timer"))
    assert timers == [
        "newsroom-agency-feed.timer",
        "newsroom-backup.timer",
        "newsroom-newsletters.timer",
        "newsroom-retention.timer",
    ]
    for name in timers:
        assert (UNITS / name.replace(".timer", ".service")).exists()
        assert unit(name)["Timer"]["OnCalendar"]


def test_the_agency_feed_unit_gives_import_feed_the_arguments_it_takes():
    words = shlex.split(unit("newsroom-agency-feed.service")["Service"]["ExecStart"])
    command = load_command_class("articles", "import_feed")
    parser = command.create_parser("manage.py", "import_feed")
    options = parser.parse_args(words[3:])
    assert options.source.startswith("https://")
    assert (options.section, options.author) == ("world", "Wire Agency")
