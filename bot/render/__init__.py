"""Answers rendered for each door, by pure functions: `data` (the JSON contract shared by the
webhook, the API and `lessons search --json`), `text` (the terminal and the webhook's Markdown),
`blocks` (Slack's Block Kit). `markup` escapes and links in mrkdwn and Markdown; `highlight` is the
one policy that marks the query's words in a summary, for every door."""
