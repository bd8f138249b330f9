"""The storage of the static files when DEBUG is off (settings.STORAGES)."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """
    whitenoise's compressed copies under hashed names, each name's address
    worked out once while the manifest stays the same. The manifest is read
    when the storage is made and replaced only by collectstatic, so an
    address cannot change in between; and every page asks for the same few
    on every render ({% static %} in base.html), each a look in the manifest,
    a quote() and a urljoin().
    """

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        if getattr(self, "_urls_of", None) is not self.hashed_files:
            self._urls, self._urls_of = {}, self.hashed_files
        # DEBUG and STATIC_URL are read by every address worked out.
        key = (name, settings.DEBUG, self.base_url)
        try:
            return self._urls[key]
        except KeyError:
            url = self._urls[key] = super().url(name)
            return url

    def post_process(self, *args, **kwargs):
        # collectstatic fills a new manifest in place: nothing kept from before.
        self._urls_of = None
        yield from super().post_process(*args, **kwargs)
        self._urls_of = None
