//! The files of member import and export, shared by the admin API and the command line:
//! the export as a workbook (constant memory, styled, with drop-downs and a `Read me`
//! sheet) or as CSV for Excel (UTF-8 with a byte order mark), and an import's report as
//! the original file with `Status` and `Messages` columns added.

use idp_core::audit_jobs::ExportFormat;
use idp_core::members_io::export::{self, Pages};
use idp_core::members_io::plan::Report;
use idp_core::members_io::read::Sheet;
use idp_core::members_io::{Cell, Column};
use idp_core::ports::StoreError;
use rust_xlsxwriter::{Color, DataValidation, Format, Workbook, XlsxError};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;

/// What Excel calls a UTF-8 file: one that starts with a byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Rows an Excel sheet holds, the header included.
const XLSX_MAX_ROWS: u32 = 1_048_576;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("more members than an Excel sheet holds; use the CSV export")]
    TooManyRows,
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x1F4E78))
}

/// Widths of the export's columns, in [`Column::ALL`] order.
const WIDTHS: [f64; 10] = [38.0, 32.0, 24.0, 28.0, 11.0, 20.0, 30.0, 20.0, 18.0, 22.0];

/// Writes the export to `path`, a page at a time (blocking: run it off the async
/// threads); returns how many members it wrote.
pub fn write_export(
    format: ExportFormat,
    mut pages: Pages,
    runtime: &tokio::runtime::Handle,
    path: &Path,
) -> Result<u64, FileError> {
    match format {
        ExportFormat::Csv => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            file.write_all(BOM)?;
            let mut header = true;
            let mut n = 0;
            while let Some(page) = runtime.block_on(pages.next())? {
                file.write_all(&export::csv_rows(&page, pages.scope(), header)?)?;
                header = false;
                n += page.len() as u64;
            }
            if header {
                file.write_all(&export::csv_rows(&[], pages.scope(), true)?)?;
            }
            file.flush()?;
            Ok(n)
        }
        ExportFormat::Xlsx => write_xlsx(pages, runtime, path),
    }
}

fn write_xlsx(
    mut pages: Pages,
    runtime: &tokio::runtime::Handle,
    path: &Path,
) -> Result<u64, FileError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name("Members")?;
    let bold = header_format();
    let read_only = header_format().set_background_color(Color::RGB(0x7F7F7F));
    for ((col, c), width) in (0u16..).zip(Column::ALL).zip(WIDTHS) {
        let f = if c.read_only() { &read_only } else { &bold };
        sheet.write_string_with_format(0, col, c.name(), f)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last = XLSX_MAX_ROWS - 1;
    let col_of = |c: Column| Column::ALL.iter().position(|x| *x == c).unwrap_or(0) as u16;
    let yes_no = DataValidation::new()
        .allow_list_strings(&["Y", "N"])?
        .set_error_message("Type Y or N.")?;
    let status = DataValidation::new()
        .allow_list_strings(&["active", "on_leave", "disabled"])?
        .set_error_message("Choose active, on_leave or disabled.")?;
    let c = col_of(Column::EmailLoginEnabled);
    sheet.add_data_validation(1, c, last, c, &yes_no)?;
    let c = col_of(Column::Status);
    sheet.add_data_validation(1, c, last, c, &status)?;
    let mut row: u32 = 1;
    while let Some(page) = runtime.block_on(pages.next())? {
        for m in &page {
            if row >= XLSX_MAX_ROWS {
                return Err(FileError::TooManyRows);
            }
            for (col, value) in (0u16..).zip(export::row(m, pages.scope())) {
                if !value.is_empty() {
                    sheet.write_string(row, col, value)?;
                }
            }
            row += 1;
        }
    }
    let readme = book.add_worksheet();
    readme.set_name("Read me")?;
    readme.set_column_width(0, 24)?;
    readme.set_column_width(1, 90)?;
    readme.write_string_with_format(0, 0, "column", &bold)?;
    readme.write_string_with_format(0, 1, "what it holds", &bold)?;
    for (r, c) in (1u32..).zip(Column::ALL) {
        readme.write_string(r, 0, c.name())?;
        readme.write_string(r, 1, c.allowed())?;
    }
    let notes = [
        "Import the sheet Members back to change names, organizations, status and email login.",
        "Columns marked read-only (grey headers) are ignored on import; so are columns idp does not know.",
        "A blank cell leaves the value as it is. A row whose email is new creates a member.",
        "Nothing changes until you have seen the preview and applied it; no member is ever deleted.",
    ];
    for (r, note) in (Column::ALL.len() as u32 + 2..).zip(notes) {
        readme.write_string(r, 0, note)?;
    }
    book.save(path)?;
    Ok(u64::from(row - 1))
}

