//! HTTP: the JSON API, the service endpoints and the error mapping around them.

pub mod api;
pub mod auth;
pub mod body;
pub mod client;
pub mod csv;
pub mod fallback;
pub mod feed;
pub mod openapi;
pub mod pages;
pub mod problem;
pub mod query;
pub mod request_id;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::middleware::{self, ErrorHandlers, Logger};
use actix_web::{App as ActixApp, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::app::App;
use body::BodyLimit;
use fallback::RouteTable;

/// The OpenAPI document of every route the service answers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = ActixApp::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .service(api::service::health)
        .service(scope::scope("/api/v1").configure(api::routes))
        .split_for_parts();
    doc
}

/// Builds the HTTP server on an already bound listener (port 0 works: tests use it).
pub fn server(app: App, listener: TcpListener) -> std::io::Result<actix_web::dev::Server> {
    pages::render::Page::new(&app);
    let doc = openapi();
    let mut routes = RouteTable::from_openapi(&doc);
    routes.add("/api/openapi.json", vec!["GET".into()]);
    for (path, methods) in pages::ROUTES.iter().chain(pages::console::ROUTES) {
        routes.add(path, methods.iter().map(|m| m.to_string()).collect());
    }
    let routes = web::Data::new(routes);
    let doc = Arc::new(doc);
    let limit = web::Data::new(BodyLimit(app.settings.server.max_body_bytes));
    let workers = app.settings.server.workers;
    let data = web::Data::new(app);
    let server = HttpServer::new(move || {
        ActixApp::new()
            .app_data(data.clone())
            .app_data(limit.clone())
            .app_data(routes.clone())
            .wrap(ErrorHandlers::new().default_handler(fallback::problem_json))
            .wrap(middleware::from_fn(request_id::tag))
            .wrap(
                Logger::new("%{method}xi %{path}xi %s %Dms id=%{x-request-id}o")
                    .custom_request_replace("method", |req| req.method().to_string())
                    .custom_request_replace("path", |req| request_id::logged_path(req.path())),
            )
            .service(api::service::health)
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", (*doc).clone()))
            .service(web::redirect("/api/docs", "/api/docs/"))
            .configure(pages::routes)
            .service(web::scope("/api/v1").configure(|cfg| {
                let mut wrapped = utoipa_actix_web::service_config::ServiceConfig::new(cfg);
                api::routes(&mut wrapped);
            }))
            .default_service(web::to(fallback::not_matched))
    })
    .listen(listener)?;
    let server = match workers {
        Some(n) => server.workers(n),
        None => server,
    };
    Ok(server.shutdown_timeout(30).run())
}
