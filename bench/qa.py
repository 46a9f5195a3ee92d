"""Live Q&A under a vote storm: many people watching one session while some of them vote.

    .venv/bin/python bench/qa.py [--quick]

Every watcher knows the final counts in advance (the voting plan is fixed), so
each measures when its page first shows all of them. Figures: votes sent per
second, time from the last vote until every watcher shows the final counts,
lost or double votes in the database (must be 0), against a bare
python-socketio server that counts in memory and broadcasts every vote.
"""

from __future__ import annotations

import sys

# bench/calendar.py is named for its area and would shadow the standard library's calendar module.
sys.path.append(sys.path.pop(0))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import logged_in_people, free_port, process_serving  # noqa: E402

SESSION = "fifty-years-after-contu-copyright-guidelines-in-a-licensed-world"
EVENT = "resource-sharing-forum"


@dataclass(frozen=True)
class Load:
    watchers: int
    voters: int
    questions: int
    votes_each: int
    processes: int


QUICK = Load(watchers=300, voters=60, questions=20, votes_each=10, processes=2)
FULL = Load(watchers=1000, voters=200, questions=50, votes_each=25, processes=4)


def plan(load: Load, question_ids: list[int]) -> dict[int, list[int]]:
    """Which questions each voter votes on (fixed, so everyone can know the final counts)."""
    generator = random.Random(7)
    return {voter: generator.sample(question_ids, load.votes_each) for voter in range(load.voters)}


async def _watchers(
    url: str,
    cookies: list[str],
    voter_numbers: list[int | None],
    votes: dict[int, list[int]],
    final: dict[str, int],
    out: "multiprocessing.Queue",
    ready: "multiprocessing.Event",
    go: "multiprocessing.Event",
) -> None:
    import socketio

    done_at: list[float] = []
    clients = []

    async def open_one(cookie: str) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        seen: dict[str, int] = {}

        def on_votes(update: dict) -> None:
            seen.update(update["counts"])

            if (
                len(done_at) < len(clients) + 1
                and all(seen.get(k) == v for k, v in final.items())
                and not getattr(client, "done", False)
            ):
                client.done = True  # type: ignore[attr-defined]
                done_at.append(time.time())

        client.on("votes", on_votes, namespace="/qa")
        await client.connect(
            url,
            namespaces=["/qa"],
            transports=["websocket"],
            wait_timeout=60,
            headers={"Cookie": f"hallway_session={cookie}"} if cookie else {},
        )
        answer = await client.call("watch", {"event": EVENT, "session": SESSION}, namespace="/qa", timeout=60)
        assert answer.get("ok"), answer
        return client

    for start in range(0, len(cookies), 50):
        clients += await asyncio.gather(*(open_one(c) for c in cookies[start : start + 50]))
    ready.set()
    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    started = time.time()

    async def vote_all(client: socketio.AsyncClient, voter: int) -> int:
        sent = 0
        for question in votes[voter]:
            answer = await client.call(
                "vote",
                {"event": EVENT, "session": SESSION, "question": question, "voter": str(voter)},
                namespace="/qa",
                timeout=60,
            )
            assert answer.get("ok"), answer
            sent += 1
        return sent

    sent = sum(await asyncio.gather(*(vote_all(c, v) for c, v in zip(clients, voter_numbers) if v is not None)))
    finished = time.time()
    deadline = time.time() + 30
    while len(done_at) < len(clients) and time.time() < deadline:
        await asyncio.sleep(0.05)
    out.put(
        {
            "sent": sent,
            "started": started,
            "finished": finished,
            "done": len(done_at),
            "watchers": len(clients),
            "last_final": max(done_at) if done_at else float("nan"),
        }
    )
    for client in clients:
        await client.disconnect()


def watcher_process(*args: object) -> None:
    asyncio.run(_watchers(*args))  # type: ignore[arg-type]