/// An import's file with `Status` and `Messages` columns added to each row, in the
/// file's own format. `results` (by row) replaces the preview's status once applied.
pub fn report_file(
    sheet: &Sheet,
    report: &Report,
    results: &HashMap<u64, (&'static str, String)>,
) -> Result<Vec<u8>, FileError> {
    let by_row: HashMap<u64, (&str, String)> = report
        .rows
        .iter()
        .map(|r| match results.get(&r.row) {
            Some((status, message)) => (r.row, (*status, message.clone())),
            None => (r.row, (r.status_text(), r.messages_text())),
        })
        .collect();
    let width = sheet
        .rows
        .iter()
        .map(|r| r.cells.len())
        .chain([sheet.header_cells.len()])
        .max()
        .unwrap_or(0);
    // Columns a previous report added are replaced, not repeated.
    let keep: Vec<usize> = (0..width)
        .filter(|i| {
            !matches!(
                sheet.header_cells.get(*i).map(|c| c.display()).as_deref(),
                Some("Status" | "Messages")
            )
        })
        .collect();
    let pick = |cells: &[Cell]| -> Vec<Cell> {
        keep.iter()
            .map(|i| cells.get(*i).cloned().unwrap_or(Cell::Empty))
            .collect()
    };
    let header: Vec<Cell> = pick(&sheet.header_cells)
        .into_iter()
        .chain([Cell::Text("Status".into()), Cell::Text("Messages".into())])
        .collect();
    let rows = sheet.rows.iter().map(|r| {
        let (status, messages) = by_row.get(&r.line).cloned().unwrap_or(("", String::new()));
        pick(&r.cells)
            .into_iter()
            .chain([Cell::Text(status.into()), Cell::Text(messages)])
            .collect::<Vec<Cell>>()
    });
    match sheet.format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(BOM.to_vec());
            w.write_record(header.iter().map(Cell::display))?;
            for r in rows {
                w.write_record(r.iter().map(Cell::display))?;
            }
            w.into_inner().map_err(|e| FileError::Io(e.into_error()))
        }
        ExportFormat::Xlsx => {
            let mut book = Workbook::new();
            let ws = book.add_worksheet();
            ws.set_name("Members")?;
            let bold = header_format();
            let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
            for (col, c) in (0u16..).zip(&header) {
                ws.write_string_with_format(0, col, c.display(), &bold)?;
            }
            ws.set_freeze_panes(1, 0)?;
            for (row, cells) in (1u32..).zip(rows) {
                for (col, c) in (0u16..).zip(&cells) {
                    match c {
                        Cell::Empty => {}
                        Cell::Number(n) => {
                            ws.write_number(row, col, *n)?;
                        }
                        Cell::Bool(b) => {
                            ws.write_boolean(row, col, *b)?;
                        }
                        Cell::Date(d) => {
                            ws.write_number_with_format(row, col, *d, &date)?;
                        }
                        Cell::Text(t) | Cell::Error(t) => {
                            ws.write_string(row, col, t)?;
                        }
                    }
                }
            }
            Ok(book.save_to_buffer()?)
        }
    }
}
