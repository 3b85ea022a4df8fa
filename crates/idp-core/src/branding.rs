//! Organization branding: the display name, logo, primary colour and support contact
//! that sign-in pages, emails and the console show for an organization. The name, colour
//! and contact are policy settings (inherited like every other); the logo is stored on
//! its own, and the nearest organization that has one lends it to those below.
//!
//! A logo's type is read from its first bytes, never from a file name or a
//! `Content-Type`. Four fixed signatures decide it, so a crate that knows hundreds of
//! formats would add nothing but a dependency; anything else, SVG included (it can carry
//! script), is refused before anything is stored.

use crate::admin::{AdminError, actor_event, resolve_org};
use crate::audit::{ActivityType, EventKind, InfoType};
use crate::authz::{self, Actor, Permission};
use crate::clock::Timestamp;
use crate::email::Email;
use crate::ids::OrgId;
use crate::org::Organization;
use crate::policy::{PolicySettings, ancestry, settings_chain};
use crate::ports::{Change, StoreError, Stores};
use crate::signin::Origin;
use sha2::{Digest as _, Sha256};

/// The largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;
/// The longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum BrandingError {
    #[error(
        "the primary colour must be written #rrggbb (six hexadecimal digits after #, like #2353c8), not {0:?}"
    )]
    Colour(String),
    #[error("the display name must be 1 to 80 characters, without control characters")]
    Name,
    #[error("the support contact must be an email address or an https:// address, not {0:?}")]
    Support(String),
    #[error("SVG logos are not accepted; upload a PNG, JPEG, WebP or GIF")]
    Svg,
    #[error("the logo is {kb} KB; a logo may be at most 256 KB")]
    TooLarge { kb: usize },
    #[error("the logo file is empty; upload a PNG, JPEG, WebP or GIF")]
    Empty,
    #[error(
        "this file is not a PNG, JPEG, WebP or GIF image, whatever its name says; upload one of those"
    )]
    NotAnImage,
}

impl BrandingError {
    /// What an administrator reads, in their language (the `Display` stays the English
    /// of the API and the command line).
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::Colour(value) => tr.t1("console-brand-bad-colour", "value", value.as_str()),
            Self::Name => tr.t("console-brand-bad-name"),
            Self::Support(value) => tr.t1("console-brand-bad-support", "value", value.as_str()),
            Self::Svg => tr.t("console-brand-svg"),
            Self::TooLarge { kb } => tr.t1("console-brand-too-large", "kb", *kb),
            Self::Empty => tr.t("console-brand-empty"),
            Self::NotAnImage => tr.t("console-brand-not-an-image"),
        }
    }
}

/// An sRGB colour written `#rrggbb`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour([u8; 3]);

/// The text colour on a dark primary colour.
pub const WHITE: Colour = Colour([0xff, 0xff, 0xff]);
/// The text colour on a light primary colour.
pub const NEAR_BLACK: Colour = Colour([0x11, 0x11, 0x11]);
/// The text colour on the few mid-tones where neither reaches 4.5:1.
pub const BLACK: Colour = Colour([0, 0, 0]);
/// WCAG 2.x AA contrast for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

