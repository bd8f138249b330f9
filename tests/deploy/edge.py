"""
The shipped production setup on loopback: gunicorn with gunicorn.conf.py and
nginx with deploy/nginx/newsroom.conf, rewritten only for its addresses and
paths (ports, folders, a throwaway certificate), started as every test
server is (tests/servers.py). benchmarks/serving.py starts them the same way.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests import servers

ROOT = Path(__file__).resolve().parent.parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx" / "newsroom.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def self_signed_certificate(folder):
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-subj", "/CN=localhost", "-days", "2",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


# With `access_log`, each request is a line: when it ended (s), its status,
# what the edge cache did (HIT, MISS, EXPIRED, STALE, UPDATING, BYPASS, …, or
# "-" for a file), its time in seconds (ms resolution) and its address.
EDGE_LOG_FORMAT = '$msec $status $upstream_cache_status $request_time "$request_uri"'


def nginx_config(
    folder,
    *,
    app_port,
    http_port,
    https_port,
    static_root,
    media_root,
    access_log=None,
    worker_connections=1024,
):
    """
    The shipped server configuration, pointed at this machine's loopback and
    folders, inside a minimal nginx.conf of its own (logging requests to
    `access_log` in EDGE_LOG_FORMAT if given). Returns its path.
    """
    cert, key = self_signed_certificate(folder)
    cache = folder / "cache"
    cache.mkdir(exist_ok=True)
    text = NGINX_CONF.read_text()
    for shipped, local in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server_name news.example.org;", "server_name localhost;"),
        ("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key)),
        ("/var/cache/nginx/newsroom", str(cache)),
        ("/srv/newsroom/staticfiles/", f"{static_root}/"),
        ("/srv/newsroom/media/", f"{media_root}/"),
        ("/var/www/letsencrypt", str(folder)),
    ]:
        assert shipped in text, shipped
        text = text.replace(shipped, local)
    (folder / "newsroom.conf").write_text(text)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    logging = (
        f"log_format edge '{EDGE_LOG_FORMAT}';\n    access_log {access_log} edge;"
        if access_log
        else "access_log off;"
    )
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    {logging}
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/newsroom.conf;
}}
"""
    )
    return main


def nginx_test(config):
    """`nginx -t` on `config`: (passed, what nginx said)."""
    done = subprocess.run(
        [NGINX, "-t", "-c", str(config), "-p", str(config.parent)],
        capture_output=True,
        text=True,
    )
    return done.returncode == 0, done.stderr


def start_nginx(config):
    return servers.start(
        [NGINX, "-c", str(config), "-p", str(config.parent), "-g", "daemon off;"],
        config.parent / "nginx.out",
    )


def production_env(**extra):
    """A production environment: debug off, behind a TLS-terminating proxy."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "edge-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_HSTS_SECONDS": "0",
        "SITE_URL": "https://localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


def collect_static(static_root, env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(static_root)},
        check=True,
    )


def start_gunicorn(port, env, log_path, workers=2):
    return servers.start(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        log_path,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
        },
    )
