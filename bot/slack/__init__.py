"""The Slack door: `door` (the listeners of one `SlackDoor`, built by `build_slack_app`),
`conversation` (reading messages and threads), `identity` (who the bot is), `client` (the Web
API client), `http` (`POST /slack/events`) and `socket_mode`. slack-bolt is imported only when
Slack is on: `bot.serve` imports this package then."""
from .door import SlackDoor, build_slack_app
from .http import EVENTS_PATH, mount_slack
from .socket_mode import SocketMode, start_socket_mode

__all__ = ["EVENTS_PATH", "SlackDoor", "SocketMode", "build_slack_app", "mount_slack", "start_socket_mode"]
