"""Archive search at scale: 10,000 sessions with 1,000,000 caption cues, on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--quick] [--backend sqlite|postgres|both]

The transcripts are drawn from a resource-sharing vocabulary with Zipf-distributed word
frequencies (a few words everywhere, most words rare), 100 cues of ~10 words per session.
One session in ten is in Spanish, one in German and one in French, captions included, so
PostgreSQL reads every query in the four languages the index holds (archive.search.languages).
Figures, per backend:
- index build time (``reindex_all``, what ``hallway reindex`` runs);
- p50/p95 of end-to-end HTTP search (``/api/v1/archive/search``, through a running server)
  for a typical term, a very common term, a phrase, and a typical term with a facet;
  each beside the raw engine queries for the same search in the same run (ranking, facet
  counts and moments, called in-process without HTTP, access checks or rendering).
Targets (issue 6): p95 under 100 ms for typical terms end to end; end to end at most 1.5x the
raw query; a very common term under 300 ms.
"""

from __future__ import annotations

import sys

# bench/calendar.py shadows the standard library's calendar module (which httpx needs): look here last.
_HERE = sys.path.pop(0)
sys.path.append(_HERE)

import argparse
import asyncio
import contextlib
import io
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from piccolo.engine.postgres import PostgresEngine  # noqa: E402

from harness import HALLWAY, free_port, process_serving  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DOMAIN = (
    "loan request lender borrower library copy article journal book chapter licence license copyright fair use "
    "contu guidelines five rule record delivery scan courier postage customs voucher invoice payment fee "
    "consortium catalogue holdings fill rate turnaround patron staff workflow routing automation dashboard "
    "assessment metrics purchase demand ebook ejournal publisher clause negotiation accessible format treaty "
    "international border rural branch van union list open access discovery compliance report audit policy "
    "interlibrary resource sharing document supply returnable nonreturnable digitisation lending borrowing"
).split()
FUNCTION = "the of and to a in is that for it we on with as this you are be at by not or have from".split()
# The Spanish, German and French talks draw from these (inflected forms, so their stemmers have work to do).
SPANISH = (
    "el la los las de que y en un una para con por préstamo préstamos biblioteca bibliotecas interbibliotecario "
    "artículo artículos revista revistas libro libros capítulo licencia licencias derechos autor envío envíos "
    "correo vale vales factura pago consorcio catálogo usuario usuarios personal flujo trabajo informe acceso "
    "abierto política digitalización devolución plazo solicitud solicitudes"
).split()
GERMAN = (
    "der die das und in zu den mit von für ist nicht auf Fernleihe Fernleihen Bibliothek Bibliotheken Aufsatz "
    "Aufsätze Zeitschrift Zeitschriften Buch Bücher Kapitel Lizenz Lizenzen Urheberrecht Versand Post Gutschein "
    "Rechnung Gebühr Verbund Katalog Bestand Nutzer Nutzerinnen Personal Arbeitsablauf Bericht Zugang Richtlinie "
    "Digitalisierung Rückgabe Frist Bestellung Bestellungen Lieferung Lieferungen"
).split()
FRENCH = (
    "le la les de des et en un une pour avec par prêt prêts bibliothèque bibliothèques article articles revue "
    "revues livre livres chapitre licence licences droit auteur envoi envois courrier bon bons facture paiement "
    "réseau catalogue lecteur lecteurs personnel circuit rapport accès ouvert politique numérisation retour "
    "délai demande demandes fourniture documents"
).split()
LANGUAGE_OF = {7: "es", 8: "de", 9: "fr"}  # by the session number's last digit; the rest are English
COMMON, PHRASE, SPANISH_TERM = "library", '"fill rate"', "préstamos interbibliotecarios"
TYPICAL_RANK = 2500  # a word found in a few percent of sessions, as most searched words are


def vocabulary(size: int) -> list[str]:
    """Function words first (most frequent), then domain words, then a long tail of rarer coined words."""
    tail = [f"{a}{b}" for a in ("inter", "re", "co", "sub", "trans", "pre", "multi", "micro") for b in DOMAIN]
    tail += [
        f"{a}{b}{c}" for a in ("ba", "ko", "ri", "mu", "te", "sa") for b in ("lan", "mer", "tos", "vik") for c in DOMAIN
    ]
    words = FUNCTION + ["library"] + DOMAIN + tail
    words += [f"term{n}" for n in range(max(0, size - len(words)))]
    return words[:size]


def zipf_weights(size: int, exponent: float = 1.07) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, size + 1)]


