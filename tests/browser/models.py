"""The registry pages: the models list, a model with its versions, aliases, stages, tags and
Markdown description, links to the source runs, and champion against challenger opening the
compare view of both runs.

    models.py BASE RUN_OF_V1 RUN_OF_V2
"""
import sys

from pw import browser_page, shot

base, run1, run2 = sys.argv[1:4]

with browser_page(base) as (page, seen):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(base + "/models")
    page.wait_for_selector("table.models-table")
    row = page.locator("tr[data-model='classifier']")
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "classifier" and cells[1] == "v2" and cells[2] == "2", cells
    assert "@champion" in cells[3] and "@challenger" in cells[3], cells
    assert "team=vision" in cells[4], cells
    assert cells[5] == "Classifies things.", cells
    # The search box filters, and writes itself into the URL.
    page.fill("input.models-search", "nothing-like-this")
    page.wait_for_function("() => document.querySelectorAll('tr[data-model]').length === 0")
    assert "q=nothing-like-this" in page.url
    page.fill("input.models-search", "champ")
    page.wait_for_function("() => document.querySelectorAll('tr[data-model]').length === 1")
    shot(page, "models")

    page.click("a.model-link")
    page.wait_for_selector("table.versions-table")
    assert page.url == base + "/models/classifier"
    desc = page.locator(".model-description .markdown")
    assert desc.locator("strong").inner_text() == "things"
    assert "<script>alert(1)</script>" in desc.inner_text()
    assert page.evaluate("document.querySelectorAll('#app script').length") == 0
    v1 = page.locator("tr[data-version='1']").locator("td").all_inner_texts()
    v2 = page.locator("tr[data-version='2']").locator("td").all_inner_texts()
    assert v1[0] == "v1" and v1[1] == "Production" and "@champion" in v1[2] and v1[3] == "READY", v1
    assert v2[0] == "v2" and v2[1] == "None" and "@challenger" in v2[2], v2
    assert v2[7] == "the second one" and page.locator("tr[data-version='2'] em").inner_text() == "second", v2
    assert page.get_attribute("tr[data-version='1'] a.version-run", "href") == "/runs/" + run1
    assert page.get_attribute("tr[data-version='2'] a.version-run", "href") == "/runs/" + run2
    assert "team" in page.locator(".model-tags").inner_text()
    aliases = page.locator(".model-aliases").inner_text()
    assert "@champion" in aliases and "@challenger" in aliases, aliases
    assert page.input_value("select.champion-a") == "alias:champion"
    assert page.input_value("select.champion-b") == "alias:challenger"
    shot(page, "model")

    page.click("button.champion-compare")
    page.wait_for_url("**/compare?**")
    assert page.url == base + "/compare?runs=%s,%s" % (run1, run2), page.url

    # Versions can be picked too; a version links to its run's page.
    page.go_back()
    page.wait_for_selector("select.champion-a")
    page.select_option("select.champion-a", "version:2")
    page.select_option("select.champion-b", "version:1")
    assert page.url == base + "/models/classifier?a=v2&b=v1", page.url
    page.click("button.champion-compare")
    page.wait_for_url("**/compare?**")
    assert page.url == base + "/compare?runs=%s,%s" % (run2, run1), page.url
    page.go_back()
    page.wait_for_selector("select.champion-a")
    assert page.input_value("select.champion-a") == "version:2"
    assert page.input_value("select.champion-b") == "version:1"
    page.wait_for_selector("tr[data-version='1'] a.version-run")
    page.click("tr[data-version='1'] a.version-run")
    page.wait_for_selector("dl.run-info")
    assert page.url == base + "/runs/" + run1

    assert not dialogs, dialogs
print("ok")
