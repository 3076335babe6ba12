"""INSEE figures of a set of communes and the pages showing them; expected values come from the CSV files."""

import csv
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobilisation.contracts.models import Cls
from mobilisation.territories.enums import StatisticsRelease
from mobilisation.territories.models import Commune, CommuneStatistics, Department, Epci

from .utils import page_text, shared_data_dir

pytestmark = pytest.mark.django_db

SHARED = shared_data_dir()
PROJECT = Path(__file__).resolve().parent.parent / "data" / "bretagne"
BANDS = [f"pop_{band}_2022" for band in ["0_14_ans", "15_29_ans", "30_44_ans", "45_59_ans", "60_74_ans", "75_89_ans", "90_ans_ou_plus"]]


def by_code(path, key="code_insee"):
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


AGE = by_code(SHARED / "insee" / "insee_rp2022_population_par_age_bretagne.csv")
HOUSEHOLDS = by_code(SHARED / "insee" / "insee_rp2022_menages_bretagne.csv")
FILOSOFI = by_code(SHARED / "insee" / "insee_filosofi2021_bretagne.csv")
COMMUNES = by_code(PROJECT / "communes.csv")


def expected(codes):
    """The figures of these communes, computed here from the INSEE files (not with the application's code)."""
    population = sum(Decimal(AGE[c]["population_rp_2022"]) for c in codes)
    bands = {band: sum(Decimal(AGE[c][band]) for c in codes) for band in BANDS}
    old = bands["pop_75_89_ans_2022"] + bands["pop_90_ans_ou_plus_2022"]
    rated = [c for c in codes if FILOSOFI[c]["statut_taux_pauvrete"] == "diffuse" and FILOSOFI[c]["perimetre_source"] == "commune entiere"]
    persons = sum(Decimal(FILOSOFI[c]["nb_personnes_menages_fiscaux_2021"]) for c in rated)
    poor = sum(Decimal(FILOSOFI[c]["taux_pauvrete_2021_pct"]) * Decimal(FILOSOFI[c]["nb_personnes_menages_fiscaux_2021"]) for c in rated)
    return {
        "population": population.quantize(Decimal(1), ROUND_HALF_UP),
        "bands": [value.quantize(Decimal(1), ROUND_HALF_UP) for value in bands.values()],
        "shares": [(100 * value / population).quantize(Decimal("0.1"), ROUND_HALF_UP) for value in bands.values()],
        "aged_75_plus": old.quantize(Decimal(1), ROUND_HALF_UP),
        "aged_75_plus_share": (100 * old / population).quantize(Decimal("0.1"), ROUND_HALF_UP),
        "households": sum(Decimal(HOUSEHOLDS[c]["menages_2022"]) for c in codes).quantize(Decimal(1), ROUND_HALF_UP),
        "one_person": sum(Decimal(HOUSEHOLDS[c]["menages_une_personne_2022"]) for c in codes).quantize(Decimal(1), ROUND_HALF_UP),
        "rated": len(rated),
        "rate": (poor / persons).quantize(Decimal("0.1"), ROUND_HALF_UP) if rated else None,
        "coverage": (100 * sum(Decimal(AGE[c]["population_rp_2022"]) for c in rated) / population).quantize(Decimal(1), ROUND_FLOOR),
    }


def assert_figures(stats, codes):
    want = expected(codes)
    assert stats.communes == stats.communes_with_data == len(codes)
    assert stats.population == want["population"]
    assert [band.count for band in stats.age_bands] == want["bands"]
    assert [band.share for band in stats.age_bands] == want["shares"]
    assert (stats.aged_75_plus, stats.aged_75_plus_share) == (want["aged_75_plus"], want["aged_75_plus_share"])
    assert (stats.households, stats.one_person_households) == (want["households"], want["one_person"])
    assert stats.poverty.published == want["rated"]
    assert stats.poverty.rate == want["rate"]
    if want["rated"] < len(codes):
        assert stats.poverty.coverage == want["coverage"]
    return want