def cue_texts(rng: random.Random, count: int, words: list[str], weights: list[float]) -> list[str]:
    drawn = rng.choices(words, weights=weights, k=count * 10)
    texts = [" ".join(drawn[n * 10 : (n + 1) * 10]).capitalize() + "." for n in range(count)]
    for n in range(0, count, 97):  # a phrase that appears now and then, as real phrases do
        texts[n] = texts[n].replace(".", " with a good fill rate.")
    return texts


async def generate(database_url: str, media_root: Path, sessions: int, cues_per_session: int) -> float:
    """Write the archive straight into the tables, then time ``reindex_all`` (what ``hallway reindex`` does)."""
    from archive.search.indexing import reindex_all
    from archive.tables import ArchiveItem, CaptionTrack, Recording, SessionTopic, Topic
    from server.database import engine_from_url, migrate, use_engine

    engine = engine_from_url(database_url)
    use_engine(engine)
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=4)
    rng = random.Random(6)
    words = vocabulary(20_000)
    weights = zipf_weights(len(words))
    topics = []
    for slug in ("copyright", "international-ill", "workflows", "assessment", "consortia", "licensing"):
        topic = Topic(slug=slug, name=slug.replace("-", " ").capitalize(), synonyms=[])
        await topic.save()
        topics.append(topic.id)
    now = datetime.now(timezone.utc)
    guids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(sessions)]
    for start in range(0, sessions, 500):
        rows = []
        for n in range(start, min(start + 500, sessions)):
            when = datetime(2016 + n % 10, 3, 1, 9, tzinfo=timezone.utc) + timedelta(hours=n % 200)
            title = " ".join(rng.choices(words[20:400], k=5)).capitalize()
            rows.append(
                ArchiveItem(
                    handle=f"b{n:07d}",
                    session_guid=guids[n],
                    event_slug=f"forum-{when.year}",
                    event_title=f"Resource Sharing Forum {when.year}",
                    session_slug=f"talk-{n}",
                    title=title,
                    abstract=" ".join(rng.choices(words, weights=weights, k=40)),
                    presenters=[{"name": f"Presenter {n % 700}", "affiliation": "A Library"}],
                    starts_at=when,
                    duration_minutes=45,
                    published_at=now,
                    updated_at=now,
                    event_visibility="public",
                    language=LANGUAGE_OF.get(n % 10, "en"),
                )
            )
        await ArchiveItem.insert(*rows)
        await SessionTopic.insert(
            *[
                SessionTopic(session_guid=guids[n], topic=topics[n % len(topics)])
                for n in range(start, min(start + 500, sessions))
            ]
        )
        await Recording.insert(
            *[
                Recording(session_guid=guids[n], kind="audio", url="https://media.example.org/x.mp3", created_at=now)
                for n in range(start, min(start + 500, sessions))
            ]
        )
    recordings = {r["session_guid"]: r["id"] for r in await Recording.select(Recording.id, Recording.session_guid)}
    for start in range(0, sessions, 500):
        await CaptionTrack.insert(
            *[
                CaptionTrack(
                    recording=recordings[guids[n]],
                    vtt="WEBVTT\n",
                    language=LANGUAGE_OF.get(n % 10, "en"),
                    created_at=now,
                )
                for n in range(start, min(start + 500, sessions))
            ]
        )
    tracks = {r["recording"]: r["id"] for r in await CaptionTrack.select(CaptionTrack.id, CaptionTrack.recording)}
    await _write_cues(
        database_url, engine, [(tracks[recordings[g]], g) for g in guids], rng, words, weights, cues_per_session
    )
    began = time.perf_counter()
    await reindex_all()
    built = time.perf_counter() - began
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    return built


async def _write_cues(
    database_url: str,
    engine: object,
    tracks: list[tuple[int, uuid.UUID]],
    rng: random.Random,
    words: list[str],
    weights: list[float],
    per_session: int,
) -> None:
    """A million rows go in through the database driver: the ORM would spend minutes building objects."""
    rows = []
    spoken = {
        code: (words, zipf_weights(len(words))) for code, words in (("es", SPANISH), ("de", GERMAN), ("fr", FRENCH))
    }
    for number, (track, guid) in enumerate(tracks):
        language = LANGUAGE_OF.get(number % 10, "en")
        vocabulary_here, weights_here = spoken.get(language, (words, weights))
        for n, text in enumerate(cue_texts(rng, per_session, vocabulary_here, weights_here)):
            rows.append((track, str(guid) if database_url.startswith("sqlite") else guid, n * 4.0, n * 4.0 + 3.8, text))
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            connection.executemany(
                'INSERT INTO cue (caption, session_guid, start, "end", text) VALUES (?, ?, ?, ?, ?)', rows
            )
        return
    async with engine.pool.acquire() as connection:  # type: ignore[attr-defined]
        await connection.copy_records_to_table(
            "cue", records=rows, columns=["caption", "session_guid", "start", "end", "text"]
        )


