"""The ``empathy`` command: a thin layer over the library. Each group of commands lives in its own module."""

from __future__ import annotations

import os
import sys

import click

from ..errors import EmpathyError
from ..plugins import register_commands
from . import check, core, data, score


class EmpathyGroup(click.Group):
    """Turn library errors into one line on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EmpathyError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except Exception as e:  # a bug: still one line unless asked for the trace
            if os.environ.get("EMPATHY_DEBUG"):
                raise
            click.echo(f"Error: unexpected {type(e).__name__}: {e} (set EMPATHY_DEBUG=1 for a traceback)", err=True)
            sys.exit(2)


@click.group(cls=EmpathyGroup)
@click.version_option(package_name="empathy-editor")
def cli():
    """Empathy Editor: edit physicians' replies for empathy without changing a medical fact."""


def _register():
    for command in (core.edit, core.generate, core.models, core.serve):
        cli.add_command(command)
    for module in (check, score, data):
        module.register(cli)
    register_commands(cli)  # plugins: the training commands


_register()
