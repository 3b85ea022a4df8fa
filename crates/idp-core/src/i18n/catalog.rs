//! The message catalogs: Fluent files under `crates/idp-core/locales/<language>/`,
//! built into the binary and parsed once. `fluent-bundle` is used directly rather than
//! through a loader crate: the files are few and fixed, the fallback we want (per message,
//! to English) is three lines, and it keeps the dependency tree small.

use super::Language;
use crate::clock::Timestamp;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// The catalog files of one language, in the order they are added to its bundle.
macro_rules! files {
    ($lang:literal) => {
        [
            (
                "pages.ftl",
                include_str!(concat!("../../locales/", $lang, "/pages.ftl")),
            ),
            (
                "emails.ftl",
                include_str!(concat!("../../locales/", $lang, "/emails.ftl")),
            ),
            (
                "console.ftl",
                include_str!(concat!("../../locales/", $lang, "/console.ftl")),
            ),
        ]
    };
}

fn sources(language: Language) -> Vec<(&'static str, &'static str)> {
    match language {
        Language::En => files!("en").to_vec(),
        Language::Ko => files!("ko").to_vec(),
        Language::Ja => files!("ja").to_vec(),
        Language::Es => files!("es").to_vec(),
        Language::De => files!("de").to_vec(),
    }
}

struct Catalog {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
    keys: Vec<(Language, BTreeSet<String>)>,
    /// What went wrong building the bundles (parse errors, duplicate keys); the catalog
    /// test requires none.
    problems: Vec<String>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::build(sources));

impl Catalog {
    fn build(sources: impl Fn(Language) -> Vec<(&'static str, &'static str)>) -> Self {
        let mut problems = Vec::new();
        let mut bundles = Vec::new();
        let mut keys = Vec::new();
        for &language in Language::ALL {
            let id: unic_langid::LanguageIdentifier = match language.as_str().parse() {
                Ok(id) => id,
                Err(e) => {
                    problems.push(format!("{language}: {e}"));
                    continue;
                }
            };
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Pages are HTML and tests read them: no bidi isolation marks around values.
            bundle.set_use_isolating(false);
            let mut defined = BTreeSet::new();
            for (file, text) in sources(language) {
                let resource = match FluentResource::try_new(text.to_owned()) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        for e in errors {
                            problems.push(format!("{language}/{file}: {e:?}"));
                        }
                        r
                    }
                };
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        defined.insert(m.id.name.to_owned());
                    }
                }
                if let Err(errors) = bundle.add_resource(resource) {
                    for e in errors {
                        problems.push(format!("{language}/{file}: {e:?}"));
                    }
                }
            }
            bundles.push((language, bundle));
            keys.push((language, defined));
        }
        let mut catalog = Self {
            bundles,
            keys,
            problems,
        };
        catalog.problems.extend(catalog.gaps());
        catalog
    }

    fn keys(&self, language: Language) -> BTreeSet<String> {
        self.keys
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, k)| k.clone())
            .unwrap_or_default()
    }

    /// Keys a language lacks that English has, and keys it has that English does not.
    fn gaps(&self) -> Vec<String> {
        let english = self.keys(Language::En);
        let mut gaps = Vec::new();
        for &language in Language::ALL.iter().filter(|l| **l != Language::En) {
            let keys = self.keys(language);
            for missing in english.difference(&keys) {
                gaps.push(format!("{language} lacks {missing}"));
            }
            for extra in keys.difference(&english) {
                gaps.push(format!("{language} has {extra}, which English does not"));
            }
        }
        gaps
    }

    /// The message in `language`, else in English, else nothing (never the key).
    fn lookup(&self, language: Language, key: &str, args: Option<&FluentArgs>) -> String {
        self.format(language, key, args)
            .or_else(|| self.format(Language::En, key, args))
            .unwrap_or_default()
    }

    fn bundle(&self, language: Language) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, b)| b)
    }

    fn format(&self, language: Language, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundle(language)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        // A variable the message names but the caller did not give is the catalog's
        // fault; the English message is the better answer then.
        errors.is_empty().then(|| text.into_owned())
    }
}

/// What is wrong with the shipped catalogs: files that do not parse, keys defined twice,
/// and any language that lacks a key English has or has one English does not.
pub fn catalog_problems() -> Vec<String> {
    CATALOG.problems.clone()
}

/// Every message key a language's catalog defines.
pub fn catalog_keys(language: Language) -> BTreeSet<String> {
    CATALOG.keys(language)
}

/// A value given to a message: text or a number (numbers choose plural forms).
pub trait Arg {
    fn fluent(&self) -> FluentValue<'static>;
}

impl Arg for str {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(self.to_owned())
    }
}

