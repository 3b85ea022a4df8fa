//! Member import and export as spreadsheets: the columns, how a cell is read and
//! normalized, the dry run that plans an import (`plan`), the job that applies it
//! (`job`), and the rows an export writes (`export`). Files are read in `read`.

pub mod export;
pub mod job;
pub mod plan;
pub mod read;

use crate::email::Email;
use crate::records::UserStatus;
use unicode_normalization::UnicodeNormalization as _;

/// Largest file an import reads.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most member rows per file, the header not counted.
pub const MAX_ROWS: usize = 20_000;

/// A column of the members sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    MemberId,
    Email,
    Name,
    Organization,
    Status,
    EmailLoginEnabled,
    AdministratorAreas,
    SecondFactor,
    SignInMethods,
    LastSignIn,
}

impl Column {
    /// In the order an export writes them.
    pub const ALL: [Column; 10] = [
        Column::MemberId,
        Column::Email,
        Column::Name,
        Column::Organization,
        Column::Status,
        Column::EmailLoginEnabled,
        Column::AdministratorAreas,
        Column::SecondFactor,
        Column::SignInMethods,
        Column::LastSignIn,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::MemberId => "member_id",
            Column::Email => "email",
            Column::Name => "name",
            Column::Organization => "organization",
            Column::Status => "status",
            Column::EmailLoginEnabled => "email_login_enabled",
            Column::AdministratorAreas => "administrator_areas",
            Column::SecondFactor => "second_factor",
            Column::SignInMethods => "sign_in_methods",
            Column::LastSignIn => "last_sign_in",
        }
    }

    /// Exported to be read; an import ignores it.
    pub fn read_only(self) -> bool {
        matches!(
            self,
            Column::MemberId
                | Column::AdministratorAreas
                | Column::SecondFactor
                | Column::SignInMethods
                | Column::LastSignIn
        )
    }

    /// What the `Read me` sheet says a column holds.
    pub fn allowed(self) -> &'static str {
        match self {
            Column::MemberId => "read-only: the member's id",
            Column::Email => "the member's address; the key that finds them (required)",
            Column::Name => "free text; blank leaves it as it is",
            Column::Organization => {
                "a path of organization names or slugs, such as /Acme/Sales; blank leaves it"
            }
            Column::Status => "active, on_leave or disabled; blank leaves it",
            Column::EmailLoginEnabled => {
                "Y or N (yes/no, true/false too); N deletes the member's password"
            }
            Column::AdministratorAreas => "read-only: the areas the member administers",
            Column::SecondFactor => "read-only: the second factors enrolled",
            Column::SignInMethods => "read-only: how the member has signed in",
            Column::LastSignIn => "read-only: when the member last signed in (UTC)",
        }
    }

    /// The column a header cell names: case, spaces, dashes, underscores and full-width
    /// forms ignored (`E-mail`, `Email Login Enabled`).
    pub fn from_header(text: &str) -> Option<Column> {
        let key = header_key(text).replace('_', "");
        Column::ALL
            .into_iter()
            .find(|c| c.name().replace('_', "") == key)
    }
}

fn header_key(text: &str) -> String {
    let mut key = String::new();
    for c in fold(text).to_lowercase().chars() {
        let c = if c.is_whitespace() || c == '-' {
            '_'
        } else {
            c
        };
        if c == '_' && (key.is_empty() || key.ends_with('_')) {
            continue;
        }
        key.push(c);
    }
    key.trim_end_matches('_').to_owned()
}

/// One cell as a spreadsheet holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or time, as Excel's serial day number.
    Date(f64),
    /// A formula error, or a formula whose value was never saved.
    Error(String),
}

impl Cell {
    /// The cell as text, for the report file and messages.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Date(d) => number_text(*d),
            Cell::Error(e) => e.clone(),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => fold(t).is_empty(),
            _ => false,
        }
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Characters that show nothing and that spreadsheets and copy-paste leave behind.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// A cell's text as the import reads it: invisible characters dropped, full-width and
/// compatibility forms folded (NFKC: `Ｙ` is `Y`, the ideographic space a space), and
/// trimmed. Idempotent.
pub fn fold(text: &str) -> String {
    let visible: String = text.chars().filter(|c| !invisible(*c)).collect();
    let folded: String = visible.nfkc().collect();
    folded.trim().to_owned()
}

/// A cell's text, or why a text column cannot hold it; `None` when blank.
fn text(cell: &Cell, column: Column) -> Result<Option<String>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) => {
            let f = fold(t);
            Ok((!f.is_empty()).then_some(f))
        }
        Cell::Number(n) => Ok(Some(number_text(*n))),
        Cell::Bool(b) => Ok(Some(if *b { "TRUE" } else { "FALSE" }.to_owned())),
        Cell::Date(_) => Err(format!("{} holds a date; type it as text", column.name())),
        Cell::Error(e) => Err(format!("{} holds {e}", column.name())),
    }
}

