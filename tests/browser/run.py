"""The run page: info, description (Markdown, safely), params, metrics with charts, tags, the
logged model, the artifact browser's previews, that HTML/SVG artifacts run nothing, and a
RUNNING run's page updating by itself.

    run.py BASE RUN CHALLENGER LIVE PARENT MLT_BIN STORE_ROOT
"""
import json
import subprocess
import sys
import urllib.request

from pw import browser_page, canvas_drawn, shot

base, run, challenger, live, parent, mlt, root = sys.argv[1:8]


def mlt_ok(*args):
    subprocess.run([mlt, "--store", root, "-q", *args], check=True, capture_output=True)


def text(page, sel):
    return page.locator(sel).first.inner_text()


with browser_page(base) as (page, seen):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    import time
    t0 = time.monotonic()
    page.goto(base + "/runs/" + run)
    page.wait_for_selector("dl.run-info")
    t_info = time.monotonic() - t0
    # The name is text: no element comes out of it.
    assert text(page, ".run-head .run-name") == "resnet <img src=x onerror=alert(1)>"
    assert page.locator("img[src='x']").count() == 0
    assert page.title().startswith("resnet <img")
    assert "FINISHED" in text(page, "#run-status")
    # The names behind the ids fill in once read.
    page.wait_for_function("() => document.querySelector('a.run-experiment').textContent === 'vision'")
    page.wait_for_function("() => (document.querySelector('a.run-parent') || {}).textContent === 'sweep'")
    exp = page.locator("a.run-experiment")
    assert exp.get_attribute("href").startswith("/experiments/")
    assert page.get_attribute("a.run-parent", "href") == "/runs/" + parent
    assert page.locator("a.run-parent").inner_text() == "sweep"
    assert "0123456789abcdef0123456789abcdef01234567" in text(page, "dl.run-info")

    # Description: Markdown rendered, the script and the javascript: link inert.
    desc = page.locator(".run-description .markdown")
    assert desc.locator("h1").inner_text() == "Training notes"
    assert desc.locator("strong").first.inner_text() == "small"
    assert desc.locator("em").first.inner_text() == "dropout"
    assert desc.locator("li").count() == 2
    assert "<script>alert(1)</script>" in desc.inner_text()
    assert desc.locator("pre code").inner_text() == "code <b>block</b>"
    assert page.evaluate("document.querySelectorAll('#app script, #app b').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"], [href*=\"javascript:\"]').length") == 0
    assert desc.locator(".md-dead").inner_text() == "x"
    ext = desc.locator("a[href='https://mlflow.org/docs']")
    assert ext.count() == 1 and "noopener" in ext.get_attribute("rel") and "noreferrer" in ext.get_attribute("rel")

    # Links that could run script or leave the server are dead text; images from elsewhere
    # are not fetched.
    cases = page.evaluate(r"""() => [
        '[a](JaVaScRiPt:alert(1))', '[a]( javascript:alert(1))', '[a](java\tscript:alert(1))',
        '[a](data:text/html,<script>alert(1)</script>)', '[a](vbscript:x)', '[a](//evil.example/x)',
        '[a](/\\evil.example)', '![i](https://evil.example/x.png)', '<img src=x onerror=alert(1)>',
        '<a href="javascript:alert(1)">a</a>', '[a](https://ok.example/p "t")', '[a](/runs/x)',
        '[a](mailto:me@example.com)',
    ].map(t => { const el = MLT.markdown(t); return [
        Array.from(el.querySelectorAll('a')).map(a => a.getAttribute('href')),
        el.querySelectorAll('img, script').length, el.textContent]; })""")
    hrefs = [c[0] for c in cases]
    assert hrefs[:10] == [[]] * 10, cases
    assert hrefs[10:] == [["https://ok.example/p"], ["/runs/x"], ["mailto:me@example.com"]], cases
    assert all(c[1] == 0 for c in cases), cases
    assert cases[8][2] == "<img src=x onerror=alert(1)>", cases

    # Params, metrics, tags, logged model.
    params = text(page, "table.run-params")
    assert "lr\t0.01" in params and "model/arch\tresnet 50" in params and "epochs\t200" in params, params
    loss = page.locator("table.run-metrics tr[data-key='loss']").inner_text()
    assert "199" in loss, loss  # the latest step
    assert page.locator("table.run-metrics tbody tr").count() == 2
    page.wait_for_function("() => document.querySelectorAll('.run-chart').length === 2")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.run-chart canvas')).some(c => c.width > 0)")
    drawn = canvas_drawn(page, ".run-chart canvas")
    assert drawn >= 2, drawn
    print("run page: info after %.0f ms, charts drawn after %.0f ms" % (t_info * 1000, (time.monotonic() - t0) * 1000))
    assert "team" in text(page, "table.user-tags")
    assert "mlflow.source.git.commit" not in text(page, "table.user-tags")
    assert page.locator("details.system-tags table.system").count() == 1
    assert page.locator("a.run-model-link").inner_text() == "model"

    inputs = page.locator("table.run-inputs tbody tr").all_inner_texts()
    assert len(inputs) == 1 and inputs[0].startswith("iris <b>\td1g35t\ttraining\tlocal\t"), inputs
    assert "/data/iris.csv" in inputs[0], inputs

    # Artifacts: the tree, and each preview.
    page.wait_for_selector(".artifact-row[data-path='notes.txt']")
    page.click(".artifact-row[data-path='notes.txt']")
    page.wait_for_selector(".artifact-body[data-kind='text'] pre")
    assert "hello from a text file" in text(page, ".artifact-body pre")
    assert "artifact=notes.txt" in page.url, page.url

    # A long log: its first MB, and a note that it is cut.
    page.click(".artifact-row[data-path='train.log']")
    page.wait_for_selector(".artifact-cut")
    assert "Showing the first 1.0 MB of" in text(page, ".artifact-cut")
    log = text(page, ".artifact-body pre")
    assert log.startswith("epoch 000000 loss 1.000000\n"), log[:40]
    assert 1000000 < len(log) <= 1048576, len(log)

    page.click(".artifact-row[data-path='data']")
    page.wait_for_selector(".artifact-row[data-path='data/config.json']")
    page.click(".artifact-row[data-path='data/config.json']")
    page.wait_for_selector("pre.artifact-json")
    pretty = text(page, "pre.artifact-json")
    assert pretty == json.dumps(json.loads(pretty), indent=2), pretty
    assert '\n  "optimizer": "adam"' in pretty and '"dropout": 0.1' in pretty, pretty

    page.click(".artifact-row[data-path='data/table.csv']")
    page.wait_for_selector("table.artifact-csv")
    cells = page.locator("table.artifact-csv td").all_inner_texts()
    heads = page.locator("table.artifact-csv th").all_inner_texts()
    assert heads == ["name", "value", "score"], heads
    assert cells[:6] == ["alpha", "1", "0.5", "beta, quoted", "2", "0.25"], cells

    page.click(".artifact-row[data-path='plots']")
    page.click(".artifact-row[data-path='plots/curve.png']")
    page.wait_for_function("() => { const i = document.querySelector('img.artifact-image'); return i && i.complete && i.naturalWidth > 0; }")
    assert page.evaluate("document.querySelector('img.artifact-image').naturalWidth") == 96
    shot(page, "run-image")

    # HTML and SVG with scripts: not previewed, only downloadable; nothing runs.
    for name in ["page.html", "pic.svg"]:
        page.click(".artifact-row[data-path='%s']" % name)
        page.wait_for_selector(".artifact-body[data-kind='download']")
        dl = page.get_attribute("a.artifact-download", "href")
        assert "download=1" in dl, dl
        assert page.locator(".artifact-preview iframe, .artifact-preview object, .artifact-preview embed, .artifact-preview img").count() == 0
        resp = urllib.request.urlopen(base + "/mlt-api/v1/artifact?run=%s&path=%s" % (run, name))
        hd = resp.headers
        assert "sandbox" in (hd.get("Content-Security-Policy") or ""), dict(hd)
        assert (hd.get("Content-Disposition") or "").startswith("attachment"), dict(hd)
        assert hd.get("X-Content-Type-Options") == "nosniff", dict(hd)
    # Opened directly in the UI's origin, the browser downloads them instead of running them.
    # (The page itself cannot frame anything: its CSP has frame-src 'none'.)
    for name in ["page.html", "pic.svg"]:
        tab = page.context.new_page()
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        with tab.expect_download() as dl_info:
            try:
                tab.goto(base + "/mlt-api/v1/artifact?run=%s&path=%s" % (run, name))
            except Exception as e:  # "Download is starting"
                assert "Download" in str(e), e
        assert dl_info.value.suggested_filename == name, dl_info.value.suggested_filename
        tab.close()

    # The model: its MLmodel with the signature as a table (opened from the logged models).
    page.click("a.run-model-link")
    page.wait_for_selector("table.signature[data-part='inputs']")
    inputs = page.locator("table.signature[data-part='inputs'] tbody tr").all_inner_texts()
    assert inputs == ["x1\tdouble\tyes", "x2\tdouble\tyes"], inputs
    outputs = page.locator("table.signature[data-part='outputs'] tbody tr").all_inner_texts()
    assert "tensor float64 [-1]" in outputs[0], outputs
    assert "threshold" in text(page, "table.signature[data-part='params']")
    assert "flavors:" in text(page, ".artifact-body pre")
    assert "artifact=model%2FMLmodel" in page.url or "artifact=model/MLmodel" in page.url, page.url
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "run")

    # A link to a preview opens it directly.
    page.goto(base + "/runs/" + run + "?artifact=data/table.csv")
    page.wait_for_selector("table.artifact-csv")
    assert page.locator(".artifact-row.selected").get_attribute("data-path") == "data/table.csv"

    # The parent lists its child.
    page.goto(base + "/runs/" + parent)
    page.wait_for_selector("a.run-child")
    assert page.get_attribute("a.run-child", "href") == "/runs/" + run

    # Live: a RUNNING run's page follows new metrics and the end of the run.
    page.goto(base + "/runs/" + live)
    page.wait_for_selector("table.run-metrics")
    assert "RUNNING" in text(page, "#run-status")
    assert "0.9" in page.locator("table.run-metrics tr[data-key='loss'] .metric-value").inner_text()
    mlt_ok("log", "metric", "loss", "0.125", "--step", "2", "--run", live)
    mlt_ok("log", "metric", "acc", "0.75", "--step", "2", "--run", live)
    page.wait_for_function(
        "() => (document.querySelector(\"tr[data-key='loss'] .metric-value\") || {}).textContent === '0.125'",
        timeout=15000)
    page.wait_for_function("() => document.querySelectorAll('.run-chart').length === 2", timeout=15000)
    mlt_ok("runs", "end", "--run", live)
    page.wait_for_function("() => document.querySelector('#run-status').textContent === 'FINISHED'", timeout=15000)
    shot(page, "run-live")

    assert not dialogs, dialogs
print("ok")
