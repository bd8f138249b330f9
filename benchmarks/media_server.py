"""
The media origin of benchmarks/lighthouse.sh: MEDIA_ROOT served the way the
production set-up serves it (nginx or a CDN, deploy/nginx/newsroom.conf):
HTTP/1.1 with keep-alive, answered from memory-mapped files at once, with a
week's caching. Python's `http.server` is no stand-in for that: it speaks
HTTP/1.0, so every picture costs a new connection, and it answers a burst of
parallel requests slowly, which Lighthouse counts against the page as server
latency that a real media host does not have.

  MEDIA_ROOT=/path gunicorn -b 127.0.0.1:8702 -k gthread --threads 8 \
      benchmarks.media_server:application
"""

import os

from whitenoise import WhiteNoise

# As nginx's `expires 7d` for /media/.
MAX_AGE = 7 * 24 * 3600


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Not found\n"]


application = WhiteNoise(not_found, root=os.environ["MEDIA_ROOT"], max_age=MAX_AGE)
