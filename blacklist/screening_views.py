"""Batch screening pages for agency staff (section 五.2, 联合奖惩): upload a list, see who is on
the red/black lists, download the result as Excel."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from xiqing_credit.excel import xlsx_response

from .permissions import can_screen
from .screening import ScreeningInputError, read_upload, result_workbook, screen, template_workbook
from .screening_forms import ScreeningForm

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def screening(request):
    """Upload and screen; the result shows matches and input errors, the Excel holds every row."""
    if not can_screen(request.user):
        raise PermissionDenied
    form = ScreeningForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_upload(form.cleaned_data["file"])
        except ScreeningInputError as error:
            form.add_error("file", str(error))
        else:
            today = timezone.localdate()
            result = screen(rows, user=request.user, today=today, include_history=form.cleaned_data["include_history"])
            # Counts only: the rows may hold ID numbers, which no log may keep.
            logger.info(
                "batch screening by user %s: %s rows, %s hits, %s errors",
                request.user.pk,
                len(result.rows),
                result.hit_count,
                result.error_count,
            )
            if request.POST.get("output") == "xlsx":
                return xlsx_response(result_workbook(result), f"联合奖惩筛查结果-{today.isoformat()}.xlsx")
    return render(request, "blacklist/screening/screening.html", {"form": form, "result": result})


@require_GET
def screening_template(request):
    """The two-column template to fill in."""
    if not can_screen(request.user):
        raise PermissionDenied
    return xlsx_response(template_workbook(), "联合奖惩筛查模板.xlsx")
