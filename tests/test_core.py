"""Cross-cutting behaviour: health check, database outage, error pages, security headers, escaping."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

from mobilisation.contracts.models import Cls

from .utils import page_text

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def broken_cursor(*args, **kwargs):
    raise OperationalError("connection refused")


def test_healthz_reports_a_broken_database_as_503(client):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", broken_cursor):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


def test_pages_show_a_french_503_page_when_the_database_is_down_and_recover(client):
    client.raise_request_exception = False
    with mock.patch.object(BaseDatabaseWrapper, "cursor", broken_cursor):
        response = client.get("/territoires/departements/22/")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in page_text(response)
    assert response["Retry-After"] == "30"
    assert client.get("/territoires/departements/22/").status_code == 200  # back by itself


def test_logged_in_pages_also_get_the_503_page(login, coordinator_dinan):
    client = login(coordinator_dinan)
    client.raise_request_exception = False
    with mock.patch.object(BaseDatabaseWrapper, "cursor", broken_cursor):
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 503


def test_unexpected_errors_get_the_french_500_page(client):
    client.raise_request_exception = False
    with mock.patch("mobilisation.territories.views.render", side_effect=RuntimeError("boom")):
        response = client.get("/territoires/")
    assert response.status_code == 500
    assert "Erreur inattendue" in page_text(response)


def test_404_page_is_french_and_keeps_the_shell(client):
    response = client.get("/nexiste-pas/")
    page = page_text(response)
    assert response.status_code == 404
    assert "Page non trouvée" in page and "Mentions légales" in page and 'href="#contenu"' in page


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(directives["script-src"])
    assert "'unsafe-inline'" not in directives["style-src-elem"]  # only style attributes may be inline
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_script_in_pages(client):
    for url in ["/", "/territoires/carte/", "/compte/connexion/", "/cls/dinan/"]:
        page = client.get(url).content.decode()
        for chunk in page.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag, (url, tag)


def test_user_text_is_escaped(login, ars_region, client):
    Cls.objects.filter(slug="dinan").update(name='<script>alert("x")</script>', note='<img src=x onerror="alert(1)">')
    page = client.get("/cls/dinan/").content.decode()
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page
    ars_page = login(ars_region).get("/cls/dinan/").content.decode()
    assert '<img src=x onerror="alert(1)">' not in ars_page


def test_skip_links_and_footer_links_on_every_page(client):
    page = page_text(client.get("/"))
    for text in ["Contenu", "Menu", "Pied de page", "Accessibilité : partiellement conforme", "Mentions légales", "Données personnelles"]:
        assert text in page


def test_navigation_shows_each_role_what_it_may_use(login, client, ars_region, coordinator_dinan):
    anonymous = page_text(client.get("/"))
    assert "Se connecter" in anonymous and "Mon espace" not in anonymous and "Administration" not in anonymous
    coordinator = page_text(login(coordinator_dinan).get("/"))
    assert "Mon espace" in coordinator and "Administration" not in coordinator and "Ajouter un CLS" not in coordinator
    ars = page_text(login(ars_region).get("/"))
    assert "Administration" in ars and "Ajouter un CLS" in ars


def test_get_requests_do_not_write(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for url in ["/", "/territoires/", "/cls/", "/cls/dinan/", "/territoires/recherche/?q=brest", "/api/v1/cls/"]:
            client.get(url)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_french_numbers_amounts_and_dates():
    import datetime
    from decimal import Decimal

    from mobilisation.core import formats

    assert formats.euros(Decimal("1E+3")) == "1\xa0000\xa0€"  # typed "1e3" never shows as 1E+3
    assert formats.euros(Decimal("1000.50")) == "1\xa0000,50\xa0€"
    assert formats.number(Decimal("1500.00")) == "1\xa0500" and formats.number(Decimal("12.46"), 1) == "12,5"
    assert formats.day(datetime.date(2026, 11, 1)) == "1er novembre 2026" and formats.day(datetime.date(2026, 8, 15)) == "15 août 2026"
    assert formats.number(None) == formats.euros("abc") == formats.day(None) == ""


def test_quick_select_renders_like_django_select():
    """The call log's long selects: same options, groups, selection and escaping as Django's own, in one pass."""
    from django import forms

    from mobilisation.core.forms import BaseForm, QuickSelect

    choices = [("", "—"), ("Santé", [("1", "Vaccins <b>"), ("2", "Tests")]), ("3", "Écoles & crèches")]

    class Form(BaseForm):
        quick = forms.ChoiceField(choices=choices, widget=QuickSelect)
        plain = forms.ChoiceField(choices=choices)

    form = Form(initial={"quick": "2", "plain": "2"})
    quick, plain = str(form["quick"]), str(form["plain"])
    assert '<optgroup label="Santé"><option value="1">Vaccins &lt;b&gt;</option><option value="2" selected>Tests</option>' in quick
    assert '<option value="3">Écoles &amp; crèches</option>' in quick
    assert 'class="fr-select"' in quick

    def options(html):
        import re

        return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)

    assert options(quick) == options(plain)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
@pytest.mark.django_db
def test_postgresql_connections_run_without_the_jit_compiler():
    """Short page queries on large tables: JIT compilation cost 30 ms where the query took 2 (config/settings/base.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
