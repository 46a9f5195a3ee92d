"""The Q&A thread through the pages: ask, vote, moderate, answer from the inbox, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events import editing, invitations
from events.releases import publish_release
from server.accounts import account_id_by_email
from server.jobs import run_pending
from server.notifications import list_notifications
from sessions.questions import set_qa_settings
from tests.accounts_flow import log_in, post
from tests.events.factories import local, make_event, make_session

Client = AsyncTestClient[Litestar]
THREAD = "/events/ill-days/sessions/fair-use-at-the-desk/questions/"


@pytest.fixture
async def talk(app: Litestar, client: Client) -> int:
    """A published talk whose presenter is ada@library.org (who has an account)."""
    await log_in(client, "ada@library.org", "Ada Presenter")
    await post(client, "/logout")
    event_id = await make_event()
    person = await editing.save_presenter(
        event_id, "Ada Presenter", user_id=await account_id_by_email("ada@library.org")
    )
    await make_session(event_id, "Fair use at the desk", local(date(2027, 3, 27), 10), presenter_ids=[person])
    await publish_release(event_id)
    return event_id


async def ask(client: Client, body: str, **extra: str) -> int:
    response = await post(client, THREAD + "ask", {"body": body, "anonymous": "", **extra})
    assert response.status_code == 302, response.text
    return int(response.headers["location"].rsplit("-", 1)[1])


async def test_an_attendee_asks_others_vote_and_the_presenter_answers_from_the_inbox(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")
    question = await ask(client, "Does CONTU cover e-journals?")
    await post(client, "/logout")
    await log_in(client, "cleo@library.org", "Cleo")
    await post(client, THREAD + f"{question}/vote")
    assert "▲ 1" in (await client.get(THREAD)).text
    await post(client, "/logout")

    await log_in(client, "ada@library.org", create=False)
    inbox = (await client.get("/me/questions/")).text
    assert "Does CONTU cover e-journals?" in inbox and "not answered yet" in inbox
    answered = await post(
        client,
        THREAD + f"{question}/answer",
        {"body": "Yes, *unless* the licence forbids it.", "next": "/me/questions/"},
    )
    assert answered.headers["location"] == "/me/questions/"  # back to the inbox, as the inbox's form asks
    await post(client, "/logout")
    await run_pending()  # what a server process's background worker does

    for person in ("ben@library.org", "cleo@library.org"):
        await log_in(client, person, create=False)
        assert (
            "Ada Presenter answered a question on “Fair use at the desk”."
            in (await client.get("/me/notifications/")).text
        )
        await post(client, "/logout")
    page = (await client.get(THREAD)).text
    assert "Yes, <em>unless</em> the licence forbids it." in page and "Answered</span>" in page


async def test_the_session_page_loads_the_thread(client: Client, talk: int) -> None:
    session_page = (await client.get("/events/ill-days/sessions/fair-use-at-the-desk/")).text
    fragment = await client.get(THREAD + "?fragment=true")

    assert 'hx-get="/events/ill-days/sessions/fair-use-at-the-desk/questions/?fragment=true"' in session_page
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Questions and answers (0)" in fragment.text


async def test_pre_moderated_questions_wait_and_their_asker_sees_them_waiting(client: Client, talk: int) -> None:
    await set_qa_settings(talk, "pre", "logged_in")
    await log_in(client, "ben@library.org", "Ben")
    await ask(client, "A question to moderate")

    assert "Awaiting moderation" in (await client.get(THREAD)).text
    await post(client, "/logout")
    assert "A question to moderate" not in (await client.get(THREAD)).text


async def test_only_moderators_moderate_and_answer(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")
    question = await ask(client, "Hmm?")

    assert (await post(client, THREAD + f"{question}/dismiss")).status_code == 403
    assert (await post(client, THREAD + f"{question}/answer", {"body": "Me!"})).status_code == 403
    assert (await post(client, THREAD + f"{question}/shrug")).status_code == 404


async def test_a_question_form_error_keeps_the_text(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")

    response = await post(client, THREAD + "ask", {"body": "x" * 1001, "anonymous": ""})

    assert response.status_code == 400 and "A question can be at most 1000 characters." in response.text


async def test_guests_read_but_cannot_ask_and_private_threads_are_404(client: Client, talk: int) -> None:
    assert "Log in</a> to ask a question" in (await client.get(THREAD)).text
    assert (await post(client, THREAD + "ask", {"body": "hi"})).status_code == 401
    private = await make_event("board", visibility="private")
    await make_session(private, "Secret", local(date(2027, 3, 27), 9))
    await publish_release(private)
    assert (await client.get("/events/board/sessions/secret/questions/")).status_code == 404


async def test_organisers_choose_moderation_and_who_may_ask(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")
    assert (await client.get("/events/ill-days/qa-settings")).status_code == 403
    await post(client, "/logout")
    organiser = await account_id_by_email("ada@library.org")
    from events.access import add_member
    from events.tables import MemberRole

    await add_member(talk, organiser, MemberRole.organiser)
    await log_in(client, "ada@library.org", create=False)
    await post(client, "/events/ill-days/qa-settings", {"moderation": "pre", "who_may_ask": "members"})

    page = (await client.get("/events/ill-days/qa-settings")).text
    assert 'value="pre" checked' in page and 'value="members" checked' in page


async def test_asking_too_fast_is_refused(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")
    for n in range(5):
        await ask(client, f"Question {n}")

    response = await post(client, THREAD + "ask", {"body": "One more", "anonymous": ""})

    assert response.status_code == 429 and "You are going too fast" in response.text


async def test_a_presenter_linked_after_publication_answers_at_once(client: Client) -> None:
    """The published release decides what the public sees; who may act comes from the live programme."""
    await log_in(client, "late@library.org", "Late Presenter")
    await post(client, "/logout")
    event_id = await make_event()
    person = await editing.save_presenter(event_id, "Late Presenter")  # no account linked yet
    await make_session(event_id, "Fair use at the desk", local(date(2027, 3, 27), 10), presenter_ids=[person])
    await publish_release(event_id)
    await log_in(client, "ben@library.org", "Ben")
    question = await ask(client, "Does CONTU cover e-journals?")
    await post(client, "/logout")
    await invitations.invite(event_id, "late@library.org", "presenter", None, presenter_id=person)
    await log_in(client, "late@library.org", create=False)
    link = next(n.link for n in await list_notifications(await account_id_by_email("late@library.org")))
    assert (await post(client, link)).status_code == 302  # accepts: linked to the entry, no new release

    inbox = (await client.get("/me/questions/")).text
    answered = await post(client, THREAD + f"{question}/answer", {"body": "Yes."})
    live = (await client.get("/events/ill-days/sessions/fair-use-at-the-desk/live/")).text

    assert "Does CONTU cover e-journals?" in inbox
    assert answered.status_code == 302
    assert "Yes." in (await client.get(THREAD)).text
    assert "Presenter mode" in live and "You moderate this thread" in (await client.get(THREAD)).text


async def test_nobody_up_votes_their_own_question(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")
    question = await ask(client, "Does CONTU cover e-journals?")
    own = await post(client, THREAD + f"{question}/vote")
    assert "you cannot up-vote your own question" in (await client.get(own.headers["location"])).text
    assert "▲ 0" in (await client.get(THREAD)).text


async def test_the_asker_rewords_or_withdraws_a_question_until_it_is_answered(client: Client, talk: int) -> None:
    await log_in(client, "ben@library.org", "Ben")
    reworded, withdrawn = await ask(client, "Does CONTU cover ejournals?"), await ask(client, "Never mind this one")
    offered = (await client.get(THREAD)).text
    edited = await post(client, THREAD + f"{reworded}/edit", {"body": "Does CONTU cover e-journals?"})
    gone = await post(client, THREAD + f"{withdrawn}/withdraw")
    page = (await client.get(THREAD)).text
    await post(client, "/logout")
    await log_in(client, "cleo@library.org", "Cleo")
    not_hers = await post(client, THREAD + f"{reworded}/edit", {"body": "Hijacked"})
    await post(client, "/logout")
    await log_in(client, "ada@library.org", create=False)
    await post(client, THREAD + f"{reworded}/answer", {"body": "Yes."})
    await post(client, "/logout")
    await log_in(client, "ben@library.org", create=False)
    too_late = await post(client, THREAD + f"{reworded}/edit", {"body": "Something else entirely"})
    after = (await client.get(THREAD)).text

    assert offered.count("Change or withdraw your question") == 2
    assert edited.status_code == 302 and gone.status_code == 302
    assert "Does CONTU cover e-journals?" in page and "Never mind this one" not in page
    assert not_hers.status_code == 403
    assert too_late.status_code == 302 and "This question has been answered" in after
    assert "Something else entirely" not in after and "Change or withdraw your question" not in after
    assert (await post(client, THREAD + f"{withdrawn}/withdraw")).status_code == 404  # already gone


async def test_an_edit_under_pre_moderation_waits_for_approval_again(client: Client, talk: int) -> None:
    await set_qa_settings(talk, "pre", "logged_in")
    await log_in(client, "ben@library.org", "Ben")
    question = await ask(client, "An approved question")
    await post(client, "/logout")
    await log_in(client, "ada@library.org", create=False)
    await post(client, THREAD + f"{question}/approve")
    await post(client, "/logout")
    await log_in(client, "ben@library.org", create=False)

    await post(client, THREAD + f"{question}/edit", {"body": "Now something offensive"})
    await post(client, "/logout")

    assert "Now something offensive" not in (await client.get(THREAD)).text  # not shown until approved again


LIVE_THREAD = "/events/ill-days/sessions/fair-use-at-the-desk/live/thread"


async def test_the_live_thread_is_one_server_fragment_for_the_page_and_the_projector(client: Client, talk: int) -> None:
    asked = []
    for person, numbers in (("ben", range(4)), ("dan", range(4, 7))):  # five a minute each
        await log_in(client, f"{person}@library.org", person.title())
        asked += [await ask(client, f"Question number {n}?") for n in numbers]
        await post(client, "/logout")

    await log_in(client, "ada@library.org", create=False)  # the presenter runs a poll
    await post(client, THREAD + "polls", {"question": "Lend e-books?", "options": "Yes\nNo", "results_live": "on"})
    poll = (await client.get(THREAD)).text.split("/polls/", 1)[1].split("/", 1)[0]
    await post(client, THREAD + f"polls/{poll}/open")
    await post(client, "/logout")

    await log_in(client, "cleo@library.org", "Cleo")
    live = (await client.get(LIVE_THREAD + "?mode=live&order=time")).text
    assert [f'id="question-{n}"' in live for n in asked] == [True] * 7
    assert live.index("Question number 0?") < live.index("Question number 6?")  # by time
    assert f'data-vote="{asked[0]}"' in live and 'aria-label="Up-vote: Question number 0?"' in live
    assert 'hx-swap-oob="true"' in live and "Lend e-books?" in live and 'data-poll="' in live  # polls, out of band
    assert f'action="{THREAD}polls/{poll}/answer"' in live  # the same form as the thread page's: it posts without JS
    assert "asked before the session" in live

    projector = (await client.get(LIVE_THREAD + "?mode=present")).text
    assert projector.count('class="question status-visible') == 6  # the top six, for the screen
    assert "data-vote" not in projector and "data-poll" not in projector and "asked before" not in projector
    assert "Lend e-books?" in projector
    await post(client, "/logout")

    guest = (await client.get(LIVE_THREAD)).text
    assert "Question number 3?" in guest and "data-vote" not in guest and "data-poll" not in guest
    for bad in ("?mode=projector", "?order=popular"):
        assert (await client.get(LIVE_THREAD + bad)).status_code == 400


async def test_the_thread_page_and_the_live_page_offer_votes_to_the_same_people(client: Client, talk: int) -> None:
    """Asking may be for members only; up-voting and polls are for anyone logged in, on every page alike."""
    await log_in(client, "ben@library.org", "Ben")
    question = await ask(client, "Is scanning for a patron a copy under CONTU?")
    await post(client, "/logout")
    await set_qa_settings(talk, "post", "members")

    await log_in(client, "cleo@library.org", "Cleo")  # logged in, not a member
    thread, live = (await client.get(THREAD)).text, (await client.get(LIVE_THREAD)).text
    assert 'action="' + THREAD + f'{question}/vote"' in thread and f'data-vote="{question}"' in live
    assert 'id="question-body"' not in thread  # but she cannot ask
    assert (await post(client, THREAD + f"{question}/vote")).status_code == 302
    assert "▲ 1" in (await client.get(LIVE_THREAD)).text
