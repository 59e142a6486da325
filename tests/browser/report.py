"""`mlt report`'s file opened from file:// with every other request blocked: the runs table
shows the runs' names and values, the compare view's charts drew pixels and its differences
table is there; nothing was requested but the file, and the page logged no error.

    report.py FILE RUN_NAME... -- VALUE...
"""
import pathlib
import sys

from pw import browser_page, canvas_drawn, fail, shot

args = sys.argv[1:]
path = pathlib.Path(args[0]).resolve()
sep = args.index("--")
names, values = args[1:sep], args[sep + 1:]
url = path.as_uri()

with browser_page(url, offline_file=True) as (page, seen):
    page.goto(url)
    page.wait_for_selector(".report-runs table tbody tr")
    assert page.evaluate("MLT.mode") == "report"
    table = page.inner_text(".report-runs table")
    for n in names:
        if n not in table:
            fail("run name %r not in the runs table:\n%s" % (n, table))
    for v in values:
        if v not in table:
            fail("value %r not in the runs table:\n%s" % (v, table))
    rows = page.locator(".report-runs table tbody tr").count()
    if rows != len(names):
        fail("%d rows for %d runs" % (rows, len(names)))
    # A hostile run name is text: nothing but the page's own elements.
    if page.evaluate("document.querySelectorAll('img').length") != 0:
        fail("an <img> element was made from store data")
    if page.evaluate("window.__xss === undefined") is not True:
        fail("store data ran script")
    # The compare view of the report's runs: charts with pixels, the differences table.
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.report-compare canvas')).some(c => {
            if (!c.width || !c.height) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
            return false;
        })""",
        timeout=15000,
    )
    drawn = canvas_drawn(page, ".report-compare canvas")
    if drawn < 1:
        fail("no chart drew in the compare section")
    page.wait_for_selector(".report-compare table", timeout=15000)
    diff = page.inner_text(".report-compare")
    for n in names[:1]:
        if n not in diff:
            fail("run %r not in the compare section:\n%s" % (n, diff[:2000]))
    # The view state goes to the hash: a change there renders again, from the same data.
    page.evaluate("MLT.setParams({x: 'step'})")
    if "x=step" not in page.evaluate("location.hash"):
        fail("setParams did not write the hash: %r" % page.evaluate("location.href"))
    shot(page, "report")
    nonfile = [u for u in seen.requests if not u.startswith("file://")]
    if nonfile:
        fail("requests attempted: %r" % nonfile)
    print("ok %d charts" % drawn)
