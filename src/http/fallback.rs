//! Answers for requests no handler took: 404 for unknown paths, 405 (with `Allow`) for a
//! known path with the wrong method, and problem+json for any error actix itself produced.

use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::problem::ApiError;

/// The routes the service answers, taken from the generated OpenAPI document so it cannot
/// drift from the handlers.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut table = RouteTable::default();
        for (path, item) in &doc.paths.paths {
            let methods: Vec<String> = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ]
            .into_iter()
            .filter(|(_, present)| *present)
            .map(|(m, _)| m.to_string())
            .collect();
            table.add(path, methods);
        }
        table
    }

    pub fn add(&mut self, template: &str, methods: Vec<String>) {
        let segments = template.split('/').map(str::to_string).collect();
        self.routes.push((segments, methods));
    }

    /// The methods a path answers to, if it is a known path at all.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut allowed: Vec<String> = Vec::new();
        for (template, methods) in &self.routes {
            let matches = template.len() == parts.len()
                && template.iter().zip(&parts).all(|(t, p)| {
                    t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty())
                });
            if matches {
                allowed.extend(methods.iter().cloned());
            }
        }
        (!allowed.is_empty()).then(|| {
            allowed.sort();
            allowed.dedup();
            allowed
        })
    }
}

/// The default service: 405 for a known path, else 404 (a page for people, problem+json
/// for the API).
pub async fn not_matched(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
    app: web::Data<crate::app::App>,
) -> HttpResponse {
    let path = req.path();
    // Browsers ask for HTML and get a page; API clients and scripts get problem+json.
    let wants_html = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let for_people = wants_html && !(path.starts_with("/api") || path == "/health");
    match routes.allowed(path) {
        Some(allowed) => ApiError::MethodNotAllowed(allowed).error_response(),
        None if for_people => super::pages::render::Page::new(&app).message(
            actix_web::http::StatusCode::NOT_FOUND,
            "Page not found",
            "We could not find that page. It may have moved.",
            "/",
            "Go to the start",
        ),
        None => ApiError::NotFound(format!("nothing here: {}", req.path())).error_response(),
    }
}

/// Turns the error answers actix makes itself (plain text or empty) into problem+json.
pub fn problem_json<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Our own answers (problem+json, JSON, HTML) stay; actix's plain-text ones are replaced.
    if content_type.starts_with("application/") || content_type.starts_with("text/html") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let response = ApiError::Status(status).error_response();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_body(|_, body| EitherBody::right(body)),
    ))
}

#[cfg(test)]
mod tests {
    use super::RouteTable;

    #[test]
    fn known_paths_answer_their_methods() {
        let mut table = RouteTable::default();
        table.add("/api/v1/mentees", vec!["GET".into(), "POST".into()]);
        table.add("/api/v1/mentees/{id}", vec!["GET".into(), "PATCH".into()]);
        assert_eq!(
            table.allowed("/api/v1/mentees/abc"),
            Some(vec!["GET".into(), "PATCH".into()])
        );
        assert_eq!(table.allowed("/api/v1/mentees/abc/x"), None);
        assert_eq!(table.allowed("/api/v1/mentors"), None);
    }
}
