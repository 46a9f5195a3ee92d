"""In Chromium: an attendee asks and up-votes; the presenter answers from the inbox; the answer appears live."""

from __future__ import annotations

import uuid

from playwright.async_api import Browser, expect

from events import editing
from events.access import add_member, event_access
from events.demo import DEMO_SLUG
from events.releases import publish_release, published_programme
from events.tables import MemberRole
from server.accounts import account_id_by_email, create_account, get_account
from sessions.polls import create_poll, set_poll_status
from sessions.questions import qa_context
from server.database import engine_from_url, use_engine
from tests.browser.conftest import PASSWORD, register_in, screenshot
from tests.hallway_process import HallwayServer

SESSION = "automating-request-routing-rules-that-cut-turnaround-by-a-third"


async def make_presenter(server: HallwayServer, email: str) -> None:
    """Link the session's presenter entry to this account and publish, as an organiser's invitation would."""
    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    event_id = (await event_access(DEMO_SLUG, None)).event_id
    session = (await published_programme(event_id)).session(SESSION)
    person = session.presenters[0]
    await editing.save_presenter(
        event_id,
        person.name,
        person.affiliation,
        person.bio,
        user_id=await account_id_by_email(email),
        presenter_id=person.id,
    )
    await publish_release(event_id, "Presenter account linked")


async def test_asking_voting_and_a_live_answer_from_the_inbox(server: HallwayServer, browser: Browser) -> None:
    attendee = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await register_in(attendee, server, "Ann Attendee")
    presenter = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    email = f"tomas-{uuid.uuid4().hex[:6]}@library.org"
    await presenter.goto(server.url + "/register")
    await presenter.get_by_label("Your name").fill("Tomás Ramírez")
    await presenter.get_by_label("Email address").fill(email)
    await presenter.get_by_label("Password").fill(PASSWORD)
    await presenter.get_by_role("button", name="Create account").click()
    await make_presenter(server, email)

    await attendee.goto(f"{server.url}/events/{DEMO_SLUG}/sessions/{SESSION}/live/")
    await attendee.get_by_label("Your question").fill("Which rules gave the biggest turnaround gain?")
    await attendee.get_by_role("button", name="Ask").click()
    question = attendee.locator("#qa-questions li").filter(has_text="Which rules gave the biggest turnaround gain?")
    await expect(question).to_be_visible()
    await expect(question.get_by_role("button", name="Up-vote: Which rules gave the biggest")).to_have_count(
        0
    )  # one's own

    await presenter.goto(f"{server.url}/events/{DEMO_SLUG}/sessions/{SESSION}/live/")
    theirs = presenter.locator("#qa-questions li").filter(has_text="Which rules gave the biggest turnaround gain?")
    await theirs.get_by_role("button", name="Up-vote: Which rules gave the biggest").click()
    await expect(question.locator(".votes")).to_have_text("▲ 1")  # the asker sees the vote arrive live

    await presenter.goto(server.url + "/me/questions/")
    await expect(presenter.get_by_text("Which rules gave the biggest turnaround gain?")).to_be_visible()
    await screenshot(presenter, "presenter-inbox")
    await presenter.get_by_label("Your answer").first.fill("Routing by **holdings first**, then by cost.")
    await presenter.get_by_role("button", name="Post answer").first.click()

    await expect(question.locator(".answer")).to_contain_text("Routing by holdings first, then by cost.")
    await expect(attendee.locator("#unread-count")).to_have_text("1")
    await screenshot(attendee, "live-qa")

    await open_a_poll(email, "Which routing do you use?", ["Holdings first", "Cost first"])
    projector = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await projector.goto(f"{server.url}/events/{DEMO_SLUG}/sessions/{SESSION}/present/")
    shown = projector.locator("#qa-questions li").filter(has_text="Which rules gave the biggest turnaround gain?")
    await expect(shown).to_contain_text("✓ Answered")
    await expect(projector.locator("#qa-polls")).to_contain_text("Which routing do you use?")
    await expect(projector.locator("#qa-polls")).to_contain_text("Holdings first")
    await screenshot(projector, "presenter-mode")
    for row in await projector.locator("#qa-questions .question-head").all():  # the count never covers the words
        votes, words = await row.locator(".votes").bounding_box(), await row.locator(".question-body").bounding_box()
        assert votes["x"] + votes["width"] <= words["x"], (votes, words)


async def open_a_poll(email: str, question: str, options: list[str]) -> None:
    """The presenter opens a poll with live results (written to the server's database, as the page would)."""
    ctx = await qa_context(DEMO_SLUG, SESSION, await get_account(await account_id_by_email(email)))
    await set_poll_status(ctx, await create_poll(ctx, question, options, results_live=True), "open")


async def test_a_live_update_keeps_what_the_person_was_doing(server: HallwayServer, browser: Browser) -> None:
    """Someone else's question arrives while Ann is half-way through a poll and on a vote button: the thread
    is rendered again by the server, and her ticks, her focus and her view of the news survive it."""
    session = "measuring-what-matters-assessment-beyond-fill-rates"
    organiser = f"org-{uuid.uuid4().hex[:6]}@library.org"
    ann = await (await browser.new_context()).new_page()
    ben = await (await browser.new_context()).new_page()
    await register_in(ann, server, "Ann Attendee")
    await register_in(ben, server, "Ben Borrower")
    use_engine(engine_from_url(server.env["HALLWAY_DATABASE_URL"]))
    await create_account(organiser, PASSWORD, "Olga Organiser", confirmed=True)
    await add_member(
        (await event_access(DEMO_SLUG, None)).event_id, await account_id_by_email(organiser), MemberRole.organiser
    )
    ctx = await qa_context(DEMO_SLUG, session, await get_account(await account_id_by_email(organiser)))
    await set_poll_status(
        ctx, await create_poll(ctx, "Which figure matters most?", ["Fill rate", "Turnaround"]), "open"
    )

    live = f"{server.url}/events/{DEMO_SLUG}/sessions/{session}/live/"
    await ann.goto(live)
    await ben.goto(live)
    await ben.get_by_label("Your question").fill("How do you count requests that were cancelled?")
    await ben.get_by_role("button", name="Ask").click()
    await expect(ann.locator("#qa-announcer")).to_have_text(
        "New question: How do you count requests that were cancelled?"
    )
    await expect(ben.locator("#qa-announcer")).to_have_text("Your question is posted.")  # not news to the asker

    await ann.get_by_label("Turnaround").check()
    vote = ann.get_by_role("button", name="Up-vote: How do you count requests that were cancelled?")
    await vote.focus()
    await ben.get_by_label("Your question").fill("And interlibrary loans between branches?")
    await ben.get_by_role("button", name="Ask").click()
    await expect(ann.locator("#qa-questions")).to_contain_text("And interlibrary loans between branches?")
    await expect(ann.get_by_label("Turnaround")).to_be_checked()  # her unsent answer is still ticked
    await expect(
        ann.get_by_role("button", name="Up-vote: How do you count requests that were cancelled?")
    ).to_be_focused()

    await ann.keyboard.press("Enter")  # the focused vote, from the keyboard
    await expect(ann.locator("#qa-announcer")).to_have_text("Your vote is counted.")
    await expect(ann.get_by_role("button", name="Withdraw my vote: How do you count requests")).to_be_focused()
    await ann.get_by_role("button", name="Answer").click()
    await expect(ann.locator("#qa-announcer")).to_have_text("Your answer is counted.")
    await screenshot(ann, "live-update-keeps-state")
