"""Chat adapters: Telegram, Slack, console."""