impl Arg for String {
    fn fluent(&self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

impl<T: Arg + ?Sized> Arg for &T {
    fn fluent(&self) -> FluentValue<'static> {
        (**self).fluent()
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {
        $(impl Arg for $t {
            fn fluent(&self) -> FluentValue<'static> {
                FluentValue::from(*self)
            }
        })*
    };
}
number_args!(u8, u16, u32, u64, usize, i32, i64);

/// The messages of one reader: their language and time zone, and the branding of the
/// organization they are reading for. Pages and emails get every sentence from here by
/// key; a key the reader's catalog lacks is English.
#[derive(Clone, Debug)]
pub struct Tr {
    language: Language,
    zone: jiff::tz::TimeZone,
    brand: Option<std::sync::Arc<crate::branding::Brand>>,
    /// The organization's name as its members know it, branded or not (emails sign
    /// with it).
    org_name: Option<std::sync::Arc<str>>,
}

impl Default for Tr {
    fn default() -> Self {
        Self::new(Language::En)
    }
}

impl Tr {
    pub fn new(language: Language) -> Self {
        Self {
            language,
            zone: jiff::tz::TimeZone::UTC,
            brand: None,
            org_name: None,
        }
    }

    /// The same reader, reading for an organization with this branding (kept only when
    /// some branding is set, so unbranded pages look as they always did).
    pub fn branded(mut self, brand: Option<crate::branding::Brand>) -> Self {
        self.org_name = brand.as_ref().map(|b| b.name().into());
        self.brand = brand.filter(|b| b.is_set()).map(std::sync::Arc::new);
        self
    }

    /// The name of the organization this reader reads for: its display name, else its
    /// own name.
    pub fn org_name(&self) -> Option<&str> {
        self.org_name.as_deref()
    }

    /// The branding the layout and emails show, if any is set.
    pub fn brand(&self) -> Option<&crate::branding::Brand> {
        self.brand.as_deref()
    }

    /// The same reader, showing times in `zone`.
    pub fn in_zone(mut self, zone: jiff::tz::TimeZone) -> Self {
        self.zone = zone;
        self
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The language's tag, for `<html lang>` and `Content-Language`.
    pub fn lang(&self) -> &'static str {
        self.language.as_str()
    }

