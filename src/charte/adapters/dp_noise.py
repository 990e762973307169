"""Differentially private counts drawn by OpenDP (``services.datasets.NoiseSource``): no noise of
charte's own making.

The counts form one vector, each person in one cell: adding or removing a person changes it by
1 in L1 distance. OpenDP's discrete Laplace mechanism on integers (``make_laplace`` over a vector
of ``int``) is built with the scale 1/ε, and the ε reported is the library's own privacy map at
that distance — the loss charged to the dataset's budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

from charte.services.dataset_ports import Noisy
from charte.services.errors import NotReady


class OpenDpNoise:
    def counts(self, true: Sequence[int], epsilon: float) -> Noisy:
        try:
            import opendp.prelude as dp  # loaded for a differentially private build only
        except ImportError as e:
            raise NotReady(
                "differentially private counts are drawn by OpenDP: pip install 'charte[datasets]'"
            ) from e

        dp.enable_features("contrib")  # OpenDP's own flag for mechanisms its committee has not vetted yet
        space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
        scale = 1.0 / epsilon
        measurement = space >> dp.m.then_laplace(scale=scale)
        spent = float(measurement.map(1))
        values = measurement(list(true))
        return Noisy(
            tuple(int(v) for v in values),
            spent,
            scale,
            f"discrete Laplace (OpenDP {version('opendp')})",
        )