impl Colour {
    /// `#rrggbb` exactly (either case); no short form, name or function.
    pub fn parse(text: &str) -> Result<Self, BrandingError> {
        let bad = || BrandingError::Colour(text.to_owned());
        let hex = text.strip_prefix('#').ok_or_else(bad)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(bad)
        };
        Ok(Self([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// `#rrggbb` in lower case.
    pub fn hex(&self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG 2.x relative luminance, 0 (black) to 1 (white).
    pub fn luminance(&self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG contrast ratio between two colours, 1 to 21.
    pub fn contrast(&self, other: &Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The text colour to write on this colour: white or near-black, whichever contrasts
    /// more, so an administrator's choice never makes a button unreadable. On the few
    /// mid-tones where neither reaches [`MIN_CONTRAST`], black, which then always does
    /// (the better of white and black is at least 4.58:1 on any colour).
    pub fn text_colour(&self) -> Colour {
        let best = if self.contrast(&WHITE) >= self.contrast(&NEAR_BLACK) {
            WHITE
        } else {
            NEAR_BLACK
        };
        if self.contrast(&best) >= MIN_CONTRAST {
            best
        } else {
            BLACK
        }
    }
}

/// A display name: 1 to 80 characters, no control characters, trimmed.
pub fn parse_display_name(text: &str) -> Result<String, BrandingError> {
    let name = text.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(BrandingError::Name);
    }
    Ok(name.to_owned())
}

/// Where members get help: an address to write to or a page to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SupportContact {
    Email(Email),
    Url(String),
}

impl SupportContact {
    /// An email address, or an `https://` URL with a host and no user name or password.
    pub fn parse(text: &str) -> Result<Self, BrandingError> {
        let text = text.trim();
        let bad = || BrandingError::Support(text.to_owned());
        if text.len() > 500 {
            return Err(bad());
        }
        if text.to_ascii_lowercase().starts_with("https://") {
            let url = url::Url::parse(text).map_err(|_| bad())?;
            let ok = url.scheme() == "https"
                && url.host_str().is_some_and(|h| !h.is_empty())
                && url.username().is_empty()
                && url.password().is_none();
            return if ok {
                Ok(Self::Url(url.to_string()))
            } else {
                Err(bad())
            };
        }
        if text.contains('@') && !text.contains(':') {
            return Email::parse(text).map(Self::Email).map_err(|_| bad());
        }
        Err(bad())
    }

    /// What a link to it points at (`mailto:` for an address).
    pub fn href(&self) -> String {
        match self {
            Self::Email(e) => format!("mailto:{e}"),
            Self::Url(u) => u.clone(),
        }
    }

    /// The contact as people read it.
    pub fn text(&self) -> &str {
        match self {
            Self::Email(e) => e.as_str(),
            Self::Url(u) => u,
        }
    }
}

/// Checks the branding settings among `settings`, before they are saved.
pub fn validate(settings: &PolicySettings) -> Result<(), BrandingError> {
    if let Some(name) = &settings.brand_display_name {
        parse_display_name(name)?;
    }
    if let Some(colour) = &settings.brand_primary_color {
        Colour::parse(colour)?;
    }
    if let Some(contact) = &settings.brand_support_contact {
        SupportContact::parse(contact)?;
    }
    Ok(())
}

/// The image types a logo may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageType {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl ImageType {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// The type stored as its media type; `None` for anything else.
    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::Webp, Self::Gif]
            .into_iter()
            .find(|t| t.mime() == mime)
    }
}

/// The type of a logo read from its bytes, or why it is refused: empty, over
/// [`MAX_LOGO_BYTES`], SVG, or not one of the four image types.
pub fn sniff(bytes: &[u8]) -> Result<ImageType, BrandingError> {
    if bytes.is_empty() {
        return Err(BrandingError::Empty);
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(BrandingError::TooLarge {
            kb: bytes.len().div_ceil(1024),
        });
    }
    let at = |from: usize, to: usize| bytes.get(from..to).unwrap_or_default();
    // PNG: the signature, then the IHDR chunk that must come first.
    if at(0, 8) == b"\x89PNG\r\n\x1a\n" && at(12, 16) == b"IHDR" {
        return Ok(ImageType::Png);
    }
    // JPEG: start of image, then a marker.
    if at(0, 3) == [0xff, 0xd8, 0xff] {
        return Ok(ImageType::Jpeg);
    }
    if at(0, 6) == b"GIF87a" || at(0, 6) == b"GIF89a" {
        return Ok(ImageType::Gif);
    }
    // WebP: a RIFF container of form type WEBP.
    if at(0, 4) == b"RIFF" && at(8, 12) == b"WEBP" {
        return Ok(ImageType::Webp);
    }
    if looks_like_svg(bytes) {
        return Err(BrandingError::Svg);
    }
    Err(BrandingError::NotAnImage)
}

/// Whether the start of a file reads as SVG (XML naming an `svg` element), to say so
/// rather than "not an image".
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = bytes.get(..1024).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

/// A logo as stored: its bytes, sniffed type and digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub org_id: OrgId,
    pub image_type: ImageType,
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, hex: the `ETag` and the version in its URL.
    pub digest: String,
    pub updated_at: Timestamp,
}

