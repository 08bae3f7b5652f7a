"""The HTTP service: app factory, runner, routers, settings and the command line."""
