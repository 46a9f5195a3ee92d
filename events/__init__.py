"""The programme: events, members and roles, tracks, rooms, sessions, presenters, releases."""
