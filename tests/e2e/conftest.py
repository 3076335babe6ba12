"""Browser fixtures: Debian's Chromium driven by Playwright, axe-core injected from node_modules, personas, keyboard helpers."""

import contextlib
import os
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

from mobilisation.accounts.demo import DEMO_ACCOUNTS, create_demo_accounts
from mobilisation.accounts.models import User

from ..conftest import load_reference_data
from ..factories import PASSWORD

# Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The personas of the browser tests are the demo accounts (mobilisation/accounts/demo.py), so what a person tries by
# hand after `make run` is what the tests walk through. A new role: add its demo account, then a name here.
PERSONAS = {
    "region": "ars.region",
    "delegation": "ars.dd22",  # Côtes-d'Armor, where Dinan sits
    "pole": "pole.ressources",
    "coordinator": "coordination.dinan",
    "coordinator_brest": "coordination.brest",  # Finistère (29)
    "elected": "elu.dinan",
    "social": "ccas.dinan",
    "manager": "ccas.responsable.dinan",  # the manager of Dinan's CCAS: its agents, the journal of its register
    "partner": "partenaire",
    "volunteer": "benevole",
    "operator": "ecoutant.dinan",  # the hotline operator of the demo line (hotline.demo)
}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The journeys run with the page cache of production: every write they make must show on the next page."""
    settings.PAGE_CACHE_SECONDS = 3600


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


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


class Visit:
    """One browser tab of one persona: navigate, log in, check accessibility and console, take screenshots.

    Screenshots are named persona-step-label (tests/e2e/screenshots, ignored by git) for a person to look at.
    """

    def __init__(self, page, base_url, name):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.console_errors = []
        self.page_errors = []
        self.last_status = None
        for old in SCREENSHOTS.glob(f"{name}-[0-9][0-9]-*.png"):  # the previous run of this tab
            old.unlink()
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._on_response)

    def _on_response(self, response):
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.last_status = response.status

    @property
    def path(self):
        url = self.page.url
        return url[len(self.base_url) :] if url.startswith(self.base_url) else url

    def goto(self, path, status=None):
        """Open a path; by default it must answer below 400, or exactly `status` when given (e.g. 404 out of scope)."""
        response = self.page.goto(self.base_url + path)
        if status is None:
            assert response.status < 400, (path, response.status)
        else:
            assert response.status == status, (path, response.status)
        return response

    def main_text(self):
        """The text of <main>, with the narrow and ordinary no-break spaces of French numbers made plain."""
        return self.page.locator("main").inner_text().replace("\u202f", " ").replace("\xa0", " ")

    def heading(self):
        return self.page.locator("h1").inner_text()

    def badge(self):
        """The first status badge of the page, as written (the DSFR shows badges in capitals)."""
        return self.page.locator("main .fr-badge").first.text_content().strip()

    def log_in(self, user, password=PASSWORD):
        """Log in with the password, then, for an account holding an application (the demo accounts that must, see
        accounts/demo.py), the code it shows now, as a person reads it from the phone."""
        page = self.page
        self.goto("/compte/connexion/")
        page.locator("#id_username").fill(user.email)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter").click()
        if "/compte/double-authentification/verification/" in page.url:
            page.locator("#id_code").fill(current_code_of(user))
            page.get_by_role("button", name="Valider le code").click()
        page.wait_for_url("**/espace/")

    def log_out(self):
        self.page.get_by_role("button", name="Se déconnecter").click()
        self.page.wait_for_load_state()

    def click_link(self, name, *, exact=False, wait=True):
        """Follow a link by its accessible name, as a user would, and wait for the new page."""
        with self.page.expect_navigation() if wait else contextlib.nullcontext():
            self.page.get_by_role("link", name=name, exact=exact).first.click()

    def click_button(self, name, *, exact=False):
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=exact).first.click()

    def wait_for_maps(self):
        for element in self.page.query_selector_all("[data-mcls-map]"):
            self.page.wait_for_function("(el) => el.dataset.loaded", arg=element, timeout=15000)
            assert element.get_attribute("data-loaded") == "true"

    def screenshot(self, label):
        self.step += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{slugify(label)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe_violations(self):
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]} {v['nodes'][0]['failureSummary'][:300]!r}"
            for v in result["violations"]
        ]

    def console_problems(self):
        """Console errors and uncaught exceptions since the last check; a 4xx page may log its own status."""
        errors = [e for e in self.console_errors if not (self.last_status and self.last_status >= 400 and "status of 4" in e)]
        problems = errors + [f"exception: {e}" for e in self.page_errors]
        self.console_errors.clear()
        self.page_errors.clear()
        return problems

    def check(self, label, *, screenshot=True):
        """Screenshot the page, then assert axe-core finds no WCAG 2.1 A/AA violation and the console stayed clean."""
        self.wait_for_maps()
        if screenshot:
            self.screenshot(label)
        violations = self.axe_violations()
        assert violations == [], f"{self.name} / {label} ({self.path}): {violations}"
        problems = self.console_problems()
        assert problems == [], f"{self.name} / {label} ({self.path}): {problems}"

    def expect_not_found(self, path, label):
        """Out of scope is a 404 page, which must be accessible too."""
        self.goto(path, status=404)
        assert self.heading() == "Page non trouvée"
        self.check(label)


def current_code_of(user):
    """The code the user's application shows now. A code is accepted once: a second login in the same 30 seconds
    would wait for the next one, so the device forgets the last code it took (and any failed try) first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mobilisation.accounts.second_factor import current_code

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    return current_code(device.key)


