"""The template workbench without the web: a template's text checked and every size rendered (bench.py), a
box moved in the text (boxedit.py), the samples it is shown with (samples.py) and a template tried on products
(trial.py). The studio's Templates page reaches it through ``artpipe.api``."""
