"""An organiser on a phone sees Indonesia's Friday prayers among the blocked times, plans an
Indonesia-Thailand call, and no proposed slot falls at lunch or Friday prayers on either side;
each slot says where it falls in each side's day. In English, then in Thai."""

import re
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.holidays.services import DEFAULT_BLOCKS
from tests.browser.journeys import invite_only
from tests.browser.journeys import page_locale
from tests.browser.journeys import shot
from tests.browser.journeys import signed_in
from tests.formatting import clock
from tests.formatting import weekday_name

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def overlaps(start: datetime, minutes: int, first: int, last: int) -> bool:
    begin = start.hour * 60 + start.minute
    return begin < last and begin + minutes > first


@pytest.mark.parametrize("language", ["English", "ไทย"])
def test_an_indonesia_thailand_call_avoids_lunch_and_friday_prayers(live_server, browser,
                                                                    database, language):
    code = "en" if language == "English" else "th"
    page = browser.new_context(locale="en-GB", viewport=PHONE).new_page()
    signed_in(page, live_server, "organiser@example.org", language)
    locale = page_locale(page)
    page.goto(f"{live_server}/bilaterals")
    page.locator("main a[href='/holidays/blocked-times']").click()
    indonesia = page.locator("section:has(h2#country-ID)")
    rows = indonesia.locator("tbody tr").all_inner_texts()
    _only, friday, start, end, _label = DEFAULT_BLOCKS[1]
    prayers = f"{clock(start // 60, start % 60, locale)}–{clock(end // 60, end % 60, locale)}"
    assert any(weekday_name(friday, locale) in row and prayers in row for row in rows), rows
    shot(page, f"slots-blocked-times-{code}", database)

    page.goto(f"{live_server}/bilaterals")
    page.locator("main a[href='/bilaterals/new']").click()
    form = page.locator("main form")
    form.locator("select[name=country_a]").select_option("ID")
    form.locator("select[name=country_b]").select_option("TH")
    form.locator("input[name=topic]").fill(f"Case management follow-up ({code})")
    first = date.today() + timedelta(days=7)
    form.locator("input[name=first_date]").fill(first.isoformat())
    form.locator("input[name=last_date]").fill((first + timedelta(days=27)).isoformat())
    form.locator("select[name=timezone]").select_option("Asia/Jakarta")
    invite_only(page, "Sari Participant", "Somchai Participant")
    form.locator("[name=submit]").click()
    assert re.search(r"/bilaterals/\d+$", page.url), page.url

    times = page.locator("table.tally time")
    expect(page.locator("table.tally tbody tr")).to_have_count(8)
    expect(times).to_have_count(16)  # Jakarta and Bangkok for each slot
    for value in times.evaluate_all("nodes => nodes.map(n => n.getAttribute('datetime'))"):
        local = datetime.fromisoformat(value)  # the wall clock of that side
        assert not overlaps(local, 60, 12 * 60, 13 * 60), value
        if local.weekday() == friday:
            assert not overlaps(local, 60, start, end), value
    shot(page, f"slots-call-{code}", database)
