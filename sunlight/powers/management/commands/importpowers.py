"""`importpowers FILE`: import a power list workbook (all or nothing), with progress."""

from sunlight.powers import excel
from sunlight.powers.importing import ImportCommand


class Command(ImportCommand):
    help = "Import a power list workbook through the actions; on any bad row nothing is written."
    importer = staticmethod(excel.import_workbook)
    what = "powers"
