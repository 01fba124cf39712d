"""The Telegram front end: python-telegram-bot in, the conversation engine, Telegram out."""
