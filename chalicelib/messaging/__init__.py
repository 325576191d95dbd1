"""Text messages: the SMS bodies in six languages (templates), what they cost (segments), what a
client's reply means (keywords) and the providers that deliver them (providers). No storage here:
the outbox and its dispatcher decide what to send and when."""
