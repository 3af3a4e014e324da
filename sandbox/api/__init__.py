"""Flask blueprints of the sandbox Open Platform, one module per resource. Every module here
that defines a module-level `bp` (a Blueprint) is registered by `sandbox.init_app`; `common`
holds what they share."""
