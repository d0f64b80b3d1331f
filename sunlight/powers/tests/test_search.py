import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.powers import search
from sunlight.powers.tests.helpers import draft, publish
from sunlight.test import Personas


class PowerSearchTests(Personas):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        unit, leader = cls.as_actor_of(cls.chief), cls.as_actor_of(cls.leader)
        for code, name in (
            ("CZJ-XK-0001", "政府采购代理机构资格认定"),
            ("CZJ-XK-0002", "建设工程竣工财务决算审批"),
            ("CZJ-JC-0001", "对政府投资建设工程资金支付的监督检查"),
            ("CZJ-GG-0001", "最低生活保障资金发放查询"),
        ):
            category = {"XK": "licensing", "JC": "inspection", "GG": "public_service"}[code[4:6]]
            publish(leader, cls.inspector, draft(unit, cls.finance, code=code, name=name, category=category))
        draft(unit, cls.finance, code="CZJ-XK-0003", name="建设工程未公布的草稿")

    @classmethod
    def as_actor_of(cls, user: User) -> Actor:
        return Actor.of(user)

    def names(self, query: str, **kwargs: object) -> list[str]:
        return [v.name for v in search.search(query, **kwargs)]  # type: ignore[arg-type]

    def test_it_finds_chinese_words_anywhere_in_the_name(self) -> None:
        self.assertEqual(
            self.names("建设工程"), ["建设工程竣工财务决算审批", "对政府投资建设工程资金支付的监督检查"]
        )

    def test_it_finds_two_character_words_without_the_trigram_index(self) -> None:
        self.assertEqual(self.names("低保"), [])
        self.assertEqual(self.names("决算"), ["建设工程竣工财务决算审批"])
        self.assertEqual(self.names("工程 监督"), ["对政府投资建设工程资金支付的监督检查"])

    def test_it_finds_codes_laws_and_categories_in_english(self) -> None:
        self.assertEqual(self.names("czj-gg"), ["最低生活保障资金发放查询"])
        self.assertEqual(len(self.names("政府采购法")), 4)
        self.assertEqual(len(self.names("licensing")), 2)

    def test_it_never_shows_drafts_and_filters_by_category(self) -> None:
        self.assertNotIn("建设工程未公布的草稿", self.names("建设工程"))
        self.assertEqual(
            self.names("建设工程", category="inspection"), ["对政府投资建设工程资金支付的监督检查"]
        )
        self.assertEqual(self.names("建设工程", day=dt.date(2019, 12, 31)), [])

    def test_it_searches_from_the_public_page_in_few_queries(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("powers:index"), {"q": "建设工程"})
        self.assertContains(response, "建设工程竣工财务决算审批")
        self.assertNotContains(response, "建设工程未公布的草稿")
        self.assertLessEqual(len(queries), 8)
