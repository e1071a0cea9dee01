"""The weekly registration workbook: the template, its rules, validate and the marked copy."""
