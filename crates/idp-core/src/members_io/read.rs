//! Reads an uploaded members file, a workbook (.xlsx, through calamine) or CSV, into
//! rows of cells. Whatever the bytes, the answer is rows or a sentence, never a panic;
//! limits are checked while reading, so a large or inflated file is refused early.

use super::{Cell, FileError, Header, MAX_FILE_BYTES, MAX_ROWS, match_header};
use crate::audit_jobs::ExportFormat;
use calamine::{DataRef, Reader as _, Xlsx};
use std::io::Cursor;

/// Columns read per row; more is not a members sheet.
const MAX_COLUMNS: usize = 64;
/// What a workbook's parts may inflate to, together.
const MAX_INFLATED_BYTES: u64 = 200 * 1024 * 1024;

/// One non-blank data row.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRow {
    /// The row's number as the spreadsheet shows it (the header is row 1).
    pub line: u64,
    pub cells: Vec<Cell>,
}

/// A file read: its header, rows and what the reader had to assume.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub format: ExportFormat,
    pub header_cells: Vec<Cell>,
    pub header: Header,
    pub rows: Vec<RawRow>,
    /// Such as "read as Windows-1252": worth a look in the preview.
    pub notes: Vec<String>,
}

/// Reads `bytes` as a workbook or CSV, by content (the name is not trusted).
pub fn read(bytes: &[u8]) -> Result<Sheet, FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileError::ProtectedOrLegacy);
    }
    read_csv(bytes)
}

fn sheet(format: ExportFormat, grid: Vec<RawRow>, notes: Vec<String>) -> Result<Sheet, FileError> {
    let mut rows = grid.into_iter();
    let first = rows.next().ok_or(FileError::Empty)?;
    let header = match_header(&first.cells)?;
    Ok(Sheet {
        format,
        header_cells: first.cells,
        header,
        rows: rows.collect(),
        notes,
    })
}

/// Adds a row unless it is blank; refuses past the limit (header + [`MAX_ROWS`]).
fn push(grid: &mut Vec<RawRow>, row: RawRow) -> Result<(), FileError> {
    if row.cells.iter().all(Cell::is_blank) {
        return Ok(());
    }
    if grid.len() > MAX_ROWS {
        return Err(FileError::TooManyRows);
    }
    grid.push(row);
    Ok(())
}

/// A damaged workbook can trip an arithmetic check inside calamine (a cell reference of
/// many letters overflows its column number in builds with overflow checks); that is
/// one more way of being damaged, answered as such.
fn read_xlsx(bytes: &[u8]) -> Result<Sheet, FileError> {
    std::panic::catch_unwind(|| read_xlsx_unguarded(bytes))
        .unwrap_or_else(|_| Err(FileError::Corrupt("its sheet is damaged".into())))
}

fn read_xlsx_unguarded(bytes: &[u8]) -> Result<Sheet, FileError> {
    check_inflated_size(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("members"))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| FileError::Corrupt("it has no sheet".into()))?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
    let mut grid = Vec::new();
    let mut current: Option<RawRow> = None;
    while let Some(c) = cells.next_cell_with_formula().map_err(xlsx_error)? {
        let (r, col) = c.pos;
        let line = u64::from(r) + 1;
        if current.as_ref().is_some_and(|row| row.line != line)
            && let Some(done) = current.take()
        {
            push(&mut grid, done)?;
        }
        let row = current.get_or_insert_with(|| RawRow {
            line,
            cells: Vec::new(),
        });
        let col = col as usize;
        if col >= MAX_COLUMNS {
            continue;
        }
        let value = cell_of(c.value, c.formula.as_deref());
        if row.cells.len() <= col {
            row.cells.resize(col + 1, Cell::Empty);
        }
        if let Some(slot) = row.cells.get_mut(col) {
            *slot = value;
        }
    }
    if let Some(done) = current.take() {
        push(&mut grid, done)?;
    }
    sheet(ExportFormat::Xlsx, grid, Vec::new())
}

/// A zip whose parts would inflate past [`MAX_INFLATED_BYTES`] is refused before any
/// part is read.
fn check_inflated_size(bytes: &[u8]) -> Result<(), FileError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Corrupt(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| FileError::Corrupt(e.to_string()))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_INFLATED_BYTES {
        return Err(FileError::Corrupt(
            "it unpacks to more than 200 MB".to_owned(),
        ));
    }
    if archive.by_name("xl/workbook.xml").is_err() {
        return Err(FileError::NotASpreadsheet);
    }
    Ok(())
}

fn xlsx_error(e: calamine::XlsxError) -> FileError {
    match e {
        calamine::XlsxError::Password => FileError::ProtectedOrLegacy,
        other => FileError::Corrupt(other.to_string()),
    }
}

