"""The compare view over a real server: compare.py BASE RUN_IDS MLT_BIN STORE.

Runs alpha, beta (RUNNING) and an XSS-named one; loss has 20,000 steps with a spike of 50 at
step 12345 in alpha; acc is 0.5 + i/10 + step/1000 at steps 0..99."""
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlparse

from pw import browser_page, canvas_drawn, shot

base, run_ids, mlt_bin, store = sys.argv[1:5]
ids = run_ids.split(",")
XSS = "<img src=x onerror=alert(1)>"


def query(url):
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def chart(page, key):
    return "(document.querySelector('.chart-cell[data-key=\"%s\"] .mlt-chart') || {}).mltChart" % key


def wait_drawn(page, n):
    page.wait_for_function("n => document.querySelectorAll('.chart-cell .mlt-chart').length >= n", arg=n)


with browser_page(base) as (page, seen):
    history = []
    page.on("request", lambda r: history.append(query(r.url)) if "/mlt-api/v1/history" in r.url else None)
    page.goto(base + "/compare?runs=" + run_ids)
    wait_drawn(page, 3)
    page.wait_for_function("() => document.querySelector('canvas.parallel') && document.querySelector('canvas.scatter')")
    # Three uPlot charts (acc, gap, loss), the parallel coordinates and the scatter have pixels.
    assert canvas_drawn(page, ".chart-cell canvas") == 3, canvas_drawn(page, ".chart-cell canvas")
    # A NaN is a gap (null, not spanned); every other point is drawn.
    gap = page.evaluate("() => %s.uplot.data[1]" % chart(page, "gap"))
    assert gap == [1, 2, 3, 4, 5, None, 7, -1, 0, 10], gap
    assert canvas_drawn(page, "canvas.parallel") == 1
    assert canvas_drawn(page, "canvas.scatter") == 1
    # Run names shown as text, the XSS name too, and nothing it would have run.
    text = page.inner_text("main")
    for name in ("alpha", "beta", XSS):
        assert name in text, name
    assert page.locator("main img").count() == 0
    # Histories were asked for at about the charts' width, and came back downsampled.
    loss_req = [q for q in history if q.get("keys") == "loss"]
    assert loss_req and 300 <= int(loss_req[0]["points"]) <= 1400, loss_req
    drawn = page.evaluate("() => %s.series.map(s => s.y.length)" % chart(page, "loss"))
    assert all(0 < n < 5000 for n in drawn), drawn
    # The spike survives downsampling: in the plotted data and within the y axis.
    top = page.evaluate("() => Math.max(...%s.series[0].y.filter(v => v !== null))" % chart(page, "loss"))
    assert top == 50, top
    assert page.evaluate("() => %s.uplot.scales.y.max" % chart(page, "loss")) >= 50

    # Hover the acc chart: the legend shows each run's value at the cursor's step.
    over = page.locator('.chart-cell[data-key="acc"] .u-over')
    box = over.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_timeout(100)
    legend = page.locator('.chart-cell[data-key="acc"] .mlt-chart-legend')
    xtext = legend.locator(".x").inner_text()
    assert xtext.startswith("step "), xtext
    step = int(xtext.split()[1])
    assert 30 <= step <= 70, step
    for i in range(3):
        v = legend.locator('.item[data-series="%d"] .v' % i).inner_text()
        want = 0.5 + i / 10 + step / 1000
        assert abs(float(v) - want) < 1e-9, (i, v, want)
    assert "alpha" in legend.inner_text()

    # Log y: URL, a log scale, still drawn.
    page.click(".ctl-logy")
    assert query(page.url).get("logy") == "1", page.url
    assert page.evaluate("() => %s.uplot.scales.y.distr" % chart(page, "loss")) == 3
    assert canvas_drawn(page, ".chart-cell canvas") == 3
    # On a log axis the non-positive values (steps 7 and 8) are left out, the gap stays.
    assert page.evaluate("() => %s.series[0].x" % chart(page, "gap")) == [0, 1, 2, 3, 4, 5, 6, 9]
    assert page.evaluate("() => %s.series[0].y[5]" % chart(page, "gap")) is None
    shot(page, "compare-log")
    page.click(".ctl-logy")
    assert "logy" not in query(page.url)
    assert page.evaluate("() => %s.uplot.scales.y.distr" % chart(page, "loss")) == 1

    # Smoothing: URL, a smoothed line over the faint raw one, legend says both.
    page.evaluate("""() => { const s = document.querySelector('.ctl-smooth'); s.value = '0.9';
        s.dispatchEvent(new Event('input', {bubbles: true})); }""")
    assert query(page.url).get("smooth") == "0.9", page.url
    assert page.evaluate("() => %s.uplot.series.length" % chart(page, "loss")) == 7  # x + 3 x (raw, smoothed)
    assert page.evaluate("() => %s.uplot.series[1].stroke()" % chart(page, "loss")).startswith("rgba(")  # faint raw
    assert "raw" in page.locator('.chart-cell[data-key="loss"] .mlt-chart-legend').inner_text()
    shot(page, "compare-smoothed")

    # x axis: wall time asks for x=time, relative too; both redraw.
    n = len(history)
    page.select_option(".ctl-x", "time")
    assert query(page.url).get("x") == "time"
    page.wait_for_function("() => %s && %s.uplot.scales.x.time" % (chart(page, "loss"), chart(page, "loss")))
    assert any(q.get("x") == "time" for q in history[n:]), history[n:]
    assert canvas_drawn(page, ".chart-cell canvas") == 3
    page.select_option(".ctl-x", "relative")
    assert query(page.url).get("x") == "relative"
    page.wait_for_function("() => { const c = %s; return c && c.series[0].x[0] === 0; }" % chart(page, "acc"))
    page.select_option(".ctl-x", "step")
    assert "x" not in query(page.url)
    wait_drawn(page, 3)
    page.wait_for_function("() => { const c = %s; return c && !c.uplot.scales.x.time && c.series[0].x.length > 0; }" % chart(page, "loss"))

    # Zoom by a drag: a history request with from/to for that range.
    n = len(history)
    over = page.locator('.chart-cell[data-key="loss"] .u-over')
    box = over.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.4, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.7, y, steps=6)
    page.mouse.up()
    page.wait_for_function("n => true", arg=0)
    deadline = time.time() + 5
    while time.time() < deadline and not any("from" in q for q in history[n:]):
        page.wait_for_timeout(100)
    zoom = [q for q in history[n:] if "from" in q]
    assert zoom, history[n:]
    lo, hi = int(zoom[0]["from"]), int(zoom[0]["to"])
    assert 6000 < lo < 10000 and 12000 < hi < 16000, (lo, hi)
    # Shift-drag pans: the range moves right by about a fifth and is fetched again.
    page.wait_for_function("() => %s.series[0].x[0] >= %d" % (chart(page, "loss"), lo - 50))
    n = len(history)
    page.keyboard.down("Shift")
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=6)
    page.mouse.up()
    page.keyboard.up("Shift")
    deadline = time.time() + 5
    while time.time() < deadline and not any("from" in q for q in history[n:]):
        page.wait_for_timeout(100)
    pan = [q for q in history[n:] if "from" in q]
    assert pan, history[n:]
    shift = int(pan[0]["from"]) - lo
    width = hi - lo
    assert 0.1 * width < shift < 0.3 * width, (lo, hi, pan[0])
    assert abs((int(pan[0]["to"]) - int(pan[0]["from"])) - width) <= 2, pan[0]
    # A narrow zoom gets every point: steps 12340..12350 of alpha, spike included.
    page.evaluate("() => %s.zoom(12340, 12350)" % chart(page, "loss"))
    page.wait_for_function("() => %s.series[0].x.length === 11" % chart(page, "loss"))
    got = page.evaluate("() => [%s.series[0].x, %s.series[0].y]" % (chart(page, "loss"), chart(page, "loss")))
    assert got[0] == list(range(12340, 12351)), got[0]
    assert got[1][5] == 50, got[1]
    # Double-click resets to the whole history.
    page.dblclick('.chart-cell[data-key="loss"] .u-over')
    page.wait_for_function("() => %s.series[0].x.slice(-1)[0] === 19999 && %s.zoomed === null" % (chart(page, "loss"), chart(page, "loss")))

    # The table: opt is the same everywhere; "only differences" hides it and keeps lr.
    assert page.locator('tr.param[data-key="opt"]').count() == 1
    page.click(".ctl-diff")
    assert query(page.url).get("diff") == "1"
    assert page.locator('tr.param[data-key="opt"]').count() == 0
    assert page.locator('tr.param[data-key="lr"]').count() == 1
    # Best values: loss is lower-is-better (alpha's last loss is the lowest), acc higher.
    loss_cells = page.locator('tr.metric[data-key="loss"] td')
    best = [i for i in range(3) if "best" in (loss_cells.nth(i).get_attribute("class") or "")]
    assert best == [0], best
    assert "↓" in page.inner_text('tr.metric[data-key="loss"] th')
    acc_cells = page.locator('tr.metric[data-key="acc"] td')
    best = [i for i in range(3) if "best" in (acc_cells.nth(i).get_attribute("class") or "")]
    assert best == [2], best
    assert acc_cells.nth(2).inner_text().startswith("0.799"), acc_cells.nth(2).inner_text()

    # Scatter columns are chosen in selects, written to the URL, and redrawn.
    page.select_option(".ctl-sx", "params.layers")
    page.select_option(".ctl-sy", "metrics.acc")
    assert query(page.url).get("sx") == "params.layers" and query(page.url).get("sy") == "metrics.acc"
    assert canvas_drawn(page, "canvas.scatter") == 1
    page.select_option(".ctl-pc", "acc")
    assert query(page.url).get("pc") == "acc"
    assert canvas_drawn(page, "canvas.parallel") == 1

    # Live: beta is RUNNING; a new acc point shows up without reloading.
    subprocess.run([mlt_bin, "log", "metric", "acc", "0.25", "--step", "150", "--run", ids[1]],
                   cwd=store, check=True, capture_output=True)
    page.wait_for_function("() => %s.series[1].x.includes(150)" % chart(page, "acc"), timeout=15000)

    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "compare")

    # The URL is the view: opening it again restores the controls.
    url = page.url
    page.goto(url)
    wait_drawn(page, 3)
    assert page.locator(".ctl-diff").is_checked()
    assert page.eval_on_selector(".ctl-smooth", "e => e.value") == "0.9"
    assert page.eval_on_selector(".ctl-sx", "e => e.value") == "params.layers"
    # Only some metrics: ?keys=acc draws one chart.
    page.goto(base + "/compare?runs=" + run_ids + "&keys=acc")
    wait_drawn(page, 1)
    page.wait_for_timeout(200)
    assert page.locator(".chart-cell").count() == 1
print("ok")
