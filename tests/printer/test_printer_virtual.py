"""The virtual printer: each job saved as its exact bytes and a picture of them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from printer.device import TicketPrinter
from printer.status import PrinterStatus
from printer.ticket import TicketLayout

from .conftest import sample_content


def test_jobs_become_bin_and_png(tmp_path: Path, layout: TicketLayout) -> None:
    folder = tmp_path / "demo-out"  # created on open
    first, second = layout.render(sample_content()), layout.render_test()
    with TicketPrinter(f"virtual://{folder}") as printer:
        assert printer.status() is PrinterStatus.OK
        assert printer.print_job(first, job_name="A042") is PrinterStatus.OK
        assert printer.print_job(second, job_name="print test!") is PrinterStatus.OK
    names = sorted(path.name for path in folder.iterdir())
    assert names == [
        "0001-A042.bin",
        "0001-A042.png",
        "0002-print_test_.bin",
        "0002-print_test_.png",
    ]
    assert (folder / "0001-A042.bin").read_bytes() == first
    with Image.open(folder / "0001-A042.png") as picture:
        picture.verify()
    with Image.open(folder / "0001-A042.png") as picture:
        assert picture.format == "PNG"
        assert picture.width >= 576 and picture.height > 400
        # the big number leaves a lot of black in the picture
        assert picture.convert("L").getextrema()[0] == 0


def test_numbering_continues_after_a_restart(tmp_path: Path, layout: TicketLayout) -> None:
    data = layout.render(sample_content())
    for _ in range(2):
        with TicketPrinter(f"virtual://{tmp_path}?paper_width_dots=384") as printer:
            printer.print_job(data, job_name="A042")
    assert sorted(p.name for p in tmp_path.glob("*.bin")) == ["0001-A042.bin", "0002-A042.bin"]
    with Image.open(tmp_path / "0002-A042.png") as picture:
        assert picture.width == 384 + 32
