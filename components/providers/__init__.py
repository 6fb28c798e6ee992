"""Pulumi dynamic-provider adapters: thin, rules in ``components.core``.

Module paths and class names here are saved in Pulumi state (providers are pickled by
reference): do not move or rename them casually.
"""
