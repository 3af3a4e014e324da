"""The durable inbox's moving parts: `pool` (the threads that claim and process
items in a web instance) and `worker` (the separate worker process,
`python -m bot.worker`). The inbox's rows live in `bot.store.inbox`."""