/// The canonical text of a cell in `column`, or why it is not allowed; `None` for a
/// blank cell ("unchanged"). Normalizing the result again gives the same result.
pub fn normalize(column: Column, cell: &Cell) -> Result<Option<String>, String> {
    match column {
        Column::EmailLoginEnabled => {
            Ok(yes_no(cell)?.map(|b| if b { "Y" } else { "N" }.to_owned()))
        }
        Column::Status => Ok(status(cell)?.map(|s| s.as_str().to_owned())),
        Column::Email => Ok(text(cell, column)?.map(|t| t.to_lowercase())),
        Column::Organization => Ok(text(cell, column)?.and_then(|t| org_path(&t))),
        Column::Name => text(cell, column)?.map(|t| name(&t)).transpose(),
        _ => text(cell, column),
    }
}

/// A Y/N cell: Y, N, yes, no, true, false, 1, 0 (any case, full-width too).
pub fn yes_no(cell: &Cell) -> Result<Option<bool>, String> {
    let t = match cell {
        Cell::Bool(b) => return Ok(Some(*b)),
        Cell::Number(n) if *n == 1.0 => return Ok(Some(true)),
        Cell::Number(n) if *n == 0.0 => return Ok(Some(false)),
        other => text(other, Column::EmailLoginEnabled)?,
    };
    let Some(t) = t else { return Ok(None) };
    match t.to_lowercase().as_str() {
        "y" | "yes" | "true" | "1" | "on" => Ok(Some(true)),
        "n" | "no" | "false" | "0" | "off" => Ok(Some(false)),
        _ => Err(format!("email_login_enabled must be Y or N, not {t:?}")),
    }
}

/// A status cell: active, on_leave (or "on leave") or disabled.
pub fn status(cell: &Cell) -> Result<Option<UserStatus>, String> {
    let Some(t) = text(cell, Column::Status)? else {
        return Ok(None);
    };
    let key: String = t
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    key.parse::<UserStatus>()
        .map(Some)
        .map_err(|_| format!("status must be active, on_leave or disabled, not {t:?}"))
}

/// An organization path, `/A/B`, with each part trimmed; `None` when it names nothing.
pub fn org_path(text: &str) -> Option<String> {
    let parts: Vec<&str> = text
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| format!("/{}", parts.join("/")))
}

/// A name with its inner runs of white space made one space; refused with control
/// characters or when longer than 200 characters.
fn name(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("name holds control characters".into());
    }
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 200 {
        return Err("name is longer than 200 characters".into());
    }
    Ok(joined)
}

/// How a file's header row maps to columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    /// For each position, the column it holds (`None`: unknown, ignored).
    pub columns: Vec<Option<Column>>,
    pub warnings: Vec<String>,
}

impl Header {
    pub fn position(&self, column: Column) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(column))
    }
}

/// Why a file cannot be imported at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileError {
    #[error("The file is larger than 10 MB; split it into smaller files.")]
    TooLarge,
    #[error("The file has more than 20,000 member rows; split it into smaller files.")]
    TooManyRows,
    #[error("The file is empty: it needs a header row with at least an email column.")]
    Empty,
    #[error(
        "This is not an Excel workbook (.xlsx) or a CSV file; save it as one of those and try again."
    )]
    NotASpreadsheet,
    #[error(
        "The workbook is password-protected or an old .xls file; save it as .xlsx without a password."
    )]
    ProtectedOrLegacy,
    #[error("The workbook cannot be read ({0}); open it in Excel and save it again.")]
    Corrupt(String),
    #[error("The header row has no email column; the first row must name the columns.")]
    NoEmailColumn,
    #[error("The header row names the column {0} twice.")]
    DuplicateColumn(&'static str),
}

/// Matches a header row by name, in any order. Unknown columns are warned about and
/// ignored; the email column is required.
pub fn match_header(cells: &[Cell]) -> Result<Header, FileError> {
    let mut header = Header::default();
    for cell in cells {
        let raw = cell.display();
        let column = Column::from_header(&raw);
        if let Some(c) = column {
            if header.columns.contains(&Some(c)) {
                return Err(FileError::DuplicateColumn(c.name()));
            }
        } else if !fold(&raw).is_empty() && !matches!(fold(&raw).as_str(), "Status" | "Messages") {
            header.warnings.push(format!(
                "The column {:?} is not one idp knows; it is ignored.",
                fold(&raw)
            ));
        }
        header.columns.push(column);
    }
    if header.position(Column::Email).is_none() {
        return Err(FileError::NoEmailColumn);
    }
    Ok(header)
}

