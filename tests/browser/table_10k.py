"""A 10,000-run experiment: the table shows the runs, keeps only the rows in sight in the DOM,
and scrolls to the last run. Arguments: the server's URL, the experiment id, the number of
runs (named run-00000 ... in start order)."""
import sys
import time

from pw import browser_page, shot

base, exp, n = sys.argv[1], sys.argv[2], int(sys.argv[3])


def rows(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.rt-row'))
            .sort((a, b) => a.dataset.index - b.dataset.index)
            .map(r => [Number(r.dataset.index), r.querySelector('.run-link').textContent])"""
    )


with browser_page(base) as (page, seen):
    # A debug build of the server reads 10,000 runs in seconds, more on a loaded machine.
    page.set_default_timeout(300_000)
    t0 = time.time()
    page.goto(base + "/experiments/" + exp)
    page.wait_for_selector(".rt-row")
    shown = time.time() - t0
    page.wait_for_function("() => document.querySelector('.runs-info').textContent === '{:,} runs'".format(n))
    first = rows(page)
    # newest first: run-09999 at the top
    assert first[0] == [0, "run-%05d" % (n - 1)], first[:3]
    assert len(first) < 150, "%d rows in the DOM" % len(first)
    body_h = page.evaluate("document.querySelector('.rt-body').getBoundingClientRect().height")
    assert body_h == n * 30, body_h

    # scroll step by step through a stretch, then to the end: the rows follow
    frames = page.evaluate(
        """async () => {
          const s = document.querySelector('.rt-scroll'); const t = [];
          for (let i = 0; i < 40; i++) {
            const t0 = performance.now(); s.scrollTop += 600;
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            t.push(performance.now() - t0);
          }
          return t; }"""
    )
    mid = rows(page)
    top = page.evaluate("document.querySelector('.rt-scroll').scrollTop")
    idx = int(top // 30)
    assert any(i == idx for i, _ in mid), (idx, mid[:2], mid[-2:])
    assert all(name == "run-%05d" % (n - 1 - i) for i, name in mid), mid[:3]
    page.evaluate("() => { const s = document.querySelector('.rt-scroll'); s.scrollTop = s.scrollHeight; }")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.rt-row .run-link')).some(a => a.textContent === 'run-00000')")
    last = rows(page)
    assert last[-1] == [n - 1, "run-00000"], last[-3:]
    assert len(last) < 150, len(last)
    # the last row is in sight, under the sticky header
    vis = page.evaluate(
        """() => { const s = document.querySelector('.rt-scroll').getBoundingClientRect();
          const a = Array.from(document.querySelectorAll('.rt-row .run-link')).find(a => a.textContent === 'run-00000');
          const r = a.getBoundingClientRect(); return r.top >= s.top && r.bottom <= s.bottom + 1; }"""
    )
    assert vis, "run-00000 is not in sight at the end"
    shot(page, "runs-10k")

    frames.sort()
    print("first rows %.2f s after navigation; scroll frame median %.1f ms, p90 %.1f ms"
          % (shown, frames[len(frames) // 2], frames[int(len(frames) * 0.9)]))
print("ok")
