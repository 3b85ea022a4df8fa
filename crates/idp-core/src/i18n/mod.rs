//! The languages pages and emails are written in: which ship, which one a reader gets
//! (`negotiate`), the message catalogs (`catalog`) and dates in the reader's language
//! and time zone.

mod catalog;
mod dates;
mod preferences;

pub use catalog::{Arg, Tr, catalog_keys, catalog_problems};
pub use dates::{TimeZoneError, parse_time_zone};
pub use preferences::{PreferenceError, save_preferences};

use crate::client::wire_enum;
use crate::ports::{StoreError, Stores};
use crate::records::User;

wire_enum!(
    /// A language `idp` ships message catalogs for (`ui_locales_supported`).
    Language, "language" {
        En => "en",
        Ko => "ko",
        Ja => "ja",
        Es => "es",
        De => "de",
    }
);

impl Language {
    /// The language a BCP 47 tag asks for, when one ships: `de-AT` and `DE` are German.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Self::ALL
            .iter()
            .copied()
            .find(|l| l.as_str().eq_ignore_ascii_case(primary))
    }

    /// The language's own name, as a language switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Ko => "한국어",
            Language::Ja => "日本語",
            Language::Es => "Español",
            Language::De => "Deutsch",
        }
    }
}

/// Whatever may say which language a reader wants, strongest first.
#[derive(Clone, Copy, Debug, Default)]
pub struct LanguageWishes<'a> {
    /// `ui_locales` of the authorization request being signed in for (space-separated
    /// tags, preferred first; OIDC Core §3.1.2.1), or a choice made on the sign-in page.
    pub ui_locales: Option<&'a str>,
    /// The member's saved preference (their `locale`).
    pub member: Option<&'a str>,
    /// The browser's `Accept-Language` header.
    pub accept_language: Option<&'a str>,
}

impl LanguageWishes<'_> {
    /// The language the reader asked for, if any source names a shipped one; the
    /// organization's default and English come after (see [`negotiate`]).
    pub fn wished(&self) -> Option<Language> {
        self.ui_locales
            .and_then(from_ui_locales)
            .or_else(|| self.member.and_then(Language::from_tag))
            .or_else(|| self.accept_language.and_then(from_accept_language))
    }
}

/// The language a reader gets: `ui_locales`, then the member's preference, then
/// `Accept-Language`, then the organization's default, then English.
pub fn negotiate(wishes: &LanguageWishes<'_>, organization: Option<Language>) -> Language {
    wishes.wished().or(organization).unwrap_or(Language::En)
}

/// The messages for a member reached outside a request (emails): their own language,
/// else their organization's default, else English; times in their zone; their
/// organization's branding.
pub async fn member_tr(stores: &Stores, member: &User) -> Result<Tr, StoreError> {
    let wishes = LanguageWishes {
        member: member.locale.as_deref(),
        ..LanguageWishes::default()
    };
    let language = match wishes.wished() {
        Some(language) => language,
        None => {
            let policy = crate::policy::policy_of_org(stores, &member.org_id).await?;
            negotiate(&wishes, policy.default_language)
        }
    };
    let brand = crate::branding::brand_of(stores, &member.org_id).await?;
    let tr = Tr::new(language).branded(brand);
    Ok(match member.zoneinfo.as_deref().map(parse_time_zone) {
        Some(Ok(zone)) => tr.in_zone(zone),
        _ => tr,
    })
}

/// At most this many tags of a list are looked at: a long list is someone else's
/// problem, never our time.
const MAX_TAGS: usize = 32;

/// The first shipped language of a space-separated list of tags.
pub fn from_ui_locales(list: &str) -> Option<Language> {
    list.split_ascii_whitespace()
        .take(MAX_TAGS)
        .find_map(Language::from_tag)
}

/// The shipped language an `Accept-Language` header (RFC 9110 §12.5.4) weighs most;
/// among equal weights the first listed. Unreadable entries and `q=0` are skipped, so
/// nonsense of any length gives `None`, never an error.
pub fn from_accept_language(header: &str) -> Option<Language> {
    let mut best: Option<(u16, Language)> = None;
    for entry in header.split(',').take(MAX_TAGS) {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let Some(language) = Language::from_tag(tag) else {
            continue;
        };
        let mut weight = Some(1000);
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                weight = quality(value.trim());
            }
        }
        match weight {
            Some(w) if w > 0 && best.is_none_or(|(b, _)| w > b) => best = Some((w, language)),
            _ => {}
        }
    }
    best.map(|(_, l)| l)
}

