"""The steward pages and the agent's caller page in a real browser (Debian's chromium,
headless, driven by playwright; nothing is downloaded): a steward logs in, opens a
suspect group, requests the merge, and an approver then finds it waiting for approval;
a claims seat looks up a caller and sees the service tier; every steward page, the
caller page and the error pages in Chinese (the default) and in English (the reader's
switch), with names, not codes, and dates as the reader chooses, the Chinese drawn with
a CJK font; screenshots are kept in the test's tmp folder."""

import re

import pytest

from ecif import exceptions_centre as centre
from ecif.masking import mask_id
from ecif.reference import read_seed
from ecif.translation import code_label, column_label, gettext
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
    zh = gettext("zh")
    assert seat.locator(".error").inner_text() == zh(
        "wrong user name or password, the account disabled or locked for a while, or not a "
        "claims, telesales or agent seat")
    log_in(seat, base_url, "clm", area="agent")
    seat.goto(url)
    caller = seat.locator("section.caller", has_text=parties.agent1_party)
    assert caller.locator(".tier").get_attribute("data-tier") == tier
    assert caller.locator(".tier").inner_text() == code_label("service_tier", tier, "zh")
    shown = caller.inner_text()
    assert mask_id(id_no) in shown and id_no not in shown          # masked for claims
    assert parties.agent1_mobile in shown
    shot = tmp_path / "agent_caller.png"
    seat.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000

    other = browser.new_page()                  # a seat of another agent: not its customer
    log_in(other, base_url, "ag0", area="agent")
    other.goto(url)
    assert other.locator(".error").inner_text() == zh("no customer found for that number")
    assert other.locator("section.caller").count() == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_caller_page_in_both_languages_shows_names_not_codes(browser, base_url, parties,
                                                                service_warehouse, tmp_path,
                                                                lang):
    with service_warehouse.connect() as conn:
        id_type, lines, statuses = conn.fetchone(
            "select k.id_type, c.product_lines_in_force, (select string_agg(distinct status, "
            "',') from marts.policy_summary where holder_party_id = c.party_id) from "
            "marts.customer_360 as c join marts.customer as k on k.party_id = c.party_id "
            "where c.party_id = ?", [parties.agent1_party])
    _ = gettext(lang)
    seat = browser.new_page(viewport={"width": 1280, "height": 900})
    seat.goto(f"{base_url}/agent/login?lang={lang}")
    log_in(seat, base_url, "clm", area="agent")
    seat.goto(f"{base_url}/agent/caller?phone={parties.agent1_mobile}")
    shoot(seat, tmp_path, lang, ("caller", _("Caller lookup"), "h1"), "section.caller")
    assert seat.locator("label").first.inner_text().strip() == _("caller's number")
    profile = seat.locator("section.caller table.profile")
    assert profile.locator("tr[data-key=id_type] th").inner_text() == _("ID type")
    assert profile.locator("tr[data-key=id_type] td").inner_text() == code_label(
        "id_type", id_type, lang)
    shown_lines = profile.locator("tr[data-key=product_lines_in_force] td").inner_text()
    for line in (lines or "").split(","):
        assert code_label("product_line", line, lang) in shown_lines, line
        assert line == code_label("product_line", line, lang) or line not in shown_lines
    policies = seat.locator("section.caller table.policies")
    assert policies.locator("th").all_inner_texts()[2] == _("status")
    shown_statuses = set(policies.locator("tr td:nth-child(3)").all_inner_texts())
    assert shown_statuses == {code_label("policy_status", s, lang) for s in statuses.split(",")}
    # no value a person reads is a code that has a name (claims' events, the seat's role…)
    named_codes = {row["code"] for row in read_seed("code_label")
                   if row[f"label_{lang}"] != row["code"]}
    shown = {*seat.locator("section.caller td, section.caller .tier").all_inner_texts(),
             *seat.locator("section.caller small").inner_text().split()}
    assert seat.locator("section.caller table.events td").count() > 0
    assert shown & named_codes == set()
    assert f"({code_label('role', 'claims', lang)})" in seat.locator("nav").inner_text()
    # the switch keeps the caller on the screen, in the other language
    seat.locator("a.lang").click()
    assert seat.locator("h1").inner_text() == gettext("en" if lang == "zh" else "zh")(
        "Caller lookup")
    assert seat.locator("section.caller", has_text=parties.agent1_party).count() == 1
    seat.close()



@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_in_both_languages_with_cjk_glyphs(browser, base_url, service_warehouse,
                                                      tmp_path, lang):
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
    merge_form = page.locator("form[action$='/merge']")
    merge_form.locator("input[name=reason]").fill("same person")
    merge_form.locator("button").click()
    shoot(page, tmp_path, lang, ("requests", _("Requests"), "h1"), chinese_page_text)
    # dates as the language writes them until the reader chooses the other format, which
    # then holds on the following pages
    zh_date = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d")
    iso_date = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
    first, then = (zh_date, iso_date) if lang == "zh" else (iso_date, zh_date)
    assert first.fullmatch(page.locator("#pending td.at").first.inner_text())
    page.locator("a.dates").click()
    assert then.fullmatch(page.locator("#pending td.at").first.inner_text())
    page.goto(f"{base_url}/steward/requests")
    assert then.fullmatch(page.locator("#pending td.at").first.inner_text())
    assert page.locator("h1").inner_text() == _("Requests")          # the language kept
    # the switch leads to the same page in the other language
    page.locator("a.lang").click()
    other = "en" if lang == "zh" else "zh"
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if other == "zh" else "en")
    assert page.locator("h1").inner_text() == gettext(other)("Requests")
    page.locator("a.lang").click()                      # back to the test's language
    exception_pages(page, base_url, service_warehouse, tmp_path, lang, chinese_page_text)
    page.close()


