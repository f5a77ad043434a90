"""Every write of the blacklist app: proposing, publishing, removing and expiring list entries
(section 五.1), revealing an ID number, Excel imports, and credit repair (section 五.3).

Each service checks who acts (``permissions.py``), validates the whole change, runs in one
transaction and leaves a history record with a reason.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from agencies.models import Agency
from campaigns.models import Campaign

from . import permissions
from .crypto import encrypt_id_number, id_number_hash
from .dates import add_working_days
from .models import CreditSubject, IdRevealLog, ListEntry, ListExport, ListImport, RepairApplication, RepairEvidence
from .selectors import PublicityRule, publicity_rules
from .validators import mask_id_number, validate_credit_code, validate_id_number

SubjectType = CreditSubject.SubjectType


@dataclass
class EntryInput:
    """The values of one proposed entry, as a form, the API or an Excel row gives them."""

    list: str = ""
    subject_type: str = ""
    name: str = ""
    credit_code: str = ""
    id_number: str = ""
    campaign: Campaign | None = None
    severity: str = ""
    reason: str = ""
    basis: str = ""
    deciding_agency: Agency | None = None
    decision_number: str = ""
    decision_date: datetime.date | None = None
    publish_until: datetime.date | None = None
    # Set by ``entry_errors``: the normalised key of the subject.
    key: str = field(default="", compare=False)


def entry_errors(
    data: EntryInput, *, today: datetime.date, rules: dict[tuple[str, str], PublicityRule]
) -> dict[str, list[str]]:
    """Every rule one entry must meet on its own, as {field: [message]}; normalises ``data``.

    The rules of section 五.1 and DESIGN §2/§5: check digits, severity only on the black list,
    the publicity end inside the severity's range counted from the decision date.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.list not in ListEntry.List.values:
        add("list", "请选择名单类型（红名单或黑名单）。")
    if data.subject_type not in SubjectType.values:
        add("subject_type", "请选择主体类型（自然人、法人、非法人组织或个体工商户）。")
    data.name = (data.name or "").strip()
    if not data.name:
        add("name", "请填写主体名称。")
    elif len(data.name) > 200:
        add("name", "主体名称不能超过200个字。")

    if data.subject_type == SubjectType.PERSON:
        if data.credit_code:
            add("credit_code", "自然人不填写统一社会信用代码，请填写身份证号码。")
        if not data.id_number:
            add("id_number", "自然人必须填写身份证号码。")
        else:
            try:
                data.id_number = data.key = validate_id_number(data.id_number)
            except ValidationError as error:
                add("id_number", error.messages[0])
    elif data.subject_type:
        if data.id_number:
            add("id_number", "只有自然人填写身份证号码；法人和其他组织请填写统一社会信用代码。")
        if not data.credit_code:
            add("credit_code", "法人、非法人组织和个体工商户必须填写统一社会信用代码。")
        else:
            try:
                data.credit_code = data.key = validate_credit_code(data.credit_code)
            except ValidationError as error:
                add("credit_code", error.messages[0])

    if data.campaign is None:
        add("campaign", "请选择专项治理。")
    if data.list == ListEntry.List.BLACK and data.severity not in ListEntry.Severity.values:
        add("severity", "黑名单必须选择失信等级（轻微、一般、较重、严重）。")
    if data.list == ListEntry.List.RED and data.severity:
        add("severity", "红名单不填写失信等级。")
    for name, label in (("reason", "列入原因"), ("basis", "认定依据")):
        setattr(data, name, (getattr(data, name) or "").strip())
        if not getattr(data, name):
            add(name, f"请填写{label}。")
    if data.deciding_agency is None:
        add("deciding_agency", "请选择认定部门。")
    data.decision_number = (data.decision_number or "").strip()
    if not data.decision_number:
        add("decision_number", "请填写决定文书号。")
    elif len(data.decision_number) > 100:
        add("decision_number", "决定文书号不能超过100个字。")
    if data.decision_date is None:
        add("decision_date", "请填写决定日期。")
    elif data.decision_date > today:
        add("decision_date", f"决定日期不能晚于今天（{today:%Y-%m-%d}）。")

    rule = rules.get((data.list, data.severity if data.list == ListEntry.List.BLACK else ""))
    if rule is not None and data.decision_date is not None:
        if not rule.is_published:
            if data.publish_until is not None:
                add("publish_until", f"{rule.label}信息依规不予公示，公示截止日期应留空。")
        elif data.publish_until is None:
            add("publish_until", "请填写公示截止日期。")
        else:
            earliest, latest = rule.earliest_end(data.decision_date), rule.latest_end(data.decision_date)
            if not earliest <= data.publish_until <= latest:
                add(
                    "publish_until",
                    f"{rule.label}的公示截止日期应在{earliest:%Y-%m-%d}至{latest:%Y-%m-%d}之间"
                    f"（自决定日期起{rule.min_months}至{rule.max_months}个月）。",
                )
    return errors


