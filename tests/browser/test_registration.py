import pytest

from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in
from tests.formatting import country

pytestmark = pytest.mark.browser

EVENT = "Annual in-person roundtable 2027, Jakarta"


def _open_event(page, base):
    page.goto(f"{base}/events")
    page.get_by_role("link", name=EVENT).click()


def test_participant_registers_sees_confirmation_and_cancels(live_server, page, browser,
                                                             database):
    sign_in(page, live_server, "participant@example.org")
    page.get_by_role("button", name="English").click()  # another test left them in Thai
    _open_event(page, live_server)
    page.get_by_role("link", name="Register").click()
    page.get_by_role("radio", name="In person").check()  # sessions name their mode too
    page.get_by_label("Site visit: community placement programme").check()
    page.get_by_label("Dietary needs").fill("Vegetarian")
    page.get_by_text("Travel (if you attend in person)").click()  # folded while empty
    page.get_by_label("Arrival date").fill("2027-06-21")
    # Passport details for a visa letter, beside the passport name (in person only).
    page.get_by_label("Name as in your passport").fill("PITA PARTICIPANT")
    page.get_by_label("Nationality").select_option("NZ")
    page.get_by_label("Passport number").fill("12")
    page.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    page.get_by_label("The organisers may use my details", exact=False).check()
    page.get_by_role("button", name="Register").click()
    number = page.get_by_label("Passport number")
    assert number.get_attribute("aria-invalid") == "true"
    assert "5 to 20 letters and digits" in page.locator("#passport_number-error").inner_text()
    number.fill("lm 123 4567")
    page.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    page.get_by_label("The organisers may use my details", exact=False).check()
    screenshot(page, f"register-form-{database[0]}")
    page.get_by_role("button", name="Register").click()
    assert "Your place is confirmed" in page.locator(".flash").inner_text()
    card = page.locator(".card", has_text=EVENT)
    assert "Confirmed" in card.inner_text()
    screenshot(page, f"my-registrations-{database[0]}")

    # The organisers print the visa letter with every detail an embassy asks for.
    organiser = browser.new_context(locale="en-GB").new_page()
    sign_in(organiser, live_server, "organiser@example.org")
    organiser.get_by_role("button", name="English").click()
    _open_event(organiser, live_server)
    organiser.get_by_role("link", name="Registrations and roster").click()
    organiser.locator("tr", has_text="Pita Participant").get_by_role(
        "link", name="Visa letter").click()
    letter = organiser.locator("article.letter").inner_text()
    for text in ("PITA PARTICIPANT", "LM1234567", country("NZ", "en"), country("ID", "en"),
                 "Head of Secretariat", "organiser@example.org"):
        assert text in letter, text
    screenshot(organiser, f"visa-letter-{database[0]}")
    organiser.get_by_role("link", name="Bahasa Indonesia").click()
    assert country("NZ", "id") in organiser.locator("article.letter").inner_text()
    organiser.context.close()
    card.get_by_role("button", name="Cancel my registration").click()
    assert "Your registration is cancelled" in page.locator(".flash").inner_text()
    assert "Cancelled" in page.locator(".card", has_text=EVENT).inner_text()


def test_organiser_sees_the_roster_and_a_participant_only_counts(live_server, browser,
                                                                 database):
    organiser = browser.new_context(locale="en-GB").new_page()
    sign_in(organiser, live_server, "organiser@example.org")
    _open_event(organiser, live_server)
    organiser.get_by_role("link", name="Registrations and roster").click()
    roster = organiser.locator("table").first.inner_text()
    assert "Sari Participant" in roster and "Somchai Participant" in roster
    screenshot(organiser, f"roster-{database[0]}")

    participant = browser.new_context(locale="en-GB").new_page()
    sign_in(participant, live_server, "somchai@example.org")
    participant.get_by_role("button", name="English").click()
    _open_event(participant, live_server)
    panel = participant.locator("section", has_text="Who is coming").inner_text()
    # One or two from each country: too few to show, as they would point at the person.
    assert "confirmed" in panel
    assert "Indonesia: 1" not in panel and "Thailand: 1" not in panel
    assert "Sari" not in participant.content()
    assert participant.goto(f"{organiser.url}").status == 403
