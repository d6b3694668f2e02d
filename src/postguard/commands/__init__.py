"""One module per CLI command; cli.py adds them to the click group (see cli.COMMANDS)."""
