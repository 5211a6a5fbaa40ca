"""Peewee models. The schema itself is created by the numbered SQL migrations next door;
a test checks that these classes and the migrated tables agree column for column.

Money is integer minor units (``*_minor``), quantities integer hundredths
(``*_hundredths``), percentages integer basis points (``*_bp``), instants integer UTC epoch
seconds (``*_utc`` / ``*_at``), calendar days ``DATE``.
"""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

db = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Logo(BaseModel):
    """An organisation's logo as verified when it was set (0013); rows are never changed,
    documents name them by digest."""

    digest = TextField(unique=True)
    media_type = TextField()
    width = IntegerField()
    height = IntegerField()
    data = TextField()  # base64
    created_at = BigIntegerField()


class Organisation(BaseModel):
    name = TextField()
    code = TextField()
    address = TextField(default="")
    email = TextField(default="")
    vat_id = TextField(default="")
    iban = TextField(default="")
    bic = TextField(default="")
    bank_name = TextField(default="")
    currency = TextField()
    timezone = TextField()
    payment_terms_days = IntegerField(default=14)
    tax_rate_bp = IntegerField(default=0)
    rounding = TextField(null=True)
    created_at = BigIntegerField()
    # Structured parts of the address and the identifiers e-invoices carry (0006).
    street = TextField(default="")
    postcode = TextField(default="")
    city = TextField(default="")
    country = TextField(default="")
    phone = TextField(default="")
    contact = TextField(default="")
    tax_number = TextField(default="")
    registration = TextField(default="")
    endpoint = TextField(default="")
    language = TextField(default="en")  # documents' language unless a client has its own
    # The logo every PDF prints, the file name it came from, SCOR references (0013).
    logo = ForeignKeyField(Logo, null=True, on_delete="SET NULL")
    logo_name = TextField(default="")
    creditor_reference = BooleanField(default=False)


class User(BaseModel):
    name = TextField(unique=True)
    role = TextField()
    locked_until = DateField(null=True)
    created_at = BigIntegerField()

    class Meta:
        table_name = "app_user"


class Client(BaseModel):
    name = TextField(unique=True)
    address = TextField(default="")
    email = TextField(default="")
    vat_id = TextField(default="")
    currency = TextField()
    payment_terms_days = IntegerField(null=True)
    tax_rate_bp = IntegerField(null=True)
    # EN 16931 VAT category code of the client's lines, and why a non-standard one applies.
    vat_category = TextField(default="S")
    vat_exemption_reason = TextField(default="")
    archived = BooleanField(default=False)
    created_at = BigIntegerField()
    street = TextField(default="")
    postcode = TextField(default="")
    city = TextField(default="")
    country = TextField(default="")
    buyer_reference = TextField(default="")
    endpoint = TextField(default="")
    einvoice = TextField(default="none")  # the format the client wants: none|facturx|…
    language = TextField(null=True)  # None: the organisation's


class Project(BaseModel):
    name = TextField(unique=True)
    client = ForeignKeyField(Client, backref="projects", on_delete="RESTRICT")
    billable = BooleanField(default=True)
    schedule = TextField(default="none")
    schedule_anchor = DateField(null=True)
    approval_required = BooleanField(default=False)
    approver = ForeignKeyField(User, null=True, on_delete="SET NULL")
    # Approves the project's time when no approver is named; without either, it approves itself.
    owner = ForeignKeyField(User, null=True, backref="owned_projects", on_delete="SET NULL")
    rounding = TextField(null=True)
    archived = BooleanField(default=False)
    created_at = BigIntegerField()


class ProjectRate(BaseModel):
    project = ForeignKeyField(Project, backref="rates", on_delete="CASCADE")
    valid_from = DateField(null=True)
    amount_minor = BigIntegerField()
    created_at = BigIntegerField()


class Invoice(BaseModel):
    number = TextField(unique=True)
    kind = TextField()
    status = TextField()
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    project = ForeignKeyField(Project, null=True, on_delete="RESTRICT")
    period_start = DateField(null=True)
    period_end = DateField(null=True)
    issue_date = DateField()
    due_date = DateField()
    currency = TextField()
    tax_rate_bp = IntegerField()
    subtotal_minor = BigIntegerField()
    tax_minor = BigIntegerField()
    total_minor = BigIntegerField()
    credits = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    reason = TextField(default="")
    grouping = TextField(default="project")
    rounding = TextField(null=True)
    payment_terms_days = IntegerField()
    seller = TextField()
    buyer = TextField()
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = BigIntegerField()
    sent_at = BigIntegerField(null=True)
    paid_on = DateField(null=True)
    voided_at = BigIntegerField(null=True)
    language = TextField(default="en")  # frozen at issue, like the parties


class InvoiceLine(BaseModel):
    invoice = ForeignKeyField(Invoice, backref="lines", on_delete="CASCADE")
    position = IntegerField()
    description = TextField()
    quantity_hundredths = BigIntegerField()
    unit = TextField(default="")
    unit_price_minor = BigIntegerField()
    amount_minor = BigIntegerField()
    line_type = TextField()
    project = ForeignKeyField(Project, null=True, on_delete="RESTRICT")
    group_key = TextField(default="")
    credits_line = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    tax_category = TextField()
    tax_rate_bp = IntegerField()


