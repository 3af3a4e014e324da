"""How events arrive: `http` (the Flask blueprint behind lark-oapi's dispatcher) and `ws` (the
long connection: lark.ws.Client, no public URL). Both build their dispatcher with the same
registrations (`http.event_handler`) and only verify an event and put it in the inbox; nothing
downstream knows which one brought it."""
