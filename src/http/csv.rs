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
/// quote inside is doubled), rows ending in LF or CRLF, a leading byte-order mark ignored.
/// The error names the row where a quoted field never ends.
pub fn read(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut started_quoted_at = 0;
    let mut chars = text.chars().peekable();
    let mut at_line_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        at_line_start = false;
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                started_quoted_at = records.len() + 1;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                fields.push(std::mem::take(&mut field));
                records.push(Record {
                    row: records.len() + 1,
                    fields: std::mem::take(&mut fields),
                });
                at_line_start = true;
            }
            other => field.push(other),
        }
    }
    if quoted {
        return Err((
            started_quoted_at,
            "a quoted field is never closed with \"".into(),
        ));
    }
    if !at_line_start {
        fields.push(field);
        records.push(Record {
            row: records.len() + 1,
            fields,
        });
    }
    Ok(records)
}

/// A CSV text from a header and rows. Cells are quoted where needed; a text cell that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return, as
/// OWASP lists them) is prefixed with `'`; a number such as `-1.5` stays a number.
pub fn write(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.map(|c| cell(&c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(&mut out, &mut header.iter().map(|h| h.to_string()));
    for row in rows {
        line(&mut out, &mut row.into_iter());
    }
    out
}

fn cell(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
            format!("'{value}")
        } else {
            value.to_string()
        };
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
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
