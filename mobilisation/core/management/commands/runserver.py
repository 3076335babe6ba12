"""`runserver` (what `make run` starts) with French pages for the errors Python's HTTP server answers itself.

Django's development server is Python's http.server: a request line over 65,536 bytes (414), malformed syntax (400),
oversized headers (431) get its raw English page before Django sees the request. This command is staticfiles'
runserver (it still serves static files) with a server whose request handler writes core.server_errors' pages.
Django picks the command of the first installed app that has one: mobilisation.core is listed before
django.contrib.staticfiles in INSTALLED_APPS for that reason.
"""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticFilesRunserverCommand
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from mobilisation.core import server_errors


class FrenchErrorsRequestHandler(WSGIRequestHandler):
    error_content_type = "text/html; charset=utf-8"

    def send_error(self, code, message=None, explain=None):
        # The status line keeps its standard reason phrase. The English detail (it may quote the request) is dropped.
        self.error_message_format = server_errors.page(code).replace("%", "%%")
        super().send_error(code)


class FrenchErrorsWSGIServer(WSGIServer):
    def __init__(self, server_address, request_handler_class, *args, **kwargs):
        # django.core.servers.basehttp.run() always passes its WSGIRequestHandler: this server uses the subclass.
        assert issubclass(FrenchErrorsRequestHandler, request_handler_class)
        super().__init__(server_address, FrenchErrorsRequestHandler, *args, **kwargs)


class Command(StaticFilesRunserverCommand):
    help = "Sert l’application pour le développement (fichiers statiques compris), avec des pages d’erreur du serveur en français."
    server_cls = FrenchErrorsWSGIServer