class InvoiceTax(BaseModel):
    """One row of an invoice's VAT breakdown per (category, rate), as issued: the tax is
    the rounded-once figure the document prints, not recomputed on reading."""

    invoice = ForeignKeyField(Invoice, backref="taxes", on_delete="CASCADE")
    category = TextField()
    rate_bp = IntegerField()
    taxable_minor = BigIntegerField()
    tax_minor = BigIntegerField()
    exemption_code = TextField(default="")
    exemption_reason = TextField(default="")

    class Meta:
        indexes = ((("invoice", "category", "rate_bp"), True),)


class Payment(BaseModel):
    """Money received for an invoice (0008): several add up to its total."""

    invoice = ForeignKeyField(Invoice, backref="payments", on_delete="RESTRICT")
    amount_minor = BigIntegerField()
    paid_on = DateField()
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    recorded_at = BigIntegerField()


class TimeEntry(BaseModel):
    user = ForeignKeyField(User, backref="entries", on_delete="RESTRICT")
    project = ForeignKeyField(Project, backref="entries", on_delete="RESTRICT")
    start_utc = BigIntegerField()
    end_utc = BigIntegerField()
    description = TextField(default="")
    # A person wrote or changed the description after the entry was recorded (capture's
    # own text, file paths and URLs, is never printed on an invoice until then).
    description_edited = BooleanField(default=False)
    billable = BooleanField(default=True)
    source = TextField()
    approved_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    approved_at = BigIntegerField(null=True)
    invoice_line = ForeignKeyField(InvoiceLine, null=True, backref="entries", on_delete="SET NULL")
    fingerprint = TextField(null=True, unique=True)
    created_at = BigIntegerField()
    updated_at = BigIntegerField()


class RunningTimer(BaseModel):
    """A person's timer while it runs (0011); stopping it makes a manual entry."""

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
    project = ForeignKeyField(Project, on_delete="RESTRICT")
    start_utc = BigIntegerField()
    description = TextField(default="")
    created_at = BigIntegerField()


class Expense(BaseModel):
    project = ForeignKeyField(Project, backref="expenses", on_delete="RESTRICT")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    spent_on = DateField()
    quantity_hundredths = BigIntegerField()
    unit = TextField(default="")
    unit_price_minor = BigIntegerField()
    amount_minor = BigIntegerField()
    category = TextField(default="")
    description = TextField(default="")
    billable = BooleanField(default=True)
    tax_rate_bp = IntegerField(null=True)  # its own VAT rate; None: the client's
    invoice_line = ForeignKeyField(InvoiceLine, null=True, backref="expenses", on_delete="SET NULL")
    created_at = BigIntegerField()


class BilledEntry(BaseModel):
    """What a line billed, kept after a credit note releases the entry (``invoice_line``
    on the entry says what bills it now; this says what ever did)."""

    line = ForeignKeyField(InvoiceLine, on_delete="CASCADE")
    entry = ForeignKeyField(TimeEntry, on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("line", "entry")


class BilledExpense(BaseModel):
    line = ForeignKeyField(InvoiceLine, on_delete="CASCADE")
    expense = ForeignKeyField(Expense, on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("line", "expense")


class NumberCounter(BaseModel):
    organisation = ForeignKeyField(Organisation, on_delete="CASCADE")
    period = TextField()
    last_number = IntegerField()

    class Meta:
        indexes = ((("organisation", "period"), True),)


class TimesheetEvent(BaseModel):
    """Lock, unlock, approval and send-back history: who did what to whose time, and when."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    action = TextField()
    until = DateField()
    project = ForeignKeyField(Project, null=True, on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    comment = TextField(default="")
    at = BigIntegerField()


class WatchFolder(BaseModel):
    project = ForeignKeyField(Project, backref="folders", on_delete="CASCADE")
    path = TextField(unique=True)


class UrlPattern(BaseModel):
    project = ForeignKeyField(Project, backref="url_patterns", on_delete="CASCADE")
    pattern = TextField()


class IgnorePattern(BaseModel):
    project = ForeignKeyField(Project, null=True, backref="ignore_patterns", on_delete="CASCADE")
    pattern = TextField()


class Heartbeat(BaseModel):
    """A raw capture event; sessions are derived from these and can be rebuilt."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    at = BigIntegerField()
    source = TextField()
    target = TextField()
    project = ForeignKeyField(Project, null=True, on_delete="SET NULL")


class BrowserCursor(BaseModel):
    """How far a browser profile's history has been read, so no visit is imported twice."""

    browser = TextField()
    profile = TextField()
    last_visit_utc = BigIntegerField()


class Outbox(BaseModel):
    """One attempt to e-mail a document (``send``) or a reminder of it (``reminder``, level
    1–3). ``recipients`` is JSON: ``{"to": [...], "cc": [...]}``. Only ``sent`` means the
    server accepted it; ``queued`` and ``unknown`` mean it may have."""

    invoice = ForeignKeyField(Invoice, backref="outbox", on_delete="CASCADE")
    kind = TextField()
    level = IntegerField(default=0)
    message_id = TextField(unique=True)
    recipients = TextField()
    subject = TextField()
    state = TextField()
    error = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = BigIntegerField()
    finished_at = BigIntegerField(null=True)


class Setting(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()


ALL_MODELS = (
    Logo,
    Organisation,
    User,
    Client,
    Project,
    ProjectRate,
    Invoice,
    InvoiceLine,
    InvoiceTax,
    Payment,
    TimeEntry,
    RunningTimer,
    Expense,
    BilledEntry,
    BilledExpense,
    NumberCounter,
    TimesheetEvent,
    WatchFolder,
    UrlPattern,
    IgnorePattern,
    Heartbeat,
    BrowserCursor,
    Outbox,
    Setting,
)