def exception_pages(page, base_url, warehouse, tmp_path, lang, chinese_page_text):
    """异常中心: the list and one exception, names not codes (kind, status, system)."""
    _ = gettext(lang)
    with warehouse.connect() as conn:
        centre.open_or_bump(conn, "LANDING_REFUSED", "CRITICAL", "claims", "claim 20261102",
                            "claim.dat row 3 field claimant_id_no: not a valid ID")
    page.goto(f"{base_url}/steward/exceptions")
    shoot(page, tmp_path, lang, ("exceptions", _("Exceptions"), "h1"), chinese_page_text)
    row = page.locator("#exceptions tr[data-exception]").first
    cells = row.locator("td").all_inner_texts()
    for code_type, code in (("exception_kind", "LANDING_REFUSED"),
                            ("exception_status", "OPEN"), ("source_system", "claims")):
        assert code_label(code_type, code, lang) in cells, (code, cells)
    assert "LANDING_REFUSED" not in cells and "claims" not in cells
    exception_id = row.get_attribute("data-exception")
    row.locator("a").click()
    shoot(page, tmp_path, lang, ("exception", _("Exception {id}").format(id=exception_id),
                                 "h1"), "#exception" if lang == "zh" else None)


def shoot(page, tmp_path, lang, expected, cjk_scope):
    """The page is in `lang` and shows `expected`'s title; its Chinese under `cjk_scope`
    is drawn with a CJK font; a screenshot named for the language and page."""
    name, title, selector = expected
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.locator(selector).inner_text() == title, name
    if cjk_scope:
        assert_han_drawn_with_cjk_font(page, cjk_scope)
    page.screenshot(path=str(tmp_path / f"{lang}-{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_errors_on_the_pages_are_pages_in_the_readers_language(browser, base_url, tmp_path,
                                                               lang):
    """Not found, a wrong method, a stale CSRF token, a form without its reason: each a
    page in the reader's language (the API keeps its JSON: test_security)."""
    _ = gettext(lang)
    chinese_page_text = "h1" if lang == "zh" else None
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base_url}/steward/login?lang={lang}")
    log_in(page, base_url, "stew")
    group_id = page.locator("table a").first.inner_text()
    assert page.goto(f"{base_url}/steward/no-such-page").status == 404
    shoot(page, tmp_path, lang, ("404", _("Not found"), "h1"), chinese_page_text)
    assert page.goto(f"{base_url}/steward/requests/1/approve").status == 405
    shoot(page, tmp_path, lang, ("405", _("Not possible here"), "h1"), chinese_page_text)
    merge = f"{base_url}/steward/groups/{group_id}/merge"
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "ecif_csrf")
    stale = page.request.post(merge, form={"csrf_token": "stale", "reason": "same"},
                              headers={"Origin": base_url})
    assert stale.status == 403 and stale.headers["content-type"].startswith("text/html")
    page.set_content(stale.text())
    shoot(page, tmp_path, lang, ("403", _("Not allowed"), "h1"), chinese_page_text)
    assert page.locator(".detail").inner_text() == _(
        "missing or wrong CSRF token: reload the page")
    incomplete = page.request.post(merge, form={"csrf_token": csrf},
                                   headers={"Origin": base_url})
    assert incomplete.status == 422
    page.set_content(incomplete.text())
    shoot(page, tmp_path, lang, ("422", _("A field is missing or wrong"), "h1"),
          chinese_page_text)
    assert page.locator("[data-field=reason]").inner_text() == column_label("reason", lang)
    page.close()


def test_a_person_review_task_shows_the_evidence_of_its_pairs(browser, base_url, tmp_path,
                                                              service_warehouse):
    """Issue 16: the queue says how many of its person pairs are expected to be one
    person; a person task shows its parties side by side and, per pair, the weight each
    comparison added, named in the reader's language, with no personal data."""
    zh = gettext("zh")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base_url, "stew")
    share = page.locator("#queue-precision").inner_text()
    with service_warehouse.connect() as conn:       # the last matching run's estimate
        estimate = conn.scalar("select person_queue_precision from reports.rpt_matching_run "
                               "order by run_id desc limit 1")
    assert f"{100 * estimate:.0f}%" in share and "个人复核任务" in share
    task = page.locator("table a", has_text=re.compile(r"^P\w+\+P")).first
    task_id = task.inner_text()
    task.click()
    assert page.locator("h1").inner_text() == zh("Suspect group {id}").format(id=task_id)
    assert page.locator("#side-by-side tr").first.locator("td").count() == len(
        task_id.split("+"))
    pair = page.locator("table.evidence").first
    assert set(pair.get_attribute("data-pair").split("+")) <= set(task_id.split("+"))
    assert zh("prior") in pair.inner_text()
    names = pair.locator("tr th").all_inner_texts()
    assert code_label("match_comparison", "name", "zh") in names       # 姓名, not `name`
    assert "name" not in names
    bars = pair.locator(".bar")
    assert bars.count() >= 2 and bars.first.bounding_box()["width"] > 0
    assert_han_drawn_with_cjk_font(page, "table.evidence")
    page.screenshot(path=str(tmp_path / "person_task.png"), full_page=True)
    page.close()
