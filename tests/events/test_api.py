"""The JSON API under /api/v1/: organisers script their programme; the rules are the pages' rules."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from events.access import event_access, list_members
from tests.accounts_flow import log_in, post

Client = AsyncTestClient[Litestar]
EVENT = {
    "slug": "ill-days",
    "title": "ILL Days",
    "timezone": "Europe/Berlin",
    "start_date": "2027-03-27",
    "end_date": "2027-03-28",
    "visibility": "public",
}
TALK = {
    "title": "Fair use at the desk",
    "starts_at": "2027-03-27T10:00:00+01:00",
    "ends_at": "2027-03-27T10:45:00+01:00",
    "room": "Main Hall",
    "tags": ["copyright"],
}


async def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    if "hallway_csrf" not in client.cookies:
        await client.get("/login")
    return await client.request(
        method, f"/api/v1/events{path}", json=body, headers={"x-csrftoken": client.cookies["hallway_csrf"]}
    )


async def organiser(client: Client) -> None:
    await log_in(client, "org@library.org", "Olu")
    assert (await call(client, "POST", "/", EVENT)).status_code == 201
    assert (await call(client, "POST", "/ill-days/rooms", {"name": "Main Hall", "capacity": 120})).status_code == 201


async def test_an_organiser_scripts_a_programme_and_publishes_it(client: Client) -> None:
    await organiser(client)
    presenter = (await call(client, "POST", "/ill-days/presenters", {"name": "Ada Okafor"})).json()["id"]
    guid = (await call(client, "POST", "/ill-days/sessions", {**TALK, "presenter_ids": [int(presenter)]})).json()["id"]

    release = await call(client, "POST", "/ill-days/releases", {"comment": "First"})
    programme = (await client.get("/api/v1/events/ill-days/programme")).json()

    assert release.status_code == 201 and release.json()["version"] == 1
    assert [(s["guid"], s["title"], s["presenters"][0]["name"]) for s in programme["sessions"]] == [
        (guid, "Fair use at the desk", "Ada Okafor")
    ]
    assert programme["sessions"][0]["starts_at"] == "2027-03-27T09:00:00Z"


async def test_publishing_nothing_new_is_a_conflict(client: Client) -> None:
    await organiser(client)
    await call(client, "POST", "/ill-days/sessions", TALK)
    await call(client, "POST", "/ill-days/releases", {})

    response = await call(client, "POST", "/ill-days/releases", {})

    assert response.status_code == 409 and response.json()["detail"] == "Nothing has changed since version 1."


async def test_ids_that_cannot_exist_are_a_400_not_a_crash(client: Client) -> None:
    """Found by the stateful fuzzer: SQLite cannot even compare a number past 2**63."""
    await organiser(client)
    await call(client, "POST", "/ill-days/sessions", TALK)

    session = await call(client, "POST", "/ill-days/sessions", {**TALK, "presenter_ids": [2**63]})
    invitation = await call(
        client,
        "POST",
        "/ill-days/invitations",
        {"email": "p@library.org", "role": "presenter", "presenter_id": -(2**70)},
    )

    assert session.status_code == 400 and "presenters" in session.json()["errors"]
    assert invitation.status_code == 400 and "presenter" in invitation.json()["errors"]
    await call(client, "POST", "/ill-days/releases", {})
    assert (await client.get(f"/api/v1/events/ill-days/programme?version={-(2**100)}")).status_code == 404
    assert (await client.get(f"/events/ill-days/schedule/v/{2**70}.xml")).status_code == 404


async def test_bad_fields_are_named_in_a_400(client: Client) -> None:
    await organiser(client)

    response = await call(client, "POST", "/ill-days/sessions", {**TALK, "room": "Basement", "kind": "party"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"room", "kind"}


async def test_a_malformed_body_is_a_400_not_a_crash(client: Client) -> None:
    await organiser(client)

    for body in ({"title": 5}, {"title": "x", "starts_at": "soon", "ends_at": "later"}, ["not", "an", "object"]):
        assert (await call(client, "POST", "/ill-days/sessions", body)).status_code == 400
    naive = await call(client, "POST", "/ill-days/sessions", {**TALK, "starts_at": "2027-03-27T10:00:00"})
    assert naive.status_code == 400


async def test_conflicts_are_listed_for_organisers(client: Client) -> None:
    await organiser(client)
    await call(client, "POST", "/ill-days/sessions", TALK)
    await call(client, "POST", "/ill-days/sessions", {**TALK, "title": "Overlap"})

    conflicts = (await call(client, "GET", "/ill-days/conflicts")).json()

    assert [c["kind"] for c in conflicts] == ["room"]


async def test_changes_need_the_csrf_header_and_the_organiser_role(client: Client) -> None:
    await organiser(client)
    no_header = await client.post("/api/v1/events/ill-days/sessions", json=TALK)
    assert no_header.status_code == 403

    await call(client, "POST", "/../../logout")
    client.cookies.clear()
    await log_in(client, "someone@library.org", "Someone")
    assert (await call(client, "POST", "/ill-days/sessions", TALK)).status_code == 403
    assert (await call(client, "GET", "/ill-days/working-programme")).status_code == 403
    client.cookies.clear()
    assert (await call(client, "POST", "/ill-days/sessions", TALK)).status_code == 401


async def test_private_events_are_404_in_the_api_for_strangers(client: Client) -> None:
    await log_in(client, "org@library.org", "Olu")
    await call(client, "POST", "/", {**EVENT, "visibility": "private"})
    assert [e["slug"] for e in (await call(client, "GET", "/")).json()] == ["ill-days"]
    client.cookies.clear()

    assert (await client.get("/api/v1/events/ill-days")).status_code == 404
    assert (await client.get("/api/v1/events/ill-days/releases")).status_code == 404
    assert (await client.get("/api/v1/events/")).json() == []


async def test_the_openapi_schema_describes_the_api(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()

    assert "/api/v1/events/{slug}/sessions" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/events/{slug}/releases"]


async def test_an_invitation_never_tells_whether_an_address_has_an_account(client: Client) -> None:
    await log_in(client, "member@library.org", "Member")
    await post(client, "/logout")
    await organiser(client)

    known = await call(client, "POST", "/ill-days/invitations", {"email": "member@library.org", "role": "presenter"})
    unknown = await call(client, "POST", "/ill-days/invitations", {"email": "nobody@library.org", "role": "presenter"})

    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json()) == {"link"}
    members = await list_members((await event_access("ill-days", None)).event_id)
    assert "member@library.org" not in {member.email for member in members}  # not added without saying yes


async def test_the_day_change_is_hours_and_minutes_and_a_client_that_leaves_it_out_keeps_it(client: Client) -> None:
    await organiser(client)

    assert (await call(client, "PUT", "/ill-days", {**EVENT, "day_change": "06:00"})).json()["day_change"] == "06:00"
    for bad in ("06:00:00Z", "06:00+05:00", "05:59:30", "6:00", "13:00", "\u0660\u0666:\u0660\u0660", "06:00\n"):
        refused = await call(client, "PUT", "/ill-days", {**EVENT, "day_change": bad})
        assert refused.status_code == 400 and "day_change" in refused.json()["errors"], bad
    kept = await call(client, "PUT", "/ill-days", {**EVENT, "title": "ILL Days 2027"})  # written before the field

    assert kept.status_code == 200 and kept.json()["day_change"] == "06:00"
