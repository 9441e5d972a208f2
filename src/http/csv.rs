//! CSV (RFC 4180) both ways: reading an uploaded file, and writing reports for spreadsheets.

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::header;

/// One record of a file and the row a spreadsheet shows it on (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: usize,
    pub fields: Vec<String>,
}

/// Splits a CSV text into records: comma-separated fields, optionally in double quotes (a
/// quote inside is doubled), rows ending in LF, CRLF or CR, a leading byte-order mark ignored.
/// The error names the row where a quoted field never ends.
pub fn read(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records: Vec<Record> = Vec::new();
    // Rows as a spreadsheet numbers them: every line break starts a row (blank lines too,
    // which the reader skips), except those inside a quoted cell.
    let (mut read_up_to, mut breaks_before, mut breaks_in_cells) = (0, 0, 0);
    let mut last_start = 0;
    for record in reader.records() {
        let record = record.map_err(|e| (records.len() + 1, format!("cannot be read: {e}")))?;
        // The reader's position is where it began to look: before the line breaks it skipped.
        let from = record
            .position()
            .map_or(read_up_to, |p| p.byte() as usize)
            .clamp(read_up_to, text.len());
        let start = text[from..]
            .find(|c| c != '\r' && c != '\n')
            .map_or(text.len(), |i| from + i);
        breaks_before += line_breaks(&text[read_up_to..start]);
        read_up_to = start;
        last_start = start;
        records.push(Record {
            row: breaks_before - breaks_in_cells + 1,
            fields: record.iter().map(str::to_string).collect(),
        });
        breaks_in_cells += record.iter().map(line_breaks).sum::<usize>();
    }
    if let Some(last) = records.last()
        && ends_inside_quotes(&text[last_start..])
    {
        return Err((last.row, "a quoted field is never closed with \"".into()));
    }
    Ok(records)
}

/// Line breaks in a text, a CRLF counting once.
fn line_breaks(text: &str) -> usize {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Whether the record that starts this text opens a quoted field it never closes. The
/// reader takes such a field to the end of the file; a spreadsheet user needs to hear of it.
fn ends_inside_quotes(record: &str) -> bool {
    let (mut quoted, mut field_start) = (false, true);
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, _) => {}
            (false, '"') if field_start => {
                quoted = true;
                field_start = false;
            }
            (false, ',') => field_start = true,
            (false, '\n' | '\r') => return false,
            (false, _) => field_start = false,
        }
    }
    quoted
}

/// A CSV text from a header and rows, lines ending in CRLF. Cells are quoted where needed; a
/// text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return, as OWASP lists them) is prefixed with `'`; a number such as `-1.5` stays
/// a number.
pub fn write(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    // Writing to memory fails only when memory runs out.
    let _ = writer.write_record(header.iter().map(|h| guard(h)));
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| guard(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The formula guard: a `'` before a text cell that a spreadsheet would run.
fn guard(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// A number for a cell: up to `decimals` places, without trailing zeros.
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Whether the client asked for CSV: `format=csv` (or `json`) decides; without it, an
/// `Accept` header naming `text/csv`.
pub fn wanted(req: &HttpRequest, format: Option<&str>) -> Result<bool, String> {
    match format.map(str::trim) {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(_) => Err("must be json or csv".into()),
        None => Ok(req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/csv"))),
    }
}

/// A CSV download.
pub fn response(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        read(text)
            .expect("valid CSV")
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn reads_quotes_line_endings_and_a_byte_order_mark() {
        assert_eq!(
            fields("\u{feff}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n,\n"),
            vec![
                vec!["a".to_string(), "b".into()],
                vec!["x, y".into(), "say \"hi\"".into()],
                vec!["".into(), "".into()],
            ]
        );
        assert_eq!(
            fields("a\nb"),
            vec![vec!["a".to_string()], vec!["b".into()]]
        );
        let multi = read("a,b\n\"two\nlines\",c\nd,e\n").expect("valid");
        assert_eq!(multi[2].row, 3, "a record's row counts records, not lines");
        assert_eq!(
            read("a\n\"open,b\n"),
            Err((2, "a quoted field is never closed with \"".into()))
        );
        assert!(read("").expect("empty").is_empty());
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        let records = read("a\n\nb\rc\r\n\"x\ny\",z\nw").expect("valid");
        let rows: Vec<usize> = records
            .iter()
            .filter(|r| r.fields.iter().any(|f| !f.is_empty()))
            .map(|r| r.row)
            .collect();
        assert_eq!(
            rows,
            [1, 3, 4, 5, 6],
            "blank lines count, a break inside quotes does not"
        );
        assert_eq!(
            read("a,b\nc,\"d\n\"\"e\nf"),
            Err((2, "a quoted field is never closed with \"".into()))
        );
    }

    #[test]
    fn writes_what_a_spreadsheet_reads_back() {
        let text = write(
            &["group", "n"],
            [
                vec!["North, East".to_string(), "5".into()],
                vec!["=cmd()".into(), "-1.5".into()],
            ],
        );
        assert_eq!(text, "group,n\r\n\"North, East\",5\r\n'=cmd(),-1.5\r\n");
        assert_eq!(fields(&text)[1], ["North, East", "5"]);
        assert_eq!(number(0.5, 3), "0.5");
    }

    /// OWASP CSV injection: a cell starting with =, +, -, @, a tab or a carriage return is
    /// run by some spreadsheet; each gets a leading `'`. Numbers stay numbers.
    #[test]
    fn every_formula_start_is_neutralised() {
        for start in ['=', '+', '-', '@', '\t', '\r'] {
            let value = format!("{start}HYPERLINK(\"http://x\")");
            let text = write(&["a"], [vec![value.clone()]]);
            let back = &fields(&text)[1][0];
            assert_eq!(back, &format!("'{value}"), "{start:?}: {text:?}");
        }
        let text = write(&["a"], [vec!["-2".to_string()], vec!["+3.5".into()]]);
        assert_eq!(text, "a\r\n-2\r\n+3.5\r\n");
        assert_eq!(number(2.0, 3), "2");
        assert_eq!(number(0.666_666, 3), "0.667");
    }
}
