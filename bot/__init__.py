"""The doors of the lessons bot: Slack, the web webhook and page, and the command line."""

__version__ = "0.1.0"
