"""The experiments list and the runs table, driven as a user would (see browser_table.rs for the
store). Arguments: the server's URL and a JSON object {vision, nlp, old, runs: {name: id}, live,
mlt, store}."""
import json
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, unquote, urlparse

from pw import browser_page, shot

base = sys.argv[1]
setup = json.loads(sys.argv[2])
V, NLP, OLD, RUNS = setup["vision"], setup["nlp"], setup["old"], setup["runs"]
XSS = "<img src=x onerror=alert(1)>"
dialogs = []


def mlt(*args):
    subprocess.run([setup["mlt"], *args], cwd=setup["store"], check=True, capture_output=True)


def query(page):
    return parse_qs(urlparse(page.url).query)


def exp_names(page):
    return page.eval_on_selector_all(".exp-table tbody .exp-link", "els => els.map(e => e.textContent)")


def shown_names(page):
    """The run names of the rows in the DOM, in row order."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.rt-row'))
            .sort((a, b) => a.dataset.index - b.dataset.index)
            .map(r => r.querySelector('.run-link').textContent)"""
    )


def heads(page):
    return page.eval_on_selector_all(".rt-head .rt-hc[data-col]", "els => els.map(e => e.dataset.col)")


def cell(page, run, col):
    return page.locator(".rt-row[data-run='%s'] [data-col='%s']" % (run, col))


def wait_rows(page):
    page.wait_for_function("() => document.querySelector('.runs-info') && !/Loading/.test(document.querySelector('.runs-info').textContent)")


def no_xss(page):
    assert page.locator("img").count() == 0, "an <img> element appeared"
    assert not dialogs, dialogs


