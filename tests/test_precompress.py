"""Pre-compressed copies for nginx's gzip_static (xinyu/precompress.py)."""
import gzip

from xinyu.precompress import write_gz


def test_text_files_get_a_reproducible_gz_copy_and_small_or_binary_ones_do_not(tmp_path):
    page = tmp_path / "lessons" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>心理课</p>\n" * 400, encoding="utf-8")
    (tmp_path / "tiny.css").write_text("a{}", encoding="utf-8")
    (tmp_path / "plan.docx").write_bytes(b"PK" + bytes(4000))
    files, before, after = write_gz(tmp_path)
    packed = page.with_name("index.html.gz")
    assert files == 1 and after < before
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    assert not (tmp_path / "tiny.css.gz").exists() and not (tmp_path / "plan.docx.gz").exists()
    first = packed.read_bytes()
    write_gz(tmp_path)
    assert packed.read_bytes() == first          # no time stamp: the same bytes every build
