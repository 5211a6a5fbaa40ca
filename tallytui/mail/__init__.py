"""Invoice e-mails: addresses, templates, composing with the standard library's ``email``
package and handing over with ``smtplib``. No database here: the outbox that makes a send
happen once is kept by ``services.sending``."""
