"""The search postings kept between the served and the offline build (search.build_cached)."""
from xinyu import search, site


def _docs(prefix: str):
    return [search.Doc(url=f"{prefix}{n}", title=f"第{n}课 情绪小怪兽", uri=f"lessons/grade-0{n}/x.md", kind="lesson",
                       grades=(n,), semester="autumn", summary="认识情绪", sections=[("a", "暖身", f"认识情绪 第{n}段")])
            for n in range(1, 4)]


def test_same_text_under_other_addresses_reuses_the_postings_and_writes_the_new_addresses(tmp_path, monkeypatch):
    strings = site.strings()["zh"]
    served = search.build_cached(_docs("lessons/x/"), "zh", strings, tmp_path)
    made = []
    real = search.build
    monkeypatch.setattr(search, "build", lambda *a, **k: made.append(1) or real(*a, **k))
    offline = search.build_cached(_docs("lessons/x.html#"), "zh", strings, tmp_path)
    assert made == []                                                     # from the cache
    fresh = real(_docs("lessons/x.html#"), "zh", strings)
    assert offline == fresh                                               # the same as made anew
    assert offline != served
    changed = _docs("lessons/x/")
    changed[0].sections = [("a", "暖身", "另一段话")]
    search.build_cached(changed, "zh", strings, tmp_path)
    assert made == [1]                                                    # other text: made again
    monkeypatch.setenv("XINYU_SEARCH_CACHE", "0")
    search.build_cached(changed, "zh", strings, tmp_path)
    assert made == [1, 1]
