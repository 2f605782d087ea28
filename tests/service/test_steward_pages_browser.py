"""The steward pages and the agent's caller page in a real browser (Debian's chromium,
headless, driven by playwright; nothing is downloaded): a steward logs in, opens a
suspect group, requests the merge, and an approver then finds it waiting for approval;
a claims seat looks up a caller and sees the service tier; every steward page in
Chinese (the default) and in English (the reader's switch), the Chinese drawn with a
CJK font; screenshots are kept in the test's tmp folder."""

import pytest

from ecif.masking import mask_id
from ecif.translation import code_label, gettext
from tests.cjk_rendering import assert_han_drawn_with_cjk_font
from tests.service.conftest import PASSWORD


def log_in(page, base_url, user, area="steward"):
    page.goto(f"{base_url}/{area}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_steward_requests_a_merge_an_approver_sees_it_pending(browser, base_url, tmp_path):
    steward = browser.new_page()
    steward.goto(f"{base_url}/steward/")
    assert steward.url.endswith("/steward/login")       # no session: to the login page
    log_in(steward, base_url, "stew")
    zh = gettext("zh")                                   # Chinese unless asked otherwise
    assert steward.locator("h1").inner_text() == zh("Suspect queue")
    steward.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    first = steward.locator("table a").first
    group_id = first.inner_text()
    first.click()
    assert steward.locator("h1").inner_text() == zh("Suspect group {id}").format(id=group_id)
    records = steward.locator("#side-by-side tr").first.locator("td")
    assert records.count() >= 2                          # candidates side by side
    assert steward.locator("#side-by-side td.diff").count() >= 1   # differences marked
    assert_han_drawn_with_cjk_font(steward, "#side-by-side")         # the names, not boxes
    steward.screenshot(path=str(tmp_path / "group.png"), full_page=True)
    merge_form = steward.locator("form[action$='/merge']")
    merge_form.locator("input[name=reason]").fill("same registration, typo in the name")
    merge_form.locator("button").click()
    notice = steward.locator(".notice")
    request_id = notice.get_attribute("data-request")
    assert notice.inner_text() == zh("request {id} is pending approval").format(id=request_id)
    assert zh("awaiting approval") in steward.locator("#pending").inner_text()

    approver = browser.new_page()
    log_in(approver, base_url, "appr")
    approver.goto(f"{base_url}/steward/requests")
    merge = code_label("request_kind", "MERGE", "zh")     # the name, not the code
    row = approver.locator("#pending tr", has_text=merge).filter(has_text=request_id)
    assert row.count() == 1 and "stew" in row.inner_text()
    assert row.locator("form[action$='/approve'] button").is_visible()
    approver.screenshot(path=str(tmp_path / "requests.png"), full_page=True)


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



@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_in_both_languages_with_cjk_glyphs(browser, base_url, tmp_path, lang):
    """Chinese by default; English once asked for (?lang=en), kept by a cookie on the
    following pages. Chinese text, page text or customers' names, is drawn with a CJK font."""
    _ = gettext(lang)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base_url}/steward/login" + ("?lang=en" if lang == "en" else ""))
    chinese_page_text = "h1" if lang == "zh" else None
    shoot(page, tmp_path, lang, ("login", _("ECIF stewardship: log in"), "h1"),
          chinese_page_text)
    log_in(page, base_url, "stew")
    shoot(page, tmp_path, lang, ("queue", _("Suspect queue"), "h1"), chinese_page_text)
    link = page.locator("table a").first
    group_id = link.inner_text()
    link.click()
    shoot(page, tmp_path, lang, ("group", _("Suspect group {id}").format(id=group_id), "h1"),
          "#side-by-side")
    headers = page.locator("#side-by-side th").all_inner_texts()
    assert "party_type" not in headers and ("客户类型" in headers) == (lang == "zh")
    page.goto(f"{base_url}/steward/requests")
    shoot(page, tmp_path, lang, ("requests", _("Requests"), "h1"), chinese_page_text)
    # the switch leads to the same page in the other language
    page.locator("a.lang").click()
    other = "en" if lang == "zh" else "zh"
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if other == "zh" else "en")
    assert page.locator("h1").inner_text() == gettext(other)("Requests")
    page.close()


def shoot(page, tmp_path, lang, expected, cjk_scope):
    """The page is in `lang` and shows `expected`'s title; its Chinese under `cjk_scope`
    is drawn with a CJK font; a screenshot named for the language and page."""
    name, title, selector = expected
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.locator(selector).inner_text() == title, name
    if cjk_scope:
        assert_han_drawn_with_cjk_font(page, cjk_scope)
    page.screenshot(path=str(tmp_path / f"{lang}-{name}.png"), full_page=True)