    /// The message `key` with `args`, in the reader's language or else English.
    pub fn message(&self, key: &str, args: &[(&str, &dyn Arg)]) -> String {
        let args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::with_capacity(args.len());
            for (name, value) in args {
                a.set(name.to_string(), value.fluent());
            }
            a
        });
        CATALOG.lookup(self.language, key, args.as_ref())
    }

    /// The message `key`; templates call it as `t.t(...)` with a literal key.
    pub fn t(&self, key: &str) -> String {
        self.message(key, &[])
    }

    /// The message `key` with one variable.
    pub fn t1(&self, key: &str, name: &str, value: impl Arg) -> String {
        self.message(key, &[(name, &value)])
    }

    /// The message `key` with two variables.
    pub fn t2(&self, key: &str, n1: &str, v1: impl Arg, n2: &str, v2: impl Arg) -> String {
        self.message(key, &[(n1, &v1), (n2, &v2)])
    }

    /// A length of time as a person says it: in days when it is whole days, else in
    /// hours when whole hours, else in minutes (rounded up, at least one).
    pub fn duration(&self, length: std::time::Duration) -> String {
        const DAY: u64 = 86_400;
        const HOUR: u64 = 3_600;
        let secs = length.as_secs();
        if secs >= DAY && secs.is_multiple_of(DAY) {
            self.t1("duration-days", "count", secs / DAY)
        } else if secs >= HOUR && secs.is_multiple_of(HOUR) {
            self.t1("duration-hours", "count", secs / HOUR)
        } else {
            self.t1("duration-minutes", "count", secs.div_ceil(60).max(1))
        }
    }

    /// A moment as this reader reads it: their language's date format, their zone.
    pub fn datetime(&self, at: Timestamp) -> String {
        self.moment("datetime", at)
    }

    /// The day of a moment, in the reader's language and zone.
    pub fn date(&self, at: Timestamp) -> String {
        self.moment("date", at)
    }

    fn moment(&self, key: &str, at: Timestamp) -> String {
        let Ok(instant) = jiff::Timestamp::from_microsecond(at.as_micros()) else {
            return at.to_rfc3339();
        };
        let zoned = instant.to_zoned(self.zone.clone());
        let time = format!("{:02}:{:02}", zoned.hour(), zoned.minute());
        let zone = zoned.strftime("%Z").to_string();
        self.message(
            key,
            &[
                ("year", &i32::from(zoned.year())),
                ("month", &i32::from(zoned.month())),
                ("day", &i32::from(zoned.day())),
                ("time", &time),
                ("zone", &zone),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        let en = Tr::new(Language::En);
        let d = std::time::Duration::from_secs;
        assert_eq!(en.duration(d(7 * 86_400)), "7 days");
        assert_eq!(en.duration(d(86_400)), "1 day");
        assert_eq!(en.duration(d(48 * 3_600 + 3_600)), "49 hours");
        assert_eq!(en.duration(d(3_600)), "1 hour");
        assert_eq!(en.duration(d(600)), "10 minutes");
        assert_eq!(en.duration(d(61)), "2 minutes");
        assert_eq!(en.duration(d(0)), "1 minute");
        assert_eq!(Tr::new(Language::De).duration(d(7 * 86_400)), "7 Tagen");
        assert_eq!(Tr::new(Language::Ko).duration(d(600)), "10분");
    }

    #[test]
    fn catalogs_are_complete_and_parse() {
        let problems = catalog_problems();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(catalog_keys(Language::En).len() > 50);
    }

    #[test]
    fn translations_are_not_english_copies() {
        // Most messages must differ from English in every other language (a few, like
        // "OK" or product names, may not).
        let en = Tr::new(Language::En);
        for &language in Language::ALL.iter().filter(|l| **l != Language::En) {
            let tr = Tr::new(language);
            let keys = catalog_keys(Language::En);
            let same = keys
                .iter()
                .filter(|k| {
                    let text = en.t(k);
                    !text.is_empty() && tr.t(k) == text
                })
                .count();
            assert!(
                same * 10 < keys.len(),
                "{language}: {same} of {} messages are the English text",
                keys.len()
            );
        }
    }

    #[test]
    fn messages_use_the_readers_language_and_variables() {
        assert_eq!(Tr::new(Language::En).t("login-title"), "Sign in");
        assert_eq!(Tr::new(Language::Ko).t("login-title"), "로그인");
        assert_eq!(Tr::new(Language::De).t("login-title"), "Anmelden");
        let text = Tr::new(Language::Ja).t1("login-continue-to", "app", "Wiki");
        assert!(text.contains("Wiki"), "{text}");
        assert!(!text.contains("continue"), "{text}");
    }

    #[test]
    fn plurals_come_from_the_catalog() {
        let en = Tr::new(Language::En);
        assert_eq!(en.t1("codes-left", "count", 1), "1 recovery code left");
        assert_eq!(en.t1("codes-left", "count", 3), "3 recovery codes left");
        let de = Tr::new(Language::De);
        assert_eq!(
            de.t1("codes-left", "count", 1),
            "1 Wiederherstellungscode übrig"
        );
        assert_eq!(
            de.t1("codes-left", "count", 3),
            "3 Wiederherstellungscodes übrig"
        );
    }

    /// A catalog where Korean lacks `b` and has `c`, and Japanese breaks `a`'s variable.
    fn faulty(language: Language) -> Vec<(&'static str, &'static str)> {
        match language {
            Language::En => vec![("x.ftl", "a = Hello { $name }\nb = Bye\n")],
            Language::Ko => vec![("x.ftl", "a = 안녕하세요 { $name }\nc = 여분\n")],
            Language::Ja => vec![("x.ftl", "a = こんにちは { $who }\nb = さようなら\n")],
            _ => vec![("x.ftl", "a = Hola { $name }\nb = Adiós\n")],
        }
    }

    #[test]
    fn gaps_are_found_and_fall_back_to_english_per_message() {
        let catalog = Catalog::build(faulty);
        assert_eq!(
            catalog.problems,
            ["ko lacks b", "ko has c, which English does not"]
        );
        let mut args = FluentArgs::new();
        args.set("name", "Ada");
        assert_eq!(
            catalog.lookup(Language::Ko, "a", Some(&args)),
            "안녕하세요 Ada"
        );
        assert_eq!(catalog.lookup(Language::Ko, "b", None), "Bye");
        // A translation naming a variable the caller does not give: English instead.
        assert_eq!(catalog.lookup(Language::Ja, "a", Some(&args)), "Hello Ada");
        assert_eq!(catalog.lookup(Language::Ja, "b", None), "さようなら");
        assert_eq!(catalog.lookup(Language::Ko, "c-missing", None), "");
    }

    #[test]
    fn an_unknown_key_is_never_shown() {
        let tr = Tr::new(Language::Ko);
        assert_eq!(tr.t("no-such-key"), "");
    }

    #[test]
    fn dates_in_the_readers_language_and_zone() {
        // 2026-12-04T16:35:07.123456Z
        let at = Timestamp::from_micros(1_796_402_107_123_456);
        assert_eq!(Tr::new(Language::En).datetime(at), "Dec 4, 2026, 16:35 UTC");
        assert_eq!(
            Tr::new(Language::De).datetime(at),
            "4. Dez. 2026, 16:35 UTC"
        );
        assert_eq!(Tr::new(Language::Es).datetime(at), "4 dic 2026, 16:35 UTC");
        let seoul = super::super::parse_time_zone("Asia/Seoul").unwrap();
        assert_eq!(
            Tr::new(Language::Ko).in_zone(seoul).datetime(at),
            "2026년 12월 5일 01:35 KST"
        );
        let tokyo = super::super::parse_time_zone("Asia/Tokyo").unwrap();
        assert_eq!(
            Tr::new(Language::Ja).in_zone(tokyo).date(at),
            "2026年12月5日"
        );
    }
}