fn cell_of(value: DataRef<'_>, formula: Option<&str>) -> Cell {
    match value {
        DataRef::Empty => match formula {
            Some(f) if !f.is_empty() => Cell::Error(format!(
                "a formula (={f}) whose value was never saved; type the value instead"
            )),
            _ => Cell::Empty,
        },
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_owned()),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(d) => Cell::Date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Date(
            s.chars()
                .filter(char::is_ascii_digit)
                .take(8)
                .collect::<String>()
                .parse()
                .unwrap_or(0.0),
        ),
        DataRef::Error(e) => Cell::Error(format!("the formula error {e}")),
    }
}

/// Text from bytes that may not be UTF-8: UTF-8 (with or without a byte order mark),
/// UTF-16 with its mark (Excel's "Unicode text"), Shift_JIS when it decodes cleanly to
/// Japanese, or else Windows-1252; what was assumed is noted.
fn decode(bytes: &[u8]) -> Result<(String, Option<String>), FileError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        let (text, had_errors) = enc.decode_without_bom_handling(rest);
        if had_errors {
            return Err(FileError::NotASpreadsheet);
        }
        let note =
            (enc != encoding_rs::UTF_8).then(|| format!("The file was read as {}.", enc.name()));
        return Ok((text.into_owned(), note));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), None));
    }
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    let japanese = sjis
        .chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'));
    if !bad && japanese {
        return Ok((
            sjis.into_owned(),
            Some(
                "The file is not UTF-8; it was read as Shift_JIS: check names in the preview."
                    .into(),
            ),
        ));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok((
        text.into_owned(),
        Some(
            "The file is not UTF-8; it was read as Windows-1252: check accented names in the preview."
                .into(),
        ),
    ))
}

/// The delimiter of the header line: comma, semicolon (Excel in many European locales)
/// or tab, whichever it holds most of outside quotes.
fn delimiter(text: &str) -> u8 {
    let line = text.lines().next().unwrap_or_default();
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|i| counts.get(*i).copied().unwrap_or(0))
        .unwrap_or(0);
    match best {
        1 if counts.get(1) > counts.first() => b';',
        2 if counts.get(2) > counts.first() => b'\t',
        _ => b',',
    }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, FileError> {
    let (text, note) = decode(bytes)?;
    // A binary file is not a CSV, whatever it decodes to.
    if text.contains('\0') || text.trim().is_empty() {
        return Err(if text.trim().is_empty() {
            FileError::Empty
        } else {
            FileError::NotASpreadsheet
        });
    }
    let delimiter = delimiter(&text);
    let mut notes: Vec<String> = note.into_iter().collect();
    if delimiter == b';' {
        notes.push("The file is separated by semicolons.".into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 1;
        let cells = match record {
            Ok(r) => r
                .iter()
                .take(MAX_COLUMNS)
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_owned())
                    }
                })
                .collect(),
            Err(e) => vec![Cell::Error(format!("an unreadable CSV line ({e})"))],
        };
        push(&mut grid, RawRow { line, cells })?;
    }
    sheet(ExportFormat::Csv, grid, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::members_io::Column;

    #[test]
    fn excel_csv_with_bom_crlf_and_semicolons() {
        let file = "\u{FEFF}Email;Name;email_login_enabled\r\na@example.com;\"Doe; Jane\";Y\r\n;;\r\nb@example.com;Bo;n\r\n";
        let s = read(file.as_bytes()).unwrap();
        assert_eq!(s.header.position(Column::Email), Some(0));
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].cells[1], Cell::Text("Doe; Jane".into()));
        assert_eq!(s.rows[1].line, 4);
        assert!(s.notes.iter().any(|n| n.contains("semicolons")));
    }

    #[test]
    fn legacy_encodings_are_decoded_and_noted() {
        let mut file = b"email,name\r\nz@example.com,Jos".to_vec();
        file.push(0xE9); // é in Windows-1252
        let s = read(&file).unwrap();
        assert_eq!(s.rows[0].cells[1], Cell::Text("José".into()));
        assert!(s.notes[0].contains("Windows-1252"));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("email,name\r\nk@example.com,山田\r\n");
        let s = read(&sjis).unwrap();
        assert_eq!(s.rows[0].cells[1], Cell::Text("山田".into()));
    }

    #[test]
    fn what_is_not_a_members_file_is_refused_with_a_sentence() {
        assert_eq!(read(b"").unwrap_err(), FileError::Empty);
        assert_eq!(
            read(b"\x00\x01\x02binary").unwrap_err(),
            FileError::NotASpreadsheet
        );
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err(),
            FileError::ProtectedOrLegacy
        );
        assert!(matches!(
            read(b"PK\x03\x04garbage").unwrap_err(),
            FileError::Corrupt(_)
        ));
        assert_eq!(read(b"name\nx\n").unwrap_err(), FileError::NoEmailColumn);
        let mut big = String::from("email\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("m{i}@example.com\n"));
        }
        assert_eq!(read(big.as_bytes()).unwrap_err(), FileError::TooManyRows);
        assert_eq!(
            read(&vec![b'a'; MAX_FILE_BYTES + 1]).unwrap_err(),
            FileError::TooLarge
        );
    }
}
