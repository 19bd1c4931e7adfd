//! The consent notice of each site (`GET /api/v1/sites/{site}/notice?lang=nl`): the
//! browser-consent part of the site's validated policy in one language, compiled by
//! `privacy_widget::consent::Notice`. The marketing-page module reads only this, never the
//! whole policy. Each (site, language) is compiled once, on its first request, and kept as
//! bytes: plain, gzip and brotli, each with a strong `ETag` (the hash of those bytes). A
//! reloaded policy starts its site's cache afresh ([`Notices::renew`]): new body, new `ETag`.
//! [`compile_file`] does the same for one policy file (the `notice` command).

mod encoded;

use std::{collections::BTreeMap, path::Path, sync::Arc, sync::OnceLock};

use privacy_widget::{consent::Notice, i18n::Lang, policy::Policy};

use crate::sites::{source, Sites};
pub use encoded::{none_match, Coding, Encoded};

/// `Cache-Control` of a notice: kept, but revalidated on every use, so that a new policy
/// version is seen at once while an unchanged one costs a 304.
pub const CACHE_CONTROL: &str = "no-cache";

/// The notice JSON of the policy file `policy` in the language `lang` asks for (the policy's
/// default when `None` or not offered), or every problem with the file (one line each,
/// `file: json.path: reason`, as on start).
pub fn compile_file(policy: &Path, lang: Option<&str>) -> Result<String, Vec<String>> {
    let fail = |reasons: Vec<String>| reasons.into_iter().map(|r| format!("{}: {r}", policy.display())).collect::<Vec<_>>();
    let text = std::fs::read_to_string(policy).map_err(|e| fail(vec![e.to_string()]))?;
    let site = source::parse(&text).map_err(fail)?;
    let lang = Notice::language_for(&site.policy, lang.unwrap_or(""));
    Ok(Notice::compile(&site.policy, lang).to_json())
}

/// Every language a notice can be in (the widget's catalogs).
const LANGS: [Lang; 2] = [Lang::Nl, Lang::En];

/// The slot of a language in [`LANGS`] (a new language fails to compile here until added).
fn slot(lang: Lang) -> usize {
    match lang {
        Lang::Nl => 0,
        Lang::En => 1,
    }
}

/// One site's policy and its notices, compiled on first use.
struct SiteNotices {
    policy: Arc<Policy>,
    compiled: [OnceLock<Arc<Encoded>>; LANGS.len()],
}

impl SiteNotices {
    fn get(&self, requested: &str) -> Arc<Encoded> {
        let lang = Notice::language_for(&self.policy, requested);
        self.compiled[slot(lang)]
            .get_or_init(|| Arc::new(Encoded::new(Notice::compile(&self.policy, lang).to_json().into_bytes())))
            .clone()
    }
}

/// The notices of every loaded site.
#[derive(Default)]
pub struct Notices {
    by_site: BTreeMap<String, Arc<SiteNotices>>,
}

impl Notices {
    /// Notices for the loaded (validated) sites; nothing is compiled yet.
    pub fn new(sites: &Sites) -> Notices {
        let by_site = sites
            .iter()
            .map(|site| {
                let notices = SiteNotices { policy: site.policy.clone(), compiled: Default::default() };
                (site.id.clone(), Arc::new(notices))
            })
            .collect();
        Notices { by_site }
    }

    /// Notices for `sites` after a reload: a site whose policy is the same `Arc` as here keeps
    /// what is compiled; a changed or new one is compiled anew on its first request.
    pub fn renew(&self, sites: &Sites) -> Notices {
        let by_site = sites
            .iter()
            .map(|site| {
                let notices = match self.by_site.get(&site.id) {
                    Some(kept) if Arc::ptr_eq(&kept.policy, &site.policy) => kept.clone(),
                    _ => Arc::new(SiteNotices { policy: site.policy.clone(), compiled: Default::default() }),
                };
                (site.id.clone(), notices)
            })
            .collect();
        Notices { by_site }
    }

    /// The notice of `site` for the requested language tag (`nl`, `en-GB`, or empty for the
    /// policy's default), chosen by `Notice::language_for`; `None` for an unknown site.
    pub fn get(&self, site: &str, requested: &str) -> Option<Arc<Encoded>> {
        self.by_site.get(site).map(|s| s.get(requested))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_own_slot() {
        let slots: Vec<usize> = LANGS.iter().map(|l| slot(*l)).collect();
        assert_eq!(slots, (0..LANGS.len()).collect::<Vec<_>>());
    }
}
