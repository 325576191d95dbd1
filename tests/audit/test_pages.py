"""Every page, measured: axe-core finds no WCAG 2.1 A/AA or best-practice violation, nothing
scrolls sideways at 320 and 375 px, the browser logs no error, the Nu Html Checker finds the
markup valid, and Lighthouse scores representative pages (see tests/audit/pages.py)."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.audit import pages
from tests.audit.conftest import ARTIFACTS, CHROMIUM, ROOT, all_pages, figure

pytestmark = [pytest.mark.browser, pytest.mark.audit]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (320, 375)
PUBLIC = {name for name, _ in pages.PUBLIC}
_measured: dict[str, dict] = {}


def measure(site, name: str, path: str) -> dict:
    """One visit per page: axe's violations, the console's errors and the page's width at each
    phone width. The raw HTML the server sent is kept for the Nu Html Checker."""
    if name in _measured:
        return _measured[name]
    url = site.url(path)
    context = site.context_for(name)
    tab = context.new_page()
    errors = []

    def console(message):
        own_status = message.location.get("url") == url and name in pages.STATUS  # a 404 page logs its 404
        if message.type == "error" and not own_status:
            errors.append(message.text)

    tab.on("console", console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.set_viewport_size({"width": 375, "height": 740})
        response = tab.goto(url, wait_until="load")
        assert response.status == pages.STATUS.get(name, 200), f"{name}: {url} answered {response.status}"
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                              AXE_TAGS)
        violations = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                      for v in result["violations"]]
        widths = {}
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 740})
            widths[width] = tab.evaluate("document.documentElement.scrollWidth")
        tab.screenshot(path=str(ARTIFACTS / f"{name}-320.png"), full_page=True)
        body = context.request.get(url, max_redirects=0).text()
        html = ARTIFACTS / f"{name}.html"
        html.write_text(body)
        site.html_files[name] = html
    finally:
        tab.close()
    _measured[name] = {"violations": violations, "errors": errors, "widths": widths}
    figure(name, axe=len(violations), console=len(errors), width_320=widths[320], width_375=widths[375])
    return _measured[name]


@pytest.mark.parametrize("name,path", all_pages(), ids=[name for name, _ in all_pages()])
def test_axe_finds_no_accessibility_violation(site, name, path):
    assert measure(site, name, path)["violations"] == []


@pytest.mark.parametrize("name,path", all_pages(), ids=[name for name, _ in all_pages()])
def test_nothing_scrolls_sideways_on_a_small_phone(site, name, path):
    widths = measure(site, name, path)["widths"]
    assert {width: seen for width, seen in widths.items() if seen > width} == {}


@pytest.mark.parametrize("name,path", all_pages(), ids=[name for name, _ in all_pages()])
def test_the_browser_logs_no_error(site, name, path):
    assert measure(site, name, path)["errors"] == []


def test_every_page_is_valid_html(site):
    """One Nu Html Checker run over every page's HTML (a JVM start is slow)."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make system-run installs it)")
    for name, path in all_pages():
        measure(site, name, path)
    files = [site.html_files[name] for name, _ in all_pages()]
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--also-check-css", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = {name: [] for name, _ in all_pages()}
    warnings = {name: 0 for name, _ in all_pages()}
    for message in messages:
        name = Path(message.get("url", "?")).stem
        if message["type"] == "error" or message.get("subType") == "fatal":
            errors.setdefault(name, []).append(f"{message['message']} (line {message.get('lastLine')})")
        elif message.get("subType") == "warning":
            warnings[name] = warnings.get(name, 0) + 1
    for name, found in errors.items():
        figure(name, vnu=len(found), vnu_warnings=warnings.get(name, 0))
    assert {name: found for name, found in errors.items() if found} == {}


@pytest.mark.parametrize("name", pages.LIGHTHOUSE)
def test_lighthouse_scores_representative_pages(site, name):
    path = dict(all_pages())[name]
    out = ARTIFACTS / f"lighthouse-{name}.json"
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in site.owner.cookies())
    command = [str(LIGHTHOUSE), site.url(path), "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=accessibility,best-practices,seo,performance",
               "--chrome-flags=--headless --no-sandbox --disable-gpu"]
    if site.context_for(name) is site.owner:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookies}))
    subprocess.run(command, check=True, timeout=240, capture_output=True,
                   env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    report = json.loads(out.read_text())
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    figure(name, lighthouse=scores)
    failing = {audit["id"]: audit["title"] for audit in report["audits"].values()
               if audit.get("score") is not None and audit["score"] < 1 and audit["scoreDisplayMode"] == "binary"}
    wanted = {"accessibility": 100, "best-practices": 100}
    if name in PUBLIC:
        wanted |= {"seo": 100, "performance": 95}
    assert {key: scores[key] for key in wanted if scores[key] < wanted[key]} == {}, failing
