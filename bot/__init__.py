"""newswatch: news alerting for Telegram and Slack."""

__version__ = "0.1.0"
