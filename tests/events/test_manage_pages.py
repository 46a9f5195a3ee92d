"""Organisers run their programme through the pages; nobody else can."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.access import event_access, list_members
from events.catalogue import event_summary
from events.releases import working_programme
from tests.accounts_flow import log_in, post
from tests.events.interop import INTEROP

Client = AsyncTestClient[Litestar]
EVENT = {
    "slug": "ill-days",
    "title": "ILL Days",
    "timezone": "Europe/Berlin",
    "start_date": "2027-03-27",
    "end_date": "2027-03-28",
    "description": "",
    "venue": "Library",
    "mode": "hybrid",
    "visibility": "public",
}
SESSION = {
    "title": "Fair use at the desk",
    "subtitle": "",
    "day": "2027-03-27",
    "start": "10:00",
    "minutes": "45",
    "room": "Main Hall",
    "track": "",
    "kind": "talk",
    "status": "confirmed",
    "language": "en",
    "tags": "copyright, desk",
    "abstract": "What staff can say yes to.",
    "description": "",
}


async def organiser(client: Client) -> None:
    await log_in(client, "org@library.org", "Olu Organiser")
    assert (await post(client, "/events/new", EVENT)).status_code == 302
    assert (
        await post(
            client,
            "/events/ill-days/manage/rooms",
            {
                "name": "Main Hall",
                "kind": "physical",
                "capacity": "120",
                "location": "",
                "stream_url": "",
                "join_url": "",
            },
        )
    ).status_code == 302


async def test_an_organiser_builds_and_publishes_a_programme_that_attendees_then_see(client: Client) -> None:
    await organiser(client)
    await post(
        client, "/events/ill-days/manage/presenters", {"name": "Ada Okafor", "affiliation": "Northgate", "bio": ""}
    )
    form = (await client.get("/events/ill-days/manage/sessions/new")).text
    presenter_id = form.split('name="presenters" value="')[1].split('"')[0]

    saved = await post(client, "/events/ill-days/manage/sessions/new", {**SESSION, "presenters": presenter_id})
    assert saved.status_code == 302
    assert (await client.get("/events/ill-days/schedule/")).status_code == 404  # not published yet
    assert "Added:</strong> Fair use at the desk" in (await client.get("/events/ill-days/manage/")).text

    assert (await post(client, "/events/ill-days/manage/publish", {"comment": "First!"})).status_code == 302
    client.cookies.clear()
    page = (await client.get("/events/ill-days/sessions/fair-use-at-the-desk/")).text
    assert "Fair use at the desk" in page and "Ada Okafor" in page and "#copyright" in page
    assert "10:00" in page


async def test_a_session_form_error_is_shown_by_its_field_and_keeps_the_typing(client: Client) -> None:
    await organiser(client)

    response = await post(
        client, "/events/ill-days/manage/sessions/new", {**SESSION, "start": "ten", "title": "Kept title"}
    )

    assert response.status_code == 400
    assert 'id="start-error">Enter a time like 14:30.' in response.text and 'value="Kept title"' in response.text


async def test_saving_a_double_booking_warns_the_organiser(client: Client) -> None:
    await organiser(client)
    await post(client, "/events/ill-days/manage/sessions/new", SESSION)

    second = await post(
        client, "/events/ill-days/manage/sessions/new", {**SESSION, "title": "Overlapping", "start": "10:30"}
    )
    page = (await client.get(second.headers["location"])).text

    assert "Conflict: Main Hall is double-booked: “Fair use at the desk” and “Overlapping”." in page


async def test_deleting_a_published_session_publishes_it_as_cancelled(client: Client) -> None:
    await organiser(client)
    saved = await post(client, "/events/ill-days/manage/sessions/new", SESSION)
    await post(client, "/events/ill-days/manage/publish", {"comment": ""})
    guid = saved.headers["location"].rstrip("/").rsplit("/", 1)[1]

    form = (await client.get(f"/events/ill-days/manage/sessions/{guid}/")).text
    asked = await client.get(f"/events/ill-days/manage/sessions/{guid}/delete")
    unconfirmed = await post(client, f"/events/ill-days/manage/sessions/{guid}/delete")
    still_there = (await client.get("/events/ill-days/manage/")).text
    deleted = await post(client, f"/events/ill-days/manage/sessions/{guid}/delete", {"confirm": "yes"})
    await post(client, "/events/ill-days/manage/publish", {"comment": "Dropped"})

    changes = (await client.get("/events/ill-days/changes/")).text
    assert (
        f'href="/events/ill-days/manage/sessions/{guid}/delete">Delete this session…</a>' in form
    )  # a link, not a POST
    assert asked.status_code == 200 and "Delete “Fair use at the desk”?" in asked.text
    assert "attendees see it as <strong>cancelled</strong>" in asked.text
    assert unconfirmed.status_code == 400 and "Fair use at the desk" in still_there
    assert deleted.status_code == 302
    assert "Cancelled:</strong> Fair use at the desk" in changes


async def test_people_without_the_organiser_role_cannot_organise(client: Client) -> None:
    await organiser(client)
    await post(client, "/logout")
    await log_in(client, "attendee@library.org", "Ann Attendee")

    assert (await client.get("/events/ill-days/manage/")).status_code == 403
    assert (await post(client, "/events/ill-days/manage/publish", {"comment": ""})).status_code == 403
    assert (await post(client, "/events/ill-days/manage/sessions/new", SESSION)).status_code == 403


async def test_a_private_event_hides_even_its_organiser_page(client: Client) -> None:
    await log_in(client, "org@library.org", "Olu")
    await post(client, "/events/new", {**EVENT, "visibility": "private"})
    await post(client, "/logout")
    await log_in(client, "stranger@library.org", "Stranger")

    assert (await client.get("/events/ill-days/manage/")).status_code == 404


async def test_an_existing_account_is_asked_before_becoming_a_co_organiser(client: Client) -> None:
    await log_in(client, "colleague@library.org", "Colleague")
    await post(client, "/logout")
    await organiser(client)

    await post(client, "/events/ill-days/manage/people", {"email": "colleague@library.org", "role": "organiser"})
    told = (await client.get("/events/ill-days/manage/")).text
    assert "invited as organiser: they join once they accept" in told  # the same words as for a new address
    await post(client, "/logout")
    await log_in(client, "colleague@library.org", create=False)

    assert (await client.get("/events/ill-days/manage/")).status_code == 403  # not yet: nobody said yes
    notifications = (await client.get("/me/notifications/")).text
    assert "You are invited to ILL Days as organiser." in notifications
    link = re.search(r'href="(/invitations/[^"]+)"', notifications).group(1)
    assert (await post(client, link)).status_code == 302
    assert (await client.get("/events/ill-days/manage/")).status_code == 200


async def test_an_invitation_link_works_once_for_someone_without_an_account(client: Client) -> None:
    await organiser(client)
    await post(client, "/events/ill-days/manage/people", {"email": "new@library.org", "role": "presenter"})
    page = (await client.get("/events/ill-days/manage/")).text
    link = page.split("Send them this invitation link: ")[1].split("<")[0].removeprefix("http://127.0.0.1:8000")
    await post(client, "/logout")
    await log_in(client, "new@library.org", "Newcomer")

    offer = await client.get(link)
    assert "You are invited to ILL Days" in offer.text and "Join as presenter" in offer.text
    members = await list_members((await event_access("ill-days", None)).event_id)
    assert "new@library.org" not in {member.email for member in members}  # opening the link joins nobody
    accepted = await post(client, link)
    assert accepted.status_code == 302
    assert "You are now presenter of ILL Days." in (await client.get("/events/ill-days/")).text

    assert (await client.get(link, follow_redirects=False)).status_code == 404
    assert (await post(client, link)).status_code == 404


async def test_an_organiser_imports_a_file_from_the_page(client: Client) -> None:
    await organiser(client)
    upload = {"file": ("pretalx-democon.json", (INTEROP / "pretalx-democon.json").read_bytes(), "application/json")}

    response = await client.post(
        "/events/ill-days/manage/import",
        files=upload,
        data={"_csrf_token": client.cookies["hallway_csrf"]},
        follow_redirects=False,
    )
    dashboard = (await client.get("/events/ill-days/manage/")).text

    assert response.status_code == 302
    assert "Imported: 36 new, 0 changed, 0 unchanged sessions." in dashboard


async def _import(client: Client, name: str, data: bytes, *, dry_run: bool = False):  # noqa: ANN202 - a response
    form = {"_csrf_token": client.cookies["hallway_csrf"], **({"dry_run": "on"} if dry_run else {})}
    return await client.post(
        "/events/ill-days/manage/import",
        files={"file": (name, data, "application/json")},
        data=form,
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"just some notes", "Hallway reads pretalx or frab JSON, frab XML and iCalendar (.ics) files"),
        (
            "schedule.json",
            b'{"schedule": {"conference": {"title": "X"}}}',
            "it needs a list at \u201cschedule \u2192 conference \u2192 days\u201d",
        ),
        ("schedule.json", b'{"schedule": [1, 2', "It is not valid JSON (Expecting"),
        ("schedule.json", b"", "Choose a schedule file to import"),
    ],
)
async def test_a_bad_upload_is_named_at_the_top_in_an_organisers_words(
    client: Client, name: str, data: bytes, message: str
) -> None:
    await organiser(client)

    response = await _import(client, name, data)

    assert response.status_code == 400 and message in response.text
    assert response.text.index("error-summary") < response.text.index('id="sessions-heading"')  # seen first
    assert "KeyError" not in response.text and "Error:" not in response.text


async def test_submitting_the_form_without_a_file_says_to_choose_one(client: Client) -> None:
    await organiser(client)

    response = await client.post("/events/ill-days/manage/import", data={"_csrf_token": client.cookies["hallway_csrf"]})

    assert response.status_code == 400 and "Choose a schedule file to import" in response.text


async def test_a_dry_run_lists_each_change_and_saves_nothing(client: Client) -> None:
    await organiser(client)
    original = (INTEROP / "pretalx-democon.json").read_bytes()
    await _import(client, "democon.json", original)
    moved = original.replace(b'"title": "Secured mobile concept"', b'"title": "Secured mobile concept, again"', 1)

    dry = await _import(client, "democon.json", moved, dry_run=True)
    sessions = (await client.get("/events/ill-days/manage/")).text

    assert dry.status_code == 200
    assert "Dry run: what importing this file would change (nothing is saved)" in dry.text
    assert "changed session: Secured mobile concept, again (title)" in dry.text
    assert "0 new, 1 changed, 35 unchanged sessions" in dry.text
    assert "Secured mobile concept, again" not in sessions
    client.cookies.set("hallway_lang", "de")
    german = await _import(client, "democon.json", moved, dry_run=True)
    assert "Probelauf: Was der Import dieser Datei ändern würde" in german.text
    assert "Sitzungen: 0 neu, 1 geändert, 35 unverändert" in german.text
    assert "geänderte Sitzung: Secured mobile concept, again" in german.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Has Spaces", "Use 3 to 100 lower-case letters"),
        ("timezone", "Nowhere/Town", "Use a time zone name"),
        ("end_date", "not a date", "Enter a date like 2027-03-27."),
        ("day_change", "25:00", "Enter a time like 04:00."),
        ("day_change", "\u0660\u0664:\u0660\u0660", "Enter a time like 04:00."),  # Arabic-Indic digits
        ("day_change", "13:00", "The day changes between midnight and noon"),
    ],
)
async def test_bad_event_details_come_back_with_the_error(client: Client, field: str, value: str, message: str) -> None:
    await log_in(client, "org@library.org", "Olu")

    response = await post(client, "/events/new", {**EVENT, field: value})

    assert response.status_code == 400 and message in response.text


def shown_day_change(response) -> str:
    return re.search(r'name="day_change" type="time"\s+value="([^"]*)"', response.text).group(1)


async def test_an_organiser_sets_where_the_days_end_and_the_schedule_follows(client: Client) -> None:
    await log_in(client, "org@library.org", "Olu")
    assert (await post(client, "/events/new", {**EVENT, "day_change": ""})).status_code in (302, 303)
    settings = f"/events/{EVENT['slug']}/manage/settings"
    assert shown_day_change(await client.get(settings)) == "04:00"  # empty means 04:00

    saved = await post(client, settings, {**EVENT, "day_change": "06:00"})

    assert saved.status_code in (302, 303)
    assert shown_day_change(await client.get(settings)) == "06:00"
    access = await event_access(EVENT["slug"], None)
    assert (await event_summary(access.event_id)).day_change == "06:00"


async def test_a_night_session_is_entered_and_kept_under_its_programme_day(client: Client) -> None:
    await log_in(client, "org@library.org", "Olu")
    await post(client, "/events/new", {**EVENT, "day_change": "06:00"})
    await post(
        client,
        f"/events/{EVENT['slug']}/manage/rooms",
        {
            "name": "Main Hall",
            "kind": "physical",
            "capacity": "",
            "location": "",
            "stream_url": "",
            "join_url": "",
            "description": "",
        },
    )

    saved = await post(
        client,
        f"/events/{EVENT['slug']}/manage/sessions/new",
        {**SESSION, "title": "Sunrise concert", "day": "2027-03-28", "start": "04:30"},
    )
    edit_page = await client.get(saved.headers["location"])

    access = await event_access(EVENT["slug"], None)
    [concert] = (await working_programme(access.event_id)).sessions
    assert (
        concert.local_start(ZoneInfo(EVENT["timezone"])).isoformat() == "2027-03-29T04:30:00+02:00"
    )  # the night after the 28th
    assert re.search(r'<option value="2027-03-28" selected>', edit_page.text)  # shown under its programme day
    again = await post(
        client,
        saved.headers["location"],
        {**SESSION, "title": "Sunrise concert", "day": "2027-03-28", "start": "04:30"},
    )
    assert again.status_code in (302, 303)
    [unchanged] = (await working_programme(access.event_id)).sessions
    assert unchanged.starts_at == concert.starts_at  # saving the form as shown moves nothing


async def test_inviting_a_presenter_links_their_account_to_the_presenter_entry(client: Client) -> None:
    from events.editing import list_presenters

    await organiser(client)
    await post(client, "/events/ill-days/manage/presenters", {"name": "Ada Okafor", "affiliation": "", "bio": ""})
    presenter_id = (await list_presenters((await event_access("ill-days", None)).event_id))[0].id
    await post(
        client,
        "/events/ill-days/manage/people",
        {"email": "ada@library.org", "role": "presenter", "presenter": str(presenter_id)},
    )
    link = (await client.get("/events/ill-days/manage/")).text.split("invitation link: ")[1].split("<")[0]
    await post(client, "/logout")
    await log_in(client, "ada@library.org", "Ada")

    await post(client, link.removeprefix("http://127.0.0.1:8000"))

    presenters = await list_presenters((await event_access("ill-days", None)).event_id)
    assert presenters[0].has_account


async def test_a_presenter_entry_needs_the_presenter_role(client: Client) -> None:
    await organiser(client)
    await post(client, "/events/ill-days/manage/presenters", {"name": "Ada Okafor", "affiliation": "", "bio": ""})

    response = await post(
        client, "/events/ill-days/manage/people", {"email": "ada@library.org", "role": "organiser", "presenter": "1"}
    )

    assert response.status_code == 400 and "Choose a presenter of this event, and the presenter role." in response.text


async def test_an_event_address_is_checked_only_when_the_event_would_be_created(client: Client) -> None:
    """Asking with a bad date learns nothing about which addresses are in use; real tries are limited."""
    from server.ratelimit import EVENTS_PER_HOUR

    await organiser(client)
    probe = await post(
        client,
        "/events/new",
        {"slug": "ill-days", "title": "Probe", "timezone": "UTC", "start_date": "2027-01-02", "end_date": "2027-01-01"},
    )
    assert probe.status_code == 400 and "not available" not in probe.text
    taken = await post(
        client,
        "/events/new",
        {"slug": "ill-days", "title": "Probe", "timezone": "UTC", "start_date": "2027-01-01", "end_date": "2027-01-01"},
    )
    assert taken.status_code == 400 and "This address is not available" in taken.text
    answers = [
        (
            await post(
                client,
                "/events/new",
                {
                    "slug": f"probe-{n}",
                    "title": "Probe",
                    "timezone": "UTC",
                    "start_date": "2027-01-01",
                    "end_date": "2027-01-01",
                },
            )
        ).status_code
        for n in range(EVENTS_PER_HOUR)
    ]
    assert answers[-1] == 429 and answers.count(302) == EVENTS_PER_HOUR - 3  # ill-days and both tries above count


async def test_an_invitation_survives_creating_an_account(client: Client) -> None:
    await organiser(client)
    await post(client, "/events/ill-days/manage/people", {"email": "newcomer@library.org", "role": "presenter"})
    link = (await client.get("/events/ill-days/manage/")).text.split("invitation link: ")[1].split("<")[0]
    link = link.removeprefix("http://127.0.0.1:8000")
    await post(client, "/logout")

    opened = await client.get(link, follow_redirects=False)
    login = await client.get(opened.headers["location"])
    register_link = re.search(r'href="(/register\?next=[^"]+)"', login.text).group(1).replace("&amp;", "&")
    form = await client.get(register_link)
    created = await client.post(
        "/register",
        follow_redirects=False,
        data={
            "email": "newcomer@library.org",
            "display_name": "Newcomer",
            "password": "correct horse battery",
            "next": re.search(r'name="next" value="([^"]*)"', form.text).group(1),
            "_csrf_token": client.cookies["hallway_csrf"],
        },
    )
    offer = await client.get(created.headers["location"])
    accepted = await post(client, link)

    assert opened.status_code in (302, 303) and created.headers["location"] == link
    assert "You are invited to ILL Days" in offer.text
    assert accepted.status_code == 302 and accepted.headers["location"].startswith("/events/ill-days")
    assert "You are now presenter of ILL Days." in (await client.get(accepted.headers["location"])).text


async def test_the_check_in_desk_finds_people_by_name_offers_no_check_in_online_and_pages_long_lists(
    client: Client,
) -> None:
    from events.access import event_access as access_of
    from events.registration import register
    from tests.events.factories import make_account

    await organiser(client)
    access = await access_of("ill-days", None)
    for number in range(60):
        await register(access, await make_account(f"guest{number:02}@library.org", f"Guest {number:02}"), "in_person")
    await register(access, await make_account("remote@library.org", "Rita Remote"), "online")

    first = (await client.get("/events/ill-days/manage/check-in")).text
    second = (await client.get("/events/ill-days/manage/check-in?page=2")).text
    found = (await client.get("/events/ill-days/manage/check-in?q=guest+07")).text
    everyone = (await client.get("/events/ill-days/manage/check-in?show=all&q=rita")).text
    hidden = (await client.get("/events/ill-days/manage/check-in?q=rita")).text

    assert first.count('name="user"') == 50 and "Page 1 of 2" in first and "Guest 00" in first
    assert second.count('name="user"') == 10 and "Guest 59" in second and "Guest 00" not in second
    assert found.count('name="user"') == 1 and "Guest 07" in found and "1 person matching" in found
    assert "Rita Remote" in everyone and "Attends online" in everyone and 'name="user"' not in everyone
    assert "Rita Remote" not in hidden and "Look among people attending online too" in hidden