def cls_codes(slug):
    """The communes of a CLS read from cls.csv: whole EPCIs plus the communes named row by row."""
    with (PROJECT / "cls.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["cls_id"] == slug]
    whole = {row["epci_siren"] for row in rows if row["perimetre"] == "epci_entier"}
    named = {code for row in rows if row["perimetre"] == "communes" for code in row["communes_insee"].split("|") if code}
    return {code for code, row in COMMUNES.items() if row["epci_siren"] in whole} | named


def epci_codes(siren):
    return {code for code, row in COMMUNES.items() if row["epci_siren"] == siren}


def test_dinan_agglomeration_cls(cls_dinan, django_assert_num_queries):
    codes = cls_codes("dinan")
    assert codes == set(cls_dinan.communes.values_list("insee_code", flat=True)) and len(codes) == 64
    with django_assert_num_queries(1):
        stats = cls_dinan.communes.statistics()
    want = assert_figures(stats, codes)
    assert 0 < want["rated"] < 64 and stats.poverty.is_computed and not stats.poverty.is_complete
    # The same sums as the EPCI aggregates file, built by the data's author from the INSEE extracts.
    aggregate = by_code(SHARED / "insee" / "insee_rp2022_agregats_epci_bretagne_calcule.csv", key="siren_epci")["200068989"]
    assert stats.population == Decimal(aggregate["population_rp_2022"])
    assert stats.aged_75_plus == Decimal(aggregate["pop_75_ans_ou_plus_2022"]).quantize(Decimal(1), ROUND_HALF_UP)
    assert abs(stats.aged_75_plus_share - Decimal(aggregate["part_75_ans_ou_plus_2022_pct"])) <= Decimal("0.05")  # the file has 2 decimals
    assert stats.households == Decimal(aggregate["menages_2022"]).quantize(Decimal(1), ROUND_HALF_UP)
    assert [r.code for r in stats.releases] == [
        StatisticsRelease.RP2022,
        StatisticsRelease.RP2022_COMPLEMENTARY,
        StatisticsRelease.FILOSOFI2021,
    ]


def test_a_cls_over_parts_of_several_epcis():
    ponant = Cls.objects.get(slug="iles-du-ponant")
    codes = cls_codes("iles-du-ponant")
    assert codes == set(ponant.communes.values_list("insee_code", flat=True))
    partial = [siren for siren in {COMMUNES[c]["epci_siren"] for c in codes} if siren and not epci_codes(siren) <= codes]
    assert len(partial) >= 4  # islands taken from Haut-Léon, Iroise, Lorient, Golfe du Morbihan, AQTA
    stats = ponant.communes.statistics()
    want = assert_figures(stats, codes)
    assert stats.poverty.not_available == 2 and stats.poverty.secret == len(codes) - 2 - want["rated"]  # Sein and Molène: "nd"


def test_a_cls_of_one_commune_shows_the_published_rate():
    rennes = Cls.objects.get(slug="ville-de-rennes-2013")
    stats = rennes.communes.statistics()
    assert_figures(stats, {"35238"})
    assert stats.poverty.is_published and stats.poverty.rate == Decimal(FILOSOFI["35238"]["taux_pauvrete_2021_pct"])
    assert stats.poverty.coverage == 100


def test_an_epci_and_a_department_in_one_query_each(django_assert_num_queries):
    brest = Epci.objects.get(siren="242900314")
    with django_assert_num_queries(1):
        stats = brest.communes.statistics()
    assert_figures(stats, epci_codes("242900314"))
    department = Department.objects.get(code="22")
    with django_assert_num_queries(1):
        stats = department.communes.statistics()
    assert_figures(stats, {code for code in COMMUNES if code.startswith("22")})


def test_the_whole_region_matches_the_readme_figures(django_assert_num_queries):
    with django_assert_num_queries(1):
        stats = Commune.objects.statistics()
    assert stats.population == 3_422_845 and stats.aged_75_plus == 375_874 and stats.aged_75_plus_share == Decimal("11.0")
    assert stats.households == 1_608_388 and stats.one_person_households == 640_399
    assert stats.poverty.published == 347 and stats.poverty.partial == 1 and stats.poverty.coverage < 73  # README: 73.1 % with 348
    assert_figures(stats, set(COMMUNES))


def test_secret_communes_give_no_rate_never_zero():
    secret = Commune.objects.filter(insee_code__in=["22002", "22003"])  # Andel, Aucaleuc
    assert {FILOSOFI[c]["statut_taux_pauvrete"] for c in ["22002", "22003"]} == {"secret"}
    poverty = secret.statistics().poverty
    assert poverty.rate is None and poverty.published == 0 and poverty.coverage == 0
    assert poverty.reason == "non publié (secret statistique)"
    islands = Commune.objects.filter(insee_code__in=["29083", "29084"]).statistics().poverty
    assert islands.rate is None and islands.reason == "non disponible (Insee)"
    mixed = Commune.objects.filter(insee_code__in=["29083", "22003"]).statistics().poverty
    assert mixed.reason == "non publié (secret statistique ou donnée non disponible)"


def test_a_commune_nouvelle_rate_covering_only_its_former_commune_is_left_out():
    alone = Commune.objects.filter(insee_code="22147").statistics().poverty  # Merdrignac: 15.0 % for Merdrignac 2024 only
    assert alone.rate is None and alone.partial == 1
    assert alone.reason.startswith("non publié pour la commune actuelle")
    with_rennes = Commune.objects.filter(insee_code__in=["22147", "35238"]).statistics().poverty
    assert (
        with_rennes.rate == Decimal(FILOSOFI["35238"]["taux_pauvrete_2021_pct"]) and with_rennes.published == 1 and with_rennes.partial == 1
    )
    population = {c: Decimal(AGE[c]["population_rp_2022"]) for c in ["22147", "35238"]}
    assert with_rennes.coverage == (100 * population["35238"] / sum(population.values())).quantize(Decimal(1), ROUND_FLOOR)


def test_communes_without_statistics_are_counted_apart(cls_dinan):
    CommuneStatistics.objects.filter(commune_id="22050").delete()  # Dinan itself
    stats = cls_dinan.communes.statistics()
    assert (stats.communes, stats.communes_with_data, stats.communes_without_data) == (64, 63, 1)
    assert_figures_codes = cls_codes("dinan") - {"22050"}
    assert stats.population == expected(assert_figures_codes)["population"]
    empty = Commune.objects.none().statistics()
    assert not empty.available and empty.population is None and empty.poverty.rate is None


def test_communes_of_mixed_vintages_name_both_releases(cls_dinan):
    CommuneStatistics.objects.filter(commune_id="22050").update(census_release=StatisticsRelease.RP2022_COMPLEMENTARY)
    releases = cls_dinan.communes.statistics().census_releases
    assert [r.code for r in releases] == [StatisticsRelease.RP2022, StatisticsRelease.RP2022_COMPLEMENTARY]


def test_rates_are_rounded_half_up_not_truncated():
    from mobilisation.territories.statistics import percent, weighted_rate

    assert percent(1246, 10000) == Decimal("12.5") and weighted_rate(Decimal("124.6"), 10) == Decimal("12.5")
    assert percent(9999, 10000, floor=True) == 99  # a coverage is never rounded up to "100 %"


# Pages


def table_row(page, label):
    start = page.index(f'<th scope="row">{label}')
    return page[start : page.index("</tr>", start)]


def test_commune_page_shows_figures_with_their_source(client):
    page = page_text(client.get(reverse("territories:commune", args=["22003"])))  # Aucaleuc: rate secret
    want = expected({"22003"})
    assert "Portrait statistique (Insee)" in page
    assert f"{want['population']} habitants" in table_row(page, "Population (recensement 2022)")
    assert "Insee, RP 2022" in table_row(page, "Personnes de 75 ans ou plus")
    poverty = table_row(page, "Taux de pauvreté")
    assert "non publié (secret statistique)" in poverty and "Insee, Filosofi 2021" in poverty and "0,0" not in poverty
    assert "Insee, RP 2022, exploitation complémentaire" in table_row(page, "Ménages d’une personne")
    assert "Licence Ouverte / Etalab 2.0" in page and "https://www.insee.fr/fr/statistiques/7756729" in page


def test_commune_page_with_a_published_rate(client):
    page = page_text(client.get(reverse("territories:commune", args=["35238"])))
    rate = FILOSOFI["35238"]["taux_pauvrete_2021_pct"].replace(".", ",")
    assert f"{rate} %" in table_row(page, "Taux de pauvreté")
    share = expected({"35238"})["aged_75_plus_share"]
    assert f"soit {str(share).replace('.', ',')} % de la population" in page


def test_commune_nouvelle_page_explains_its_filosofi_row(client):
    page = page_text(client.get(reverse("territories:commune", args=["22147"])))
    assert "non publié pour la commune actuelle" in table_row(page, "Taux de pauvreté")
    assert "Saint-Launeuc (22309)" in page and "cette ancienne commune seule : 15,0 %" in page


def test_epci_page_shows_the_computed_rate_and_its_coverage(client):
    page = page_text(client.get(reverse("territories:epci", args=["200068989"])))
    want = expected(epci_codes("200068989"))
    poverty = table_row(page, "Taux de pauvreté")
    assert f"{str(want['rate']).replace('.', ',')} %" in poverty
    assert (
        f"Taux calculé sur les {want['rated']} communes (sur 64) qui le publient, couvrant {want['coverage']} % de la population" in poverty
    )
    assert "ce n’est pas un taux publié par l’Insee" in poverty
    assert "Chiffres clés des 64 communes" in page


def test_epci_across_the_regional_border_says_only_breton_communes_count(client):
    page = page_text(client.get(reverse("territories:epci", args=["243500741"])))  # Redon Agglomération
    assert "Les chiffres portent sur les communes bretonnes de l’EPCI seulement." in page


def statistics_queries(queries):
    return [q for q in queries if '"with_data"' in q["sql"]]


@pytest.mark.parametrize("url", ["/territoires/communes/29019/", "/territoires/epci/242900314/", "/territoires/epci/243500741/"])
def test_pages_gain_one_query_for_the_statistics(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(statistics_queries(queries)) == 1
    budget = 6 if "243500741" in url else 5  # 4 before the statistics (5 for an EPCI across the border)
    assert len(queries) <= budget


def test_include_for_another_page(cls_dinan):
    html = render_to_string("territories/_statistics.html", {"stats": cls_dinan.communes.statistics(), "heading_level": 3})
    assert '<h3 id="statistiques-insee">Portrait statistique (Insee)</h3>' in html
    empty = render_to_string("territories/_statistics.html", {"stats": Commune.objects.none().statistics()})
    assert "<h2" in empty and "ne sont pas chargées" in empty


def test_data_sources_page_lists_the_insee_statistics(client):
    page = page_text(client.get(reverse("portal:data_sources")))
    assert "Fichier localisé social et fiscal (Filosofi)" in page and "RP 2022, géographie au 1<sup>er</sup> janvier 2025" in page
    assert "https://www.insee.fr/fr/statistiques/7756729?sommaire=7756859" in page
    assert page.count("Licence Ouverte / Etalab 2.0") >= 2
