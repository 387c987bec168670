"""Benchmarks run by hand (`make bench`), not by the test suite: see bench/README.md.

- the tour solver's: ``tours`` (with ``brussels``, the generated evenings);
- the load's: ``load`` (the command line) runs the echo bot (``echo``) and the real bot as
  processes (``processes``) against the emulator (``emulated``) on a seeded network
  (``network``, ``history``, ``databases``), plays the mix (``mix``) and takes the measures
  (``measures``, ``sheets``, ``render``), printed by ``table``; ``profile`` samples the bot
  under the mix with py-spy.

Nothing of the product imports this package.
"""
