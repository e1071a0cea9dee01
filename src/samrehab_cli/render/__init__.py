"""Results for people and programs: one module per family of results, and the table of ``--format`` values
(:mod:`samrehab_cli.render.formats`). Nothing here computes a result."""