def subject_find(*, subject_type: str, key: str) -> CreditSubject | None:
    """The subject with this credit code, or this ID number (looked up by its keyed hash)."""
    if subject_type == SubjectType.PERSON:
        return CreditSubject.objects.filter(id_number_hash=id_number_hash(key)).first()
    return CreditSubject.objects.filter(credit_code=key).first()


def subject_mismatch(subject: CreditSubject, data: EntryInput) -> dict[str, list[str]]:
    """An existing subject with the same code or ID must be the same subject (section 四.1)."""
    label = "身份证号码" if subject.is_person else "统一社会信用代码"
    field_name = "id_number" if subject.is_person else "credit_code"
    if subject.subject_type != data.subject_type:
        return {"subject_type": [f"该{label}已登记为{subject.get_subject_type_display()}，主体类型不一致。"]}
    if subject.name != data.name:
        return {field_name: [f"该{label}已登记为“{subject.name}”，与填写的主体名称不一致。"]}
    return {}


def _new_subject(data: EntryInput) -> CreditSubject:
    subject = CreditSubject(subject_type=data.subject_type, name=data.name)
    if data.subject_type == SubjectType.PERSON:
        subject.id_number_encrypted = encrypt_id_number(data.key)
        subject.id_number_hash = id_number_hash(data.key)
        subject.id_number_masked = mask_id_number(data.key)
    else:
        subject.credit_code = data.key
    return subject


def subject_get_or_create(*, actor, data: EntryInput) -> CreditSubject:
    """The subject of ``data`` (validated by ``entry_errors``), created on first use."""
    subject = subject_find(subject_type=data.subject_type, key=data.key)
    if subject is None:
        subject = _new_subject(data)
        subject.full_clean(validate_constraints=False)
        subject._history_user = actor
        try:
            with transaction.atomic():
                subject.save()
        except IntegrityError:
            # Another request registered the same code a moment ago: use that subject.
            subject = subject_find(subject_type=data.subject_type, key=data.key)
    mismatch = subject_mismatch(subject, data)
    if mismatch:
        raise ValidationError(mismatch)
    return subject


def _new_entry(data: EntryInput, *, subject: CreditSubject, actor, import_batch: ListImport | None) -> ListEntry:
    return ListEntry(
        list=data.list,
        subject=subject,
        campaign=data.campaign,
        severity=data.severity if data.list == ListEntry.List.BLACK else "",
        reason=data.reason,
        basis=data.basis,
        deciding_agency=data.deciding_agency,
        decision_number=data.decision_number,
        decision_date=data.decision_date,
        publish_until=data.publish_until,
        status=ListEntry.Status.PROPOSED,
        proposed_by_agency_id=actor.agency_id,
        proposed_by=actor,
        import_batch=import_batch,
    )


def entry_propose(*, actor, data: EntryInput, today: datetime.date | None = None) -> ListEntry:
    """Propose one entry (section 五.1). Every new entry starts as proposed, whoever creates it;
    an agency proposes only with itself as the deciding agency."""
    today = today or timezone.localdate()
    if not permissions.can_propose(actor, data.deciding_agency):
        raise PermissionDenied("只能以本单位作为认定部门提出名单条目。")
    errors = entry_errors(data, today=today, rules=publicity_rules())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subject = subject_get_or_create(actor=actor, data=data)
        entry = _new_entry(data, subject=subject, actor=actor, import_batch=None)
        entry.full_clean()
        entry._change_reason = "提出"
        entry._history_user = actor
        entry.save()
    return entry


