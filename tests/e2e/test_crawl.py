"""Accessibility crawl: each persona follows the links of its pages; one page per URL pattern must pass axe-core.

Starting from the persona's home or dashboard, the crawl follows same-origin links and GET forms breadth-first. It
visits one URL per Django URL pattern and set of query-string keys (the 1,202 commune pages count once), checks the
status (< 400), axe-core (WCAG 2.1 A and AA) and the console, and records the patterns it saw in
tests/e2e/screenshots/crawl-<persona>.txt. New pages are picked up as soon as a page links to them and the seeded
data (tests/e2e/seed.py) makes them exist. The personas share one seeded site: the crawl only reads.
"""

import hashlib
import os
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import Resolver404, resolve

from .conftest import SCREENSHOTS, slugify
from .seed import seed_everything

pytestmark = pytest.mark.django_db(transaction=True)

# Never followed: leaving the session, downloads, the Django admin and the API (they are not pages of the site).
SKIPPED_PATHS = re.compile(r"^/(admin|api)/|^/compte/deconnexion/|\.(pdf|geojson|csv|xlsx|ods)$")
MAX_PAGES = 200

# persona (see PERSONAS in conftest; "anonymous": no account) -> where the crawl starts, and the fewest distinct
# patterns it must reach, so that a crawl stopped by a broken start page or a lost session cannot pass by visiting
# nothing. Raise the minimum when a role gets new pages.
CRAWLS = {
    "anonymous": (["/", "/territoires/recherche/?q=saint"], 24),
    "coordinator": (["/espace/"], 50),
    "elected": (["/espace/"], 33),
    "delegation": (["/espace/"], 36),
    "region": (["/espace/"], 62),
    "pole": (["/espace/"], 36),
    "social": (["/espace/"], 32),
    "manager": (["/espace/"], 40),
    "partner": (["/espace/"], 28),
    "volunteer": (["/espace/"], 24),
    "operator": (["/espace/"], 45),
}

# A page is its frame (head, header, footer: the same on every page of a persona and section) around its content
# (title and <main>: often the same for every persona, on public pages). What changes at every rendering (CSRF and
# submission tokens, nonces) is left out. axe-core runs on a page unless both its frame and its content have already
# passed, in other pages of this session: the crawl stays fast as roles and pages are added.
MARKUP_JS = """() => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll('input[type=hidden]').forEach((input) => input.removeAttribute('value'));
  copy.querySelectorAll('[nonce]').forEach((element) => element.removeAttribute('nonce'));
  // A map is drawn by map.js from its data attributes: the same attributes draw the same map.
  for (const map of copy.querySelectorAll('[data-mcls-map]')) {
    map.replaceChildren();
    ['data-loaded', 'style', 'tabindex'].forEach((name) => map.removeAttribute(name));
    map.className = map.className.split(' ').filter((name) => !name.startsWith('leaflet-')).join(' ');
  }
  const main = copy.querySelector('main');
  const content = document.title + (main ? main.outerHTML : '');
  if (main) main.replaceChildren();
  copy.querySelector('title')?.replaceChildren();
  return {frame: copy.outerHTML, content};
}"""
CHECKED = {}  # digest of a frame or a content that passed axe -> the first "persona pattern" where it did

LINKS_JS = """() => {
  const urls = Array.from(document.querySelectorAll('a[href]'), (a) => a.href);
  for (const form of document.querySelectorAll('form')) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const query = new URLSearchParams(new FormData(form)).toString();
    urls.push(form.action.split('?')[0] + (query ? '?' + query : ''));
  }
  return urls;
}"""


def pattern_of(path, query):
    """The URL pattern a path resolves to, with the query-string keys it carries (their values do not count)."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        name = f"introuvable:{path}"
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)})
    return name + (f"?{'&'.join(keys)}" if keys else "")


def followable(url, base_url):
    if not url.startswith(base_url + "/"):
        return None
    parts = urlsplit(url)
    if SKIPPED_PATHS.search(parts.path) or any(key == "format" for key, _ in parse_qsl(parts.query)):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def markup_digests(tab, user):
    """Digests of the page's frame and content; the name in the header is the same for two people of one role."""
    digests = []
    for markup in tab.page.evaluate(MARKUP_JS).values():
        if user is not None:
            markup = markup.replace(user.get_full_name(), "PERSONNE").replace(user.email, "PERSONNE")
        digests.append(hashlib.sha256(markup.encode()).hexdigest())
    return digests


def crawl(tab, starts, *, persona, user=None):
    """Breadth-first over the persona's pages; returns {pattern: (path, note)} visited and the failures found."""
    queue = deque(starts)
    visited, failures = {}, []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        parts = urlsplit(path)
        pattern = pattern_of(parts.path, parts.query)
        if pattern in visited:
            continue
        visited[pattern] = (path, "")
        response = tab.page.goto(tab.base_url + path)
        problems = []
        if response.status >= 400:
            problems.append(f"HTTP {response.status}")
        else:
            tab.wait_for_maps()  # also lets the DSFR scripts finish with the page, so that its markup is settled
            frame, content = markup_digests(tab, user)
            if frame in CHECKED and content in CHECKED:
                visited[pattern] = (path, f"cadre vu en {CHECKED[frame]}, contenu vu en {CHECKED[content]}")
            else:
                violations = tab.axe_violations()
                problems += violations
                if not violations:
                    CHECKED.setdefault(frame, f"{persona} {pattern}")
                    CHECKED.setdefault(content, f"{persona} {pattern}")
        problems += tab.console_problems()
        if problems:
            failures.append(f"{path} [{pattern}]: {problems}")
            tab.screenshot(f"echec {pattern}")
        landed = urlsplit(tab.page.url)
        visited.setdefault(pattern_of(landed.path, landed.query), (path, "redirection"))  # a redirect counts as its target too
        for url in tab.page.evaluate(LINKS_JS):
            if (target := followable(url.split("#")[0], tab.base_url)) and target not in queue:
                queue.append(target)
    return visited, failures


def test_every_page_every_persona_reaches_passes_axe(visit, people):
    """One seeded site, crawled by each persona in turn (CRAWL=region,pole limits the run to those personas)."""
    seed_everything(people)
    chosen = [name for name in os.environ.get("CRAWL", "").split(",") if name] or list(CRAWLS)
    failures, shortfalls, summary = [], [], []
    for persona in chosen:
        starts, minimum = CRAWLS[persona]
        user = None if persona == "anonymous" else getattr(people, persona)
        tab = visit(f"crawl-{persona}")
        if user is not None:
            tab.log_in(user)
        visited, problems = crawl(tab, starts, persona=persona, user=user)
        tab.page.context.close()
        report = "\n".join(f"{pattern}  {path}" + (f"  ({note})" if note else "") for pattern, (path, note) in sorted(visited.items()))
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / f"crawl-{slugify(persona)}.txt").write_text(report + "\n", encoding="utf-8")
        summary.append(f"{persona}: {len(visited)} URL patterns")
        print(f"\n{persona}: {len(visited)} URL patterns\n{report}")
        failures += [f"{persona} {problem}" for problem in problems]
        if len(visited) < minimum:
            shortfalls.append(f"{persona} reached only {len(visited)} URL patterns (at least {minimum} expected)")
    print("\n" + "\n".join(summary))
    assert failures == [], "\n".join(failures)
    assert shortfalls == [], "\n".join(shortfalls)
