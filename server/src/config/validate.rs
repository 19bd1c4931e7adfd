//! Turning the raw file plus environment plus command line into [`Settings`], naming every
//! key at fault; and the small value types it checks (IP ranges, origins).

use std::{
    collections::BTreeSet,
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use super::{MAX_VISITOR_TOKEN_DAYS, Limits, Overrides, Rate, RawFile, RawLimits, RawSmtp, Settings, SiteSettings, Smtp};

/// An address or a CIDR block (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Parses `addr` or `addr/prefix`.
    pub fn parse(text: &str) -> Option<IpRange> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text.trim(), None),
        };
        let base: IpAddr = addr.parse().ok()?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange { base, prefix })
    }

    /// Whether `ip` lies in the range (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.base, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => prefix_eq(&a.octets(), &b.octets(), self.prefix),
            (IpAddr::V6(a), IpAddr::V6(b)) => prefix_eq(&a.octets(), &b.octets(), self.prefix),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (full, rest) = (usize::from(bits / 8), bits % 8);
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// Why `origin` is not a browser origin (`https://host[:port]`, no path, no trailing slash).
pub fn origin_reason(origin: &str) -> Option<&'static str> {
    let Some((scheme, host)) = origin.split_once("://") else {
        return Some("must be scheme://host[:port]");
    };
    if scheme != "https" && scheme != "http" {
        return Some("the scheme must be http or https");
    }
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !valid {
        return Some("must be scheme://host[:port] without a path or a trailing slash");
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("must be lower case (browsers send origins in lower case)");
    }
    None
}

