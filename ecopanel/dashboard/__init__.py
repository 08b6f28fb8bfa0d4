"""The staff's dashboard (``/dashboard``, Office and provinces): their work across the domains and the
programme at a glance, drawn as server-side SVG charts. It spans parks, the pool and panels, so it lives in
the roof; every number comes from the owning domain's services, filtered to the caller's scope."""
