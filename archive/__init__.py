"""The permanent archive: recordings, transcripts, materials, topics, search, feeds, OAI-PMH."""