def run(url: str, cookies: list[str], load: Load, question_ids: list[int]) -> dict[str, float]:
    votes = plan(load, question_ids)
    final = {str(q): sum(q in chosen for chosen in votes.values()) for q in question_ids}
    final = {k: v for k, v in final.items() if v}
    people = [(cookies[n] if n < len(cookies) else "", n if n < load.voters else None) for n in range(load.watchers)]
    chunks = [people[n :: load.processes] for n in range(load.processes)]
    out: multiprocessing.Queue = multiprocessing.Queue()
    go = multiprocessing.Event()
    readies, processes = [], []
    for chunk in chunks:
        ready = multiprocessing.Event()
        process = multiprocessing.Process(
            target=watcher_process,
            args=(url, [c for c, _ in chunk], [v for _, v in chunk], votes, final, out, ready, go),
        )
        process.start()
        readies.append(ready)
        processes.append(process)
    for ready in readies:
        ready.wait(timeout=600)
    go.set()
    results = [out.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    started = min(r["started"] for r in results)
    finished = max(r["finished"] for r in results)
    return {
        "votes": sum(r["sent"] for r in results),
        "votes_per_second": sum(r["sent"] for r in results) / (finished - started),
        "settled_after_last_vote": max(r["last_final"] for r in results) - finished,
        "watchers_final": sum(r["done"] for r in results),
        "watchers": sum(r["watchers"] for r in results),
        "expected": final,
    }


async def prepare(var_dir: str, load: Load) -> tuple[list[int], list[str]]:
    import uuid

    from events.access import event_access
    from events.demo import load_demo
    from events.releases import published_programme
    from server.database import engine_from_url, migrate, use_engine
    from sessions.tables import Phase, Question, QuestionStatus

    use_engine(engine_from_url(f"sqlite:///{var_dir}/hallway.sqlite3"))
    await migrate()
    await load_demo()
    event_id = (await event_access(EVENT, None)).event_id
    session = (await published_programme(event_id)).session(SESSION)
    ids = []
    for number in range(load.questions):
        question = Question(
            event=event_id,
            session_guid=uuid.UUID(session.guid),
            body=f"Storm question {number}",
            phase=Phase.during,
            status=QuestionStatus.visible,
            created_at=datetime.now(timezone.utc),
        )
        await question.save()
        ids.append(question.id)
    cookies = await logged_in_people(var_dir, load.voters, "voter")
    return ids, cookies


async def stored_counts(question_ids: list[int]) -> dict[str, int]:
    from sessions.tables import QuestionVote

    rows = await QuestionVote.select(QuestionVote.question).where(QuestionVote.question.is_in(question_ids))
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row["question"])] = counts.get(str(row["question"]), 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, under a minute or two")
    args = parser.parse_args()
    load = QUICK if args.quick else FULL
    hallway = str(Path(sys.executable).with_name("hallway"))
    with tempfile.TemporaryDirectory() as var_dir:
        ids, cookies = asyncio.run(prepare(var_dir, load))
        env = {key: value for key, value in os.environ.items() if not key.startswith("HALLWAY_")}
        env.update(HALLWAY_VAR_DIR=var_dir, HALLWAY_SECRET_KEY="bench-secret-key-long-enough-0123456789abcdef")
        port = free_port()
        with process_serving([hallway, "serve", "--port", str(port)], port, "/healthz", env) as url:
            ours = run(url, cookies, load, ids)
        stored = asyncio.run(stored_counts(ids))
    # Both the vote rows and the counts pages show must match the plan.
    wrong = sum(abs(stored.get(k, 0) - v) for k, v in ours["expected"].items())
    port = free_port()
    bare_command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(__file__).parent / "baselines"),
        "bare_qa_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with process_serving(bare_command, port, "/socket.io/?EIO=4&transport=websocket") as url:
        bare = run(url, [""] * load.voters, load, ids)
    print(
        f"\nQ&A vote storm: {load.watchers} watching, {load.voters} voting {load.votes_each} times each on "
        f"{load.questions} questions, {load.processes} client processes, 1 server worker"
    )
    print(f"{'measure':<46}{'hallway':>12}{'bare socketio':>16}{'ratio':>8}")
    for name, key in (
        ("votes sent", "votes"),
        ("votes per second", "votes_per_second"),
        ("final counts on every page, s after last vote", "settled_after_last_vote"),
        ("watchers showing the final counts", "watchers_final"),
    ):
        mine, theirs = float(ours[key]), float(bare[key])
        print(f"{name:<46}{mine:>12.2f}{theirs:>16.2f}{(mine / theirs if theirs else float('nan')):>8.2f}")
    print(f"{'lost or double votes in the database':<46}{wrong:>12d}")


if __name__ == "__main__":
    main()
