"""CLI commands that live in their own modules (serve, baseline); cli.py adds them to the group."""