async def raw_timings(database_url: str, queries: dict[str, tuple[str, tuple]], rounds: int) -> dict[str, list[float]]:
    """The engine's own queries for each search (ranking with facets, then moments), in-process."""
    from archive.search.engine import SearchScope
    from archive.search.indexing import search_engine
    from archive.search.query import parse_query
    from archive.tables import ArchiveItem
    from server.database import engine_from_url, use_engine

    engine = engine_from_url(database_url)
    use_engine(engine)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=2)
    search = search_engine()
    event_ids = frozenset(
        r["event_id"] for r in await ArchiveItem.select(ArchiveItem.event_id).distinct() if r["event_id"] is not None
    )
    timings: dict[str, list[float]] = {name: [] for name in queries}
    for _ in range(rounds):
        for name, (text, filters) in queries.items():
            query = parse_query(text)
            began = time.perf_counter()
            found = await search.search_items(query, SearchScope(event_ids, filters), 20, 0)
            await search.moments(query, [hit.item_id for hit in found.hits], 3)
            timings[name].append(time.perf_counter() - began)
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    return timings


def http_timings(
    url: str, queries: dict[str, tuple[str, tuple]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    timings: dict[str, list[float]] = {name: [] for name in queries}
    totals: dict[str, int] = {}
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(rounds):
            for name, (text, filters) in queries.items():
                began = time.perf_counter()
                response = client.get("/api/v1/archive/search", params=[("q", text), *filters])
                timings[name].append(time.perf_counter() - began)
                response.raise_for_status()
                totals[name] = response.json()["total"]
    return timings, totals


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def postgres_database() -> str:
    import asyncpg

    name = f"hallway_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres_database(url: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(ADMIN_URL)
    await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    await admin.close()


def run_backend(backend: str, sessions: int, cues: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        database_url = (
            asyncio.run(postgres_database()) if backend == "postgres" else f"sqlite:///{var_dir}/hallway.sqlite3"
        )
        try:
            began = time.perf_counter()
            built = asyncio.run(generate(database_url, Path(var_dir) / "media", sessions, cues))
            print(
                f"\n{backend}: {sessions:,} sessions, {sessions * cues:,} cues generated in "
                f"{time.perf_counter() - began - built:.0f} s; index built in {built:.1f} s "
                f"({sessions * cues / built:,.0f} cues/s)"
            )
            typical = vocabulary(20_000)[TYPICAL_RANK]
            queries = {
                "typical term": (typical, ()),
                "common term": (COMMON, ()),
                "phrase": (PHRASE, ()),
                "typical term + facet": (typical, (("year", "2021"),)),
                "Spanish words": (SPANISH_TERM, ()),
            }
            raw = asyncio.run(raw_timings(database_url, queries, rounds))
            env = {key: value for key, value in os.environ.items() if not key.startswith("HALLWAY_")}
            env.update(
                HALLWAY_VAR_DIR=var_dir,
                HALLWAY_DATABASE_URL=database_url,
                HALLWAY_SECRET_KEY="bench-secret-key-long-enough-0123456789abcdef",
            )
            port = free_port()
            with process_serving([HALLWAY, "serve", "--port", str(port)], port, "/healthz", env) as url:
                http_timings(url, queries, 2)  # warm the server's caches as real traffic would
                served, totals = http_timings(url, queries, rounds)
            print(
                f"{'search':<24}{'matches':>9}{'HTTP p50':>10}{'HTTP p95':>10}{'raw p50':>10}{'raw p95':>10}"
                f"{'ratio p50':>11}"
            )
            for name in queries:
                ratio = statistics.median(served[name]) / statistics.median(raw[name])
                print(
                    f"{name:<24}{totals[name]:>9,}{percentile(served[name], 0.5):>10.1f}"
                    f"{percentile(served[name], 0.95):>10.1f}{percentile(raw[name], 0.5):>10.1f}"
                    f"{percentile(raw[name], 0.95):>10.1f}{ratio:>11.2f}"
                )
        finally:
            if backend == "postgres":
                asyncio.run(drop_postgres_database(database_url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 sessions with 100,000 cues")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    sessions, rounds = (1_000, 15) if args.quick else (10_000, 40)
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        run_backend(backend, sessions, 100, rounds)
    print("\nTargets: typical-term p95 < 100 ms end to end; end to end <= 1.5x raw; common term < 300 ms.")


if __name__ == "__main__":
    main()
