"""What every browser test shares: Debian's chromium driven by Playwright, a page that may
reach nothing but the server under test, and checks of what the page shows.

    from pw import browser_page
    with browser_page(base_url) as (page, seen):
        page.goto(base_url + "/")
        ...
    # seen.external: every request that was not to base_url (blocked); seen.errors: console
    # errors and uncaught exceptions. browser_page fails the test when either is not empty.

Screenshots go to $MLT_SCREENSHOTS (a folder) when it is set.
"""
import contextlib
import os
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class Seen:
    def __init__(self):
        self.external = []
        self.errors = []
        self.requests = []


@contextlib.contextmanager
def browser_page(base_url, allow_errors=False, viewport=(1400, 900), offline_file=False):
    """A fresh browser and page. Requests to anything but base_url are aborted and recorded
    (with offline_file, every request but file:// ones is)."""
    seen = Seen()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            page = ctx.new_page()

            def route(r):
                url = r.request.url
                seen.requests.append(url)
                ok = url.startswith("file://") if offline_file else url.startswith(base_url + "/") or url == base_url
                if ok or url.startswith("data:") or url.startswith("blob:"):
                    r.continue_()
                else:
                    seen.external.append(url)
                    r.abort()

            ctx.route("**/*", route)
            page.on("console", lambda m: seen.errors.append("console: " + m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen.errors.append("pageerror: " + str(e)))
            yield page, seen
        finally:
            browser.close()
    assert not seen.external, "requests left the server: %r" % seen.external
    if not allow_errors:
        assert not seen.errors, "errors in the page: %r" % seen.errors


def shot(page, name):
    """A full-page screenshot into $MLT_SCREENSHOTS/<name>.png when that is set."""
    d = os.environ.get("MLT_SCREENSHOTS")
    if d:
        os.makedirs(d, exist_ok=True)
        page.screenshot(path=os.path.join(d, name + ".png"), full_page=True)


def canvas_drawn(page, selector="canvas"):
    """How many of the canvases under selector have at least one non-blank pixel drawn."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).filter(c => {
            if (!c.width || !c.height) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
            return false;
        }).length""",
        selector,
    )


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)
