"""Side by side with the Terraform peers (issue 14): ``python -m benchmarks peers [N ...]``.

* :mod:`benchmarks.peers.declarations`: the same declarations three ways (our stack config,
  HCL for ``elastic/elasticstack`` and for ``elastic/ec``) for N = 10, 100, 500;
* :mod:`benchmarks.peers.driver`: runs them on a sandbox and prints the table;
* :mod:`benchmarks.peers.observe`: records exactly what each peer sends, operation by operation;
* :mod:`benchmarks.peers.recorder`: the recording proxy behind ``observe``;
* :mod:`benchmarks.peers.terraform`: hermetic Terraform runs with the providers of ``.peers/bin``.

The peers themselves come from ``make peers`` (tools/peers/build.sh, versions pinned in
tools/peers/versions); without them every entry point says so in one line and does nothing.
"""

from __future__ import annotations


def main(counts: list[int] | None = None) -> None:
    from benchmarks.peers import driver

    driver.main([str(n) for n in counts or ()])