def entry_publish(*, actor, entry: ListEntry, today: datetime.date | None = None) -> ListEntry:
    """Publish a proposed entry: the office's separate act (section 五.1). Public from today
    until its publicity end; 轻微 entries are recorded but never published."""
    today = today or timezone.localdate()
    if not permissions.can_publish(actor):
        raise PermissionDenied("只有区文明办可以发布名单条目。")
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != ListEntry.Status.PROPOSED:
            raise ValidationError(f"只能发布待发布的条目，该条目当前状态为“{entry.get_status_display()}”。")
        rule = publicity_rules()[(entry.list, entry.severity)]
        if not rule.is_published:
            raise ValidationError(f"{rule.label}信息依规不予公示，只作为信用记录保存。")
        if entry.publish_until is None or entry.publish_until < today:
            raise ValidationError(f"公示截止日期（{entry.publish_until}）已过，不能发布。")
        entry.status = ListEntry.Status.PUBLISHED
        entry.publish_from = today
        entry.published_at = timezone.now()
        entry.published_by = actor
        entry.full_clean()
        entry._change_reason = "发布"
        entry._history_user = actor
        entry.save()
    return entry


def entry_remove(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    """Take a proposed or published entry off the list with a reason (exit procedure, section
    五.1). The entry stays in the records with its history."""
    if not permissions.can_remove(actor):
        raise PermissionDenied("只有区文明办可以移出名单条目。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写移出原因。"]})
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in (ListEntry.Status.PROPOSED, ListEntry.Status.PUBLISHED):
            raise ValidationError(f"该条目当前状态为“{entry.get_status_display()}”，不能移出。")
        entry.status = ListEntry.Status.REMOVED
        entry.removed_at = timezone.now()
        entry.removal_reason = reason
        entry.full_clean()
        entry._change_reason = f"移出：{reason}"
        entry._history_user = actor
        entry.save()
    return entry


