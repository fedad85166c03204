"""Reaching people: contact methods, personal notification rules, the channels that deliver
(e-mail, webhook, SMS and voice, chat webhooks, a log), and the delivery log."""
