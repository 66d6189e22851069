"""TF 1.4's `tf.flags` (tensorflow/python/platform/flags.py before TF 1.5 moved it onto absl), the reference the
TFM289 tests (`codemods/tf1_flags.py`) compare the migrated programs with.

TF 1.4 is not installed here, so its flags module is ported: an argparse wrapper whose `FLAGS._parse_flags(args)`
parses the known flags (`parse_known_args`) into the dictionary `FLAGS.__dict__['__flags']` (flag name -> value)
and returns the arguments it did not know; reading a flag parses first. Read from the tensorflow/tensorflow
repository in the code index (the `_parse_flags(self, args=None)` version that returns `unparsed`); only the
`remove_undocumented` call is left out. Apache License 2.0, Copyright 2015 The TensorFlow Authors.
"""

from __future__ import annotations

import argparse as _argparse

_global_parser = _argparse.ArgumentParser()


class _FlagValues(object):
    """Global container and accessor for flags and their values."""

    def __init__(self):
        self.__dict__["__flags"] = {}
        self.__dict__["__parsed"] = False

    def _parse_flags(self, args=None):
        result, unparsed = _global_parser.parse_known_args(args=args)
        for flag_name, val in vars(result).items():
            self.__dict__["__flags"][flag_name] = val
        self.__dict__["__parsed"] = True
        return unparsed

    def __getattr__(self, name):
        """Retrieves the 'value' attribute of the flag --name."""
        try:
            parsed = self.__dict__["__parsed"]
        except KeyError:
            raise AttributeError(name)
        if not parsed:
            self._parse_flags()
        if name not in self.__dict__["__flags"]:
            raise AttributeError(name)
        return self.__dict__["__flags"][name]

    def __setattr__(self, name, value):
        """Sets the 'value' attribute of the flag --name."""
        if not self.__dict__["__parsed"]:
            self._parse_flags()
        self.__dict__["__flags"][name] = value


def _define_helper(flag_name, default_value, docstring, flagtype):
    """Registers 'flag_name' with 'default_value' and 'docstring'."""
    _global_parser.add_argument("--" + flag_name, default=default_value, help=docstring, type=flagtype)


FLAGS = _FlagValues()


def DEFINE_string(flag_name, default_value, docstring):
    _define_helper(flag_name, default_value, docstring, str)


def DEFINE_integer(flag_name, default_value, docstring):
    _define_helper(flag_name, default_value, docstring, int)


def DEFINE_boolean(flag_name, default_value, docstring):
    # Register a custom function for 'bool' so --flag=True works.
    def str2bool(v):
        return v.lower() in ("true", "t", "1")

    _global_parser.add_argument("--" + flag_name, nargs="?", const=True, help=docstring, default=default_value, type=str2bool)
    # Add negated version, stay consistent with argparse with regard to dashes in flag names.
    _global_parser.add_argument("--no" + flag_name, action="store_false", dest=flag_name.replace("-", "_"))


DEFINE_bool = DEFINE_boolean


def DEFINE_float(flag_name, default_value, docstring):
    _define_helper(flag_name, default_value, docstring, float)
