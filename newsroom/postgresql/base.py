"""
Django's PostgreSQL backend, with the health check of a kept connection
made without a round trip while the server has said nothing.

A connection kept between requests (CONN_MAX_AGE) is checked before a
request's first query (CONN_HEALTH_CHECKS): Django sends `SELECT 1` and
waits for the answer, a round trip of about 0.2 ms on every request that
reads the database (every page rendered after a change). A server that
closes a connection (restarted, the backend terminated, an idle time-out, a
pooler letting it go) says so on its socket, which then has something to
read: the end of the stream, or an error and then the end. So while the
socket has nothing to read and the connection is idle, it is as usable as
`SELECT 1` would find it; otherwise Django's check runs, and a connection
that fails it is closed and opened again, as before.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self.quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def quiet(self):
        """
        Whether the connection is open, idle (no transaction left behind)
        and its socket has nothing to read: nothing from the server since
        its last answer.
        """
        pgconn = self.connection.pgconn
        if (
            pgconn.status != pq.ConnStatus.OK
            or pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return False
        try:
            # poll(), not select(): no limit on the descriptor's number.
            waiting = select.poll()
            waiting.register(pgconn.socket, select.POLLIN)
            return not waiting.poll(0)
        except (OSError, ValueError, psycopg.Error):  # lost, or no socket
            return False
