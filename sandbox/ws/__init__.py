"""Feishu's long connection ("receive events through persistent connection", 长连接), as the
unmodified `lark.ws.Client` of lark-oapi speaks it.

1. The SDK POSTs `{"AppID", "AppSecret"}` to `<domain>/callback/ws/endpoint`
   (sandbox/api/long_connection.py) and gets `{code: 0, data: {URL, ClientConfig}}`; a wrong
   secret is refused with code 10014, which the SDK treats as final.
2. It dials `URL`, a WebSocket served by `LongConnections` (server.py) with the one-time ticket
   discovery put in the query, and speaks protobuf frames (frames.py): it pings every
   `PingInterval` s and gets a pong carrying the current `ClientConfig`; the sandbox pushes
   events and card callbacks as data frames (split into `sum`/`seq` parts above the frame
   limit) and the client acks each with an HTTP-like status, a callback's answer inside.
3. Once an app has discovered the endpoint, sandbox/delivery.py sends its events and callbacks
   over one of its connections instead of POSTing them; an event without an ack (no
   connection, cut, no answer within 3 s, status 500) is re-delivered like an HTTP one.

Why a server thread on its own port: the sandbox runs inside `python app.py` (Werkzeug's
development server) and under gunicorn's sync workers, neither of which can hold a WebSocket
without tying up a request thread or worker per connection and changing how the app is served.
`websockets` (already installed with lark-oapi, well kept, with a threaded sync server) serves
the connections from a daemon thread on a loopback port the OS picks when the first client
discovers the endpoint; discovery hands out the full URL, so nobody configures or even sees
the port. It binds the app's HOST, so whoever reaches discovery reaches the socket.
One process holds the connections: run the sandbox demo with `python app.py`, not several
gunicorn workers.

Card callbacks go as data frames of type `event` (the new `card.action.trigger`); the SDK
drops legacy `type=card` frames without an ack, so the sandbox does not send them.
"""
from sandbox.ws.server import Answer, ClientConfig, LongConnections

__all__ = ["Answer", "ClientConfig", "LongConnections"]
