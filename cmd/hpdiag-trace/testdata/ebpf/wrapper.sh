#!/bin/sh
# A wrapper as entry points are written: it runs helpers, then becomes Python.
date >/dev/null
exec "$@"
