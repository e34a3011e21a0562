"""All tables of the office database; importing this package registers them on Base."""

from local_db.base import Base
from local_db.models.appointments import Appointment, AppointmentEvent, Slot
from local_db.models.attachments import DossierAttachment
from local_db.models.dossiers import (
    Citizen,
    CitizenNameToken,
    Dossier,
    DossierDocument,
    DossierEvent,
    IntakeDraft,
)
from local_db.models.feedback import Feedback
from local_db.models.journal import AuditLog, Device, Outbox, PrintJob, Serial, SyncCursor, SyncStatus
from local_db.models.office import Counter, Holiday, Office, OfficeSetting, Procedure, Service, Staff, counter_service
from local_db.models.queue import Ticket, TicketEvent

__all__ = [
    "Appointment", "AppointmentEvent", "AuditLog", "Base", "Citizen", "CitizenNameToken", "Counter",
    "Device", "Dossier", "DossierAttachment", "DossierDocument", "DossierEvent", "Feedback", "Holiday", "Office",
    "IntakeDraft", "OfficeSetting", "Outbox", "PrintJob", "Procedure", "Serial", "Service", "Slot", "Staff",
    "SyncCursor", "SyncStatus", "Ticket", "TicketEvent", "counter_service",
]
