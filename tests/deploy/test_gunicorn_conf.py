import gc
import runpy

from django.conf import settings


def test_what_the_master_loaded_is_frozen_before_each_worker_is_forked(
    monkeypatch, tmp_path
):
    """The collector of a worker never walks Django and the apps again."""
    # Reading the configuration would otherwise set it for this process.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    conf = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        conf["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
