"""A Thai focal point registers a Thai delegate on their behalf for the open Jakarta
roundtable from My delegation, then replaces them by a colleague after the confirmation page
(issue 19). The delegate is asked to review; the colleague finds the registration on their
own page. At 390 px, in English and Thai, the page must not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import flash
from tests.browser.test_journey_accounts import PHONE
from tests.browser.test_journey_accounts import _card
from tests.browser.test_journey_accounts import _fits_a_phone
from tests.browser.test_journey_accounts import _new_member

pytestmark = pytest.mark.browser

EVENT = "Annual in-person roundtable 2027, Jakarta"


def test_a_focal_point_registers_a_delegate_and_replaces_them(live_server, person, new_page,
                                                              live_engine, database):
    run = database[0]
    focal_email = f"focal.behalf.{run}@example.org"
    focal = _new_member(live_server, person, new_page, live_engine, focal_email, "Focal Fon")
    delegate = _new_member(live_server, person, new_page, live_engine,
                           f"delegate.{run}@example.org", "Delegate Dao")
    colleague = _new_member(live_server, person, new_page, live_engine,
                            f"colleague.{run}@example.org", "Colleague Chai")

    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.get_by_role("link", name="Accounts").click()
    _card(organiser, focal_email).get_by_role(
        "button", name="Make focal point of Thailand").click()
    assert f"{focal_email} is now a focal point" in flash(organiser)

    focal.set_viewport_size(PHONE)
    focal.reload()
    focal.get_by_role("link", name="My delegation").click()
    section = focal.locator("main section", has_text=EVENT)
    form = section.locator("form", has_text="Register the delegate")
    form.get_by_label("Delegate", exact=True).select_option(label="Delegate Dao")
    # Without the focal point's word for the delegate, nothing is registered.
    form.get_by_role("button", name="Register the delegate").click()
    expect(focal.locator(".error-summary")).to_have_count(1)
    section = focal.locator("main section", has_text=EVENT)
    form = section.locator("form", has_text="Register the delegate")
    form.get_by_label("Delegate", exact=True).select_option(label="Delegate Dao")
    form.get_by_label("The delegate has agreed to attend under the Chatham House Rule").check()
    form.get_by_label("The delegate has agreed to the use of their data",
                      exact=False).check()
    _fits_a_phone(focal, "focal-register-delegate-390-en", database)
    form.get_by_role("button", name="Register the delegate").click()
    assert "Delegate Dao is registered for" in flash(focal)
    section = focal.locator("main section", has_text=EVENT)
    assert "Delegate Dao" in section.locator("table").inner_text()

    # The delegate is asked to review what was done on their behalf.
    delegate.goto(f"{live_server}/notices")
    assert "You were registered on your behalf" in delegate.locator("main").inner_text()

    section.get_by_role("link", name="Replace (Delegate Dao)").click()
    assert "Delegate Dao" in focal.locator("h1").inner_text()
    focal.get_by_label("Replaced by").select_option(label="Colleague Chai")
    focal.get_by_role("button", name="ไทย").click()
    _fits_a_phone(focal, "focal-replace-390-th", database)
    focal.get_by_role("button", name="English").click()
    focal.get_by_label("Replaced by").select_option(label="Colleague Chai")
    focal.get_by_role("button", name="Yes, replace").click()
    assert "Delegate Dao is replaced by Colleague Chai" in flash(focal)
    table = focal.locator("main section", has_text=EVENT).locator("table").inner_text()
    assert "Colleague Chai" in table and "Delegate Dao" not in table

    colleague.goto(f"{live_server}/registrations")
    expect(colleague.locator(".card", has_text=EVENT)).to_have_count(1)
    delegate.goto(f"{live_server}/registrations")
    expect(delegate.locator(".card", has_text=EVENT)).to_have_count(0)
