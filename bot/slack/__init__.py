"""The Slack front end (slack-bolt, Socket Mode or HTTP): employees and support staff."""
