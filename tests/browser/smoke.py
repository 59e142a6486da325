"""The page shell loads from the server, its script runs, and nothing leaves the server."""
import sys

from pw import browser_page, shot

base = sys.argv[1]
with browser_page(base) as (page, seen):
    page.goto(base + "/models")
    page.wait_for_selector("header.top .brand")
    assert page.evaluate("typeof window.MLT.start") == "function"
    assert page.evaluate("typeof window.uPlot") == "function"
    # The router knows every entry point the server serves the page at.
    routes = page.evaluate("""() => ['/', '/experiments/1,2', '/compare', '/runs/x', '/models',
        '/models/m', '/runs/a/b'].map(p => MLT.parseRoute(p, '').view)""")
    assert routes == ["experiments", "runs", "compare", "run", "models", "model", "notFound"], routes
    shot(page, "smoke")
print("ok")
