"""Demo red/black list data for ``seed_demo``: entries of both lists, every severity and status,
and repair applications in every state, all made through the services with valid codes and IDs.
Dates are relative to today so the publicity rules hold whenever the demo is loaded."""

from __future__ import annotations

import datetime

from django.utils import timezone

from agencies.models import Agency, User
from campaigns.models import Campaign

from . import services
from .dates import add_months
from .models import CreditSubject, ListEntry
from .validators import make_credit_code, make_id_number

FIRST_CODE = make_credit_code("91120111MA0500001")


def _code(prefix: str, n: int) -> str:
    return make_credit_code(f"{prefix}120111MA05{n:05d}")


def _id(birth: str, n: int) -> str:
    return make_id_number(f"120111{birth}{n:03d}")


# (key, list, subject type, name, code or ID, campaign, severity, agency, months ago, months shown, reason, basis)
ENTRIES = [
    ("wages", "black", "legal_person", "天津西青某建筑劳务有限公司", _code("91", 1),
     8, "general", "区人力社保局", 5, 12,
     "拖欠农民工工资共计32.6万元，经责令限期支付逾期未支付", "《保障农民工工资支付条例》第五十六条"),
    ("drugs", "black", "individual_business", "西青区杨柳青镇某大药房", _code("92", 2),
     7, "serious", "区市场监管局", 8, 24,
     "销售假药，货值金额1.2万元", "《中华人民共和国药品管理法》第一百一十六条"),
    ("tax", "black", "legal_person", "天津某商贸有限公司", _code("91", 3), 10, "severe", "区税务局", 14, 36,
     "虚开增值税专用发票，被认定为重大税收违法失信主体", "《重大税收违法失信主体信息公布管理办法》第六条"),
    ("court", "black", "person", "王某明", _id("19780312", 11), 11, "severe", "区人民法院", 2, 24,
     "有履行能力而拒不履行生效法律文书确定的给付义务", "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条"),
    ("minor", "black", "legal_person", "天津某餐饮管理有限公司", _code("91", 5), 7, "minor", "区市场监管局", 1, None,
     "未按规定公示食品经营许可信息，已当场改正", "《中华人民共和国食品安全法》第一百二十六条"),
    ("pending", "black", "legal_person", "天津某物流有限公司", _code("91", 6), 8, "general", "区人力社保局", 0, 6,
     "拒不支付劳动报酬，经劳动保障监察责令后仍未支付", "《保障农民工工资支付条例》第四十八条"),
    ("expired", "black", "legal_person", "天津某环境工程有限公司", _code("91", 7), 4, "general", "区环保局", 13, 12,
     "超标排放水污染物", "《中华人民共和国水污染防治法》第八十三条"),
    ("removed", "black", "legal_person", "天津某建材有限公司", _code("91", 8), 4, "serious", "区环保局", 3, 12,
     "未批先建，擅自开工建设", "《中华人民共和国环境影响评价法》第三十一条"),
    ("org", "black", "other_org", "西青区某文化交流协会（未登记）", _code("52", 9), 15, "serious", "区民政局", 7, 18,
     "未经登记擅自以社会团体名义开展活动", "《社会团体登记管理条例》第三十五条"),
    ("person-tax", "black", "person", "李某华", _id("19850721", 23), 10, "general", "区税务局", 4, 12,
     "逃避追缴欠税，经催告仍未缴纳", "《中华人民共和国税收征收管理法》第六十五条"),
    ("red-firm", "red", "legal_person", "天津西青某食品股份有限公司", _code("91", 11), 25, "", "区市场监管局", 2, 24,
     "连续三年无违法违规记录，获评“诚信经营示范企业”", "西青区诚信企业评选办法"),
    ("red-person", "red", "person", "赵某芳", _id("19690105", 35), 24, "", "区文明办", 1, 36,
     "拾金不昧、诚实守信，获评西青区“道德模范”", "津西文明委关于表彰道德模范的决定"),
    ("red-shop", "red", "individual_business", "西青区中北镇某便利店", _code("92", 13), 25, "", "区市场监管局", 0, 12,
     "参加“诚信经营承诺示范店”活动并通过评审", "西青区“诚信经营承诺示范店”活动方案"),
]  # fmt: skip

