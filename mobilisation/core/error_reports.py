"""Error reports without personal data (SECURITY.md 20): what Django's report of an exception may show.

Django's technical 500 page and its report e-mails (AdminEmailHandler) show the request's POST values, its query
string, its cookies, the local variables of every frame and the exception's message; any of them may hold a name,
a phone number or a reason typed in a form. These classes keep the frames (file, line, function, source) and the
names of the parameters and variables, and mask every value, in every environment (DEBUG included: a developer
working on a copy of real data must not see it in an error page either).
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = SafeExceptionReporterFilter.cleansed_substitute
# request.META entries that are the request itself, not the server's: the query string, the cookies, any header.
PRIVATE_META = ("QUERY_STRING", "HTTP_", "CSRF_COOKIE")


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, MASK)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, MASK) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {name: MASK if name.startswith(PRIVATE_META) else value for name, value in meta.items()}

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), MASK)


class PrivateExceptionReporter(ExceptionReporter):
    """The report names the path of the request, not its query string, and the class of the exception, not its message."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(name, MASK) for name in self.request.GET]
            data["request_insecure_uri"] = self.request.path
        if "exception_value" in data:
            data["exception_value"] = "(message omis)"
        for frame in data.get("frames", []):
            frame["exc_cause"] = None if frame.get("exc_cause") is None else "(message omis)"
        return data
