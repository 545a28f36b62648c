"""Command-line options and Retrain-tab fields derived from the trainer config dataclasses, as TRL builds its CLI
from field metadata: a new config field appears in ``empathy train`` and (when marked ``ui``) in the app by itself.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, fields

import click

from .trainers import TrainConfig

FROM_SETTINGS = {"threads"}  # given by the model settings (--threads), not by the config options


def flag(f: Field) -> str:
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def kind(f: Field) -> str:
    """bool, flag (an on/off switch with no value), tuple, int, float or str, from the field's annotation."""
    t = str(f.type)
    if t == "bool | str":
        return "flag"
    if t.startswith("bool"):
        return "bool"
    if t.startswith("tuple"):
        return "tuple"
    for name in ("int", "float"):
        if t.startswith(name):
            return name
    return "str"


def default(f: Field):
    return f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]


def config_fields(cls: type[TrainConfig]) -> list[Field]:
    return [f for f in fields(cls) if f.name not in FROM_SETTINGS]


def click_options(cls: type[TrainConfig]):
    """A decorator adding one option per config field; an option left out keeps the config's default."""
    def decorate(fn):
        for f in reversed(config_fields(cls)):
            help_text = f.metadata.get("help", "")
            if default(f) is not None:
                help_text += f" [default: {_show(default(f))}]"
            name = flag(f)
            k = kind(f)
            if k == "bool":
                opt = click.option(f"{name}/--no-{name[2:]}", f.name, default=None, help=help_text)
            elif k == "flag":
                opt = click.option(name, f.name, is_flag=True, default=None, help=help_text)
            else:
                types = {"int": int, "float": float, "tuple": str, "str": str}
                opt = click.option(name, f.name, type=types[k], default=None, help=help_text)
            fn = opt(fn)
        return fn
    return decorate


def config_values(cls: type[TrainConfig], options: dict) -> dict:
    """The options the user gave (not None), keyed by config field."""
    names = {f.name for f in config_fields(cls)}
    return {k: v for k, v in options.items() if k in names and v is not None}


def cli_args(cls: type[TrainConfig], values: dict) -> list[str]:
    """The command-line arguments that give ``values`` (config field -> value) to ``empathy train``."""
    args: list[str] = []
    by_name = {f.name: f for f in config_fields(cls)}
    for name, value in values.items():
        f = by_name[name]
        k = kind(f)
        if k == "bool":
            args.append(flag(f) if value else f"--no-{flag(f)[2:]}")
        elif k == "flag":
            if value:
                args.append(flag(f))
        else:
            args += [flag(f), ",".join(value) if isinstance(value, (list, tuple)) else str(value)]
    return args


def ui_fields(cls: type[TrainConfig]) -> list[Field]:
    """The fields the Retrain tab shows."""
    return [f for f in config_fields(cls) if f.metadata.get("ui")]


def _show(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value)
