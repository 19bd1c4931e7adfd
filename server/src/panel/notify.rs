//! The "your answer is ready" mail to a visitor (not logged in): queued in the database with the
//! step that completes or refuses the request (also when the operator command, a separate
//! process, takes it), and sent by the server to the verified address. The mail names the
//! company, the kind of request and the page to read the answer on; never any of the data.
//! The link to that page carries a fresh status token for the request in its fragment
//! (`#pw-status=…`, [`STATUS_FRAGMENT`]), so the answer opens on any device and the token never
//! reaches a server log; only its hash is stored, like the token the verification gave. The
//! mail says until when the answer can be read: the tokens stop working a set time after the
//! request was closed ([`super::status_token`]).

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use super::{store_requests as sr, store_visitor as sv, Mail, Panel};
use privacy_widget::policy::Date;

use crate::{
    db::{Db, DbError},
    live::LiveSites,
    sites::Sites,
};

/// How often the server looks for queued mails.
pub const INTERVAL: Duration = Duration::from_secs(3);
/// Mails sent per look.
const BATCH: i64 = 50;

/// The fragment name the widget's status view reads a status token from.
pub const STATUS_FRAGMENT: &str = "pw-status";

const MONTHS_NL: [&str; 12] =
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// The last whole day (UTC) before `expires_ms`, written in Dutch and in English
/// (`21 december 2026`, `21 December 2026`). Naming the day before the one the tokens stop on
/// keeps the promise for readers east of UTC too (the end of that day in the Netherlands is still
/// before the expiry).
pub fn last_day(expires_ms: i64) -> Option<(String, String)> {
    let date = Date::from_days(expires_ms.div_euclid(86_400_000) - 1)?;
    let month = usize::from(date.month).checked_sub(1)?;
    let (nl, en) = (MONTHS_NL.get(month)?, MONTHS_EN.get(month)?);
    Some((format!("{} {nl} {}", date.day, date.year), format!("{} {en} {}", date.day, date.year)))
}

/// The mail for one queued answer: Dutch first, then English (the code mail does the same).
/// With a `token`, the page link opens the request's status on any device. `until` is when the
/// tokens of the request stop working (UTC ms); the mail names the last day the answer can be
/// read.
pub fn compose(queued: &sv::QueuedMail, company: &str, token: Option<&str>, until: Option<i64>, now: i64) -> Mail {
    let (nl_state, en_state) = match queued.status.as_str() {
        "refused" => ("afgewezen; u leest daar de reden en waar u een klacht kunt indienen", "refused; you can read the reason there and where you can complain"),
        _ => ("beantwoord", "answered"),
    };
    let (nl_kind, en_kind) = match queued.kind.as_str() {
        "access" => ("inzageverzoek", "access request"),
        "export" => ("verzoek om uw gegevens mee te nemen", "data portability request"),
        "rectification" => ("verzoek om correctie", "rectification request"),
        "erasure" => ("verzoek om verwijdering", "erasure request"),
        "restriction" => ("verzoek om beperking", "restriction request"),
        "objection" => ("bezwaar", "objection"),
        _ => ("privacyverzoek", "privacy request"),
    };
    let last = until.and_then(last_day);
    let (nl_where, en_where) = match (&queued.page, token) {
        (Some(page), Some(token)) => {
            let link = format!("{page}#{STATUS_FRAGMENT}={token}");
            let (nl_until, en_until) = match &last {
                Some((nl, en)) => (format!("\nDe link werkt tot en met {nl}."), format!("\nThe link works until the end of {en}.")),
                None => (String::new(), String::new()),
            };
            (
                format!("Bekijk het antwoord via deze link, op elk apparaat: {link}{nl_until}\nWie de link heeft, kan het antwoord lezen: stuur hem niet door."),
                format!("See the answer through this link, on any device: {link}{en_until}\nAnyone with the link can read the answer: do not forward it."),
            )
        }
        (Some(page), None) => (
            format!("Bekijk het antwoord op {page} op het apparaat waarmee u het verzoek heeft bevestigd."),
            format!("See the answer at {page} on the device you confirmed the request with."),
        ),
        (None, _) => (
            "Bekijk het antwoord op de privacypagina waar u het verzoek deed, op het apparaat waarmee u het heeft bevestigd.".to_owned(),
            "See the answer on the privacy page where you made the request, on the device you confirmed it with.".to_owned(),
        ),
    };
    // Without a link of its own the browser's token shows the answer, for as long.
    let (nl_where, en_where) = match (&last, token.is_some() && queued.page.is_some()) {
        (Some((nl, en)), false) => (format!("{nl_where}\nDat kan tot en met {nl}."), format!("{en_where}\nYou can do so until the end of {en}.")),
        _ => (nl_where, en_where),
    };
    Mail {
        site: queued.site.clone(),
        to: queued.to.clone(),
        subject: format!("Uw privacyverzoek bij {company} / your privacy request to {company}"),
        body: format!(
            "Uw {nl_kind} bij {company} is {nl_state}.\n{nl_where}\nDeze e-mail bevat zelf geen persoonsgegevens.\n\n\
             Your {en_kind} to {company} has been {en_state}.\n{en_where}\nThis e-mail itself contains no personal data.\n\n\
             Verzoek / request: {}",
            queued.request
        ),
        at_ms: now,
    }
}

/// Sends what is queued; a mail that could not be delivered stays queued for the next look.
/// Returns how many were sent.
pub async fn drain(db: &Db, sites: &Sites, panel: &Panel) -> Result<usize, DbError> {
    let queued = db.read(|conn| sv::unsent(conn, BATCH)).await?;
    let mut sent = 0;
    for q in queued {
        let company = sites
            .get(&q.site)
            .map(|s| s.policy.text(&s.policy.controller.name, s.policy.default_language()).to_owned())
            .unwrap_or_else(|| q.site.clone());
        let now = crate::time::now_ms();
        // A token of its own for the link (kept as a hash; without a page there is no link).
        let token = match (&q.page, super::session::new_token()) {
            (Some(_), Ok((token, hash))) => {
                let request = q.request.clone();
                db.write(move |conn| sr::add_status_token(conn, &request, &hash, now)).await?;
                Some(token)
            }
            _ => None,
        };
        let until = q.closed_at_ms.map(|at| at.saturating_add(panel.token_lifetime_ms));
        if panel.mailer.send(compose(&q, &company, token.as_deref(), until, now)).await.is_none() {
            tracing::error!(request = %q.request, "answer mail not delivered; kept queued");
            break;
        }
        let id = q.id;
        db.write(move |conn| sv::mark_sent(conn, id, now)).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Starts the loop that sends queued mails, once per [`Panel`]; it ends with the panel or the
/// database.
pub fn start(panel: &Arc<Panel>, db: &Db, live: &Arc<LiveSites>) {
    // Without a runtime (an app built outside one) the first request starts it instead.
    if tokio::runtime::Handle::try_current().is_err() || panel.mail_loop.set(()).is_err() {
        return;
    }
    let weak: Weak<Panel> = Arc::downgrade(panel);
    let (db, live) = (db.clone(), Arc::clone(live));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        loop {
            tick.tick().await;
            let Some(panel) = weak.upgrade() else { return };
            let _one = panel.draining.lock().await;
            // The policies as served now (they may have been reloaded since the last look).
            match drain(&db, &live.current().sites, &panel).await {
                Ok(_) => {}
                Err(DbError::Closed) => return,
                Err(e) => tracing::error!(error = %e, "answer mails: cannot read the queue"),
            }
        }
    });
}
