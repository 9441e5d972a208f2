//! The privacy notice: plain text from configuration, laid out as headings, paragraphs and
//! lists, and escaped like every other page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::render::Page;
use crate::app::App;

/// One block of the notice.
#[derive(Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
}

/// Splits the notice into blocks: blank lines end a block, `## ` starts a heading, `- `
/// a list item; other lines join the paragraph they are in.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush = |out: &mut Vec<Block>, para: &mut Vec<&str>, items: &mut Vec<String>| {
        if !para.is_empty() {
            out.push(Block::Paragraph(para.join(" ")));
            para.clear();
        }
        if !items.is_empty() {
            out.push(Block::List(std::mem::take(items)));
        }
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut out, &mut para, &mut items);
        } else if let Some(h) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
            flush(&mut out, &mut para, &mut items);
            out.push(Block::Heading(h.trim().to_string()));
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            if !para.is_empty() {
                out.push(Block::Paragraph(para.join(" ")));
                para.clear();
            }
            items.push(item.trim().to_string());
        } else if let Some(last) = items.last_mut().filter(|_| para.is_empty()) {
            // A wrapped list item goes on.
            last.push(' ');
            last.push_str(line);
        } else {
            para.push(line);
        }
    }
    flush(&mut out, &mut para, &mut items);
    out
}

#[derive(Template)]
#[template(path = "pages/privacy.html")]
struct Notice<'a> {
    program: &'a str,
    contact_email: &'a str,
    blocks: Vec<Block>,
}

pub async fn notice(app: web::Data<App>) -> HttpResponse {
    let page = Page::new(&app);
    let text = app
        .settings
        .privacy
        .notice
        .replace("{program}", &page.program)
        .replace("{contact}", &page.contact_email);
    page.html(
        StatusCode::OK,
        Notice {
            program: &page.program,
            contact_email: &page.contact_email,
            blocks: blocks(&text),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_lists() {
        let text = "\nIntro line one\nand two.\n\n## Who sees it\n- Coordinators\n- Your\n  mentor\n\nAfter <b>.\n";
        assert_eq!(
            blocks(text),
            vec![
                Block::Paragraph("Intro line one and two.".into()),
                Block::Heading("Who sees it".into()),
                Block::List(vec!["Coordinators".into(), "Your mentor".into()]),
                Block::Paragraph("After <b>.".into()),
            ]
        );
    }
}
