"""What a meeting is made of: each session's speakers, facilitators and moderators (accounts
or named guests, named in the programme only as the Chatham House Rule allows), its
pre-recorded items and its materials from the library, downloaded by the session's
registrants, organisers and assigned interpreters.

It sits above library and interpretation (it uses the library's resources and storage, and
asks interpretation who is assigned). Importing its services loads no views: the app factory
plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("personal_data",))
