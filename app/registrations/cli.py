import click

from app.registrations.calendar_hooks import send_reminders


@click.command("send-reminders")
def send_reminders_command():
    """Queue the day-before reminders (idempotent; safe on several hosts at once)."""
    click.echo(f"reminders={send_reminders()}")
