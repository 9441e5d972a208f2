//! Cursor pagination: every item exactly once, also while others sign up.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;

use crate::common::{Backend, spawn};
use crate::on_both_backends;

on_both_backends!(pages_cover_everything_once, paging_while_others_sign_up);

async fn collect_pages(app: &crate::common::TestApp, base: &str, limit: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{base}?limit={limit}&cursor={c}"),
            None => format!("{base}?limit={limit}"),
        };
        let (status, page) = app.get_json(&path).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= limit);
        ids.extend(
            items
                .iter()
                .map(|m| m["id"].as_str().expect("id").to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    ids
}

async fn pages_cover_everything_once(backend: Backend) {
    let app = spawn(backend).await;
    let mut created = Vec::new();
    for n in 0..23 {
        created.push(app.mentee(n, json!({})).await);
    }
    for limit in [1, 5, 23, 200] {
        assert_eq!(
            collect_pages(&app, "/api/v1/mentees", limit).await,
            created,
            "limit {limit}"
        );
    }
    let (_, page) = app.get_json("/api/v1/mentees").await;
    assert_eq!(
        page["items"].as_array().map(Vec::len),
        Some(23),
        "default limit is 50"
    );
    let (_, page) = app.get_json("/api/v1/mentees?limit=23").await;
    assert!(
        page["next_cursor"].is_null(),
        "an exactly full last page has no next cursor"
    );
}

async fn paging_while_others_sign_up(backend: Backend) {
    let app = Arc::new(spawn(backend).await);
    let mut existing = Vec::new();
    for n in 0..40 {
        existing.push(app.mentee(n, json!({})).await);
    }
    let writer = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 1000..1060 {
                ids.push(app.mentee(n, json!({})).await);
            }
            ids
        })
    };
    let mut seen = Vec::new();
    while !writer.is_finished() || seen.is_empty() {
        seen = collect_pages(&app, "/api/v1/mentees", 3).await;
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "an item was repeated");
        for id in &existing {
            assert!(unique.contains(id), "an item that existed was skipped");
        }
    }
    let added = writer.await.expect("join");
    let all = collect_pages(&app, "/api/v1/mentees", 7).await;
    assert_eq!(all, [existing, added].concat());
}
