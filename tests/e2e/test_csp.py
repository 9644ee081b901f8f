"""In Chromium, every main page loads under the Content-Security-Policy the server sends
without one violation: as a resident, as a committee member and as a visitor. A violation
is caught twice over: the page's ``securitypolicyviolation`` events (an init script records
them before the app's own scripts run) and Chromium's "Refused to …" console messages. The
detector is first shown to catch an inline script the policy refuses."""

from __future__ import annotations

from typing import Any

import pytest

from communities.cases.models import Case
from tests.e2e.demo import Demo, open_page, quiet, seed_demo
from tests.servers import Server

pytestmark = pytest.mark.browser

# Runs in every page before its own scripts (Playwright's init scripts are not page
# script, so the policy does not apply to this one).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile || '?'}:${e.lineNumber}`;
  const what = e.blockedURI || 'inline';
  window.__cspViolations.push(`${e.violatedDirective} blocked ${what} at ${where}`);
}, true);
"""


class Watched:
    """A logged-in page whose violations, events and console alike, are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            self.console.append(message.text)

    def violations(self, server: Server, path: str) -> list[str]:
        """Open ``path``, let it settle, and return what the policy refused meanwhile."""
        self.console.clear()
        response = self.page.goto(f"{server.url}{path}")
        assert response is not None
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, f"{path} is served without the policy"
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return list(self.page.evaluate("window.__cspViolations")) + self.console


def case_pages(username: str) -> list[str]:
    """The cases' pages, with one case the person sees (reported by them, or in the
    committee's own community)."""
    if username == "wang_fang":
        case = Case.objects.filter(reporter__username=username).order_by("pk").first()
    else:
        case = Case.objects.filter(community__name="美罗家园第一居委会").order_by("pk").first()
    assert case is not None
    return ["/cases", "/cases/new", "/cases/queue", "/cases/supervise", f"/cases/{case.pk}"]


def every_page(demo: Demo, username: str) -> list[str]:
    return [*demo.pages(), *case_pages(username), "/settings/notifications"]


def with_inline_script(route: Any) -> None:
    """The page as the server sends it (its policy header too), with an inline script."""
    served = route.fetch()
    html = served.text().replace("</head>", "<script>window.__ranInline = true</script></head>")
    route.fulfill(response=served, body=html)


def test_the_detector_catches_an_inline_script(
    transactional_db: None, server: Server, browser: Any
) -> None:
    watched = Watched(open_page(browser, server, None))
    assert watched.violations(server, "/login") == []
    watched.page.route(f"{server.url}/login", with_inline_script)
    found = watched.violations(server, "/login")
    assert any(line.startswith("script-src") and "inline" in line for line in found), found
    assert any("Content Security Policy" in line for line in found), found  # the console
    assert watched.page.evaluate("window.__ranInline === undefined")
    # And an inline script the page itself adds later.
    watched.page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__ranInline = true';
            document.body.append(s);
        }"""
    )
    watched.page.wait_for_function("window.__cspViolations.length > 1")
    assert watched.page.evaluate("window.__ranInline === undefined")


# One browser walks some 25 pages: on a busy shared machine that takes longer than the
# suite's default timeout.
@pytest.mark.timeout(600)
@pytest.mark.parametrize("username", ["wang_fang", "li_wei"])
def test_every_page_loads_without_a_violation(
    transactional_db: None, server: Server, browser: Any, username: str
) -> None:
    demo = seed_demo()
    quiet(username)
    watched = Watched(open_page(browser, server, username))
    found = {}
    for path in every_page(demo, username):
        if refused := watched.violations(server, path):
            found[path] = refused
    assert found == {}


def test_the_visitor_pages_load_without_a_violation(
    transactional_db: None, server: Server, browser: Any
) -> None:
    demo = seed_demo()
    watched = Watched(open_page(browser, server, None))
    found = {}
    for path in demo.visitor_pages():
        if refused := watched.violations(server, path):
            found[path] = refused
    assert found == {}