# key → what happens after the proposal.
OUTCOMES = {
    "wages": "publish+repair-open",
    "drugs": "publish+repair-approved",
    "tax": "publish+repair-rejected",
    "court": "publish",
    "minor": "",
    "pending": "",
    "expired": "publish+expire",
    "removed": "publish+remove",
    "org": "publish",
    "person-tax": "publish",
    "red-firm": "publish",
    "red-person": "publish",
    "red-shop": "",
}


def _actor(agency: Agency) -> User | None:
    from agencies.demo import reporter_username

    if agency.is_office:
        return User.objects.filter(username="office").first()
    return User.objects.filter(username=reporter_username(agency)).first()


def seed(stdout) -> None:
    if CreditSubject.objects.filter(credit_code=FIRST_CODE).exists():
        stdout.write("demo list entries: already loaded")
        return
    office = User.objects.filter(username="office").first()
    if office is None:
        stdout.write("demo list entries: skipped (no demo office account)")
        return
    today = timezone.localdate()
    campaigns = {campaign.number: campaign for campaign in Campaign.objects.all()}
    entries: dict[str, ListEntry] = {}
    for key, list_, subject_type, name, number, campaign, severity, agency_name, ago, months, reason, basis in ENTRIES:
        agency = Agency.objects.by_name(agency_name)
        actor = _actor(agency) or office
        decided = add_months(today, -ago) - datetime.timedelta(days=3)
        data = services.EntryInput(
            list=list_,
            subject_type=subject_type,
            name=name,
            credit_code="" if subject_type == "person" else number,
            id_number=number if subject_type == "person" else "",
            campaign=campaigns[campaign],
            severity=severity,
            reason=reason,
            basis=basis,
            deciding_agency=agency,
            decision_number=f"西青{agency_name[1:3]}决字〔{decided.year}〕{len(entries) + 11}号",
            decision_date=decided,
            publish_until=add_months(decided, months) if months else None,
        )
        entries[key] = services.entry_propose(actor=actor, data=data, today=today)
        outcome = OUTCOMES[key]
        if "publish" in outcome:
            published_on = decided + datetime.timedelta(days=2) if "expire" in outcome else today
            entries[key] = services.entry_publish(actor=office, entry=entries[key], today=published_on)
        if "expire" in outcome:
            services.list_entries_expire(today=today)
        if "remove" in outcome:
            services.entry_remove(actor=office, entry=entries[key], reason="行政处罚决定经行政复议被依法撤销")
        if "repair" in outcome:
            application = services.repair_apply(
                entry=entries[key],
                grounds=["corrected", "duties_met"] if key != "tax" else ["charity"],
                statement="已全部纠正失信行为并履行相关义务，附缴款凭证和整改报告。",
                commitment_signed_by="张某",
                applicant_name="张某",
                contact_phone="022-27391234",
                contact_email="",
                today=today,
            )
            if "approved" in outcome:
                services.repair_decide(
                    actor=office, application=application, approve=True, reason="已纠正失信行为，材料齐全，准予修复。"
                )
            if "rejected" in outcome:
                services.repair_decide(
                    actor=office,
                    application=application,
                    approve=False,
                    reason="欠缴税款尚未全部缴清，不符合修复条件。",
                )
    counts = {status.label: 0 for status in ListEntry.Status}
    for entry in ListEntry.objects.all():
        counts[entry.get_status_display()] += 1
    summary = "，".join(f"{label} {count}" for label, count in counts.items())
    stdout.write(f"demo list entries: {len(entries)} created（{summary}），信用修复申请 3")