impl Logo {
    /// A logo for `org` from uploaded bytes, refused as [`sniff`] says.
    pub fn new(org_id: OrgId, bytes: Vec<u8>, now: Timestamp) -> Result<Self, BrandingError> {
        let image_type = sniff(&bytes)?;
        Ok(Self {
            org_id,
            image_type,
            digest: data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes)),
            bytes,
            updated_at: now,
        })
    }

    pub fn info(&self) -> LogoInfo {
        LogoInfo {
            org_id: self.org_id.clone(),
            image_type: self.image_type,
            digest: self.digest.clone(),
            size: self.bytes.len(),
            updated_at: self.updated_at,
        }
    }
}

/// What is known of a stored logo without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoInfo {
    pub org_id: OrgId,
    pub image_type: ImageType,
    pub digest: String,
    pub size: usize,
    pub updated_at: Timestamp,
}

/// An organization's branding as its pages show it: every value resolved from the
/// nearest organization that sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    /// The organization it is for (its logo URL names it, even when the logo is an
    /// ancestor's).
    pub org_id: OrgId,
    /// The organization's own name, for when no display name is set.
    pub org_name: String,
    pub display_name: Option<String>,
    pub primary: Option<Colour>,
    pub support: Option<SupportContact>,
    /// The logo shown: the nearest organization's that has one.
    pub logo: Option<LogoInfo>,
}

impl Brand {
    /// Resolves `org`'s branding from its settings chain (main organization first) and
    /// the logos of its ancestry, in any order. A stored value that no longer parses is
    /// left to the organizations above.
    pub fn resolve(org: &Organization, chain: &[PolicySettings], logos: &[LogoInfo]) -> Self {
        let nearest = |f: &dyn Fn(&PolicySettings) -> Option<&String>| {
            chain
                .iter()
                .rev()
                .filter_map(f)
                .cloned()
                .collect::<Vec<_>>()
        };
        let display_name = nearest(&|p| p.brand_display_name.as_ref())
            .into_iter()
            .find_map(|n| parse_display_name(&n).ok());
        let primary = nearest(&|p| p.brand_primary_color.as_ref())
            .into_iter()
            .find_map(|c| Colour::parse(&c).ok());
        let support = nearest(&|p| p.brand_support_contact.as_ref())
            .into_iter()
            .find_map(|c| SupportContact::parse(&c).ok());
        let logo = ancestry(org)
            .iter()
            .rev()
            .find_map(|id| logos.iter().find(|l| &l.org_id == id))
            .cloned();
        Self {
            org_id: org.id.clone(),
            org_name: org.name.clone(),
            display_name,
            primary,
            support,
            logo,
        }
    }

    /// Whether any branding is set, here or above: otherwise pages look as they always do.
    pub fn is_set(&self) -> bool {
        self.display_name.is_some()
            || self.primary.is_some()
            || self.support.is_some()
            || self.logo.is_some()
    }

    /// The name to show: the display name, else the organization's own.
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.org_name)
    }

    pub fn support(&self) -> Option<&SupportContact> {
        self.support.as_ref()
    }

    /// The primary colour, `#rrggbb`.
    pub fn primary_hex(&self) -> Option<String> {
        self.primary.map(|c| c.hex())
    }

    /// The text colour on the primary colour, `#rrggbb`.
    pub fn on_primary_hex(&self) -> Option<String> {
        self.primary.map(|c| c.text_colour().hex())
    }

    /// The logo's address, versioned by its digest so a new logo is a new URL.
    pub fn logo_url(&self) -> Option<String> {
        self.logo.as_ref().map(|l| {
            format!(
                "/branding/{}/logo?v={}",
                self.org_id,
                l.digest.get(..16).unwrap_or(&l.digest)
            )
        })
    }
}

/// An email body signed with the name of the reader's organization as its members know
/// it (its display name, else its name).
pub fn signed(tr: &crate::i18n::Tr, body: String) -> String {
    match tr.org_name() {
        Some(name) => format!("{body}\n{}\n", tr.t1("email-sent-by", "org", name)),
        None => body,
    }
}

