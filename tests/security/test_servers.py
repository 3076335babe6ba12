"""The servers the project runs answer the errors they handle themselves in French: `manage.py runserver` (what
`make run` starts) and gunicorn with config/gunicorn.conf.py (`make bench`, production). Each is started on a free
port and sent a 100,000-character URL and other requests it refuses before Django sees them."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import get_commands

from .helpers import ROOT

LONG_URL = "/" + "a" * 100_000


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exchange(port, request, timeout=15):
    """Send `request` (bytes) while reading the answer: the server may answer and close before it has read it all."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sender = threading.Thread(target=send_quietly, args=(sock, request), daemon=True)
        sender.start()
        chunks = []
        with contextlib.suppress(ConnectionResetError):  # the server closed with request bytes unread; its answer came first
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        sender.join(timeout)
    answer = b"".join(chunks)
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body.decode("utf-8")


def send_quietly(sock, data):
    with contextlib.suppress(OSError):  # the server stopped reading: expected for an oversized request
        sock.sendall(data)


class Server:
    def __init__(self, command, env, port):
        self.port = port
        full_env = {name: value for name, value in {**os.environ, **env}.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        # The command and its arguments are the test's own.
        self.process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.process.stdout.read().decode())
            try:
                status, _, _ = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout=5)
            except (OSError, IndexError, ValueError):
                time.sleep(0.2)
                continue
            assert status == 200, status  # the server serves the application normally
            return
        raise AssertionError("the server did not answer /healthz")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def environment(tmp_path):
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def runserver(tmp_path):
    port = free_port()
    server = Server([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], environment(tmp_path), port)
    yield server
    server.stop()


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    command = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "-c",
        "config/gunicorn.conf.py",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
    ]
    server = Server(command, environment(tmp_path), port)
    yield server
    server.stop()


def request_line(path):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def assert_french_page(status, headers, body, code, title):
    assert status == code, (status, body[:300])
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in body and f"<h1>{title}</h1>" in body and f"Erreur {code}" in body, body
    for english in ["Error response", "Error code", "Message:", "Request Line", "too large", "Bad Request</"]:
        assert english not in body, english


def test_the_projects_runserver_command_is_the_one_django_runs():
    assert get_commands()["runserver"] == "mobilisation.core"


def test_runserver_answers_its_own_errors_in_french(runserver):
    assert_french_page(*exchange(runserver.port, request_line(LONG_URL)), 414, "Adresse trop longue")  # line > 65,536 bytes
    assert_french_page(*exchange(runserver.port, b"GET / EN TROP HTTP/1.1\r\n\r\n"), 400, "Requête incorrecte")
    huge_header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"b" * 70_000 + b"\r\n\r\n"
    assert_french_page(*exchange(runserver.port, huge_header), 431, "En-têtes trop volumineux")
    status, _, body = exchange(runserver.port, request_line("/" + "c" * 5000))  # under the server's limit: Django's page
    assert status == 414 and "Le site accepte des adresses de 4096 caractères au plus." in body


def test_gunicorn_answers_its_own_errors_in_french(gunicorn):
    assert_french_page(*exchange(gunicorn.port, request_line(LONG_URL)), 414, "Adresse trop longue")  # line > 8,190 bytes
    assert_french_page(*exchange(gunicorn.port, b"NIMPORTE QUOI\r\n\r\n"), 400, "Requête incorrecte")
    many_headers = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n"
    assert_french_page(*exchange(gunicorn.port, many_headers), 431, "En-têtes trop volumineux")
    status, _, body = exchange(gunicorn.port, request_line("/" + "c" * 5000))  # under gunicorn's limit: Django's page
    assert status == 414 and "Le site accepte des adresses de 4096 caractères au plus." in body


def test_the_proxy_can_serve_the_same_french_pages():
    page = subprocess.run(
        [sys.executable, "-m", "mobilisation.core.server_errors", "413"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert '<html lang="fr">' in page and "<h1>Données trop volumineuses</h1>" in page and "Erreur 413" in page