/// A `qvalue` in thousandths: `0`, `0.5`, `1.000`; anything else is unreadable.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wishes<'a>(
        ui: Option<&'a str>,
        member: Option<&'a str>,
        accept: Option<&'a str>,
    ) -> LanguageWishes<'a> {
        LanguageWishes {
            ui_locales: ui,
            member,
            accept_language: accept,
        }
    }

    #[test]
    fn tags_match_by_primary_subtag() {
        assert_eq!(Language::from_tag("de-AT"), Some(Language::De));
        assert_eq!(Language::from_tag("KO"), Some(Language::Ko));
        assert_eq!(Language::from_tag("ja_JP"), Some(Language::Ja));
        assert_eq!(Language::from_tag("es-419"), Some(Language::Es));
        assert_eq!(Language::from_tag("fr-FR"), None);
        assert_eq!(Language::from_tag(""), None);
        assert_eq!(Language::from_tag("english"), None);
    }

    #[test]
    fn the_order_of_choice() {
        let all = wishes(Some("ko"), Some("ja"), Some("es"));
        assert_eq!(negotiate(&all, Some(Language::De)), Language::Ko);
        let no_ui = wishes(None, Some("ja"), Some("es"));
        assert_eq!(negotiate(&no_ui, Some(Language::De)), Language::Ja);
        let browser = wishes(None, None, Some("es"));
        assert_eq!(negotiate(&browser, Some(Language::De)), Language::Es);
        let nothing = wishes(None, None, None);
        assert_eq!(negotiate(&nothing, Some(Language::De)), Language::De);
        assert_eq!(negotiate(&nothing, None), Language::En);
    }

    #[test]
    fn unshipped_wishes_fall_through() {
        // ui_locales names only languages we lack: the member's preference decides.
        let w = wishes(Some("fr zh-Hant"), Some("de-CH"), Some("ko"));
        assert_eq!(negotiate(&w, None), Language::De);
        // The first shipped tag of ui_locales wins, whatever comes before it.
        let w = wishes(Some("fr ja ko"), None, None);
        assert_eq!(negotiate(&w, None), Language::Ja);
        // A member locale we do not ship leaves it to the browser.
        let w = wishes(None, Some("pt-BR"), Some("fr, es;q=0.5"));
        assert_eq!(negotiate(&w, Some(Language::De)), Language::Es);
        // A browser asking only for what we lack leaves it to the organization.
        let w = wishes(None, None, Some("fr-FR, it;q=0.8"));
        assert_eq!(negotiate(&w, Some(Language::Ko)), Language::Ko);
    }

    #[test]
    fn accept_language_weighs_q_values() {
        assert_eq!(from_accept_language("de-AT"), Some(Language::De));
        assert_eq!(
            from_accept_language("en;q=0.5, ja;q=0.9, ko;q=0.7"),
            Some(Language::Ja)
        );
        assert_eq!(
            from_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            Some(Language::En)
        );
        // Equal weights: the first listed.
        assert_eq!(from_accept_language("es, de"), Some(Language::Es));
        // q=0 means "not this one".
        assert_eq!(from_accept_language("ko;q=0, de;q=0.1"), Some(Language::De));
        assert_eq!(from_accept_language("ko;q=0"), None);
        assert_eq!(from_accept_language("ko;Q=1.0 , ja"), Some(Language::Ko));
    }

    #[test]
    fn accept_language_nonsense_is_no_wish() {
        for header in [
            "",
            ",,,;;;",
            "q=1",
            "ko;q=2",
            "ko;q=0.1234",
            "ko;q=abc",
            "ko;q=-1",
            "*",
            "\u{0}\u{7f}ü",
        ] {
            assert_eq!(from_accept_language(header), None, "{header:?}");
        }
        // 10 KB of junk, then a real wish past the tags we look at: ignored, quickly.
        let junk = format!("{}, ko", "x-junk;q=0.5, ".repeat(800));
        assert!(junk.len() > 10_000);
        assert_eq!(from_accept_language(&junk), None);
        // One enormous tag.
        let huge = "a".repeat(10_240);
        assert_eq!(from_accept_language(&huge), None);
        assert_eq!(from_ui_locales(&huge), None);
        let w = wishes(Some(&huge), None, Some(&junk));
        assert_eq!(negotiate(&w, None), Language::En);
    }

    #[test]
    fn quality_values() {
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("1.5"), None);
        assert_eq!(quality("0.25"), Some(250));
        assert_eq!(quality("0"), Some(0));
        assert_eq!(quality(""), None);
        assert_eq!(quality("0.1.1"), None);
    }
}
