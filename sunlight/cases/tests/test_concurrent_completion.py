"""Two people complete the same work item at the same moment: exactly one succeeds."""

import threading
import unittest

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import TransactionTestCase

from sunlight.cases import actions
from sunlight.cases.models import Step, StepState
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.actor import Actor
from sunlight.processes.models import ProcessDefinition
from sunlight.test import PersonaFields, assign, create_personas, make_person


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent transactions need PostgreSQL")
class ConcurrentCompletionTests(PersonaFields, TransactionTestCase):
    def test_it_lets_exactly_one_of_two_simultaneous_completions_succeed(self) -> None:
        create_personas(self)
        second_clerk = make_person("clerk2", "谭丽")
        assign(second_clerk, self.window_post)  # two clerks hold the window post
        for attempt in range(5):
            case, _code = start(Actor.of(self.clerk), published() if attempt == 0 else self.definition())
            step = case.steps.get(node_id="accept")
            outcomes: list[str] = []
            barrier = threading.Barrier(2)

            def complete(
                user_pk: int,
                step: Step = step,
                barrier: threading.Barrier = barrier,
                outcomes: list[str] = outcomes,
            ) -> None:
                from sunlight.accounts.models import User

                try:
                    user = User.objects.get(pk=user_pk)
                    mine = Step.objects.get(pk=step.pk)
                    barrier.wait()
                    actions.complete_step(Actor.of(user), mine, values={"amount": 100, "copies": 1})
                    outcomes.append("done")
                except ValidationError as exc:
                    outcomes.append("refused: " + " ".join(exc.messages))
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=complete, args=(u.pk,)) for u in (self.clerk, second_clerk)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.assertEqual(sorted(o.split(":")[0] for o in outcomes), ["done", "refused"], outcomes)
            self.assertEqual(Step.objects.filter(case=case, node_id="review").count(), 1)
            self.assertEqual(Step.objects.get(pk=step.pk).state, StepState.DONE)

    def definition(self) -> ProcessDefinition:
        return ProcessDefinition.objects.published().get(code="CZJ-TEST")
