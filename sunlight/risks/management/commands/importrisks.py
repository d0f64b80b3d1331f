"""`importrisks FILE`: import a risk register workbook (all or nothing), with progress."""

from sunlight.powers.importing import ImportCommand
from sunlight.risks import excel


class Command(ImportCommand):
    help = "Import a risk register workbook through the actions; on any bad row nothing is written."
    importer = staticmethod(excel.import_workbook)
    what = "risk points"
