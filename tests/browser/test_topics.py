import pytest

from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.browser

EVENT = "Annual in-person roundtable 2027, Jakarta"
TOPIC = "Case management across borders"


def _open_topics(page, base):
    page.goto(f"{base}/events")
    page.get_by_role("link", name=EVENT).click()
    page.get_by_role("link", name="Propose topics and vote").click()


def test_a_participant_proposes_another_votes_and_the_ranking_shows_it(live_server, browser,
                                                                        database):
    proposer = browser.new_context(locale="en-GB").new_page()
    sign_in(proposer, live_server, "participant@example.org")
    proposer.get_by_role("button", name="English").click()  # another test may leave Thai
    _open_topics(proposer, live_server)
    proposer.get_by_label("Topic", exact=True).fill(TOPIC)
    proposer.get_by_label("Why it matters (optional)").fill("Families move between countries.")
    proposer.get_by_role("button", name="Propose topic").click()
    assert "your topic is on the list" in proposer.locator(".flash").inner_text()
    row = proposer.locator("tr", has_text=TOPIC)
    assert row.locator(".votes").inner_text() == "0"

    voter = browser.new_context(locale="en-GB").new_page()
    sign_in(voter, live_server, "somchai@example.org")
    voter.get_by_role("button", name="English").click()
    _open_topics(voter, live_server)
    voter.get_by_role("button", name=f"Vote ({TOPIC})").click()
    assert "Your vote is counted" in voter.locator(".flash").inner_text()
    row = voter.locator("tr", has_text=TOPIC)
    assert row.locator(".votes").inner_text() == "1"
    assert row.get_by_role("button", name=f"Withdraw vote ({TOPIC})").is_visible()
    # Already-proposed demo topics are ranked with it; only organisers see who proposed them.
    ranking = voter.locator("table.ranking").inner_text()
    assert "Peer support for families after release" in ranking
    assert "Youth advocate A" not in ranking and "Amina" not in ranking
    screenshot(voter, f"topics-ranking-{database[0]}")

    proposer.reload()
    assert proposer.locator("tr", has_text=TOPIC).locator(".votes").inner_text() == "1"


def test_members_find_key_downloads_and_the_library(live_server, page, database):
    sign_in(page, live_server, "sari@example.org")
    page.get_by_role("button", name="English").click()
    page.goto(f"{live_server}/events")
    page.get_by_role("link", name=EVENT).click()
    downloads = page.locator("section", has_text="Key downloads")
    assert "Toolkit: community placement for children" in downloads.inner_text()
    page.get_by_role("link", name="Library").click()
    assert "Summary report: Kuala Lumpur roundtable" in page.locator("table").inner_text()
    screenshot(page, f"library-{database[0]}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Toolkit: community placement for children").click()
    assert download.value.suggested_filename == "community-placement-toolkit.pdf"
