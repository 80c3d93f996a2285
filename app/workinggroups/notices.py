"""The notices working groups send: a person added to a group, or taken off it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notices.services import NoticeKind
from app.notices.services import add_kind
from app.notices.services import app_path
from app.notices.services import notify

add_kind(NoticeKind("group_added", _l("You are now a member of the working group %(group)s"),
                    _l("I am added to a working group"), email_default=True))
add_kind(NoticeKind("group_removed",
                    _l("You are no longer a member of the working group %(group)s"),
                    _l("I am taken off a working group"), email_default=True))


def tell_members_changed(group, added, removed) -> None:
    link = app_path("workinggroups.show_group", group_id=group.id)
    notify(added, "group_added", group=group.name, link=link)
    notify(removed, "group_removed", group=group.name, link=app_path("workinggroups.list_groups"))
