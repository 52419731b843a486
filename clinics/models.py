"""Clinics, the services they offer and their opening hours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import connections, models
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.text import slugify
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, get_language
from simple_history.models import HistoricalRecords

from clinics.fields import PhoneField, ZipCodeField, validate_timezone
from clinics.states import STATE_CHOICES

if TYPE_CHECKING:
    from clinics.search.box import BoxRow
    from clinics.search.geometry import BoundingBox


SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


# The chain's name, as maps services and search engines know it.
BRAND_NAME = "Rock Valley Physical Therapy"


class ServiceQuerySet(models.QuerySet["Service"]):
    def unknown_slugs(self, slugs: Sequence[str]) -> list[str]:
        """The slugs that name no service here (anything that is not a slug is unknown without asking)."""
        known = self.by_slug(slugs)
        return [slug for slug in slugs if slug not in known]

    def by_slug(self, slugs: Sequence[str]) -> dict[str, Service]:
        """The services these slugs name, by slug (anything that is not a slug names none, without asking)."""
        valid = [slug for slug in slugs if SLUG_RE.match(slug)]
        return {service.slug: service for service in self.filter(slug__in=valid)} if valid else {}

    def current(self) -> ServiceQuerySet:
        """Services not retired: the only ones visitors see, on a clinic or in a filter."""
        return self.filter(is_retired=False)

    def offered(self, *, including: Sequence[str] = ()) -> ServiceQuerySet:
        """Current services that some clinic a visitor may see provides: what the service filter offers.

        ``including`` adds these current services whoever offers them (the one a link chose stays chosen).
        """
        in_use = models.Exists(Clinic.objects.public().filter(services=models.OuterRef("pk")))
        return self.current().filter(in_use | models.Q(slug__in=list(including)))


class Service(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Retired services stay on their clinics for the record but are never shown to visitors or "
        "offered in the search. A service in use cannot be deleted, only retired.",
    )

    # django-modeltranslation swaps this manager's class at start-up for one that reads the active language's
    # column ("name" → "name_es"); django-stubs then cannot find the class it built, hence the ignore.
    objects = ServiceQuerySet.as_manager()  # type: ignore[django-manager-missing]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        """As staff see it in the admin's choosers and filters; visitors' pages use ``name``."""
        return f"{self.name} (retired)" if self.is_retired else self.name


class Condition(models.Model):
    """What a patient says hurts ("pinched nerve"), and the services that treat it.

    Patients know their problem, not the service's name; a search by condition is a search for clinics that
    offer any of its services. ``synonyms`` holds the words patients use, one phrase per line ("shooting pain
    down my leg"); clinics/conditions.py matches them in search text.
    """

    name = models.CharField(max_length=100, unique=True, help_text="As a patient would say it: “Pinched nerve”.")
    phrase = models.CharField(
        max_length=120,
        blank=True,
        help_text="How it reads after “Clinics that treat …”: “a pinched nerve”, “sciatica” (blank: its name).",
    )
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Its page’s address: /conditions/sciatica/ for the slug “sciatica”."
    )
    description = models.CharField(
        max_length=400, help_text="One or two plain sentences for its page. No claim beyond the services' own pages."
    )
    synonyms = models.TextField(
        blank=True, help_text="Other words patients use for it, one phrase per line (“shooting pain down my leg”)."
    )
    services = models.ManyToManyField(Service, related_name="conditions", help_text="The services that treat it.")
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the link between this condition and its services is stated."
    )
    is_sample = models.BooleanField(
        "sample mapping",
        default=False,
        help_text="The services for it are our inference, not stated by a public source: review before launch.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clinics:condition", args=[self.slug])

    def clean(self) -> None:
        """A phrase means one condition, in any language: a name or synonym another condition already has would
        quietly change what a search for it finds (the first condition to claim a phrase keeps it:
        clinics/conditions.py). Spanish phrases are matched on every page, so they may not clash with English ones
        either."""
        from clinics.conditions import words

        mine: dict[tuple[str, ...], tuple[str, str]] = {}  # folded phrase → (as written, the field it is in)
        for lang in mt_settings.AVAILABLE_LANGUAGES:
            field = "synonyms" if lang == mt_settings.DEFAULT_LANGUAGE else build_localized_fieldname("synonyms", lang)
            for phrase in self.phrases_in(lang):
                if words(phrase):
                    mine.setdefault(words(phrase), (phrase, field))
        for other in Condition.objects.exclude(pk=self.pk).only("name", "synonyms"):
            for lang in mt_settings.AVAILABLE_LANGUAGES:
                for phrase in other.phrases_in(lang):
                    if words(phrase) in mine:
                        taken, field = mine[words(phrase)]
                        raise ValidationError(
                            {
                                field: f"“{taken}” already means {other.name}; a phrase can mean one condition "
                                "only. Remove it here, or from that condition first."
                            },
                            code="phrase_taken",
                        )

    @property
    def synonym_list(self) -> list[str]:
        return _lines(self.synonyms)

    @property
    def treated(self) -> str:
        """'Clinics that treat a pinched nerve', in the active language."""
        from clinics.conditions import treated_heading

        return treated_heading(self.phrase_shown, self.name)

    @property
    def phrase_shown(self) -> str:
        """How it reads after "Clinics that treat …" in the active language, as the catalogue shows it
        (clinics/conditions.py's ``shown_phrase``): "" for the heading to use its name."""
        from clinics.conditions import shown_phrase

        lang, english = get_language(), mt_settings.DEFAULT_LANGUAGE
        phrase = getattr(self, build_localized_fieldname("phrase", english)) or ""
        if lang == english:
            return phrase
        here = getattr(self, build_localized_fieldname("phrase", lang)) or ""
        name = getattr(self, build_localized_fieldname("name", lang)) or ""
        return shown_phrase(here, name, phrase)

    def phrases_in(self, lang: str) -> list[str]:
        """Its name and synonyms as staff wrote them in ``lang`` (none where that language is left blank)."""
        name = getattr(self, build_localized_fieldname("name", lang), None) or ""
        synonyms = getattr(self, build_localized_fieldname("synonyms", lang), None) or ""
        return [phrase for phrase in (name.strip(), *_lines(synonyms)) if phrase]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Paths beside /api/v1/clinics/<slug>/ that a clinic's slug must not take.
RESERVED_SLUGS = frozenset({"nearest"})
web_link = URLValidator(schemes=["http", "https"], message="Enter a web address starting with https:// or http://.")


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is reserved; choose another slug.", code="reserved_slug")


class LocationSource(models.TextChoices):
    NONE = "", "Not located"
    ADDRESS = "address", "Street address (geocoder)"
    ZIP = "zip", "ZIP code centre (approximate)"
    CITY = "city", "City centre (approximate)"
    MANUAL = "manual", "Placed by hand"


APPROXIMATE_SOURCES = (LocationSource.ZIP, LocationSource.CITY)
# The address and contact fields every list of clinics shows (the API, the spreadsheet columns).
CONTACT_FIELDS = ("slug", "name", "street", "address_line2", "city", "state", "zip_code", "phone", "email")


class ClinicStatus(models.TextChoices):
    """Where a clinic stands with visitors: only published and temporarily closed clinics are public."""

    DRAFT = "draft", "Draft (not public)"
    PUBLISHED = "published", "Published"
    TEMPORARILY_CLOSED = "temporarily_closed", "Temporarily closed"
    RETIRED = "retired", "Retired (not public)"


# The statuses visitors see (pages, the API, the sitemap, the GeoJSON, counts and search); both must be complete
# (clinics/publishing.py).
PUBLIC_STATUSES = (ClinicStatus.PUBLISHED, ClinicStatus.TEMPORARILY_CLOSED)


class ClinicQuerySet(models.QuerySet["Clinic"]):
    def public(self) -> ClinicQuerySet:
        """Clinics a visitor may see: published or temporarily closed (never drafts or retired clinics)."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def active(self) -> ClinicQuerySet:
        """The same as ``public()``: the name from before clinics had a status."""
        return self.public()

    def published(self) -> ClinicQuerySet:
        """Public clinics that are open for business (not temporarily closed)."""
        return self.filter(status=ClinicStatus.PUBLISHED)

    def with_details(self) -> ClinicQuerySet:
        """Public clinics with their current services, hours (in week order) and special hours fetched alongside."""
        return self.public().prefetch_related(
            current_services(),
            models.Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            "special_hours",
        )

    def with_current_services(self) -> ClinicQuerySet:
        return self.prefetch_related(current_services())

    def located(self) -> ClinicQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


def current_services(queryset: ServiceQuerySet | None = None) -> models.Prefetch:
    """A clinic's services as visitors see them: retired ones stay on the clinic for the record, unshown."""
    services = queryset if queryset is not None else Service.objects.all()
    return models.Prefetch("services", queryset=services.filter(is_retired=False))


_ClinicManagerBase = models.Manager.from_queryset(ClinicQuerySet)


class ClinicManager(_ClinicManagerBase):
    def in_box(
        self, box: BoundingBox, *, services: Sequence[str] = (), any_services: Sequence[str] = ()
    ) -> list[BoxRow]:
        """Active clinics inside a latitude/longitude box that offer every one of ``services`` and at least one of
        ``any_services`` (a condition's), as plain rows.

        Not a filter to chain: one SQL query (clinics/search/box.py) that reads the whole
        table, answered from the spatial index, for the nearest search.
        """
        from clinics.search.box import box_rows

        return box_rows(connections[self.db], box, services, any_services)


class RecordedByEditing(HistoricalRecords):
    """django-simple-history's versions, written by clinics/history.py's ``record`` and never by signals.

    Every write goes through clinics/editing.py, which records one version per clinic per change
    (its fields, services and week together, with who and why). Signals would record a clinic's
    fields, its services and its hours as three half-versions, and its hours not at all.
    """

    def post_save(self, instance: models.Model, created: bool, using: str | None = None, **kwargs: object) -> None:
        pass

    def post_delete(self, instance: models.Model, using: str | None = None, **kwargs: object) -> None:
        pass

    def m2m_changed(
        self, instance: models.Model, action: str, attr: object, pk_set: object, reverse: bool, **_: object
    ) -> None:
        pass


class VersionExtras(models.Model):
    """What a clinic version holds beyond the clinic's own fields: its week, as the spreadsheet writes it."""

    hours = models.TextField(blank=True, help_text="The week as the spreadsheet writes it: Mon 07:00-19:00; …")
    special_hours = models.TextField(
        blank=True,
        help_text="Its special dates: 2026-11-26 Thanksgiving: closed; 2026-12-24 Christmas Eve: 08:00-12:00",
    )

    class Meta:
        abstract = True


class Clinic(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=150,
        unique=True,
        validators=[validate_not_reserved],
        help_text="Used in the clinic's web address.",
    )
    street = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    zip_code = ZipCodeField("ZIP code", blank=True)
    phone = PhoneField(blank=True, help_text="Any format; stored as 319-555-0100.")
    email = models.EmailField(blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text="Filled in automatically from the address; drag the pin to correct it.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    location_source = models.CharField(
        "location from", max_length=10, choices=LocationSource.choices, blank=True, default=""
    )
    timezone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="IANA name such as America/Chicago; filled in from the ZIP code when empty.",
    )
    schedule_url = models.URLField("schedule URL", max_length=500, blank=True, validators=[web_link])
    website_url = models.URLField("public page", max_length=500, blank=True, validators=[web_link])
    services = models.ManyToManyField(Service, related_name="clinics", blank=True)
    status = models.CharField(
        max_length=20,
        choices=ClinicStatus.choices,
        default=ClinicStatus.DRAFT,
        help_text="Drafts and retired clinics are never shown to visitors. Publishing needs a location, a phone, "
        "hours, a schedule link and a service.",
    )
    closure_reason = models.CharField(
        "reason for closing",
        max_length=200,
        blank=True,
        help_text='For a temporarily closed clinic, shown to visitors, e.g. "Closed for renovation".',
    )
    reopens_on = models.DateField(
        "reopens on", null=True, blank=True, help_text="For a temporarily closed clinic, if known; shown to visitors."
    )
    notice = models.CharField(
        max_length=200, blank=True, help_text='Shown to visitors, e.g. "Temporarily closed for renovation".'
    )
    internal_notes = models.TextField(blank=True, help_text="For staff only; never shown to visitors.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by every change to the clinic, its hours or its services (clinics/editing.py): cached
    # search details are keyed by it.
    updated_at = models.DateTimeField(default=dj_timezone.now, editable=False)

    objects = ClinicManager()
    # Not stored: set by whoever saves the clinic when a person has confirmed a pin far from its ZIP
    # ("Yes, the pin is right" on the admin form, a pin_confirmed column in an import), or by locating, which
    # placed it from the address itself; see clean().
    pin_confirmed: bool = False
    # Its versions: every field, its services and its week, one per change (clinics/history.py).
    history = RecordedByEditing(
        verbose_name="clinic version",
        verbose_name_plural="clinic versions",
        m2m_fields=["services"],
        bases=[VersionExtras],
        excluded_fields=["updated_at"],
        user_related_name="+",
    )

    class Meta:
        ordering = ["state", "city", "name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="clinic_lat_lng_idx"),
            models.Index(fields=["state", "city"], name="clinic_state_city_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clinics:detail", args=[self.slug])

    def clean(self) -> None:
        """The city and state belong to the ZIP and a far pin was confirmed (clinics/addresses.py); a temporary
        closure says why, and any other status clears it."""
        from clinics.addresses import address_problems

        problems: dict[str, Any] = dict(address_problems(self))
        if self.status != ClinicStatus.TEMPORARILY_CLOSED:  # a closure ends with its status: nothing stale is shown
            self.closure_reason, self.reopens_on = "", None
        else:
            if not self.closure_reason.strip():
                problems["closure_reason"] = (
                    "Say why the clinic is closed (visitors see it), e.g. “Closed for renovation”."
                )
            if self.reopens_on and self.reopens_on < dj_timezone.localdate():
                problems["reopens_on"] = (
                    f"{self.reopens_on:%B %-d, %Y} has passed: give the new reopening date, or leave it blank."
                )
        if problems:
            raise ValidationError(problems)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_temporarily_closed(self) -> bool:
        return self.status == ClinicStatus.TEMPORARILY_CLOSED

    @property
    def bookable_schedule_url(self) -> str:
        """The schedule link to offer visitors: none while the clinic is temporarily closed."""
        return "" if self.is_temporarily_closed else self.schedule_url

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def location_is_approximate(self) -> bool:
        return self.location_source in APPROXIMATE_SOURCES

    @property
    def one_line_address(self) -> str:
        parts = [self.street, self.address_line2, self.city, f"{self.state} {self.zip_code}".strip()]
        return ", ".join(part for part in parts if part)

    @property
    def phone_tel(self) -> str:
        """The phone as a tel: target (+13192473425)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return f"+1{digits}" if len(digits) == 10 else ""

    @property
    def directions_url(self) -> str:
        """Directions to the street address; to an exact pin; else to the clinic by name in its town, so the maps
        service finds its listing rather than leading a patient to the centre of the ZIP code or town."""
        if self.street:
            destination = self.one_line_address
        elif self.is_located and not self.location_is_approximate:
            destination = f"{self.latitude},{self.longitude}"
        else:
            destination = f"{BRAND_NAME} {self.name}, {self.city}, {self.state}"
        return f"https://www.google.com/maps/dir/?api=1&destination={quote_plus(destination)}"


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:140] or "clinic"
    if base in RESERVED_SLUGS:
        base = f"{base}-clinic"
    slug, n = base, 2
    others = Clinic.objects.exclude(pk=exclude_pk) if exclude_pk else Clinic.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One open interval on one weekday, in the clinic's own time zone; a day without any is closed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_monday_to_sunday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        """One interval on its own; a day's intervals against each other are checked by whoever writes the
        week (clinics/editing.py's replace_hours, the admin's hours formset)."""
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": "Closing time must be after opening time."}, code="close_before_open")


class SpecialHours(models.Model):
    """A date with other hours than the clinic's week, or closed (a holiday, a staff day), in its own time zone."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="special_hours")
    date = models.DateField()
    label = models.CharField(max_length=100, help_text="Shown to visitors, e.g. “Thanksgiving”.")
    opens = models.TimeField(null=True, blank=True, help_text="Leave both times empty for closed all day.")
    closes = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "special hours"
        verbose_name_plural = "special hours (holidays, closures)"
        constraints = [
            models.UniqueConstraint(fields=["clinic", "date"], name="special_hours_one_per_clinic_date"),
            models.CheckConstraint(
                condition=models.Q(opens__isnull=True, closes__isnull=True)
                | models.Q(opens__isnull=False, closes__isnull=False, closes__gt=models.F("opens")),
                name="special_hours_closed_or_open_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.label}"

    @property
    def closed(self) -> bool:
        return self.opens is None

    def clean(self) -> None:
        if (self.opens is None) != (self.closes is None):
            raise ValidationError(
                "Give both the opening and the closing time, or neither for closed all day.", code="half_interval"
            )
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": "Closing time must be after opening time."}, code="close_before_open")
