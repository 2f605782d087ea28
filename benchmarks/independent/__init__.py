"""An independent data set following shared/specs/source-extracts.md, made without
`ecif.generate`: Faker zh_CN people, its own dirt model, row-by-row Python writers.

Match quality measured on it says how well the pipeline handles the problem, not how
well it learned the main generator's quirks.
"""
