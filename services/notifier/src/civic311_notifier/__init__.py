"""civic311 notifier: tells residents about every change of their request, and followers of an
original about every change of it, by e-mail and signed webhooks, once per event and recipient.

That work arrives with its own issue; until then the service consumes the request events and logs them.
"""