/// One data row as the import understands it. A blank cell is `None`: unchanged.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedRow {
    /// The row's number in the file (the header is row 1).
    pub line: u64,
    /// The address as typed (folded), for the report even when it is malformed.
    pub email_text: String,
    pub email: Option<Email>,
    pub name: Option<String>,
    pub organization: Option<String>,
    pub status: Option<UserStatus>,
    pub email_login: Option<bool>,
    pub errors: Vec<String>,
}

/// Reads one data row through the header. Never fails: what is wrong is listed.
pub fn parse_row(header: &Header, line: u64, cells: &[Cell]) -> ParsedRow {
    let mut errors = Vec::new();
    let cell = |c: Column| {
        header
            .position(c)
            .and_then(|i| cells.get(i))
            .unwrap_or(&Cell::Empty)
    };
    let mut take = |r: Result<Option<String>, String>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let email_text = take(normalize(Column::Email, cell(Column::Email))).unwrap_or_default();
    let name = take(normalize(Column::Name, cell(Column::Name)));
    let organization = take(normalize(Column::Organization, cell(Column::Organization)));
    let status = match status(cell(Column::Status)) {
        Ok(s) => s,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let email_login = match yes_no(cell(Column::EmailLoginEnabled)) {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let email = if email_text.is_empty() {
        errors.push("email is blank; every row needs the member's address".into());
        None
    } else {
        match Email::parse(&email_text) {
            Ok(e) => Some(e),
            Err(e) => {
                errors.push(format!("email {email_text:?} is malformed: {e}"));
                None
            }
        }
    };
    ParsedRow {
        line,
        email_text,
        email,
        name,
        organization,
        status,
        email_login,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn headers_match_by_name_in_any_order() {
        let h = match_header(&[
            t(" Email Login Enabled "),
            t("ＥＭＡＩＬ"),
            t("Department"),
            t("member-id"),
            Cell::Empty,
        ])
        .unwrap();
        assert_eq!(
            h.columns,
            vec![
                Some(Column::EmailLoginEnabled),
                Some(Column::Email),
                None,
                Some(Column::MemberId),
                None
            ]
        );
        assert_eq!(h.warnings.len(), 1, "{:?}", h.warnings);
        assert!(h.warnings[0].contains("Department"));
        assert_eq!(match_header(&[t("name")]), Err(FileError::NoEmailColumn));
        assert_eq!(
            match_header(&[t("email"), t("E-mail")]),
            Err(FileError::DuplicateColumn("email"))
        );
    }

    #[test]
    fn cells_are_normalized() {
        assert_eq!(yes_no(&t(" ｙ ")), Ok(Some(true)));
        assert_eq!(yes_no(&t("No")), Ok(Some(false)));
        assert_eq!(yes_no(&Cell::Bool(true)), Ok(Some(true)));
        assert_eq!(yes_no(&t("")), Ok(None));
        assert!(yes_no(&t("maybe")).unwrap_err().contains("Y or N"));
        assert_eq!(status(&t("On Leave")), Ok(Some(UserStatus::OnLeave)));
        assert!(status(&t("gone")).is_err());
        assert_eq!(
            normalize(Column::Email, &t("\u{FEFF} Ａｌｉｃｅ@Example.COM\u{3000}")),
            Ok(Some("alice@example.com".into()))
        );
        assert_eq!(
            normalize(Column::Organization, &t(" / Acme /  Sales/ ")),
            Ok(Some("/Acme/Sales".into()))
        );
        assert_eq!(
            normalize(Column::Name, &t("  Ada   Lovelace ")),
            Ok(Some("Ada Lovelace".into()))
        );
        assert_eq!(
            normalize(Column::Name, &Cell::Number(42.0)),
            Ok(Some("42".into()))
        );
        assert!(normalize(Column::Name, &Cell::Date(45000.0)).is_err());
    }

    #[test]
    fn rows_list_every_problem() {
        let h = match_header(&[t("email"), t("status"), t("email_login_enabled")]).unwrap();
        let r = parse_row(&h, 2, &[t("not-an-address"), t("retired"), t("perhaps")]);
        assert_eq!(r.email, None);
        assert_eq!(r.errors.len(), 3, "{:?}", r.errors);
        let r = parse_row(&h, 3, &[t("A@B.CO")]);
        assert_eq!(r.email.unwrap().as_str(), "a@b.co");
        assert!(r.errors.is_empty());
        assert_eq!((r.status, r.email_login), (None, None));
    }
}