def list_entries_expire(*, today: datetime.date) -> int:
    """Published entries whose publicity ended before ``today`` leave the public list (DESIGN §4,
    daily); each says why in its history. Returns how many expired."""
    count = 0
    for pk in ListEntry.objects.filter(status=ListEntry.Status.PUBLISHED, publish_until__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            entry = ListEntry.objects.select_for_update().get(pk=pk)
            if entry.status != ListEntry.Status.PUBLISHED or entry.publish_until >= today:
                continue
            entry.status = ListEntry.Status.EXPIRED
            entry.expired_at = timezone.now()
            entry._change_reason = f"公示期满（截止{entry.publish_until:%Y-%m-%d}），自动移出公示"
            entry.save(update_fields=["status", "expired_at", "updated_at"])
            count += 1
    return count


def subject_reveal_id(*, actor, entry: ListEntry, reason: str, ip_address: str | None = None) -> str:
    """The full ID number of the entry's subject, for a staff member who gives a reason; every
    reveal is recorded (DESIGN §5)."""
    if not permissions.can_reveal_id(actor, entry):
        raise PermissionDenied("无权查看该条目。")
    if not entry.subject.is_person:
        raise ValidationError("该主体不是自然人，没有身份证号码。")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": ["请填写查看事由（至少4个字）。"]})
    with transaction.atomic():
        log = IdRevealLog(subject=entry.subject, entry=entry, user=actor, reason=reason, ip_address=ip_address or None)
        log.full_clean()
        log.save()
    return entry.subject.reveal_id_number()


# --- Excel import ------------------------------------------------------------------------------


def list_import_create(*, actor, uploaded_file: UploadedFile) -> ListImport:
    """Accept an uploaded workbook for import, after refusing hostile files unparsed; the rows
    are checked and written by ``list_import_run`` (in a Celery task)."""
    from .excel import check_workbook_archive

    if not permissions.can_propose(actor):
        raise PermissionDenied("无权导入名单条目。")
    check_workbook_archive(uploaded_file)
    uploaded_file.seek(0)
    with transaction.atomic():
        list_import = ListImport(agency_id=actor.agency_id, created_by=actor, filename=uploaded_file.name[:255])
        list_import.file.save(f"import-{timezone.now():%Y%m%d%H%M%S}.xlsx", uploaded_file, save=False)
        list_import.full_clean()
        list_import.save()
    return list_import


def list_import_submit(*, actor, uploaded_file: UploadedFile) -> ListImport:
    """Accept an upload and check and write its rows in a Celery task once the upload is saved
    (in-process without a broker); the page polls the import's progress."""
    from .tasks import run_list_import

    list_import = list_import_create(actor=actor, uploaded_file=uploaded_file)
    transaction.on_commit(lambda: run_list_import.delay(list_import.pk))
    return list_import


def list_import_run(*, list_import: ListImport, today: datetime.date | None = None) -> ListImport:
    """Check every row of the import and write them all, or none (section 五.1).

    Rows are checked with the same rules as a single proposal, plus the file-wide ones
    (the same code under two names, the same decision twice). Progress is saved every few
    hundred rows so the page can show it; the writes happen in one transaction at the end.
    """
    from .excel import ImportFileError, read_entry_rows

    today = today or timezone.localdate()
    ListImport.objects.filter(pk=list_import.pk).update(status=ListImport.Status.RUNNING)
    actor = list_import.created_by

    def progress(done: int, total: int) -> None:
        ListImport.objects.filter(pk=list_import.pk).update(processed_rows=done, total_rows=total)

    try:
        with list_import.file.open("rb") as handle:
            rows = read_entry_rows(handle, progress=progress)
    except ImportFileError as error:
        return _finish_import(list_import, errors=[], message=str(error))
    try:
        result = entries_import(actor=actor, rows=rows, today=today, import_batch=list_import)
    except IntegrityError:
        # Another import wrote the same decision between our check and our write.
        message = "导入时发现与其他导入重复的条目（可能同时提交了相同的文件），未导入任何数据。请核对后重新上传。"
        return _finish_import(list_import, errors=[], message=message, total=len(rows))
    except Exception:
        _finish_import(list_import, errors=[], message="导入时发生系统错误，未导入任何数据。请联系管理员。")
        raise
    if result.errors:
        message = f"共{len(rows)}行数据，发现{len(result.errors)}处错误，未导入任何数据。请按错误报告修改后重新上传。"
        return _finish_import(list_import, errors=result.errors, message=message, total=len(rows))
    message = f"已导入{result.created}条名单条目，均为“待发布”状态，等待区文明办审核发布。"
    return _finish_import(list_import, errors=[], message=message, total=len(rows), imported=result.created)


def _finish_import(list_import, *, errors, message, total=None, imported=0) -> ListImport:
    list_import.refresh_from_db()
    list_import.status = ListImport.Status.SUCCEEDED if imported else ListImport.Status.FAILED
    list_import.errors = errors
    list_import.message = message
    list_import.imported_count = imported
    if total is not None:
        list_import.total_rows = list_import.processed_rows = total
    list_import.finished_at = timezone.now()
    list_import.save()
    return list_import


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict] = field(default_factory=list)


