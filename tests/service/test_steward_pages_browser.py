"""The steward pages in a real browser (Debian's chromium, headless, driven by
playwright; nothing is downloaded): a steward logs in, opens a suspect group,
requests the merge, and an approver then finds it waiting for approval. The Chinese
names on the group page are drawn with a CJK font; screenshots are kept in the test's
tmp folder."""

import socket
import threading
import time

import pytest
import uvicorn

from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from tests.cjk_rendering import assert_han_drawn_with_cjk_font
from tests.service.conftest import PASSWORD, SECRET


@pytest.fixture(scope="module")
def base_url(service_warehouse, parties):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(ServiceConfig(service_warehouse, SECRET, None, False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def log_in(page, base_url, user):
    page.goto(f"{base_url}/steward/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_steward_requests_a_merge_an_approver_sees_it_pending(browser, base_url, tmp_path):
    steward = browser.new_page()
    steward.goto(f"{base_url}/steward/")
    assert steward.url.endswith("/steward/login")       # no session: to the login page
    log_in(steward, base_url, "stew")
    assert steward.locator("h1").inner_text() == "Suspect queue"
    steward.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    steward.locator("table a").first.click()
    assert steward.locator("h1").inner_text().startswith("Suspect group")
    records = steward.locator("#side-by-side tr").first.locator("td")
    assert records.count() >= 2                          # candidates side by side
    assert steward.locator("#side-by-side td.diff").count() >= 1   # differences marked
    assert_han_drawn_with_cjk_font(steward, "#side-by-side")         # the names, not boxes
    steward.screenshot(path=str(tmp_path / "group.png"), full_page=True)
    merge_form = steward.locator("form[action$='/merge']")
    merge_form.locator("input[name=reason]").fill("same registration, typo in the name")
    merge_form.locator("button").click()
    notice = steward.locator(".notice").inner_text()
    assert "pending approval" in notice
    request_id = notice.split()[1]
    assert "awaiting approval" in steward.locator("#pending").inner_text()

    approver = browser.new_page()
    log_in(approver, base_url, "appr")
    approver.goto(f"{base_url}/steward/requests")
    row = approver.locator("#pending tr", has_text="MERGE").filter(has_text=request_id)
    assert row.count() == 1 and "stew" in row.inner_text()
    assert row.locator("form[action$='/approve'] button").is_visible()
    approver.screenshot(path=str(tmp_path / "requests.png"), full_page=True)
