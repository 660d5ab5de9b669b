"""Test-wide settings.

pytest-xdist already runs one worker per core; BLAS threads on top of that oversubscribe the
cores, and OpenBLAS's waiting threads spin: two notebooks side by side took five times as long
as one alone. So each worker (and the notebook kernels and MPI ranks it starts, which inherit its
environment) uses one BLAS thread. Set before numpy is imported, which reads them once.
"""
import os

if "PYTEST_XDIST_WORKER" in os.environ:
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
