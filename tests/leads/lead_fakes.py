"""In-memory repositories and unit of work for fast service tests without a database."""

from types import SimpleNamespace

from bot.leads.errors import WriteConflict
from bot.leads.models import ERASED_PREFIX, LeadItem
from bot.leads.repository import AbstractLeadRepository, AbstractNotificationRepository
from bot.leads.unit_of_work import AbstractUnitOfWork


class FakeLeadRepository(AbstractLeadRepository):
    def __init__(self):
        self.leads = []
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

    def with_email(self, address, for_update=False):
        return [lead for lead in self.leads if (lead.email or "").lower() == address]

    def unerased_created_before(self, cutoff, for_update=False):
        return [lead for lead in self.leads if lead.created_at < cutoff
                and not lead.conversation_id.startswith(ERASED_PREFIX)]  # fmt: skip

    def delete_transcript(self, lead):
        lead.transcript = None


class FakeNotificationRepository(AbstractNotificationRepository):
    def __init__(self):
        self.rows = []

    def get(self, reference, kind):
        return next((n for n in self.rows if (n.lead_reference, n.kind) == (reference, kind)), None)

    def add(self, lead_reference, kind, **values):
        notification = SimpleNamespace(lead_reference=lead_reference, kind=kind, **values)
        self.rows.append(notification)
        return notification

    def for_reference(self, reference, kind=None):
        return [n for n in self.rows
                if n.lead_reference == reference and kind in (None, n.kind)]  # fmt: skip


class FakeUnitOfWork(AbstractUnitOfWork):
    def __init__(self):
        self.leads = FakeLeadRepository()
        self.notifications = FakeNotificationRepository()
        self.commits = 0
        self.rollbacks = 0

    def commit(self):
        self.commits += 1

    def rollback(self):
        self.rollbacks += 1
