"""What the browser tests share: Chromium, its flags, and the responder they log in as."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMAIL = "grace@example.com"
PASSWORD = "correct horse battery"
SERVICES = ("checkout-api", "orders", "payments")