with browser_page(base, allow_errors=True) as (page, seen):
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # ---- the experiments list
    page.goto(base + "/")
    page.wait_for_selector(".exp-table")
    names = exp_names(page)
    assert sorted(names) == ["Default", "nlp", "vision"], names
    row = page.locator(".exp-table tbody tr[data-id='%s']" % V)
    assert row.locator("td.runs").inner_text() == "9", row.inner_text()  # 7 runs + 2 children
    assert "team=cv" in row.inner_text()
    assert row.locator("td.when").first.inner_text() != "no runs"
    shot(page, "experiments")

    page.click(".exp-toggle button[data-view='deleted']")
    assert exp_names(page) == ["old-stuff"], exp_names(page)
    assert query(page)["view"] == ["deleted"]
    page.reload()
    page.wait_for_selector(".exp-table")
    assert exp_names(page) == ["old-stuff"], "the lifecycle toggle is kept in the URL"
    page.click(".exp-toggle button[data-view='active']")
    assert sorted(exp_names(page)) == ["Default", "nlp", "vision"]

    page.fill(".exp-search", "VIS")
    assert exp_names(page) == ["vision"], exp_names(page)
    assert query(page)["q"] == ["VIS"]
    page.reload()
    page.wait_for_selector(".exp-table")
    assert page.input_value(".exp-search") == "VIS" and exp_names(page) == ["vision"]
    page.fill(".exp-search", "no such thing")
    assert page.locator(".exp-empty").is_visible()
    page.fill(".exp-search", "")

    # several experiments at once
    page.check(".exp-table tr[data-id='%s'] input[type=checkbox]" % V)
    page.check(".exp-table tr[data-id='%s'] input[type=checkbox]" % NLP)
    page.click(".exp-open")
    page.wait_for_url(re.compile(r"/experiments/[^?]+$"))
    assert sorted(urlparse(page.url).path.split("/")[-1].split(",")) == sorted([V, NLP]), page.url
    page.wait_for_selector(".rt-row")
    wait_rows(page)
    assert "attributes.experiment" in heads(page)
    assert {"bert", "gpt", "alpha"} <= set(shown_names(page))
    assert cell(page, RUNS["bert"], "attributes.experiment").inner_text() == "nlp"

    # ---- one experiment's runs
    page.goto(base + "/")
    page.click(".exp-table tr[data-id='%s'] .exp-link" % V)
    page.wait_for_url(base + "/experiments/" + V)
    page.wait_for_selector(".rt-row")
    wait_rows(page)
    assert page.locator("h1.runs-title").inner_text() == "vision"
    assert "attributes.experiment" not in heads(page)
    names = shown_names(page)
    assert len(names) == 9 and XSS in names, names
    no_xss(page)
    # system tags are hidden by default; params, metrics and other tags show
    h = heads(page)
    assert not [c for c in h if c.startswith("tags.mlflow.")], h
    assert {"params.lr", "params.optimizer", "metrics.loss", "metrics.acc", "tags.team"} <= set(h), h
    assert cell(page, RUNS["alpha"], "metrics.loss").inner_text() == "0.5"
    assert cell(page, RUNS["alpha"], "params.lr").inner_text() == "0.1"
    assert cell(page, RUNS["gamma"], "tags.team").inner_text() == "nlp-team"
    assert cell(page, RUNS["alpha"], "attributes.status").inner_text() == "FINISHED"
    assert cell(page, setup["live"], "attributes.status").inner_text() == "RUNNING"

    # nested runs under their parent, collapsible
    i_sweep = names.index("sweep")
    assert sorted(names[i_sweep + 1:i_sweep + 3]) == ["child-1", "child-2"], names
    assert page.locator(".rt-row[data-run='%s']" % RUNS["child-1"]).get_attribute("class").count("child") == 1
    page.click(".rt-row[data-run='%s'] .rt-toggle" % RUNS["sweep"])
    assert "child-1" not in shown_names(page) and len(shown_names(page)) == 7
    page.click(".rt-row[data-run='%s'] .rt-toggle" % RUNS["sweep"])
    assert "child-1" in shown_names(page)

    # a filter in mlt's language (OR, parentheses), sent on Enter and written to the URL
    page.fill(".runs-filter", "params.lr = '0.01' or (params.optimizer = 'adam' and metrics.loss > 0.6)")
    page.press(".runs-filter", "Enter")
    page.wait_for_function("() => document.querySelectorAll('.rt-row').length === 3")
    assert sorted(shown_names(page)) == ["beta", "delta", "gamma"], shown_names(page)
    assert query(page)["filter"] == ["params.lr = '0.01' or (params.optimizer = 'adam' and metrics.loss > 0.6)"]

    # a bad filter: the server's error, the filter and a caret under the column it names
    bad = "metrics.loss < 0.5 andd params.lr = '0.1'"
    page.fill(".runs-filter", bad)
    with page.expect_response(lambda r: "/mlt-api/v1/runs" in r.url and r.status == 400) as resp:
        page.press(".runs-filter", "Enter")
    body = resp.value.json()
    assert body["what"] == "filter" and body["column"] >= 1, body
    page.wait_for_selector(".filter-error:not([hidden]) .fe-caret")
    where = page.inner_text(".filter-error pre")
    text_line, caret_line = where.split("\n")[:2]
    assert text_line == bad, where
    assert caret_line.index("^") == body["column"] - 1, (where, body)
    assert body["message"] in page.inner_text(".filter-error .fe-msg")
    page.fill(".runs-filter", "")
    page.press(".runs-filter", "Enter")
    page.wait_for_function("() => document.querySelectorAll('.rt-row').length === 9")
    assert page.locator(".filter-error").is_hidden()
    assert "filter" not in query(page)

    # sorting: a click on a header orders by it on the server, a second click reverses
    loss = {"alpha": 0.5, "beta": 0.3, "gamma": 0.7, "delta": 0.1, XSS: 0.6, "live": 1.0, "sweep": 0.4}
    top = lambda: [n for n in shown_names(page) if n in loss]  # noqa: E731
    with page.expect_response(lambda r: "order_by=" in r.url):
        page.click(".rt-hc[data-col='metrics.loss']")
    wait_rows(page)
    assert unquote(query(page)["order_by"][0]) == "metrics.loss ASC", page.url
    assert top() == sorted(loss, key=loss.get), top()
    with page.expect_response(lambda r: "order_by=" in r.url):
        page.click(".rt-hc[data-col='metrics.loss']")
    wait_rows(page)
    assert query(page)["order_by"] == ["metrics.loss DESC"]
    assert top() == sorted(loss, key=loss.get, reverse=True), top()
    assert page.get_attribute(".rt-hc[data-col='metrics.loss']", "aria-sort") == "descending"
    with page.expect_response(lambda r: "order_by=" in r.url):
        page.click(".rt-hc[data-col='attributes.run_name']")
    wait_rows(page)
    names = shown_names(page)
    assert [n for n in names if n in loss] == sorted(loss), names

    # columns chosen with globs, kept in the URL; min and max come from /metric-ranges
    page.click(".runs-columns-btn")
    page.fill(".col-globs", "params.*,metrics.loss,metrics.loss:min,metrics.loss:max,tags.team*")
    with page.expect_response(lambda r: "/metric-ranges" in r.url):
        page.press(".col-globs", "Enter")
    assert heads(page) == ["attributes.run_name", "params.lr", "params.optimizer", "metrics.loss",
                           "metrics.loss:min", "metrics.loss:max", "tags.team"], heads(page)
    assert query(page)["columns"] == ["params.*,metrics.loss,metrics.loss:min,metrics.loss:max,tags.team*"]
    page.wait_for_function("(id) => { const c = document.querySelector(`.rt-row[data-run='${id}'] [data-col='metrics.loss:min']`); return c && c.textContent === '0.2'; }", arg=RUNS["alpha"])
    assert cell(page, RUNS["alpha"], "metrics.loss:max").inner_text() == "0.9"
    # a system tag shows when a pattern names it; the chooser's checkboxes add and hide columns
    page.fill(".col-globs", "tags.mlflow.runName,metrics.*")
    page.press(".col-globs", "Enter")
    assert heads(page) == ["attributes.run_name", "tags.mlflow.runName", "metrics.acc", "metrics.loss"], heads(page)
    page.uncheck(".col-list input[data-col='metrics.acc']")
    assert heads(page) == ["attributes.run_name", "tags.mlflow.runName", "metrics.loss"], heads(page)
    page.check(".col-list input[data-col='params.lr']")
    assert "params.lr" in heads(page)
    cols = query(page)["columns"][0]

    # the URL carries the state: a reload shows the same table
    page.fill(".runs-filter", "metrics.loss < 0.65")
    page.press(".runs-filter", "Enter")
    wait_rows(page)
    before = (shown_names(page), heads(page))
    page.reload()
    page.wait_for_selector(".rt-row")
    wait_rows(page)
    assert page.input_value(".runs-filter") == "metrics.loss < 0.65"
    assert (shown_names(page), heads(page)) == before, (before, shown_names(page), heads(page))
    assert query(page)["columns"] == [cols]
    assert page.get_attribute(".rt-hc[data-col='attributes.run_name']", "aria-sort") == "ascending"
    no_xss(page)

    # select two runs and compare them
    page.check(".rt-row[data-run='%s'] .sel input" % RUNS["beta"])
    page.check(".rt-row[data-run='%s'] .sel input" % RUNS["alpha"])
    assert page.inner_text(".runs-compare") == "Compare 2 runs"
    page.click(".runs-compare")
    page.wait_for_url(re.compile(r"/compare\?"))
    assert query(page)["runs"] == ["%s,%s" % (RUNS["beta"], RUNS["alpha"])], page.url

    # live: a RUNNING run's cells change without a reload, the selection stays
    page.goto(base + "/experiments/%s?columns=metrics.loss,attributes.status,attributes.duration" % V)
    page.wait_for_selector(".rt-row")
    wait_rows(page)
    page.evaluate("window.__same_page = true")
    page.check(".rt-row[data-run='%s'] .sel input" % RUNS["gamma"])
    assert page.locator(".runs-live").is_visible()
    live = setup["live"]
    assert cell(page, live, "metrics.loss").inner_text() == "1"
    mlt("log", "metric", "loss", "0.125", "--step", "7", "--run", live)
    page.wait_for_function("(id) => { const c = document.querySelector(`.rt-row[data-run='${id}'] [data-col='metrics.loss']`); return c && c.textContent === '0.125'; }", arg=live, timeout=15000)
    mlt("runs", "end", "--run", live)
    page.wait_for_function("(id) => { const c = document.querySelector(`.rt-row[data-run='${id}'] [data-col='attributes.status']`); return c && c.textContent === 'FINISHED'; }", arg=live, timeout=15000)
    assert page.evaluate("window.__same_page") is True, "the page was reloaded"
    assert page.is_checked(".rt-row[data-run='%s'] .sel input" % RUNS["gamma"]), "the selection was lost"
    page.wait_for_function("() => document.querySelector('.runs-live').hidden")
    page.goto(base + "/experiments/" + V)
    page.wait_for_selector(".rt-row")
    wait_rows(page)
    shot(page, "runs")
    no_xss(page)

# The bad filter's 400 is the only error the page may log.
others = [e for e in seen.errors if "status of 400" not in e]
assert not others, others
print("ok")
