from django.test import SimpleTestCase

from sunlight.orgs.demo_data import UNITS
from sunlight.powers import demo_catalogue
from sunlight.powers.demo_laws import LAWS
from sunlight.powers.models import CATEGORY_CODES


class DemoCatalogueTests(SimpleTestCase):
    def test_it_lists_at_least_the_seeds_2170_powers_across_all_98_units(self) -> None:
        by_unit = {unit.name: demo_catalogue.catalogue_for(unit.name, unit.kind) for unit in UNITS}
        self.assertEqual(len(by_unit), 98)
        self.assertGreaterEqual(sum(len(specs) for specs in by_unit.values()), 2170)
        self.assertTrue(all(by_unit.values()))
        self.assertGreater(len(by_unit["区行政综合执法局"]), 60)  # mostly penalties
        names = {spec.name for spec in by_unit["区水务局"]}
        self.assertLessEqual({"取水许可", "水利工程建设项目审批"}, names)
        self.assertIn("政府采购代理机构资格认定", {spec.name for spec in by_unit["区财政局"]})
        self.assertIn("最低生活保障对象初审", {spec.name for spec in by_unit["桥驿镇"]})

    def test_it_cites_real_laws_and_valid_categories(self) -> None:
        types = set(CATEGORY_CODES.values())
        for unit in UNITS:
            for spec in demo_catalogue.catalogue_for(unit.name, unit.kind):
                self.assertIn(spec.law, LAWS, spec)
                self.assertIn(spec.type, types, spec)
                self.assertTrue(LAWS[spec.law][0].startswith("《"))
        entrusted = [s for s in demo_catalogue.catalogue_for("铜官镇", "township") if s.entrusted_by]
        self.assertTrue(entrusted)

    def test_it_cites_articles_the_way_chinese_law_does(self) -> None:
        cases = {
            1: "第一条",
            10: "第十条",
            19: "第十九条",
            42: "第四十二条",
            100: "第一百条",
            105: "第一百零五条",
            110: "第一百一十条",
        }
        for number, text in cases.items():
            self.assertEqual(demo_catalogue.article(number), text)
