"""plain-read: python-calamine reads the register's sheet, nothing else."""

import sys

from python_calamine import CalamineWorkbook

CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2]).to_python()
