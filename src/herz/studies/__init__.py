"""Named end-to-end studies: configuration, orchestration and threads, above analysis.

A study decides what to run (its scenarios, built through the one scenario reader),
runs it on the experiment layer, analyses the stored results with
:mod:`herz.analysis` and writes its report with :mod:`herz.report`. Lower layers
know nothing of studies.

- :mod:`herz.studies.escape`: the escape map, herz's main job (``herz escape``).
"""
