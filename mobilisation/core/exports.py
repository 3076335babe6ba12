"""Export writers: a list of rows as a CSV, XLSX or ODS download, with spreadsheet formulas neutralised.

A list view offers its rows as a file in three lines::

    @rejects_unknown_format
    def some_list(request):
        ...
        if fmt := requested_format(request):
            return export_response(rows=queryset, columns=COLUMNS, filename="communes-22", fmt=fmt)
        context["export_links"] = export_links(request)

`columns` are (French header, accessor) pairs; the accessor is a callable taking the row, or an attribute path such
as "department.name" (a method found on the way, e.g. "get_status_display", is called; None stops the path).
Numbers and dates stay typed cells in XLSX and ODS; every text cell goes through `neutralise`.
"""

import datetime
import functools
import numbers
import re
import unicodedata
from urllib.parse import quote

import tablib
from django.http import HttpResponse
from django.utils import timezone

from mobilisation.core.views import bad_request

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
LABELS = {"csv": "CSV", "xlsx": "Tableur XLSX", "ods": "Tableur ODS"}

# A spreadsheet reads a text cell starting with one of these as a formula (CSV/formula injection, SECURITY.md 17).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Control characters that XML (so XLSX and ODS) cannot hold: openpyxl raises on them instead of dropping them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters a sheet name may not hold in Excel or LibreOffice.
SHEET_NAME_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


class UnknownFormat(Exception):
    """`?format=` names a format this module does not write."""


def requested_format(request):
    """The format asked by `?format=` ("csv", "xlsx" or "ods"), None for the HTML page; raises UnknownFormat."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in CONTENT_TYPES:
        raise UnknownFormat(fmt)
    return fmt


def rejects_unknown_format(view):
    """Answer 400 with a French message, not 500, when the view meets an unknown `?format=`."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except UnknownFormat:
            return bad_request(request, message="Format de téléchargement inconnu : choisissez csv, xlsx ou ods.")

    return wrapper


def export_links(request):
    """One link per format to the current list, keeping its filters but not its page number."""
    links = []
    for fmt, label in LABELS.items():
        query = request.GET.copy()
        query.pop("page", None)
        query["format"] = fmt
        links.append({"format": fmt, "label": label, "url": f"{request.path}?{query.urlencode()}"})
    return links


def neutralise(value):
    """A value as a cell should hold it: numbers and dates typed, text cleaned and never read as a formula."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # spreadsheets have no time zones
    if value is None or isinstance(value, numbers.Number | datetime.date | datetime.time):
        return value
    text = CONTROL_CHARACTERS.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def value_of(row, accessor):
    if callable(accessor):
        return accessor(row)
    value = row
    for name in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, name)
        if callable(value):
            value = value()
    return value


def content_disposition(stem, extension):
    """`attachment` with an ASCII name for old clients and the exact UTF-8 name in `filename*` (RFC 6266, 5987)."""
    letters = "".join(char for char in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(char))
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "-", letters).strip("-") or "export"
    return f"attachment; filename=\"{ascii_stem}.{extension}\"; filename*=UTF-8''{quote(f'{stem}.{extension}', safe='')}"


def export_response(*, rows, columns, filename, fmt):
    """A download of `rows` as `fmt`; `filename` has no extension (it may hold accents: browsers get both forms)."""
    dataset = tablib.Dataset(headers=[neutralise(header) for header, _ in columns], title=SHEET_NAME_FORBIDDEN.sub("-", filename)[:31])
    for row in rows:
        dataset.append([neutralise(value_of(row, accessor)) for _, accessor in columns])
    body = dataset.export(fmt, delimiter=";") if fmt == "csv" else dataset.export(fmt)
    if fmt == "csv":  # the byte order mark and ";" are what a French Excel needs to open it without an import wizard
        body = ("\ufeff" + body).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(filename, fmt)
    return response