/// Applies the environment to the raw file (empty values are ignored). `PW_ADDR`, `PW_DB`,
/// `PW_WWW`, `PW_POLICIES` and `PW_WIDGET_DIR` are read here too, for callers that do not use the command line.
pub(super) fn apply_env(raw: &mut RawFile, env: &dyn Fn(&str) -> Option<String>) {
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(v) = get("PW_ADDR") {
        raw.addr = Some(v);
    }
    // A PostgreSQL URL under its usual name; PW_DB wins when both are set.
    if let Some(v) = get("PW_DATABASE_URL") {
        raw.db = Some(v.into());
    }
    if let Some(v) = get("PW_DB") {
        raw.db = Some(v.into());
    }
    if let Some(v) = get("PW_WWW") {
        raw.www = Some(v.into());
    }
    if let Some(v) = get("PW_POLICIES") {
        raw.policies = Some(v.into());
    }
    if let Some(v) = get("PW_WIDGET_DIR") {
        raw.widget_dir = Some(v.into());
    }
    let smtp_addr = get("PW_SMTP_ADDR");
    let smtp_from = get("PW_SMTP_FROM");
    if smtp_addr.is_some() || smtp_from.is_some() {
        let smtp = raw.smtp.get_or_insert_with(RawSmtp::default);
        if smtp_addr.is_some() {
            smtp.addr = smtp_addr;
        }
        if smtp_from.is_some() {
            smtp.from = smtp_from;
        }
    }
    if let Some(v) = get("PW_ADMIN_TOKEN") {
        raw.admin_token = Some(v);
    }
    if let Some(v) = get("PW_TRUSTED_PROXIES") {
        raw.trusted_proxies = Some(v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect());
    }
    if let Some(v) = get("PW_LOG_REQUESTS") {
        raw.log_requests = Some(matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"));
    }
    if let Some(v) = get("PW_VISITOR_TOKEN_DAYS") {
        // Not a number: NaN, which [`build`] refuses under the key's name.
        raw.visitor_token_days = Some(v.trim().parse().unwrap_or(f64::NAN));
    }
    if let Some(v) = get("PW_IP_RETENTION_HOURS") {
        raw.ip_retention_hours = Some(v.trim().parse().unwrap_or(f64::NAN));
    }
    if let Some(v) = get("PW_CONSENT_RETENTION_DAYS") {
        raw.consent_retention_days = Some(v.trim().parse().unwrap_or(f64::NAN));
    }
    if let Some(v) = get("PW_REQUEST_RETENTION_DAYS") {
        raw.request_retention_days = Some(v.trim().parse().unwrap_or(f64::NAN));
    }
    if let Some(v) = get("PW_WEBHOOK_RETENTION_DAYS") {
        raw.webhook_retention_days = Some(v.trim().parse().unwrap_or(f64::NAN));
    }
}

/// `visitor_token_days` as a lifetime: more than 0 and at most [`MAX_VISITOR_TOKEN_DAYS`] days.
pub fn visitor_token_lifetime(days: f64) -> Option<Duration> {
    (days > 0.0 && days <= MAX_VISITOR_TOKEN_DAYS).then(|| Duration::from_secs_f64(days * 86_400.0))
}

/// Validates everything, collecting `key: reason` for each problem.
pub(super) fn build(raw: RawFile, overrides: &Overrides) -> Result<Settings, Vec<String>> {
    let mut errors = Vec::new();
    let mut s = Settings::default();
    match overrides.addr {
        Some(addr) => s.addr = addr,
        None => {
            if let Some(text) = &raw.addr {
                match text.parse::<SocketAddr>() {
                    Ok(addr) => s.addr = addr,
                    Err(_) => errors.push(format!("addr: {text:?} is not an address with a port (127.0.0.1:8080)")),
                }
            }
        }
    }
    s.db = overrides.db.clone().or(raw.db).unwrap_or(s.db);
    s.www = overrides.www.clone().or(raw.www).unwrap_or(s.www);
    s.widget_dir = overrides.widget_dir.clone().or(raw.widget_dir).unwrap_or(s.widget_dir);
    for (key, path) in [("db", &s.db), ("www", &s.www), ("widget_dir", &s.widget_dir)] {
        if path.as_os_str().is_empty() {
            errors.push(format!("{key}: must not be empty"));
        }
    }
    // An explicit policies folder must exist (the default one may be missing: no sites).
    s.policies = overrides.policies.clone().or(raw.policies);
    if let Some(dir) = &s.policies {
        if !dir.is_dir() {
            errors.push(format!("policies: {} is not a folder", dir.display()));
        }
    }
    s.demo = raw.demo.unwrap_or(true) && !overrides.no_demo;
    s.log_requests = raw.log_requests.unwrap_or(false) || overrides.log_requests;
    if let Some(every) = overrides.policy_poll {
        s.policy_poll = every;
    }
    match (overrides.visitor_token_lifetime, raw.visitor_token_days) {
        (Some(lifetime), _) => s.visitor_token_lifetime = lifetime,
        (None, Some(days)) => match visitor_token_lifetime(days) {
            Some(lifetime) => s.visitor_token_lifetime = lifetime,
            None => errors.push(format!(
                "visitor_token_days: must be a number of days above 0 and at most {MAX_VISITOR_TOKEN_DAYS} (PW_VISITOR_TOKEN_DAYS, --visitor-token-days)"
            )),
        },
        (None, None) => {}
    }
    // C-E2: each retention period within its documented bounds, else refused naming the key.
    use super::retention as r;
    let mut period = |flag: Option<Duration>, file: Option<f64>, parse: fn(f64) -> Option<Duration>, reason: fn() -> String, into: &mut Duration| {
        match (flag, file.map(parse)) {
            (Some(p), _) | (None, Some(Some(p))) => *into = p,
            (None, Some(None)) => errors.push(reason()),
            (None, None) => {}
        }
    };
    period(overrides.ip_retention, raw.ip_retention_hours, r::ip_retention, r::ip_reason, &mut s.retention.ip);
    period(overrides.consent_retention, raw.consent_retention_days, r::consent_retention, r::consent_reason, &mut s.retention.consent);
    period(overrides.request_retention, raw.request_retention_days, r::request_retention, r::request_reason, &mut s.retention.request);
    period(overrides.webhook_retention, raw.webhook_retention_days, r::webhook_retention, r::webhook_reason, &mut s.retention.webhooks);
    s.smtp = smtp(raw.smtp, &mut errors);
    s.admin_token = super::integration::admin_token("admin_token", raw.admin_token, &mut errors);
    let proxies = if overrides.trusted_proxies.is_empty() { raw.trusted_proxies.unwrap_or_default() } else { overrides.trusted_proxies.clone() };
    for (i, text) in proxies.iter().enumerate() {
        match IpRange::parse(text) {
            Some(range) => s.trusted_proxies.push(range),
            None => errors.push(format!("trusted_proxies[{i}]: {text:?} is not an IP address or CIDR block")),
        }
    }
    s.limits = limits(raw.limits, &mut errors);
    s.sites = sites(raw.sites, &mut errors);
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

fn smtp(raw: Option<RawSmtp>, errors: &mut Vec<String>) -> Option<Smtp> {
    let raw = raw?;
    match (raw.addr, raw.from) {
        (Some(addr), Some(from)) => {
            let mut ok = true;
            let port_ok = addr.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
            if !port_ok {
                errors.push(format!("smtp.addr: {addr:?} must be host:port"));
                ok = false;
            }
            let from_ok = from.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'))
                && !from.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
            if !from_ok {
                errors.push(format!("smtp.from: {from:?} is not an e-mail address"));
                ok = false;
            }
            ok.then_some(Smtp { addr, from })
        }
        (Some(_), None) => {
            errors.push("smtp.from: required when smtp.addr is set (or PW_SMTP_FROM)".into());
            None
        }
        (None, Some(_)) => {
            errors.push("smtp.addr: required when smtp.from is set (or PW_SMTP_ADDR)".into());
            None
        }
        (None, None) => None,
    }
}

fn limits(raw: Option<RawLimits>, errors: &mut Vec<String>) -> Limits {
    let mut limits = Limits::default();
    let Some(raw) = raw else { return limits };
    let mut rate = |key: &str, given: Option<Rate>, slot: &mut Rate| {
        if let Some(r) = given {
            if r.burst > 0 && r.per_minute == 0 {
                errors.push(format!("limits.{key}.per_minute: must be at least 1 (or burst = 0 for no limit)"));
            } else if r.burst > 1_000_000 || r.per_minute > 60_000_000 {
                errors.push(format!("limits.{key}: too large"));
            } else {
                *slot = r;
            }
        }
    };
    rate("per_ip", raw.per_ip, &mut limits.per_ip);
    rate("per_subject", raw.per_subject, &mut limits.per_subject);
    rate("per_session", raw.per_session, &mut limits.per_session);
    if let Some(exempt) = raw.exempt_loopback {
        limits.exempt_loopback = exempt;
    }
    limits
}

fn sites(raw: Vec<super::RawSite>, errors: &mut Vec<String>) -> Vec<SiteSettings> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, site) in raw.into_iter().enumerate() {
        let id_ok = !site.id.is_empty()
            && site.id.len() <= 64
            && site.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !id_ok {
            errors.push(format!("sites[{i}].id: {:?} must be 1-64 of a-z, 0-9, - and _", site.id));
        } else if !seen.insert(site.id.clone()) {
            errors.push(format!("sites[{i}].id: {:?} is configured twice", site.id));
        }
        for (j, origin) in site.allowed_origins.iter().enumerate() {
            if let Some(reason) = origin_reason(origin) {
                errors.push(format!("sites[{i}].allowed_origins[{j}]: {origin:?} {reason}"));
            }
        }
        if let Some(domain) = &site.cookie_domain {
            let ok = domain.is_empty()
                || domain.len() <= 253
                    && !domain.starts_with('.')
                    && domain.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
            if !ok {
                errors.push(format!("sites[{i}].cookie_domain: {domain:?} must be the page's data-cookie-domain, a lower-case host name such as example.nl, or \"\" for a host-only cookie"));
            }
        }
        if let Some(policy) = &site.policy {
            if !policy.is_file() {
                errors.push(format!("sites[{i}].policy: {} is not a file", policy.display()));
            }
        }
        let webhooks = super::integration::webhooks(i, site.webhooks, errors);
        let data_provider = super::integration::data_provider(i, site.data_provider, errors);
        let admin_token = super::integration::admin_token(&format!("sites[{i}].admin_token"), site.admin_token, errors);
        out.push(SiteSettings {
            id: site.id,
            policy: site.policy,
            allowed_origins: site.allowed_origins,
            cookie_domain: site.cookie_domain,
            webhooks,
            data_provider,
            admin_token,
            signin_keys: site.signin_keys,
            systems: super::integration::systems(i, site.systems, errors),
        });
    }
    out
}
