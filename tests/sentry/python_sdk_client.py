# A small application that reports through the real Python sentry-sdk to the DSN it is given:
# a caught exception, a message, then an uncaught exception (the SDK's excepthook reports it
# and its atexit hook flushes). Run by sentry-sdk.test.ts in the venv the harness made.
import sys

import sentry_sdk

sentry_sdk.init(dsn=sys.argv[1], release="shop@2.0.0", environment="test", traces_sample_rate=0)
sentry_sdk.set_tag("plan", "pro")


def checkout():
    raise ValueError("python checkout failed")


try:
    checkout()
except ValueError:
    sentry_sdk.capture_exception()

sentry_sdk.capture_message("python low stock", level="warning")
sentry_sdk.flush(timeout=10)


def crash():
    return {}["missing"]


crash()
