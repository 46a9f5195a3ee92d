"""Migrations app for `sessions`: Q&A settings, questions, votes, answers and polls."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from sessions.tables import Answer, Poll, PollVote, QaSettings, Question, QuestionVote

APP_CONFIG = AppConfig(
    app_name="sessions",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[QaSettings, Question, QuestionVote, Answer, Poll, PollVote],
    migration_dependencies=["events.piccolo_app"],
)
