"""Live networking: lounges, tables, chat, presence, directory and speed networking."""
