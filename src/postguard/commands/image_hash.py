"""``postguard image-hash``: the perceptual hashes of embargoed pictures, for a pack's ``image_hashes``.

A pack that must not ship the pictures themselves lists their hashes instead
of ``images = [...]``: the output is a TOML line to paste into the
``[[embargo]]`` entry (the whole picture and its reference crops).
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("image-hash")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def image_hash(paths: tuple[Path, ...]) -> None:
    """Print `image_hashes = [...]` for embargoed pictures (paste it into their [[embargo]] entry).

    \b
    Example:
      postguard image-hash press/x9-front.jpg press/x9-side.jpg
    """
    from postguard.images.decode import decode
    from postguard.images.hashing import format_hashes
    from postguard.images.phash import reference_hashes
    from postguard.sources import read_image

    hashes: list[int] = []
    for path in paths:
        hashes.extend(reference_hashes(decode(read_image(path), str(path)).image))
    listed = ", ".join(f'"{h}"' for h in format_hashes(list(dict.fromkeys(hashes))))
    click.echo(f"image_hashes = [{listed}]")
