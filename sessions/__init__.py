"""What happens around a session: the live page, Q&A, polls and the presenter inbox."""