def entries_import(*, actor, rows: list, today: datetime.date, import_batch: ListImport | None = None) -> ImportResult:
    """Check and write parsed rows (``excel.ParsedRow``): all of them, or none when any row has
    an error. Errors are ``{"row", "column", "message"}`` with the Excel row number."""
    from .excel import COLUMN_OF_FIELD

    if not permissions.can_propose(actor):
        raise PermissionDenied("无权导入名单条目。")
    rules = publicity_rules()
    errors: list[dict] = []

    def add(row: int, field_name: str, message: str) -> None:
        errors.append({"row": row, "column": COLUMN_OF_FIELD.get(field_name, ""), "message": message})

    checked: list[tuple[int, EntryInput]] = []
    for row in rows:
        for field_name, message in row.errors:
            add(row.number, field_name, message)
        data = row.data
        row_errors = entry_errors(data, today=today, rules=rules)
        for field_name, messages in row_errors.items():
            if field_name not in {name for name, _ in row.errors}:
                for message in messages:
                    add(row.number, field_name, message)
        if data.deciding_agency is not None and not permissions.can_propose(actor, data.deciding_agency):
            add(row.number, "deciding_agency", f"只能以本单位（{actor.agency}）作为认定部门提出名单条目。")
        if not row.errors and not row_errors:
            checked.append((row.number, data))

    subjects = _existing_subjects([data for _, data in checked])
    new_subjects: dict[tuple[str, str], CreditSubject] = {}
    subject_rows: dict[tuple[str, str], int] = {}
    first_row_of: dict[tuple, int] = {}
    existing_decisions = _existing_decisions(subjects.values())
    for number, data in checked:
        lookup = _subject_lookup(data)
        if lookup in subjects:
            for field_name, messages in subject_mismatch(subjects[lookup], data).items():
                add(number, field_name, messages[0])
        elif lookup in new_subjects:
            subject, first_row = new_subjects[lookup], subject_rows[lookup]
            if (subject.subject_type, subject.name) != (data.subject_type, data.name):
                field_name = "id_number" if subject.is_person else "credit_code"
                add(
                    number,
                    field_name,
                    f"与第{first_row}行的{COLUMN_OF_FIELD[field_name]}相同，但主体名称或主体类型不一致"
                    f"（第{first_row}行为“{subject.name}”，{subject.get_subject_type_display()}）。",
                )
        else:
            new_subjects[lookup] = _new_subject(data)
            subject_rows[lookup] = number
        decision = (lookup, data.list, data.deciding_agency.pk, data.decision_number)
        if decision in first_row_of:
            add(number, "decision_number", f"与第{first_row_of[decision]}行是同一认定部门、同一决定文书号的重复条目。")
        elif decision in existing_decisions:
            add(number, "decision_number", "该主体已有同一认定部门、同一决定文书号的名单条目。")
        first_row_of.setdefault(decision, number)

    if errors:
        errors.sort(key=lambda error: error["row"])
        return ImportResult(errors=errors)

    from simple_history.utils import bulk_create_with_history

    with transaction.atomic():
        created_subjects = list(new_subjects.values())
        for subject in created_subjects:
            subject.full_clean(validate_constraints=False)
        bulk_create_with_history(created_subjects, CreditSubject, batch_size=1000, default_user=actor)
        subjects.update(new_subjects)
        entries = []
        for _, data in checked:
            entry = _new_entry(data, subject=subjects[_subject_lookup(data)], actor=actor, import_batch=import_batch)
            # Foreign keys and constraints were checked for the whole file above, in bulk.
            entry.clean_fields(exclude=ENTRY_FOREIGN_KEYS)
            entries.append(entry)
        bulk_create_with_history(
            entries, ListEntry, batch_size=1000, default_user=actor, default_change_reason="Excel导入提出"
        )
    return ImportResult(created=len(entries))


ENTRY_FOREIGN_KEYS = ["subject", "campaign", "deciding_agency", "proposed_by_agency", "proposed_by", "import_batch"]


def _subject_lookup(data: EntryInput) -> tuple[str, str]:
    if data.subject_type == SubjectType.PERSON:
        return ("id", id_number_hash(data.key))
    return ("code", data.key)


def _existing_subjects(rows: list[EntryInput]) -> dict[tuple[str, str], CreditSubject]:
    codes = {data.key for data in rows if data.subject_type != SubjectType.PERSON}
    hashes = {id_number_hash(data.key) for data in rows if data.subject_type == SubjectType.PERSON}
    found: dict[tuple[str, str], CreditSubject] = {}
    for chunk in _chunks(sorted(codes)):
        for subject in CreditSubject.objects.filter(credit_code__in=chunk):
            found[("code", subject.credit_code)] = subject
    for chunk in _chunks(sorted(hashes)):
        for subject in CreditSubject.objects.filter(id_number_hash__in=chunk):
            found[("id", subject.id_number_hash)] = subject
    return found


def _existing_decisions(subjects) -> set[tuple]:
    by_pk = {subject.pk: subject for subject in subjects}
    keys = set()
    for chunk in _chunks(sorted(by_pk)):
        for subject_id, list_, agency_id, number in (
            ListEntry.objects.filter(subject_id__in=chunk)
            .exclude(status=ListEntry.Status.REMOVED)
            .values_list("subject_id", "list", "deciding_agency_id", "decision_number")
        ):
            subject = by_pk[subject_id]
            lookup = ("id", subject.id_number_hash) if subject.is_person else ("code", subject.credit_code)
            keys.add((lookup, list_, agency_id, number))
    return keys


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Excel export in the background (issue 9 §3) ---------------------------------------------------

EXPORT_PROGRESS_EVERY = 2000


def list_export_submit(*, actor, params: dict[str, str]) -> ListExport:
    """Record an export of the entries ``actor`` may see, filtered by ``params`` (the list page's
    query), and build its file in a Celery task once the record is saved; the page polls it."""
    from .tasks import run_list_export

    query = {str(key): str(value) for key, value in params.items()}
    with transaction.atomic():
        list_export = ListExport(created_by=actor, query=query)
        list_export.full_clean()
        list_export.save()
    transaction.on_commit(lambda: run_list_export.delay(list_export.pk))
    return list_export


