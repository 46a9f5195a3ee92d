"""Inputs the fuzzer found that once made a 500: each is now a clear 4xx."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.accounts_flow import log_in, post

Client = AsyncTestClient[Litestar]


async def test_an_id_beyond_any_database_id_is_not_found(client: Client) -> None:
    await log_in(client, "ada@library.org", "Ada")
    assert (await post(client, "/people/254223479352264344932806819840/connect")).status_code == 404
    assert (await client.get("/archive/saved/99999999999999999999/delete")).status_code in (404, 405)


async def test_an_unsubscribe_link_with_any_characters_is_simply_invalid(client: Client) -> None:
    assert (await client.get("/unsubscribe/1/%C2%A8%C2%9AY%02%C2%8A")).status_code == 404


async def test_oembed_says_which_formats_it_offers(client: Client) -> None:
    """oEmbed 1.0: a format the provider does not offer is a 501 (json and xml are offered)."""
    response = await client.get(
        "/oembed", params={"url": "http://127.0.0.1:8000/a/x", "format": "yaml"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 501 and "json or xml" in response.json()["detail"]
