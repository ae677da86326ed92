"""In-memory repository and unit of work for fast service tests without a database."""

from bot.leads.errors import WriteConflict
from bot.leads.models import LeadItem
from bot.leads.repository import AbstractLeadRepository
from bot.leads.unit_of_work import AbstractUnitOfWork


class FakeLeadRepository(AbstractLeadRepository):
    def __init__(self):
        self.leads = []
        self.notifications = []
        self.conflicts_to_raise = 0  # simulate a concurrent insert winning the race

    def add(self, lead):
        if self.conflicts_to_raise:
            self.conflicts_to_raise -= 1
            raise WriteConflict("UNIQUE constraint failed: leads.conversation_id")
        lead.id = len(self.leads) + 1
        self.leads.append(lead)

    def get(self, reference, for_update=False):
        return next((lead for lead in self.leads if lead.reference == reference), None)

    def get_by_conversation(self, conversation_id, for_update=False):
        return next((x for x in self.leads if x.conversation_id == conversation_id), None)

    def list(self, status=None, limit=None):
        leads = [lead for lead in self.leads if status is None or lead.status == status]
        return leads[-limit:] if limit else leads

    def replace_items(self, lead, items):
        lead.items = [LeadItem(product=p, quantity=q) for p, q in items]

    def get_notification(self, reference, kind):
        return next(
            (n for n in self.notifications if (n.lead_reference, n.kind) == (reference, kind)),
            None,
        )

    def add_notification(self, notification):
        self.notifications.append(notification)


class FakeUnitOfWork(AbstractUnitOfWork):
    def __init__(self):
        self.leads = FakeLeadRepository()
        self.commits = 0
        self.rollbacks = 0

    def commit(self):
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1
