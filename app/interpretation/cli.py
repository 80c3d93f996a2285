import click
from flask_babel import gettext as _

from app.events.models import Event
from app.extensions import db
from app.interpretation import rules
from app.interpretation import services


@click.command("assign-interpreters")
@click.argument("event_id", type=int)
def assign_interpreters_command(event_id):
    """Fill every open interpretation channel of EVENT_ID under the staffing rules."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(_("No event has that number."))
    report = services.auto_assign(event)
    db.session.commit()
    click.echo(f"proposed={len(report.added)} filled={len(report.filled)} "
               f"unfilled={len(report.unfilled)}")
    for channel, reason in report.unfilled:
        click.echo(f"  {channel.session.title} [{rules.lang(channel.language_code)}]: "
                   f"{reason}")
