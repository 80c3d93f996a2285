"""``flask purge-personal-data``, as cron or two hosts' ``flask jobs`` run it: two copies at
once on one database clear each registration once, and a third run changes nothing."""

from __future__ import annotations

import subprocess

from tests import live


def test_two_purge_commands_at_once_then_again_clear_each_registration_once(
        database, tmp_path):
    kind, url = database
    own = live.fresh_database(kind, url, tmp_path, "purge")
    try:
        env = live.server_env(own)
        live.flask_command(env, "db", "upgrade")
        live.flask_command(env, "seed-demo")
        # The demo's past roundtable: push it a year back, and give its registrations the
        # details retention clears.
        live.app_python(env, (
            "from datetime import date, timedelta; import sqlalchemy as sa; "
            "from app.events.models import Event; from app.registrations.models import "
            "Registration; from app.extensions import db; "
            "old = date.today() - timedelta(days=365); "
            "db.session.execute(sa.update(Event).values(start_date=old, end_date=old)); "
            "db.session.execute(sa.update(Registration).values(dietary_needs='Halal', "
            "passport_number='P7654321')); db.session.commit()"))
        held = int(live.app_python(env, (
            "from sqlalchemy import func, select; from app.registrations.models import "
            "Registration; from app.extensions import db; "
            "print(db.session.scalar(select(func.count(Registration.id))))")))
        assert held > 0
        flask = str(live.BIN / "flask")
        runs = [subprocess.Popen([flask, "purge-personal-data"], cwd=live.ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _copy in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        cleared = sorted(int(out.split("registrations: ")[1].split(",")[0])
                         for out, _err in outputs)
        assert cleared == [0, held], outputs
        again = live.flask_command(env, "purge-personal-data")
        assert "registrations: 0" in again
        left = live.app_python(env, (
            "from sqlalchemy import func, select; from app.registrations.models import "
            "Registration; from app.core.models import AuditRecord; from app.extensions import db; "
            "print(db.session.scalar(select(func.count()).select_from(Registration).where("
            "Registration.passport_number != ''))); "
            "print(db.session.scalar(select(func.count()).select_from(AuditRecord).where("
            "AuditRecord.action == 'personal_data_purged')))")).split()
        events = int(live.app_python(env, (
            "from sqlalchemy import func, select; from app.registrations.models import "
            "Registration; from app.extensions import db; "
            "print(db.session.scalar(select(func.count(Registration.event_id.distinct()))))")))
        assert left == ["0", str(events)]  # one audit entry per event, not per run
    finally:
        if kind == "postgresql":
            live.drop_database(url, own)
