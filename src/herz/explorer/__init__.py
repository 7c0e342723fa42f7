"""The interactive explorer: ``herz explore`` (needs the ``explorer`` extra).

:mod:`herz.explorer.compute` holds every computation and
:mod:`herz.explorer.figures` every figure; both are plain Python with no
user-interface framework, so notebooks and tests use them directly.
:mod:`herz.explorer.app` is the Streamlit page and the only module that
imports Streamlit.
"""
