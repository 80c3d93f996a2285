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
add_kind(NoticeKind("group_meeting_moved",
                    _l("%(group)s: the meeting of %(was)s is moved to %(when)s"),
                    _l("A meeting of my working group is moved off a holiday"),
                    detail=_l("It fell on a public holiday or a weekend in a member's country."),
                    email_default=True, times=("was", "when")))
add_kind(NoticeKind("group_action_assigned",
                    _l("%(group)s: an action is yours: %(action)s"),
                    _l("An action of a working-group meeting is given to me"),
                    email_default=True))


def tell_meeting_moved(group, members, *, was, when) -> None:
    """Working groups send no calendar email: the notice (and its email) is how members
    learn; their feeds carry the change."""
    notify(members, "group_meeting_moved", group=group.name, was=was, when=when,
           link=app_path("workinggroups.show_group", group_id=group.id))


def tell_action_owner(group, owner, action_text: str, meeting_key: str) -> None:
    notify([owner], "group_action_assigned", group=group.name, action=action_text,
           link=app_path("workinggroups.show_meeting", group_id=group.id, key=meeting_key))
