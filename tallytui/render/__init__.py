"""Invoice documents: HTML from a jinja2 template (autoescaped), PDF through xhtml2pdf."""
