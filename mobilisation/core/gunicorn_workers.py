"""gunicorn workers whose own error pages are French (config/gunicorn.conf.py selects one).

gunicorn answers a request it cannot parse (request line over `limit_request_line`: 414, malformed line or header:
400, too many or too long headers: 431) before Django sees it, with an English page written by
`gunicorn.util.write_error`. Its workers call that function and nothing else does: each worker process, as it
starts, replaces it with one that writes core.server_errors' French page (the status line keeps its standard reason).
"""

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

from mobilisation.core import server_errors


def write_french_error(sock, status_int, reason, mesg):
    body = server_errors.page(status_int).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class FrenchErrorPagesMixin:
    def init_process(self):
        util.write_error = write_french_error  # this worker process only; init_process then runs the worker loop
        super().init_process()


class FrenchSyncWorker(FrenchErrorPagesMixin, SyncWorker):
    """gunicorn's default worker (one request at a time per process)."""


class FrenchThreadWorker(FrenchErrorPagesMixin, ThreadWorker):
    """gunicorn's gthread worker (`--threads`), for slow clients or many idle keep-alive connections."""
