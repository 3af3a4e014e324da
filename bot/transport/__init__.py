"""How events arrive: `http` (the Flask blueprint behind lark-oapi's dispatcher)
and `ws` (the long connection). Each only verifies an event and puts it in the inbox."""