/// The branding of the organization with this id; `None` when it is gone.
pub async fn brand_of(stores: &Stores, org: &OrgId) -> Result<Option<Brand>, StoreError> {
    let Some(org) = stores.orgs.find_by_id(org).await? else {
        return Ok(None);
    };
    brand_of_org(stores, &org).await.map(Some)
}

/// The branding of `org`.
pub async fn brand_of_org(stores: &Stores, org: &Organization) -> Result<Brand, StoreError> {
    let chain = settings_chain(stores, org).await?;
    let logos = stores.policies.find_logo_infos(&ancestry(org)).await?;
    Ok(Brand::resolve(org, &chain, &logos))
}

/// The logo shown for `org`: its own, else the nearest ancestor's.
pub async fn logo_for(stores: &Stores, org: &OrgId) -> Result<Option<Logo>, StoreError> {
    let Some(org) = stores.orgs.find_by_id(org).await? else {
        return Ok(None);
    };
    let infos = stores.policies.find_logo_infos(&ancestry(&org)).await?;
    let nearest = ancestry(&org)
        .into_iter()
        .rev()
        .find(|id| infos.iter().any(|l| &l.org_id == id));
    match nearest {
        Some(id) => stores.policies.find_logo(&id).await,
        None => Ok(None),
    }
}

/// Sets `org`'s logo from uploaded bytes, recorded in the audit log with the
/// administrator as actor. Bytes that are not an accepted image change nothing.
pub async fn set_logo(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    bytes: Vec<u8>,
) -> Result<LogoInfo, AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::LoginSettings,
        origin,
        "set_logo",
    )
    .await?;
    let logo = Logo::new(org.id.clone(), bytes, stores.clock.now())
        .map_err(crate::policy::PolicyError::from)?;
    let before = stores
        .policies
        .find_logo_infos(std::slice::from_ref(&org.id))
        .await?;
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::OrganizationChange,
        if before.is_empty() {
            EventKind::Create
        } else {
            EventKind::Edit
        },
        InfoType::Other,
        stores,
    );
    event.detail = serde_json::json!({
        "logo": {"type": logo.image_type.mime(), "bytes": logo.bytes.len(), "sha256": logo.digest},
        "before": before.first().map(|b| serde_json::json!({"type": b.image_type.mime(), "sha256": b.digest})),
    });
    let info = logo.info();
    stores
        .audit
        .commit(&[Change::PutLogo(Box::new(logo))], &[event])
        .await?;
    Ok(info)
}

