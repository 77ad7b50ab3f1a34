//! The OpenAPI document describes exactly the routes the server answers.

use reqwest::StatusCode;

use crate::spawn_app;

#[tokio::test]
async fn every_documented_route_exists_and_the_document_is_served() {
    let app = spawn_app("sqlite").await.unwrap();
    let (status, doc) = app.get(None, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 46);
    for (path, item) in paths {
        let concrete = path
            .replace("{code}", "H79.50.01-261008-0001")
            .replace("{action}", "receive")
            .replace("{id}", "x")
            .replace("{form}", "receipt")
            .replace("{agency}", "H79.50.01")
            .replace("{reference}", "MC0000421757")
            .replace("{gateway}", "vnpay");
        for method in item.as_object().unwrap().keys() {
            let req = match method.as_str() {
                "get" => app.client.get(format!("{}{concrete}", app.base)),
                "post" => app.client.post(format!("{}{concrete}", app.base)),
                "delete" => app.client.delete(format!("{}{concrete}", app.base)),
                "put" => app.client.put(format!("{}{concrete}", app.base)),
                other => panic!("unexpected method {other}"),
            };
            let (status, body) = app.send(req, None).await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_ne!(
                body["code"], "route_not_found",
                "{method} {path} is documented but not routed"
            );
        }
    }
}
