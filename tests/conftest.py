import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import s3
from tests.browser.chrome import AXE_SCRIPT, find_chrome, left_out, required

# Property tests: no deadline (a shared CI machine is slow at times), the
# database fixtures shared by a test's examples, nothing kept between runs;
# each test sets its own example count, chosen to keep the fuzzing under a
# minute in all.
hypothesis_settings.register_profile(
    "newsroom",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("newsroom")


def pytest_xdist_auto_num_workers(config):
    """
    `-n auto` (what `./dev test` passes): one worker per CPU, as pytest-xdist
    counts them, except for tests of a single file, which run in this process:
    starting workers and building a test database for each would cost more
    than they save. `-n 2` still asks for two workers.
    """
    files = {arg.split("::")[0] for arg in config.args}
    if len(files) == 1 and Path(files.pop()).is_file():
        return 0
    return None


def browser_tests_left_out():
    """What this run leaves out for want of a browser or axe-core, or None."""
    return left_out(find_chrome(), AXE_SCRIPT.exists(), required())


def pytest_report_header(config):
    """The one line saying which tests a run without them leaves out."""
    if leaving := browser_tests_left_out():
        tests, why, _ = leaving
        return f"left out: {tests}, {why}"
    return None


def pytest_collection_modifyitems(config, items):
    if not (leaving := browser_tests_left_out()):
        return
    _, _, among = leaving
    kept, dropped = [], []
    for item in items:
        markers = {marker.name for marker in item.iter_markers()}
        (dropped if among(markers, item.fixturenames) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """
    Fast hashing, tasks run at once, media in a throwaway folder, and no page
    cache: a test of a page sees the rows it just wrote (page fragments are
    kept, as with Redis: their keys change with every change readers see).
    The page cache's own tests turn it on (tests/articles/test_page_cache.py).
    """
    settings.PAGE_CACHE_SECONDS = 0
    # One process: the reading pages' parts are kept as in production (Redis).
    settings.FRAGMENT_CACHE_SECONDS = 24 * 3600
    # A {% fragment %} its view gives no Fragments fails the test.
    settings.FRAGMENTS_STRICT = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test's own content version, as each machine has its own.
    settings.CONTENT_VERSION_FILE = str(tmp_path / "content-version")
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _test_client_sign_ins_pass_the_second_factor():
    """
    A session the test client signs in (`client.force_login`, `login`, the
    admin_client fixture, the browser fixtures' copied cookies) counts as
    having passed the second factor, so tests of everything else run under
    the default STAFF_TWO_FACTOR=editors. Only sign-ins through the admin's
    own pages go through the second factor: the tests of it use those
    (tests/accounts, tests/browser/test_two_factor.py).
    """
    from django.contrib.auth.signals import user_logged_in
    from django.http import HttpRequest

    from accounts.two_factor import SESSION_KEY

    def passed(sender, request, user, **kwargs):
        # The test client signs in with a bare HttpRequest; a real request
        # (WSGIRequest, ASGIRequest) is never of exactly this class.
        if type(request) is HttpRequest:
            request.session[SESSION_KEY] = user.pk

    user_logged_in.connect(passed, dispatch_uid="tests-pass-second-factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-pass-second-factor")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """
    Every test starts with empty local-memory caches, so rate limit
    counters and cached pages never leak from one test into the next.
    """

    from newsroom.cache.versions import version_memo
    from tests.kept import empty_local_memory_caches

    def clear():
        empty_local_memory_caches()
        version_memo.__init__()

    clear()
    yield
    clear()


@pytest.fixture(autouse=True)
def _no_redirect_hits_left_over():
    """
    Redirect hits a test did not write belong to its own rows: they are
    not written into the next test's, nor at exit into a dropped database.
    """
    from articles.redirects import hit_counter

    hit_counter.__init__()
    yield
    hit_counter.__init__()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """
    On SQLite, keep the test database in a file rather than in memory, so
    that a `manage.py db_worker` subprocess under test can open it too. Each
    pytest-xdist worker has a file of its own (tmp_path_factory's folders are
    per worker), as it has a `test_…_gw0` database of its own on PostgreSQL.

    On PostgreSQL, a commit does not wait for its write-ahead log to reach
    the disk (synchronous_commit=off, for this process's connections only):
    a test database is thrown away, and a crash could lose only its last
    commits, never leave it inconsistent. Building it (every migration
    commits) and the committing tests were waiting on the disk.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)
    if database["ENGINE"] == "newsroom.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c synchronous_commit=off".strip()
        )


@pytest.fixture(autouse=True, scope="session")
def _encode_each_picture_once():
    """
    Encoding a picture's renditions (AVIF, WebP and JPEG at every width and
    shape) takes about half a second, and the suite saves the same few test
    pictures hundreds of times: that was about 40% of its time. The first
    encoding of given pixels with given options runs the real encoders; later
    ones get copies of those same encoded bytes. Pictures with any other
    content, options or focal point are encoded afresh.
    """
    from articles import images

    encoded = {}

    def reusing(encode):
        def encode_once(source, *args, **kwargs):
            source.seek(0)
            pixels = hashlib.sha256(source.read()).hexdigest()
            source.seek(0)
            key = (encode.__name__, pixels, args, tuple(sorted(kwargs.items())))
            if key not in encoded:
                encoded[key] = [
                    (item, item.content.read())
                    for item in encode(source, *args, **kwargs)
                ]
            return [
                replace(item, content=ContentFile(content))
                for item, content in encoded[key]
            ]

        return encode_once

    with pytest.MonkeyPatch.context() as patch:
        for name in ("encode_renditions", "encode_shapes"):
            patch.setattr(images, name, reusing(getattr(images, name)))
        yield


@pytest.fixture(autouse=True, scope="session")
def _empty_postgresql_tables_by_deleting_their_rows():
    """
    A transactional test (the browser tests, the servers, the workers) ends
    with its database emptied. PostgreSQL's TRUNCATE makes new files for every
    table and index, about a second for our sixty tables on a two-core machine
    (two on a busy one): seven tests in eight have written to only a few of
    them, so deleting the rows of each is about a hundredth of that. The
    tables are locked first, as TRUNCATE locks them, so a request the live
    server is still answering is waited for either way. Foreign keys are
    checked at the commit (Django makes them deferrable), when every table is
    empty. A flush that resets the sequences is left to TRUNCATE.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete_rows(self, style, tables, *, reset_sequences=False, **kwargs):
        if not tables or reset_sequences:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, **kwargs
            )
        names = [self.quote_name(table) for table in tables]
        return [
            f"LOCK TABLE {', '.join(names)} IN ACCESS EXCLUSIVE MODE;",
            *(f"DELETE FROM {name};" for name in names),
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", delete_rows)
        yield


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The endpoint of a real S3 API server (moto's), for this test session."""
    from tests.servers import stop

    process, endpoint = s3.start_server(tmp_path_factory.mktemp("s3") / "server.log")
    yield endpoint
    stop(process)


@pytest.fixture
def s3_media(settings, s3_server):
    """
    Pictures stored in a fresh public bucket on the S3 server, as
    MEDIA_STORAGE=s3 configures them; the bucket, for the test to look in.
    """
    bucket = s3.new_bucket(s3_server)
    storage, settings.MEDIA_URL = bucket.storage_settings()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return bucket
