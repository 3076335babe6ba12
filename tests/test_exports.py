"""Exports: CSV, XLSX and ODS files read back as a spreadsheet would, formulas neutralised, registry and communes lists."""

import csv
import datetime
import io
from operator import itemgetter

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse
from odf import opendocument, table, teletype

from mobilisation.contracts.models import Cls
from mobilisation.core.exports import export_links, export_response, requested_format

DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rX", "\nY"]
ACCENTED = "Côtes-d’Armor"
VALUES = [*DANGEROUS, ACCENTED, 42, -5, datetime.date(2024, 3, 1)]
HEADERS = [f"Colonne {i}" for i in range(len(VALUES))]
COLUMNS = [(header, itemgetter(i)) for i, header in enumerate(HEADERS)]
REGISTRY_HEADERS = [
    "Nom",
    "Porteur",
    "Type de porteur",
    "Département",
    "Statut",
    "Date de signature",
    "Période",
    "Nombre de communes",
    "Population",
]
SOURCE_HEADERS = ["Certitude", "Certitude du périmètre", "Source"]


def in_xml(text):
    """XLSX and ODS are XML, whose parsers read a lone carriage return as a line feed."""
    return text.replace("\r", "\n")


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response):
    """Rows of openpyxl cells, so their types can be checked."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


def ods_value(cell):
    """An ODF cell as (value type, value): numbers and dates hold their value in an attribute, text in paragraphs."""
    value_type = cell.getAttribute("valuetype")
    attribute = {"float": "value", "date": "datevalue"}.get(value_type)
    return value_type, cell.getAttribute(attribute) if attribute else teletype.extractText(cell)


def read_ods(response):
    """Rows of (ODF value type, value) pairs."""
    document = opendocument.load(io.BytesIO(response.content))
    return [
        [ods_value(cell) for cell in row.getElementsByType(table.TableCell)]
        for row in document.spreadsheet.getElementsByType(table.TableRow)
    ]


def export(fmt, rows=(VALUES,), columns=COLUMNS, filename="essai"):
    return export_response(rows=list(rows), columns=columns, filename=filename, fmt=fmt)


def test_csv_neutralises_formulas_and_keeps_accents():
    response = export("csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename=\"essai.csv\"; filename*=UTF-8''essai.csv"
    header, row = read_csv(response)
    assert header == HEADERS
    for value, written in zip(DANGEROUS, row, strict=False):
        assert written == "'" + value
    assert row[7:] == [ACCENTED, "42", "-5", "2024-03-01"]  # a negative number is a number, not a formula


def test_xlsx_neutralises_formulas_and_keeps_types():
    response = export("xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="essai.xlsx"')
    header, row = read_xlsx(response)
    assert [cell.value for cell in header] == HEADERS
    for value, cell in zip(DANGEROUS, row, strict=False):
        assert cell.data_type == "s" and cell.value == "'" + in_xml(value)
    accented, integer, negative, date = row[7:]
    assert accented.value == ACCENTED
    assert integer.data_type == "n" and integer.value == 42
    assert negative.data_type == "n" and negative.value == -5
    assert date.is_date and date.value.date() == datetime.date(2024, 3, 1)


def test_ods_neutralises_formulas_and_keeps_types():
    response = export("ods")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].startswith('attachment; filename="essai.ods"')
    header, row = read_ods(response)
    assert [text for _, text in header] == HEADERS
    for (value_type, text), value in zip(row, DANGEROUS, strict=False):
        assert value_type == "string" and text == "'" + in_xml(value)
    assert row[7:] == [("string", ACCENTED), ("float", "42"), ("float", "-5"), ("date", "2024-03-01")]


def test_control_characters_xml_cannot_hold_are_dropped():
    rows, columns = [("\x00=a\x1fb",)], [("Texte", itemgetter(0))]
    assert read_csv(export("csv", rows, columns))[1] == ["'=ab"]
    assert read_xlsx(export("xlsx", rows, columns))[1][0].value == "'=ab"
    assert read_ods(export("ods", rows, columns))[1] == [("string", "'=ab")]


def test_attachment_name_has_an_ascii_fallback_and_the_exact_name():
    response = export("csv", filename="communes-22-Côtes-d’Armor")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"communes-22-Cotes-d-Armor.csv\"; filename*=UTF-8''communes-22-C%C3%B4tes-d%E2%80%99Armor.csv"
    )


def test_accessors_follow_attribute_paths_call_methods_and_stop_at_none(cls_dinan):
    cls_dinan.signature_date = None
    columns = [("Département", "department.name"), ("Statut", "get_status_display"), ("Signature", "signature_date.year")]
    _, row = read_csv(export("csv", rows=[cls_dinan], columns=columns))
    assert row == ["Côtes-d'Armor", cls_dinan.get_status_display(), ""]


def test_requested_format_and_links_keep_filters_but_not_the_page():
    request = RequestFactory().get("/cls/", {"department": "35", "page": "2"})
    assert requested_format(request) is None
    assert requested_format(RequestFactory().get("/cls/", {"format": "ods"})) == "ods"
    links = export_links(request)
    assert [link["label"] for link in links] == ["CSV", "Tableur XLSX", "Tableur ODS"]
    assert links[0]["url"] == "/cls/?department=35&format=csv"


# The registry and the communes lists.


@pytest.mark.django_db
def test_registry_export_respects_the_filters(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("contracts:registry"), {"department": "35", "format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="registre-des-cls.xlsx"')
    header, *rows = [[cell.value for cell in row] for row in read_xlsx(response)]
    assert header == REGISTRY_HEADERS
    names = [row[0] for row in rows]
    assert "CLS du Pays de Saint-Malo" in names and "CLS du Pays de Brest" not in names
    assert len(rows) == Cls.objects.filter(department="35").count()
    assert {row[3] for row in rows} == {"Ille-et-Vilaine"}
    by_status = read_csv(client.get(reverse("contracts:registry"), {"status": "en_elaboration", "format": "csv"}))
    assert len(by_status) == 1 + 2 and {row[4] for row in by_status[1:]} == {"En élaboration"}


@pytest.mark.django_db
def test_registry_export_shows_sources_to_the_ars_only(client, login, ars_region):
    anonymous = read_csv(client.get(reverse("contracts:registry"), {"format": "csv"}))
    assert anonymous[0] == REGISTRY_HEADERS and len(anonymous) == 1 + 22
    assert not any("http" in cell for row in anonymous for cell in row)
    brest = Cls.objects.get(slug="pays-de-brest")
    ars = read_csv(login(ars_region).get(reverse("contracts:registry"), {"format": "csv"}))
    assert ars[0] == REGISTRY_HEADERS + SOURCE_HEADERS
    brest_row = next(row for row in ars if row[0] == brest.name)
    assert brest_row[-3] == brest.get_certainty_display() and brest.source_url in brest_row[-1]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cls/", "/territoires/departements/22/communes/"])
def test_unknown_format_is_a_400_in_french(client, url):
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 400
    assert "Format de téléchargement inconnu" in response.content.decode()


@pytest.mark.django_db
def test_registry_page_offers_the_three_downloads_with_its_filters(client):
    page = client.get(reverse("contracts:registry"), {"department": "35"}).content.decode()
    for fmt, label in [("csv", "CSV"), ("xlsx", "Tableur XLSX"), ("ods", "Tableur ODS")]:
        assert f'href="/cls/?department=35&amp;format={fmt}">{label}</a>' in page


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_communes_export_holds_every_commune_of_the_department(client, django_assert_max_num_queries, fmt):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("territories:department_communes", args=["22"]), {"format": fmt, "page": "2"})
    rows = {"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}[fmt](response)
    assert len(rows) == 1 + 344
    assert "filename*=UTF-8''communes-22-C%C3%B4tes-d%27Armor." in response["Content-Disposition"]


@pytest.mark.django_db
def test_communes_export_columns(client):
    header, *rows = read_csv(client.get(reverse("territories:department_communes", args=["22"]), {"format": "csv"}))
    assert header == ["Code INSEE", "Commune", "Codes postaux", "Population municipale", "Population totale", "EPCI (SIREN)", "EPCI"]
    by_code = {row[0]: row for row in rows}
    assert by_code["22050"][1] == "Dinan" and by_code["22050"][5] and by_code["22050"][6]
    assert by_code["22016"][5:] == ["", ""]  # Île-de-Bréhat belongs to no EPCI


@pytest.mark.django_db
def test_communes_page_offers_the_downloads_of_the_whole_list(client):
    page = client.get(reverse("territories:department_communes", args=["22"]), {"page": "2"}).content.decode()
    assert "Télécharger toutes les communes du département" in page
    assert 'href="/territoires/departements/22/communes/?format=xlsx">Tableur XLSX</a>' in page
