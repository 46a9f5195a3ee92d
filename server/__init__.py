"""Infrastructure every package may use, plus the composition root (``app.py``, ``cli.py``)."""
