"""How Feishu's events reach the bot: HTTP callbacks (bot/inbound.py: the Flask blueprint and
lark-oapi's dispatcher) or the long connection (ws.py: lark.ws.Client, no public URL). Both
build their dispatcher with the same registrations (`inbound.event_handler`) and only verify
and put the event in the durable inbox; nothing downstream knows which one brought it."""
