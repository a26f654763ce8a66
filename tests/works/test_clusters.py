"""The works layer on the demo collection: the issue's done-criterion, the API, incremental = rebuild."""

from __future__ import annotations

from tongwen.model import Form, Record, Title
from tongwen.store import Store
from tongwen.works.store import Works

from .conftest import load_demo_into


def test_hongloumeng_from_three_libraries_is_one_work(demo_works):
    _, works = demo_works
    info = works.cluster_of("nlc-demo:oai:nlc-demo:nlc0001")  # 红楼梦 / Hong lou meng / 紅樓夢
    assert "ndl-demo:ndl0019" in info.members  # 紅楼夢 (Kōrōmu), NDL
    assert "nlk-demo:nlk0003" in info.members  # 紅樓夢 (Hongnumong), NLK manuscript
    assert "nlb-demo:nlb0002" in info.members  # A dream of red mansions, variant 红楼梦, NLB
    assert {"NDL", "NLC", "NLK"} <= set(info.institutions)
    assert info.held_by.startswith("held by ")


def test_false_friends_stay_apart(demo_works):
    _, works = demo_works
    chunhyang = works.cluster_of("nlk-demo:nlk0001")  # 烈女春香守節歌 / 춘향전
    assert "nlv-demo:oai:nlv-demo:nlv0025" not in chunhyang.members  # 胡春香 (Hồ Xuân Hương)
    assert works.cluster_of("nlb-demo:nlb0023").work_id != works.cluster_of("nlb-demo:nlb0024").work_id


def test_clusters_for_a_page_of_results(demo_works):
    _, works = demo_works
    found = works.clusters_for(["ndl-demo:ndl0001", "no:such", "nlb-demo:nlb0016"])
    assert set(found) == {"ndl-demo:ndl0001", "nlb-demo:nlb0016"}
    assert found["ndl-demo:ndl0001"].work_id == found["nlb-demo:nlb0016"].work_id
    work = found["ndl-demo:ndl0001"]
    assert works.work_members(work.work_id) == work.members
    assert "ndl-demo:ndl0001" in works.edition_members(work.edition_id)


def _partition(works: Works, ids: list[str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record_id, info in works.clusters_for(ids).items():
        groups.setdefault(info.work_id, set()).add(record_id)
    return {frozenset(g) for g in groups.values()}


def test_incremental_update_matches_a_rebuild(tmp_path):
    path = tmp_path / "tongwen.sqlite"
    with Store.open(path) as store, Works.open(path) as works:
        load_demo_into(store)
        works.update(store)
        assert works.update(store).changed == 0  # nothing new: nothing re-keyed
        store.delete("nlc-demo:oai:nlc-demo:nlc0001")
        store.upsert(Record("lc", "1", languages=["chi"], content_type="book",
                            titles=[Title([Form("Hong lou meng", "Latn")])]))
        store.upsert(Record("lc", "2", languages=["chi"], content_type="book",
                            titles=[Title([Form("紅樓夢", "Hant")])]))
        report = works.update(store)
        assert (report.changed, report.deleted) == (2, 1)
        assert works.cluster_of("nlc-demo:oai:nlc-demo:nlc0001") is None
        assert "lc:1" in works.cluster_of("lc:2").members  # romanized-only meets vernacular-only
        ids = [r.id for r in store.iter_records(with_original=False)]
        incremental = _partition(works, ids)
        works.rebuild(store)
        assert _partition(works, ids) == incremental


def test_cluster_command_reports_a_summary(tmp_path):
    from click.testing import CliRunner

    from tongwen.config import Settings
    from tongwen.works.commands import cluster

    settings = Settings.load(tmp_path)
    with Store.open(settings.database) as store:
        store.upsert(Record("nlc", "1", languages=["chi"], titles=[Title([Form("红楼梦", "Hans")])]))
        store.upsert(Record("ndl", "2", languages=["jpn"], titles=[Title([Form("紅楼夢", "Hani")])]))
    result = CliRunner().invoke(cluster, ["--rebuild"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "1 works (1 with several records)" in result.output
    missing = CliRunner().invoke(cluster, [], obj=Settings.load(tmp_path / "empty"))
    assert missing.exit_code != 0 and "import some records first" in missing.output
