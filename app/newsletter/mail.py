"""Mail: the confirmation message, and the outbox worker that hands stored mails to SMTP, with retries.

A request only stores its mail (`NewsletterMail`) in the same transaction as the subscription, so it never
waits on SMTP and no mail is lost when the server is down. Workers claim due mails with a conditional
UPDATE (a lease), so several processes can send from one outbox without sending a mail twice."""

import html
import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from types import TracebackType

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.newsletter.models import MailStatus, NewsletterMail

log = logging.getLogger("broadsheet.mail")
LEASE = timedelta(minutes=5)  # a claimed mail is retried after this if its worker died while sending
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def unsubscribe_headers(unsubscribe_url: str, mailto: str | None) -> dict[str, str]:
    """RFC 2369 and RFC 8058: a one-click HTTPS link (POST), and a mailto when one is configured."""
    targets = [f"<{unsubscribe_url}>"]
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": ONE_CLICK}


def confirmation_mail(
    *,
    publisher: str,
    confirm_url: str,
    unsubscribe_url: str,
    topic_names: list[str],
    hours: int,
    changing_topics: bool,
    mailto: str | None,
) -> Composed:
    """The double opt-in mail: nothing is sent to the address until its link is opened."""
    wanted = f" on {', '.join(topic_names)}" if topic_names else ""
    if changing_topics:
        subject = f"Confirm the topics of your {publisher} newsletter"
        topics = wanted or " on every topic"
        request = f"a change to your {publisher} newsletter: from now on, the newsletter{topics}"
    else:
        subject = f"Confirm your subscription to the {publisher} newsletter"
        request = f"the {publisher} newsletter{wanted} at this address"
    text = (
        f"Hello,\n\nSomeone, probably you, asked for {request}.\n\n"
        f"To confirm, open this link within {hours} hours:\n{confirm_url}\n\n"
        "If you did not ask for this, ignore this message: nothing changes without the confirmation.\n\n"
        f"To stop every mail from us to this address: {unsubscribe_url}\n"
    )
    body = (
        '<!doctype html><html><body style="font-family: sans-serif">'
        f"<p>Hello,</p><p>Someone, probably you, asked for {html.escape(request)}.</p>"
        f'<p><a href="{html.escape(confirm_url)}">Confirm</a> (the link works for {hours} hours).</p>'
        "<p>If you did not ask for this, ignore this message: nothing changes without the confirmation.</p>"
        f'<p><small><a href="{html.escape(unsubscribe_url)}">Stop every mail to this address</a></small></p>'
        "</body></html>"
    )
    return Composed(subject, text, body, unsubscribe_headers(unsubscribe_url, mailto))


def message(mail: NewsletterMail, settings: Settings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring=f"newsletter-{mail.id}", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        msg[name] = value
    msg.set_content(mail.body_text)
    msg.add_alternative(mail.body_html, subtype="html")
    return msg


class SMTPTransport:
    """One SMTP connection for a batch of mails, opened on first use (TLS and login as configured)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> "SMTPTransport":
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.smtp_host is not None
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context)
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        try:
            if s.smtp_security == "starttls":
                client.starttls(context=context)
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                client.login(s.smtp_username, password)
        except BaseException:
            client.close()
            raise
        return client

    def send(self, msg: EmailMessage) -> None:
        if self.client is None:
            self.client = self._connect()
        self.client.send_message(msg)

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()
            self.client = None


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first failure, doubling up to 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _is_permanent(exc: Exception) -> bool:
    """The server refused this mail for good (5xx for its recipient or content); anything else may pass
    later, including refused logins and senders, which are configuration to be fixed."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _claim(session: Session, mail_id: int, now: datetime) -> NewsletterMail | None:
    """Take a due mail for one attempt; None when another worker took it first."""
    claimed = session.exec(
        update(NewsletterMail)
        .where(
            col(NewsletterMail.id) == mail_id,
            col(NewsletterMail.status) == MailStatus.pending,
            col(NewsletterMail.next_attempt_at) <= now,
        )
        .values(next_attempt_at=now + LEASE, attempts=NewsletterMail.attempts + 1)
    )
    session.commit()
    if claimed.rowcount != 1:
        return None
    return session.get(NewsletterMail, mail_id)


def deliver_due(
    engine: Engine, settings: Settings, *, now: datetime | None = None, limit: int = 100
) -> DeliveryReport:
    """Send the outbox's due mails, oldest first. A temporary failure reschedules the mail with backoff and
    ends the batch (the server is likely down); a permanent one, or the last attempt, marks it failed."""
    report = DeliveryReport()
    if settings.smtp_host is None:
        return report
    now = now or utcnow()
    with Session(engine, expire_on_commit=False) as session, SMTPTransport(settings) as transport:
        due = session.exec(
            select(NewsletterMail.id)
            .where(
                col(NewsletterMail.status) == MailStatus.pending, col(NewsletterMail.next_attempt_at) <= now
            )
            .order_by(col(NewsletterMail.next_attempt_at), col(NewsletterMail.id))
            .limit(limit)
        ).all()
        for mail_id in due:
            assert mail_id is not None
            mail = _claim(session, mail_id, now)
            if mail is None:
                continue
            try:
                transport.send(message(mail, settings))
            except (smtplib.SMTPException, OSError) as exc:
                transport.close()
                mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if _is_permanent(exc) or mail.attempts >= settings.smtp_max_attempts:
                    mail.status = MailStatus.failed
                    report.failed += 1
                    log.error("mail %s to %s failed for good: %s", mail.id, mail.to_address, mail.last_error)
                else:
                    mail.next_attempt_at = now + retry_delay(mail.attempts)
                    report.retrying += 1
                    log.warning("mail %s: attempt %s failed (%s)", mail.id, mail.attempts, mail.last_error)
                session.commit()
                if not _is_permanent(exc):
                    break
                continue
            _mark_sent(mail, now)
            session.commit()
            report.sent += 1
    return report


def _mark_sent(mail: NewsletterMail, now: datetime) -> None:
    """Sent: the links' secrets are dropped from the stored copy, so the database keeps only their hashes."""
    mail.status = MailStatus.sent
    mail.sent_at = now
    mail.last_error = None
    mail.body_text = mail.body_html = ""
    mail.headers = {}


class MailWorker:
    """Sends the outbox every `mail_poll_seconds` from a daemon thread of the serving process."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="broadsheet-mail", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=self.settings.smtp_timeout + 5)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                deliver_due(self.engine, self.settings)
            except Exception:  # a database hiccup must not end the worker
                log.exception("sending the newsletter outbox failed")
            self.stopping.wait(self.settings.mail_poll_seconds)
