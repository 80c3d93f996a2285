import click

from app.auth import services
from app.extensions import db


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Display name (defaults to the email).")
@click.password_option(envvar="ROUNDTABLE_ORGANISER_PASSWORD",
                       help="Asked for when not given; or set ROUNDTABLE_ORGANISER_PASSWORD.")
def create_organiser_command(email, name, password):
    """Create the first organiser (or make an existing account an organiser)."""
    try:
        user = services.create_organiser(email, name, password)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Organiser ready: {user.email}")
