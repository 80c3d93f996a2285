"""What a session's programme holds about people (see app.core.personal_data): the roles an
account holds in sessions and the materials it downloaded are the person's; a guest speaker
without an account is named by the organisers who added them (their name, organisation and
country are personal, erased with the row when the organisers remove them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.programme.models import MaterialDownload
from app.programme.models import SessionMaterial
from app.programme.models import SessionRole


def _export(user) -> list[dict]:
    roles = [row(role, "session_id role named_in_programme created_dt", item="role")
             for role in db.session.scalars(select(SessionRole).where(
                 SessionRole.user_id == user.id).order_by(SessionRole.id))]
    downloads = [row(download, "downloaded_dt", item="download",
                     session_id=material.session_id, resource_id=material.resource_id)
                 for download, material in db.session.execute(
                     select(MaterialDownload, SessionMaterial).join(SessionMaterial)
                     .where(MaterialDownload.user_id == user.id)
                     .order_by(MaterialDownload.id))]
    return roles + downloads


def _erase(erasure: Erasure) -> None:
    """An erased person is no longer anyone's speaker, and never downloaded anything."""
    for model in (SessionRole, MaterialDownload):
        db.session.execute(delete(model).where(model.user_id == erasure.user.id)
                           .execution_options(synchronize_session=False))


HOLDINGS.add("programme", Holding(
    _l("Roles in session programmes and materials downloaded"),
    {
        "programme_roles": columns(
            not_personal="id session_id role position created_dt",
            personal="user_id guest_name guest_organisation guest_country "
                     "named_in_programme"),
        "programme_recordings": columns(
            not_personal="id session_id title position stored_name original_name media_type "
                         "size_bytes video_url created_dt"),
        "programme_recording_subtitles": columns(not_personal="recording_id language_code"),
        "programme_materials": columns(
            not_personal="id session_id resource_id position added_dt"),
        "programme_downloads": columns(not_personal="id material_id",
                                       personal="user_id downloaded_dt"),
    },
    export=_export, erase=_erase))
