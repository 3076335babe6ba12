"""Browser fixtures: Debian's Chromium driven by Playwright, axe-core injected from node_modules."""

import os
import re
from pathlib import Path

import pytest

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership
from mobilisation.contracts.models import Cls

from ..conftest import load_reference_data
from ..factories import PASSWORD, UserFactory

# Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium » (make browser).")
    if not AXE.exists():
        pytest.fail("axe-core introuvable : lancez « npm ci » (fait par make test).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def log_in(tab, user, password):
    tab.goto("/compte/connexion/")
    tab.page.locator("#id_username").fill(user.email)
    tab.page.locator("#id_password").fill(password)
    tab.page.get_by_role("button", name="Se connecter").click()
    tab.page.wait_for_url("**/espace/")


class Visit:
    """One browser tab: navigate, check accessibility and CSP, take screenshots."""

    def __init__(self, page, base_url, name):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.console_errors = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, (path, response.status)
        return response

    def wait_for_maps(self):
        for element in self.page.query_selector_all("[data-mcls-map]"):
            self.page.wait_for_function("(el) => el.dataset.loaded", arg=element, timeout=15000)
            assert element.get_attribute("data-loaded") == "true"

    def check(self, label):
        """Screenshot the page, then assert axe-core finds no WCAG 2.1 A/AA violation and no CSP error."""
        self.wait_for_maps()
        self.step += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.step:02d}-{slug}.png"), full_page=True)
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        violations = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]]
        assert violations == [], f"{label}: {violations}"
        csp = [e for e in self.console_errors if "Content Security Policy" in e]
        assert csp == [], f"{label}: {csp}"
        return result


@pytest.fixture
def visit(browser, live_server):
    pages = []

    def open_tab(name):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        pages.append(context)
        return Visit(page, live_server.url, name)

    yield open_tab
    for context in pages:
        context.close()


@pytest.fixture
def reference_data(transactional_db):
    load_reference_data()


@pytest.fixture
def coordinator(reference_data):
    cls = Cls.objects.get(slug="dinan")
    user = UserFactory(email="claire.dinan@exemple.fr", first_name="Claire", last_name="Le Gall")
    Membership.objects.create(user=user, role=Role.CLS_COORDINATOR, cls=cls)
    return user


@pytest.fixture
def delegation_agent(reference_data):
    user = UserFactory(email="yann.armor@exemple.fr", first_name="Yann", last_name="Le Bihan")
    Membership.objects.create(user=user, role=Role.ARS_DELEGATION, department_id="22")
    return user


@pytest.fixture
def password():
    return PASSWORD
