//! Small lookups on a policy: a text in a language, an item by id.

use crate::prelude::*;

use super::model::*;

impl LangTexts {
    fn find(&self, lang: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(l, _)| l.as_str().cmp(lang))
    }

    /// Sets the string for `lang`, replacing an earlier one.
    pub fn insert(&mut self, lang: Lang, text: String) {
        match self.find(&lang) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = text;
                }
            }
            Err(i) => self.0.insert(i, (lang, text)),
        }
    }

    /// The string for `lang`.
    pub fn get(&self, lang: &str) -> Option<&String> {
        self.find(lang).ok().and_then(|i| self.0.get(i)).map(|(_, s)| s)
    }

    /// Whether there is a string for `lang`.
    pub fn contains_key(&self, lang: &str) -> bool {
        self.find(lang).is_ok()
    }

    /// Language and string, by language.
    pub fn iter(&self) -> impl Iterator<Item = (&Lang, &String)> {
        self.0.iter().map(|(l, s)| (l, s))
    }

    /// The strings, by language.
    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(_, s)| s)
    }

    /// How many languages.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no string at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(Lang, String)> for LangTexts {
    fn from_iter<I: IntoIterator<Item = (Lang, String)>>(items: I) -> LangTexts {
        let mut out = LangTexts::default();
        for (lang, text) in items {
            out.insert(lang, text);
        }
        out
    }
}

impl<'a> IntoIterator for &'a LangTexts {
    type Item = (&'a Lang, &'a String);
    type IntoIter = core::iter::Map<core::slice::Iter<'a, (Lang, String)>, fn(&'a (Lang, String)) -> (&'a Lang, &'a String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(l, s)| (l, s))
    }
}

impl Text {
    /// The text in `lang`, else in `default`, else the first one there is (empty if none).
    pub fn get(&self, lang: &str, default: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::ByLang(map) => map
                .get(lang)
                .or_else(|| map.get(default))
                .or_else(|| map.values().next())
                .map_or("", String::as_str),
        }
    }

    /// Every string of the text with its language (`None` for a plain string).
    pub fn entries(&self) -> Vec<(Option<&str>, &str)> {
        match self {
            Text::Plain(s) => vec![(None, s.as_str())],
            Text::ByLang(map) => map.iter().map(|(l, s)| (Some(l.as_str()), s.as_str())).collect(),
        }
    }
}

impl Policy {
    /// The default language: the first in `languages` (`"nl"` if the list is empty).
    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("nl", String::as_str)
    }

    /// A text of this policy in `lang`, falling back to the default language.
    pub fn text<'a>(&'a self, text: &'a Text, lang: &str) -> &'a str {
        text.get(lang, self.default_language())
    }

    /// The data category with this id.
    pub fn category(&self, id: &str) -> Option<&DataCategory> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The purpose with this id.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }

    /// The recipient with this id.
    pub fn recipient(&self, id: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.id == id)
    }

    /// The plan with this id.
    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// The tracking service with this id.
    pub fn tracking_service(&self, id: &str) -> Option<&TrackingService> {
        self.tracking.iter().find(|t| t.id == id)
    }

    /// The tracking services that serve a purpose (among others, maybe).
    pub fn tracking_for<'a>(&'a self, purpose: &'a str) -> impl Iterator<Item = &'a TrackingService> + 'a {
        self.tracking.iter().filter(move |t| t.serves(purpose))
    }

    /// The offer for a request kind, if the policy makes one.
    pub fn request_offer(&self, kind: RequestKind) -> Option<&RequestOffer> {
        self.rights.requests.iter().find(|r| r.kind == kind)
    }
}

impl TrackingService {
    /// Whether the service serves this purpose (among its others).
    pub fn serves(&self, purpose: &str) -> bool {
        self.purposes.iter().any(|p| p == purpose)
    }

    /// Whether the service may run: every one of its purposes is granted.
    pub fn may_run(&self, granted: &dyn Fn(&str) -> bool) -> bool {
        !self.purposes.is_empty() && self.purposes.iter().all(|p| granted(p))
    }
}
