"""
A member of staff using a server's admin over HTTP, as a browser would
without JavaScript: for tests of real server processes.
"""

import re
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar


class StaffBrowser:
    """Signs in to a server's admin and submits its forms, cookies kept."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, body, content_type):
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.geturl(), response.read().decode()

    def csrf_token(self, path):
        page = self.get(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def sign_in(self, username, password):
        fields = {
            "csrfmiddlewaretoken": self.csrf_token("/admin/login/"),
            "username": username,
            "password": password,
            "next": "/admin/",
        }
        url, _page = self.post(
            "/admin/login/",
            urllib.parse.urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
        )
        assert url == self.base + "/admin/", "the sign-in was refused"

    def upload(self, path, fields, file_field, filename, content):
        fields = {"csrfmiddlewaretoken": self.csrf_token(path), **fields}
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.post(
            path, b"".join(parts), f"multipart/form-data; boundary={boundary}"
        )
