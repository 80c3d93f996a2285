"""What the accounts feature announces, so features holding a person's secrets act on it
without auth importing them."""

from blinker import Namespace

_signals = Namespace()

account_deactivated = _signals.signal("account-deactivated")
"""Sent with the user (as sender) when an organiser deactivates the account, in the same
transaction: receivers revoke what would keep working without a sign-in (a calendar feed's
secret address)."""
