"""The elastic-access Pulumi program: everything is declared in the stack config."""

from components.program import build

build()
