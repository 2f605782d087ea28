"""The steward pages and the agent's caller page in a real browser (Debian's chromium,
headless, driven by playwright; nothing is downloaded): a steward logs in, opens a
suspect group, requests the merge, and an approver then finds it waiting for
approval; a claims seat looks up a caller and sees the service tier."""

import socket
import threading
import time

import pytest
import uvicorn

from ecif.masking import mask_id
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
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


def log_in(page, base_url, user, area="steward"):
    page.goto(f"{base_url}/{area}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_steward_requests_a_merge_an_approver_sees_it_pending(browser, base_url):
    steward = browser.new_page()
    steward.goto(f"{base_url}/steward/")
    assert steward.url.endswith("/steward/login")       # no session: to the login page
    log_in(steward, base_url, "stew")
    assert steward.locator("h1").inner_text() == "Suspect queue"
    steward.locator("table a").first.click()
    assert steward.locator("h1").inner_text().startswith("Suspect group")
    records = steward.locator("#side-by-side tr").first.locator("td")
    assert records.count() >= 2                          # candidates side by side
    assert steward.locator("#side-by-side td.diff").count() >= 1   # differences marked
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


def test_a_claims_seat_sees_the_callers_service_tier_on_one_screen(browser, base_url, parties,
                                                                   service_warehouse, tmp_path):
    with service_warehouse.connect() as conn:
        tier, id_no = conn.fetchone(
            "select c.service_tier, k.id_no from marts.customer_360 as c join marts.customer "
            "as k on k.party_id = c.party_id where c.party_id = ?", [parties.agent1_party])
    seat = browser.new_page(viewport={"width": 1280, "height": 900})
    url = f"{base_url}/agent/caller?phone={parties.agent1_mobile}"
    seat.goto(url)
    assert seat.url.endswith("/agent/login")             # no session: to the login page
    log_in(seat, base_url, "stew", area="agent")         # a steward is no seat
    assert "not a claims, telesales or agent seat" in seat.locator(".error").inner_text()
    log_in(seat, base_url, "clm", area="agent")
    seat.goto(url)
    caller = seat.locator("section.caller", has_text=parties.agent1_party)
    assert caller.locator(".tier").inner_text() == tier
    shown = caller.inner_text()
    assert mask_id(id_no) in shown and id_no not in shown          # masked for claims
    assert parties.agent1_mobile in shown
    shot = tmp_path / "agent_caller.png"
    seat.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000

    other = browser.new_page()                  # a seat of another agent: not its customer
    log_in(other, base_url, "ag0", area="agent")
    other.goto(url)
    assert "no customer found" in other.locator(".error").inner_text()
    assert other.locator("section.caller").count() == 0
