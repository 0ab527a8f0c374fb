"""Wire models of the SMS v3 and OMS v2 APIs: the one place where each API field is declared.

One module per API area (``common``, ``sources``, ``templates``, ``migprojects``, ``tasks``,
``speed_limits``, ``config``, ``oms``). ``RequestModel`` subclasses validate what is sent (and what the
emulator accepts); ``ResponseModel`` subclasses read what comes back and tolerate the unexpected. Import
from the submodules: this package re-exports nothing, so a process that needs SMS models does not
load the OMS ones too.
"""