/// Removes `org`'s own logo (an ancestor's shows again); false, recording nothing, when
/// it had none.
pub async fn remove_logo(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
) -> Result<bool, AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::LoginSettings,
        origin,
        "remove_logo",
    )
    .await?;
    let before = stores
        .policies
        .find_logo_infos(std::slice::from_ref(&org.id))
        .await?;
    let Some(before) = before.first() else {
        return Ok(false);
    };
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::OrganizationChange,
        EventKind::Delete,
        InfoType::Other,
        stores,
    );
    event.detail = serde_json::json!({
        "logo": null,
        "before": {"type": before.image_type.mime(), "sha256": before.digest},
    });
    let touched = stores
        .audit
        .commit(&[Change::DeleteLogo(org.id.clone())], &[event])
        .await?;
    Ok(touched.first().copied().unwrap_or_default() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_in_the_administrators_language_and_english_is_unchanged() {
        use crate::i18n::{Language, Tr};
        let en = Tr::new(Language::En);
        let all = [
            BrandingError::Colour("blue".into()),
            BrandingError::Name,
            BrandingError::Support("ftp://x".into()),
            BrandingError::Svg,
            BrandingError::TooLarge { kb: 300 },
            BrandingError::Empty,
            BrandingError::NotAnImage,
        ];
        for e in &all {
            assert_eq!(
                e.message(&en),
                crate::admin::sentence(&e.to_string()),
                "{e:?}"
            );
        }
        let de = Tr::new(Language::De);
        assert!(
            BrandingError::Svg.message(&de).contains("SVG-Logos"),
            "{}",
            BrandingError::Svg.message(&de)
        );
        let ko = Tr::new(Language::Ko);
        assert!(
            BrandingError::TooLarge { kb: 300 }
                .message(&ko)
                .contains("300")
        );
    }

    fn png(extra: usize) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.resize(b.len() + extra, 0);
        b
    }

    #[test]
    fn colours_are_six_hex_digits_only() {
        assert_eq!(Colour::parse("#2353C8").unwrap().hex(), "#2353c8");
        for bad in [
            "2353c8",
            "#abc",
            "#2353c8ff",
            "red",
            "rgb(1,2,3)",
            "#gggggg",
            "",
            "#23 53c",
            "#２３５３c8",
        ] {
            let e = Colour::parse(bad).unwrap_err();
            assert_eq!(e, BrandingError::Colour(bad.into()));
            assert!(e.to_string().contains("#rrggbb"), "{e}");
        }
    }

    #[test]
    fn luminance_and_contrast_follow_wcag() {
        assert!((WHITE.luminance() - 1.0).abs() < 1e-9);
        assert!(Colour::parse("#000000").unwrap().luminance().abs() < 1e-9);
        let black = Colour::parse("#000000").unwrap();
        assert!((WHITE.contrast(&black) - 21.0).abs() < 1e-9);
        // #777777 on white is about 4.48:1 (the classic just-below-AA grey).
        let grey = Colour::parse("#777777").unwrap();
        assert!((grey.contrast(&WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn the_text_on_the_primary_colour_stays_readable() {
        assert_eq!(Colour::parse("#2353c8").unwrap().text_colour(), WHITE);
        assert_eq!(Colour::parse("#000000").unwrap().text_colour(), WHITE);
        assert_eq!(Colour::parse("#ffff00").unwrap().text_colour(), NEAR_BLACK);
        assert_eq!(Colour::parse("#ffffff").unwrap().text_colour(), NEAR_BLACK);
        // A mid-tone where near-black falls short of 4.5:1 gets black.
        let teal = Colour::parse("#008866").unwrap();
        assert!(teal.contrast(&WHITE) < MIN_CONTRAST && teal.contrast(&NEAR_BLACK) < MIN_CONTRAST);
        assert_eq!(teal.text_colour(), BLACK);
        // Whatever the colour, the text chosen reaches at least 4.5:1.
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let c = Colour([r, g, b]);
                    assert!(c.contrast(&c.text_colour()) >= MIN_CONTRAST, "{}", c.hex());
                }
            }
        }
    }

    #[test]
    fn display_names_are_bounded_and_plain() {
        assert_eq!(parse_display_name("  Acme Sales "), Ok("Acme Sales".into()));
        assert_eq!(parse_display_name(&"é".repeat(80)), Ok("é".repeat(80)));
        for bad in ["", "   ", "a\u{7}b", "line\nbreak"] {
            assert_eq!(parse_display_name(bad), Err(BrandingError::Name));
        }
        assert_eq!(
            parse_display_name(&"x".repeat(81)),
            Err(BrandingError::Name)
        );
    }

    #[test]
    fn support_is_an_address_or_an_https_page() {
        assert_eq!(
            SupportContact::parse("Help@Example.com").unwrap().href(),
            "mailto:help@example.com"
        );
        let url = SupportContact::parse("https://help.example.com/idp").unwrap();
        assert_eq!(url.href(), "https://help.example.com/idp");
        for bad in [
            "http://help.example.com",
            "javascript:alert(1)",
            "https://",
            "https://user:pw@example.com/",
            "mailto:help@example.com",
            "help desk",
            "not-an-address@",
        ] {
            let e = SupportContact::parse(bad).unwrap_err();
            assert!(matches!(e, BrandingError::Support(_)), "{bad}");
        }
    }

    #[test]
    fn logo_types_are_read_from_the_bytes() {
        assert_eq!(sniff(&png(10)), Ok(ImageType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0rest"), Ok(ImageType::Jpeg));
        assert_eq!(sniff(b"GIF89a......"), Ok(ImageType::Gif));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(ImageType::Webp));
        // A PNG signature without its header chunk is not taken for a PNG.
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n<script>"),
            Err(BrandingError::NotAnImage)
        );
    }

    #[test]
    fn svg_text_and_oversized_logos_are_refused_with_a_sentence() {
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(sniff(svg), Err(BrandingError::Svg));
        assert_eq!(
            sniff(b"\xef\xbb\xbf  <svg onload=alert(1)>"),
            Err(BrandingError::Svg)
        );
        assert_eq!(
            BrandingError::Svg.to_string(),
            "SVG logos are not accepted; upload a PNG, JPEG, WebP or GIF"
        );
        assert_eq!(
            sniff(b"just some text, named logo.png"),
            Err(BrandingError::NotAnImage)
        );
        assert_eq!(
            sniff(b"<script>alert(1)</script>"),
            Err(BrandingError::NotAnImage)
        );
        assert_eq!(sniff(b""), Err(BrandingError::Empty));
        assert_eq!(sniff(&png(MAX_LOGO_BYTES - 16)), Ok(ImageType::Png));
        assert_eq!(
            sniff(&png(MAX_LOGO_BYTES - 15)),
            Err(BrandingError::TooLarge { kb: 257 })
        );
        assert_eq!(
            sniff(&png(300 * 1024)).unwrap_err().to_string(),
            "the logo is 301 KB; a logo may be at most 256 KB"
        );
    }

    fn org(name: &str, parent: Option<&Organization>) -> Organization {
        Organization::new(name, None, parent, Timestamp::from_secs(1)).unwrap()
    }

    fn info(org: &Organization, digest: &str) -> LogoInfo {
        LogoInfo {
            org_id: org.id.clone(),
            image_type: ImageType::Png,
            digest: digest.into(),
            size: 10,
            updated_at: Timestamp::from_secs(1),
        }
    }

    #[test]
    fn branding_is_inherited_from_the_nearest_organization() {
        let root = org("Acme", None);
        let sales = org("Sales", Some(&root));
        let emea = org("EMEA", Some(&sales));
        let chain = [
            PolicySettings {
                brand_display_name: Some("Acme Group".into()),
                brand_primary_color: Some("#2353c8".into()),
                ..Default::default()
            },
            PolicySettings {
                brand_display_name: Some("Acme Sales".into()),
                brand_support_contact: Some("help@acme.example".into()),
                ..Default::default()
            },
            PolicySettings::default(),
        ];
        let logos = [info(&root, "aa".repeat(32).as_str())];
        let brand = Brand::resolve(&emea, &chain, &logos);
        assert_eq!(brand.name(), "Acme Sales");
        assert_eq!(brand.primary_hex().as_deref(), Some("#2353c8"));
        assert_eq!(brand.on_primary_hex().as_deref(), Some("#ffffff"));
        assert_eq!(brand.support.as_ref().unwrap().text(), "help@acme.example");
        assert_eq!(brand.logo.as_ref().unwrap().org_id, root.id);
        assert_eq!(
            brand.logo_url().unwrap(),
            format!("/branding/{}/logo?v={}", emea.id, "a".repeat(16))
        );
        // A nearer logo wins over the main organization's.
        let logos = [info(&root, "aa"), info(&sales, "bb")];
        assert_eq!(
            Brand::resolve(&emea, &chain, &logos).logo.unwrap().digest,
            "bb"
        );
        // Nothing set anywhere: pages keep their usual look; the name is the org's own.
        let plain = Brand::resolve(&emea, &vec![PolicySettings::default(); 3], &[]);
        assert!(!plain.is_set());
        assert_eq!(plain.name(), "EMEA");
    }

    #[test]
    fn settings_are_checked_before_they_are_saved() {
        let ok = PolicySettings {
            brand_display_name: Some("Acme".into()),
            brand_primary_color: Some("#ABCDEF".into()),
            brand_support_contact: Some("https://help.acme.example".into()),
            ..Default::default()
        };
        assert_eq!(validate(&ok), Ok(()));
        assert!(ok.validate(false).is_ok());
        let bad = PolicySettings {
            brand_primary_color: Some("blue".into()),
            ..Default::default()
        };
        assert_eq!(
            bad.validate(false),
            Err(crate::policy::PolicyError::Brand(BrandingError::Colour(
                "blue".into()
            )))
        );
    }
}
