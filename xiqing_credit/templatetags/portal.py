"""Template helpers shared by every app's pages."""

from django import template

register = template.Library()

_SELECT_WIDGETS = {"select", "selectmultiple"}


@register.filter
def bs(field):
    """Render a bound field's widget with Bootstrap classes, marked invalid when it has errors."""
    widget = field.field.widget
    kind = widget.__class__.__name__.lower()
    css = "form-select" if kind in _SELECT_WIDGETS else "form-control"
    if getattr(widget, "input_type", "") in ("checkbox", "radio"):
        css = "form-check-input"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)