@pytest.fixture
def visit(browser, live_server):
    contexts = []

    def open_tab(name, *, width=1280, height=900):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(15000)
        contexts.append(context)
        return Visit(page, live_server.url, name)

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def reference_data(transactional_db):
    load_reference_data()


@pytest.fixture
def people(reference_data):
    """The demo accounts, one per role, by persona name: people.coordinator, people.delegation, ..."""
    create_demo_accounts(password=PASSWORD)
    users = {user.email.split("@")[0]: user for user in User.objects.filter(email__in=[a["email"] for a in DEMO_ACCOUNTS])}
    return SimpleNamespace(**{name: users[local] for name, local in PERSONAS.items()})


@pytest.fixture
def password():
    return PASSWORD


# Keyboard helpers: drive the page with Tab, Shift+Tab, Enter and Space only, and check focus stays visible.

FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '', type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' '), label: el.getAttribute('aria-label') || el.title || '',
    href: el.getAttribute('href') || '',
  };
}"""

# Compares the look of the focused element with its look once blurred: the outline and box-shadow of the element, of
# its ::before (where the DSFR draws the ring of a card or tile made clickable by fr-enlarge-link) and of its label's
# ::before for a DSFR checkbox or radio. Visible: a ring the unfocused look lacks.
FOCUS_VISIBLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, back: true, why: 'nothing focused'};
  const boxes = [[el, null], [el, '::before']];
  if (el.matches('input[type=checkbox], input[type=radio]') && el.labels && el.labels[0]) boxes.push([el.labels[0], '::before']);
  const rings = () => boxes.map(([box, pseudo]) => {
    const s = getComputedStyle(box, pseudo);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/^rgba\\(.*, 0\\)$/.test(s.outlineColor)
      ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '';
    return {outline, shadow: s.boxShadow === 'none' ? '' : s.boxShadow};
  });
  const focused = rings();
  el.blur();
  const plain = rings();
  el.focus({preventScroll: true});
  const visible = focused.some((ring, i) => (ring.outline && ring.outline !== plain[i].outline) || (ring.shadow && ring.shadow !== plain[i].shadow));
  return {visible, focused, plain, back: document.activeElement === el};
}"""


def focused(page):
    """A short description of the focused element (tag, id, name, type, text, label, href), or None."""
    return page.evaluate(FOCUSED_JS)


def assert_focus_visible(page):
    state = page.evaluate(FOCUS_VISIBLE_JS)
    assert state["back"], f"focus lost while checking it: {focused(page)}"
    assert state["visible"], f"focus not visible on {focused(page)}: {state}"


def tab_to(page, predicate, *, max_steps=80, backwards=False, check_focus=True):
    """Press Tab (Shift+Tab backwards) until predicate(focused element) holds; fail like a keyboard trap would.

    Every element reached on the way must show a visible focus ring.
    """
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(max_steps):
        page.keyboard.press(key)
        element = focused(page)
        seen.append(element)
        if element is None:
            continue
        if check_focus:
            assert_focus_visible(page)
        if predicate(element):
            return element
    pytest.fail(f"{key} × {max_steps} never reached the element; last stops: {seen[-8:]}")


def named(text):
    """Predicate for tab_to: the focused element's text or label is exactly `text`."""
    return lambda element: text in {element["text"], element["label"]}


def field(name):
    """Predicate for tab_to: the focused form field has this name."""
    return lambda element: element["name"] == name