def list_export_run(*, list_export: ListExport) -> ListExport:
    """Write the export's workbook (openpyxl write-only, rows streamed from a server-side cursor,
    so memory stays flat) to a file, saving progress every few thousand rows."""
    import tempfile

    from django.core.files import File

    from .excel import entries_workbook, export_rows
    from .selectors import entries_for_export

    actor = list_export.created_by
    entries = entries_for_export(actor, list_export.query)
    total = entries.count()
    ListExport.objects.filter(pk=list_export.pk).update(status=ListExport.Status.RUNNING, total_rows=total)

    written = [0]

    def counted(rows):
        for done, row in enumerate(rows, start=1):
            written[0] = done
            if done % EXPORT_PROGRESS_EVERY == 0:
                ListExport.objects.filter(pk=list_export.pk).update(processed_rows=done)
            yield row

    list_export.refresh_from_db()
    try:
        with tempfile.TemporaryFile() as handle:
            entries_workbook(counted(export_rows(entries))).save(handle)
            handle.seek(0)
            list_export.file.save(f"export-{list_export.pk}.xlsx", File(handle), save=False)
    except Exception:
        list_export.status = ListExport.Status.FAILED
        list_export.message = "导出时发生系统错误，未生成文件。请稍后重试或联系管理员。"
        list_export.finished_at = timezone.now()
        list_export.save()
        raise
    list_export.status = ListExport.Status.SUCCEEDED
    list_export.total_rows = list_export.processed_rows = written[0]
    list_export.message = f"已导出{written[0]}条名单条目。"
    list_export.finished_at = timezone.now()
    list_export.save()
    return list_export


# --- Credit repair (section 五.3) ----------------------------------------------------------------

COMMITMENT_TEXT = (
    "本人（本单位）郑重承诺：所提交的信用修复申请材料真实、准确、完整；已纠正失信行为、履行相关义务；"
    "今后将严格遵守法律法规，诚信守法经营和生活。如有虚假或再次发生失信行为，自愿接受相关部门依法依规作出的"
    "处理，并承担相应法律责任。"
)
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
QUERY_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def repair_earliest_date(entry: ListEntry) -> datetime.date:
    """The first day a repair may be applied for: the decision date plus the minimum publicity."""
    return publicity_rules()[(entry.list, entry.severity)].earliest_end(entry.decision_date)


def repair_eligibility_error(entry: ListEntry, *, today: datetime.date) -> str:
    """Why ``entry`` cannot be repaired today, or "" when it can (section 五.3)."""
    if entry.list != ListEntry.List.BLACK:
        return "红名单条目无需信用修复。"
    if entry.status != ListEntry.Status.PUBLISHED:
        return f"该条目当前状态为“{entry.get_status_display()}”，不在公示中，无需申请信用修复。"
    earliest = repair_earliest_date(entry)
    if today < earliest:
        rule = publicity_rules()[(entry.list, entry.severity)]
        return f"最短公示期（{rule.min_months}个月）未满，自{earliest:%Y-%m-%d}起方可申请信用修复。"
    if entry.repair_applications.open().exists():
        return "该条目已有一份待审核的信用修复申请，请用查询码查询办理进度。"
    return ""


