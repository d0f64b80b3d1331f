import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunlight.cases import actions
from sunlight.cases.tests.factories import published, start
from sunlight.cases.timers import issue_results
from sunlight.documents.actions import verify
from sunlight.documents.models import Document, DocumentKind
from sunlight.test import Personas


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False)
class SealedResultTests(Personas):
    def conclude(self, decision: str, reason: str = "") -> Document:
        case, _code = start(self.as_actor(self.clerk), published())
        actions.complete_step(
            self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 1, "copies": 1}
        )
        actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
        actions.complete_step(
            self.as_actor(self.leader),
            case.steps.get(node_id="decide"),
            values={},
            decision=decision,
            reason=reason,
        )
        if decision == "approve":
            actions.complete_step(self.as_actor(self.clerk), case.steps.get(node_id="issue"), values={})
        self.assertEqual(issue_results(), 1)  # the timer loop seals the decision
        self.assertEqual(issue_results(), 0)  # and only once
        case.refresh_from_db()
        assert case.result_document is not None
        return case.result_document

    def test_it_seals_the_decision_of_an_approved_case(self) -> None:
        document = self.conclude("approve")
        self.assertEqual((document.kind, document.issuer), (DocumentKind.APPROVAL, self.finance))
        data = document.file.read()
        self.assertTrue(data.startswith(b"%PDF"))
        verdict = verify(data)
        self.assertTrue(verdict.genuine)
        self.assertEqual(verdict.document, document)

    def test_it_says_not_genuine_for_a_modified_copy(self) -> None:
        document = self.conclude("refuse", "票据用途与申请不符")
        data = bytearray(document.file.read())
        at = data.find(b"/Title")
        data[at + 8] = (data[at + 8] + 1) % 256  # one byte of the signed content
        self.assertFalse(verify(bytes(data)).genuine)
        self.assertFalse(verify(b"%PDF-1.4 not a document").genuine)

    def test_it_answers_on_the_public_verification_page(self) -> None:
        document = self.conclude("approve")
        url = reverse("documents:verify_number", args=[document.number])
        self.assertContains(self.client.get(url), document.sha256)
        genuine = self.client.post(url, {"file": SimpleUploadedFile("d.pdf", document.file.read())})
        self.assertContains(genuine, 'id="verdict"')
        self.assertContains(genuine, "notice-success")
        document.file.seek(0)
        changed = document.file.read().replace(b"%%EOF", b"%%EOF\n% changed", 1)
        forged = self.client.post(url, {"file": SimpleUploadedFile("d.pdf", changed)})
        self.assertContains(forged, "notice-error")