def repair_apply(
    *,
    entry: ListEntry,
    grounds: list[str],
    statement: str,
    commitment_signed_by: str,
    applicant_name: str,
    contact_phone: str,
    contact_email: str = "",
    evidence: list[UploadedFile] | tuple = (),
    today: datetime.date | None = None,
) -> RepairApplication:
    """A listed subject applies for credit repair (section 五.3): only after the minimum publicity
    period; the decision is due within ``REPAIR_DECISION_WORKING_DAYS`` working days."""
    today = today or timezone.localdate()
    problem = repair_eligibility_error(entry, today=today)
    if problem:
        raise ValidationError({NON_FIELD_ERRORS: [problem]})
    errors: dict[str, list[str]] = {}
    grounds = list(dict.fromkeys(grounds))
    if not grounds:
        errors["grounds"] = ["请至少选择一项修复理由。"]
    elif not set(grounds) <= set(RepairApplication.Ground.values):
        errors["grounds"] = ["修复理由无效。"]
    evidence_errors = _evidence_errors(list(evidence))
    if evidence_errors:
        errors["evidence"] = evidence_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = RepairApplication(
            entry=entry,
            grounds=grounds,
            statement=(statement or "").strip(),
            commitment=COMMITMENT_TEXT,
            commitment_signed_by=(commitment_signed_by or "").strip(),
            applicant_name=(applicant_name or "").strip(),
            contact_phone=(contact_phone or "").strip(),
            contact_email=(contact_email or "").strip(),
            query_code=get_random_string(12, QUERY_CODE_CHARS),
            due_date=add_working_days(today, settings.REPAIR_DECISION_WORKING_DAYS),
        )
        application.full_clean()
        application._change_reason = "提交申请"
        application.save()
        for upload in evidence:
            upload.seek(0)
            item = RepairEvidence(
                application=application,
                filename=upload.name[:255],
                size=upload.size,
                content_type=_evidence_type(upload),
            )
            item.file.save(f"evidence-{application.pk}.{EVIDENCE_TYPES[item.content_type].lower()}", upload, save=False)
            item.save()
    return application


def _evidence_type(upload: UploadedFile) -> str:
    import filetype

    upload.seek(0)
    kind = filetype.guess(upload.read(261))
    upload.seek(0)
    return kind.mime if kind else ""


def _evidence_errors(files: list[UploadedFile]) -> list[str]:
    errors = []
    if len(files) > settings.REPAIR_EVIDENCE_MAX_FILES:
        errors.append(f"证明材料最多{settings.REPAIR_EVIDENCE_MAX_FILES}个文件。")
    limit_mb = settings.REPAIR_EVIDENCE_MAX_BYTES // (1024 * 1024)
    for upload in files:
        if upload.size > settings.REPAIR_EVIDENCE_MAX_BYTES:
            errors.append(f"“{upload.name}”超过{limit_mb}MB。")
        elif _evidence_type(upload) not in EVIDENCE_TYPES:
            errors.append(f"“{upload.name}”不是PDF、JPG或PNG文件。")
    return errors


def repair_decide(*, actor, application: RepairApplication, approve: bool, reason: str) -> RepairApplication:
    """Approve or reject a repair application with a reason (section 五.3). Approval takes the
    entry off the public list at once; it stays in the records as repaired."""
    if not permissions.can_decide_repair(actor, application):
        raise PermissionDenied("只有区文明办或认定部门可以审核该信用修复申请。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写决定理由。"]})
    with transaction.atomic():
        application = RepairApplication.objects.select_for_update().select_related("entry").get(pk=application.pk)
        if application.status != RepairApplication.Status.SUBMITTED:
            raise ValidationError(f"该申请已于{timezone.localtime(application.decided_at):%Y-%m-%d}作出决定。")
        now = timezone.now()
        application.status = RepairApplication.Status.APPROVED if approve else RepairApplication.Status.REJECTED
        application.decided_at = now
        application.decided_by = actor
        application.decision_reason = reason
        application.full_clean()
        application._change_reason = f"{application.get_status_display()}：{reason}"
        application._history_user = actor
        application.save()
        entry = ListEntry.objects.select_for_update().get(pk=application.entry_id)
        if approve and entry.status in (ListEntry.Status.PUBLISHED, ListEntry.Status.EXPIRED):
            entry.status = ListEntry.Status.REPAIRED
            entry.repaired_at = now
            entry._change_reason = f"信用修复：{reason}"
            entry._history_user = actor
            entry.save(update_fields=["status", "repaired_at", "updated_at"])
        if application.contact_email:
            transaction.on_commit(lambda: _notify_applicant(application))
    return application


def _notify_applicant(application: RepairApplication) -> None:
    send_mail(
        subject=f"信用修复申请结果：{application.get_status_display()}",
        message=(
            f"{application.applicant_name}：\n\n您提交的信用修复申请（查询码 {application.query_code}）"
            f"已于{timezone.localtime(application.decided_at):%Y-%m-%d}作出决定：{application.get_status_display()}。\n"
            f"理由：{application.decision_reason}\n\n西青区精神文明建设委员会办公室"
        ),
        from_email=None,
        recipient_list=[application.contact_email],
        fail_silently=True,
    )
